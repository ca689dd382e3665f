#!/usr/bin/env bash
# Offline check of the GraphiQL playground of the real binaries.
#
# Starts ./bin/demo-services (demo issuer :3000, services :3001-:3006),
# ./bin/bff-mobile (:8081) and ./bin/bff-web (:8082), waits until both BFFs
# are ready, then runs e2e.mjs against each BFF's /playground: it signs in
# with the playground's demo login helper and runs a real query that needs
# the token (every request not to the page's own origin is blocked and fails
# the check), and stops the binaries again, also on failure or Ctrl-C. Exits
# non-zero if anything fails.
#
# Prerequisites: `make build` (binaries in ./bin), Debian's chromium and
# `npm ci` in scripts/playground (see README.md).
#
# Usage: scripts/playground/check-bffs.sh [--screenshots DIR]
#   --screenshots DIR   save DIR/playground-web.png and DIR/playground-mobile.png
#                       (plus *-dialog.png with the settings dialog open and
#                       *-login.png while signed in)
# Environment: CHROMIUM (browser binary, default /usr/bin/chromium),
#              E2E_TIMEOUT (per-step timeout in ms, default 30000),
#              LOGIN_WEB, LOGIN_MOBILE (the demo users signed in with,
#              default usr_0196 (admin) and usr_0001 (Ada); "" skips sign-in).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/bin"

shots=""
while (($#)); do
  case "$1" in
    --screenshots)
      [[ $# -ge 2 ]] || { echo "check-bffs: --screenshots needs a directory" >&2; exit 2; }
      shots="$2"
      shift 2
      ;;
    -h | --help)
      sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "check-bffs: unexpected argument $1 (usage: check-bffs.sh [--screenshots DIR])" >&2
      exit 2
      ;;
  esac
done

say() { echo "check-bffs: $*"; }
die() {
  echo "check-bffs: FAIL: $*" >&2
  exit 1
}

# Prerequisites.
for b in demo-services bff-mobile bff-web wait-ready; do
  [[ -x "$bin/$b" ]] || die "$bin/$b is missing: run 'make build' first"
done
[[ -d "$here/node_modules/playwright-core" ]] ||
  die "playwright-core is not installed: run '(cd scripts/playground && npm ci)'"
chromium="${CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium" ]] || die "no browser at $chromium: run 'apt-get install -y chromium' or set CHROMIUM"
if [[ -n "$shots" ]]; then
  mkdir -p "$shots"
  shots="$(cd "$shots" && pwd)"
fi

# The ports must be free: a server left running would otherwise be tested
# instead of the binaries started here.
for port in 3000 3001 3002 3003 3004 3005 3006 8081 8082; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use (stop whatever listens there, e.g. 'make run')"
  fi
done

logs="$(mktemp -d "${TMPDIR:-/tmp}/check-bffs.XXXXXX")"
pids=()
status=1

cleanup() {
  local pid
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    # Give each binary 10 s to shut down gracefully, then kill it.
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((status != 0)); then
    local f
    for f in "$logs"/*.log; do
      [[ -s "$f" ]] || continue
      echo "---- last lines of $(basename "$f") ----" >&2
      tail -n 20 "$f" >&2
    done
  fi
  rm -rf "$logs"
}
trap 'cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # name: start ./bin/name in the background, log to $logs/name.log
  "$bin/$1" >"$logs/$1.log" 2>&1 &
  pids+=("$!")
  say "started $1 (pid $!)"
}

cd "$root"
start demo-services
"$bin/wait-ready" -timeout 30s http://127.0.0.1:3000/healthz http://127.0.0.1:3001/healthz http://127.0.0.1:3006/healthz ||
  die "demo services did not become healthy"
start bff-mobile
start bff-web
"$bin/wait-ready" -timeout 30s http://127.0.0.1:8081/readyz http://127.0.0.1:8082/readyz ||
  die "the BFFs did not become ready"
for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || die "a binary exited right after starting (pid $pid)"
done
say "all binaries ready"

failures=0
run_e2e() { # name port login-subject query expected-text
  local name="$1" port="$2" login="$3" query="$4" want="$5"
  local args=(
    "http://127.0.0.1:$port/playground"
    --wait-schema
    --query "$query"
    --expect-contains "$want"
    --chromium "$chromium"
    --timeout "${E2E_TIMEOUT:-30000}"
  )
  [[ -z "$login" ]] || args+=(--login "$login")
  [[ -z "$shots" ]] || args+=(--screenshot "$shots/playground-$name.png")
  say "== bff-$name playground (:$port)"
  if node "$here/e2e.mjs" "${args[@]}"; then
    say "bff-$name: PASS"
  else
    say "bff-$name: FAIL" >&2
    failures=$((failures + 1))
  fi
}

run_e2e web 8082 "${LOGIN_WEB-usr_0196}" \
  '{ orders(first: 2) { totalCount edges { node { id customer { name } } } } }' '"totalCount": 2000'
run_e2e mobile 8081 "${LOGIN_MOBILE-usr_0001}" '{ me { firstName } }' '"firstName": "Ada"'

((failures == 0)) || die "$failures playground check(s) failed"
status=0
say "PASS (both playgrounds work offline)"
