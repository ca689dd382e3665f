package relay

import (
	"errors"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestNewWindow(t *testing.T) {
	tests := []struct {
		name    string
		first   *int
		after   *string
		want    Window
		wantErr error
	}{
		{name: "defaults", want: Window{Offset: 0, Limit: 20}},
		{name: "first", first: ptr(5), want: Window{Limit: 5}},
		{name: "after cursor", first: ptr(5), after: ptr(Cursor(9)), want: Window{Offset: 10, Limit: 5}},
		{name: "first zero", first: ptr(0), wantErr: ErrInvalidFirst},
		{name: "first negative", first: ptr(-3), wantErr: ErrInvalidFirst},
		{name: "first over max", first: ptr(51), wantErr: ErrInvalidFirst},
		{name: "garbage cursor", after: ptr("!!"), wantErr: ErrInvalidCursor},
		{name: "foreign base64", after: ptr("aGVsbG8"), wantErr: ErrInvalidCursor},
		{name: "negative offset", after: ptr("bzE6LTE"), wantErr: ErrInvalidCursor},
		{name: "huge cursor", after: ptr("bzE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"), wantErr: ErrInvalidCursor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewWindow(tt.first, tt.after, 20, 50)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("window = %+v, want %+v", got, tt.want)
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
			if err != nil && (!errors.Is(err, ErrInvalidFirst) || err.Error() != "invalid page size: first must be between 1 and 10") {
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
