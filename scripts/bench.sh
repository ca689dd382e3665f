#!/usr/bin/env bash
# scripts/bench.sh — `make bench`: the Go micro-benchmarks, then the load
# benchmark against the built binaries in $BIN (make build), on loopback.
# Writes docs/bench/micro.txt, docs/bench/results.json and docs/benchmarks.md.
#
# Knobs: BENCH_COUNT (runs per micro-benchmark, default 3), BENCH_TIME
# (-benchtime, default 1s); arguments are passed to loadbench (e.g.
# -rounds 2 -duration 5s; see `go run ./internal/bench/cmd/loadbench -h`).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
BIN=${BIN:-bin}
OUT=docs/bench
mkdir -p "$OUT"

for b in demo-services bff-mobile bff-web; do
  [ -x "$BIN/$b" ] || { echo "bench: $BIN/$b is missing: run make build first" >&2; exit 1; }
done

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

echo "== load benchmark"
"$GO" run ./internal/bench/cmd/loadbench -bin "$BIN" -micro "$OUT/micro.txt" -out "$OUT" -doc docs/benchmarks.md "$@"
