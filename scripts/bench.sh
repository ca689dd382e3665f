#!/usr/bin/env bash
# scripts/bench.sh — `make bench`: the Go micro-benchmarks, then
# instructions and allocations per query (cpubench, under valgrind's
# callgrind), then the load benchmark against the built binaries in $BIN
# (make build), on loopback. Writes docs/bench/micro.txt, docs/bench/cpu.json,
# docs/bench/results.json and docs/benchmarks.md.
#
#   scripts/bench.sh [loadbench flags…]       everything
#   scripts/bench.sh cpu [cpubench flags…]    `make bench-cpu`: the per-query
#                                             step alone, its section of
#                                             docs/benchmarks.md and results.json
#                                             updated in place
#   scripts/bench.sh slow [slowbench flags…]  `make bench-slow`: the screens
#                                             with a slow reviews service alone,
#                                             their section updated in place
#
# Knobs: BENCH_COUNT (runs per micro-benchmark, default 3), BENCH_TIME
# (-benchtime, default 1s); loadbench flags such as -rounds 2 -duration 5s
# (`go run ./internal/bench/cmd/loadbench -h`); cpubench flags such as
# -scenarios home,typename -home 20 (`go run ./internal/bench/cmd/cpubench -h`).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
BIN=${BIN:-bin}
OUT=docs/bench
mkdir -p "$OUT"

mode=all
case "${1:-}" in
cpu | slow)
  mode=$1
  shift
  ;;
esac

for b in demo-services bff-mobile bff-web; do
  [ -x "$BIN/$b" ] || { echo "bench: $BIN/$b is missing: run make build first" >&2; exit 1; }
done

# The plain-gqlgen anchor of the per-query step (bff-web/internal/benchanchor).
"$GO" build -o "$BIN/bench-anchor" ./bff-web/internal/benchanchor/cmd/bench-anchor

if [ "$mode" = slow ]; then
  echo "== a slow reviews service"
  "$GO" run ./internal/bench/cmd/slowbench -bin "$BIN" -out "$OUT" -doc docs/benchmarks.md "$@"
  exit 0
fi

if [ "$mode" = cpu ]; then
  echo "== instructions and allocations per query"
  "$GO" run ./internal/bench/cmd/cpubench -bin "$BIN" -out "$OUT" -doc docs/benchmarks.md -command "make bench-cpu" "$@"
  exit 0
fi

echo "== micro-benchmarks"
# -p 1: one package at a time, so two benchmarks never share the 2 cores.
pkgs=(./bff-mobile/internal/graph ./bff-web/internal/graph ./shared/loader)
"$GO" test -p 1 -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-3}" -benchtime "${BENCH_TIME:-1s}" "${pkgs[@]}" \
  | tee "$OUT/micro.txt"
# The document limits walker belongs to shared/doclimit; run it when it is there.
if compgen -G 'shared/doclimit/*_test.go' >/dev/null && grep -qs 'func BenchmarkWalker' shared/doclimit/*_test.go; then
  "$GO" test -p 1 -run '^$' -bench '^BenchmarkWalker$' -benchmem -count "${BENCH_COUNT:-3}" -benchtime "${BENCH_TIME:-1s}" ./shared/doclimit \
    | tee -a "$OUT/micro.txt"
fi

echo "== instructions and allocations per query"
"$GO" run ./internal/bench/cmd/cpubench -bin "$BIN" -out "$OUT" -doc docs/benchmarks.md -command "make bench"

echo "== a slow reviews service"
"$GO" run ./internal/bench/cmd/slowbench -bin "$BIN" -out "$OUT" -doc docs/benchmarks.md

echo "== load benchmark"
"$GO" run ./internal/bench/cmd/loadbench -bin "$BIN" -micro "$OUT/micro.txt" -out "$OUT" -doc docs/benchmarks.md "$@"
