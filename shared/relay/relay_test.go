package relay

import (
	"errors"
	"fmt"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestNewWindow(t *testing.T) {
	const (
		cursorMsg = "invalid cursor: after is not a cursor from this API"
		firstMsg  = "invalid page size: first must be between 1 and 50"
	)
	tests := []struct {
		name    string
		first   *int
		after   *string
		want    Window
		wantErr error  // nil: no error
		wantMsg string // the error text, shown to clients
	}{
		{name: "defaults", want: Window{Offset: 0, Limit: 20}},
		{name: "first", first: ptr(5), want: Window{Limit: 5}},
		{name: "after cursor", first: ptr(5), after: ptr(Cursor(9)), want: Window{Offset: 10, Limit: 5}},
		{name: "first zero", first: ptr(0), wantErr: ErrInvalidFirst, wantMsg: firstMsg},
		{name: "first negative", first: ptr(-3), wantErr: ErrInvalidFirst, wantMsg: firstMsg},
		{name: "first over max", first: ptr(51), wantErr: ErrInvalidFirst, wantMsg: firstMsg},
		{name: "bad first checked before bad cursor", first: ptr(0), after: ptr("!!"), wantErr: ErrInvalidFirst, wantMsg: firstMsg},
		{name: "garbage cursor", after: ptr("!!"), wantErr: ErrInvalidCursor, wantMsg: cursorMsg},
		{name: "foreign base64", after: ptr("aGVsbG8"), wantErr: ErrInvalidCursor, wantMsg: cursorMsg},
		{name: "negative offset", after: ptr("bzE6LTE"), wantErr: ErrInvalidCursor, wantMsg: cursorMsg},
		{name: "huge cursor", after: ptr("bzE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"), wantErr: ErrInvalidCursor, wantMsg: cursorMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewWindow(tt.first, tt.after, 20, 50)
			if got != tt.want {
				t.Errorf("window = %+v, want %+v", got, tt.want)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			ae, ok := errors.AsType[*ArgumentError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want *ArgumentError", err, err)
			}
			if ae.Message != tt.wantMsg || !errors.Is(ae.Err, tt.wantErr) || err.Error() != tt.wantMsg {
				t.Errorf("ArgumentError = {%q %v}, Error() %q; want {%q %v}", ae.Message, ae.Err, err.Error(), tt.wantMsg, tt.wantErr)
			}
		})
	}
}

func TestArgumentErrorThroughWrapping(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		wantIs  error
		wantNot error
		wantMsg string
	}{
		{
			name:    "cursor",
			err:     &ArgumentError{Message: "invalid cursor: after is not a cursor from this API", Err: ErrInvalidCursor},
			wantIs:  ErrInvalidCursor,
			wantNot: ErrInvalidFirst,
			wantMsg: "invalid cursor: after is not a cursor from this API",
		},
		{
			name:    "first",
			err:     &ArgumentError{Message: "invalid page size: first must be between 1 and 50", Err: ErrInvalidFirst},
			wantIs:  ErrInvalidFirst,
			wantNot: ErrInvalidCursor,
			wantMsg: "invalid page size: first must be between 1 and 50",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wrapped := fmt.Errorf("loading http://orders.internal:3003/orders: %w", tt.err)
			if !errors.Is(wrapped, tt.wantIs) || errors.Is(wrapped, tt.wantNot) {
				t.Errorf("errors.Is(wrapped, %v) = %v, errors.Is(wrapped, %v) = %v; want true, false",
					tt.wantIs, errors.Is(wrapped, tt.wantIs), tt.wantNot, errors.Is(wrapped, tt.wantNot))
			}
			ae, ok := errors.AsType[*ArgumentError](wrapped)
			if !ok || ae.Message != tt.wantMsg {
				t.Errorf("AsType = %v, %v; want the message %q", ae, ok, tt.wantMsg)
			}
			if got := tt.err.Error(); got != tt.wantMsg {
				t.Errorf("Error() = %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		name    string
		v       *int
		want    int
		wantErr bool
	}{
		{"default", nil, 3, false},
		{"low bound", ptr(1), 1, false},
		{"high bound", ptr(10), 10, false},
		{"zero", ptr(0), 0, true},
		{"over", ptr(11), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Count("first", tt.v, 3, 10)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("Count = %d, %v; want %d, err %v", got, err, tt.want, tt.wantErr)
			}
			if err == nil {
				return
			}
			ae, ok := errors.AsType[*ArgumentError](err)
			if !ok || !errors.Is(ae.Err, ErrInvalidFirst) || ae.Message != "invalid page size: first must be between 1 and 10" {
				t.Errorf("err = %v (%T), want *ArgumentError{invalid page size: first must be between 1 and 10, ErrInvalidFirst}", err, err)
			}
			if !errors.Is(err, ErrInvalidFirst) || err.Error() != "invalid page size: first must be between 1 and 10" {
				t.Errorf("err = %q", err)
			}
		})
	}
}

func TestWindowPage(t *testing.T) {
	w := Window{Offset: 10, Limit: 5}
	info, cursors := w.Page(5, 20)
	if !info.HasNextPage || !info.HasPreviousPage {
		t.Errorf("info = %+v, want next and previous", info)
	}
	if *info.StartCursor != Cursor(10) || *info.EndCursor != Cursor(14) || len(cursors) != 5 {
		t.Errorf("cursors = %v, start %q end %q", cursors, *info.StartCursor, *info.EndCursor)
	}
	last, _ := Window{Offset: 15, Limit: 5}.Page(5, 20)
	if last.HasNextPage {
		t.Error("last page has next page")
	}
	empty, none := Window{Limit: 5}.Page(0, 0)
	if empty.StartCursor != nil || empty.EndCursor != nil || empty.HasNextPage || empty.HasPreviousPage || len(none) != 0 {
		t.Errorf("empty page info = %+v", empty)
	}
}
