#!/usr/bin/env bash
# vendor.sh — (re)vendor the offline GraphiQL playground assets.
#
# Fetches the pinned npm packages below with `npm pack` into a temporary
# directory, verifies each tarball against its pinned sha512 integrity, and
# copies only the files the playground needs into
# shared/gqlserver/playground/assets/, together with the packages' licenses,
# a manifest.json read by the Go package and a VERSIONS.md.
#
# The output depends only on the pinned tarballs, so running it twice gives
# byte-identical files.
#
# Usage:
#   scripts/playground/vendor.sh           # rewrite the assets directory
#   scripts/playground/vendor.sh --check   # re-vendor into a temp dir and
#                                          # fail if the committed assets differ
#
# To upgrade: change a version below, set its integrity to the value printed
# by `npm view NAME@VERSION dist.integrity`, run this script, then
# `cd shared && go test ./gqlserver/playground/...` and the e2e check
# (see scripts/playground/README.md).
set -euo pipefail

# name version integrity (sha512 of the npm tarball, as in package-lock.json)
PINS=(
	"graphiql 3.8.3 sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw=="
	"react 18.3.1 sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=="
	"react-dom 18.3.1 sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=="
)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="$repo/shared/gqlserver/playground/assets"

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

for tool in npm tar sed openssl base64 sha256sum; do
	command -v "$tool" >/dev/null || {
		echo "vendor.sh: $tool is required" >&2
		exit 1
	}
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"

version_of() { # name -> pinned version
	local p
	for p in "${PINS[@]}"; do
		set -- $p
		if [ "$1" = "$NAME" ]; then
			echo "$2"
			return
		fi
	done
	return 1
}

fetch() { # name version integrity -> extracts to $work/pkg/name
	local name="$1" version="$2" integrity="$3" tgz got
	tgz="$(cd "$work" && npm pack --silent "$name@$version" 2>"$work/npm.log" | tail -n1)"
	[ -n "$tgz" ] && [ -f "$work/$tgz" ] || {
		cat "$work/npm.log" >&2
		echo "vendor.sh: npm pack $name@$version failed" >&2
		exit 1
	}
	got="sha512-$(openssl dgst -sha512 -binary "$work/$tgz" | base64 -w0)"
	if [ "$got" != "$integrity" ]; then
		echo "vendor.sh: integrity mismatch for $name@$version" >&2
		echo "  want $integrity" >&2
		echo "  got  $got" >&2
		exit 1
	fi
	mkdir -p "$work/pkg/$name"
	tar -xzf "$work/$tgz" -C "$work/pkg/$name" --strip-components=1
}

# strip_map SRC DST: copy a bundle without its trailing sourceMappingURL
# comment (the .map files are not vendored, so the reference would only
# produce 404s when devtools are open).
strip_map() {
	sed -e '/^\/\/# sourceMappingURL=/d' -e '/^\/\*# sourceMappingURL=.*\*\/$/d' "$1" >"$2"
}

# patch_nonce FILE: GraphiQL's bundle injects a <style> element at run time
# (react-remove-scroll-bar, when a dialog opens) and asks get-nonce for a CSP
# nonce, which falls back to webpack's __webpack_require__.nc, hard-coded to
# undefined in the bundle. Make that a getter reading
# <meta name="csp-nonce" content="..."> from the page, so the Go handler can
# keep style-src 'self' 'nonce-...' without 'unsafe-inline'.
patch_nonce() {
	local f="$1" from='__webpack_require__.nc = undefined;' n
	n="$(grep -cF "$from" "$f" || true)"
	if [ "$n" != 1 ]; then
		echo "vendor.sh: expected exactly one '$from' in $f, found $n; update patch_nonce" >&2
		exit 1
	fi
	sed -i 's|__webpack_require__\.nc = undefined;|Object.defineProperty(__webpack_require__, "nc", { configurable: true, get: function () { var m = typeof document !== "undefined" \&\& document.querySelector('"'"'meta[name="csp-nonce"]'"'"'); return (m \&\& m.getAttribute("content")) \|\| undefined; } }); /* patched by scripts/playground/vendor.sh: CSP nonce from <meta name="csp-nonce"> */|' "$f"
	grep -qF 'patched by scripts/playground/vendor.sh' "$f" || {
		echo "vendor.sh: nonce patch failed on $f" >&2
		exit 1
	}
}

for p in "${PINS[@]}"; do
	# shellcheck disable=SC2086
	fetch $p
done

NAME=graphiql
gv="$(version_of)"
NAME=react
rv="$(version_of)"
NAME=react-dom
rdv="$(version_of)"

strip_map "$work/pkg/graphiql/graphiql.min.js" "$out/graphiql-$gv.min.js"
patch_nonce "$out/graphiql-$gv.min.js"
strip_map "$work/pkg/graphiql/graphiql.min.css" "$out/graphiql-$gv.min.css"
strip_map "$work/pkg/react/umd/react.production.min.js" "$out/react-$rv.production.min.js"
strip_map "$work/pkg/react-dom/umd/react-dom.production.min.js" "$out/react-dom-$rdv.production.min.js"
cp "$work/pkg/graphiql/LICENSE" "$out/LICENSE.graphiql.txt"
cp "$work/pkg/react/LICENSE" "$out/LICENSE.react.txt"
cp "$work/pkg/react-dom/LICENSE" "$out/LICENSE.react-dom.txt"

# manifest.json: read by the Go package (shared/gqlserver/playground) to know
# which files to put in the page, in load order.
cat >"$out/manifest.json" <<EOF
{
  "scripts": [
    "react-$rv.production.min.js",
    "react-dom-$rdv.production.min.js",
    "graphiql-$gv.min.js"
  ],
  "styles": [
    "graphiql-$gv.min.css"
  ]
}
EOF

{
	echo "# Vendored GraphiQL playground assets"
	echo
	echo "Generated by \`scripts/playground/vendor.sh\` — do not edit by hand."
	echo "Source: the npm registry, fetched with \`npm pack\` and checked against the"
	echo "pinned tarball integrity below."
	echo
	echo "| package | version | license | tarball integrity |"
	echo "| --- | --- | --- | --- |"
	for p in "${PINS[@]}"; do
		set -- $p
		lic="$(sed -n 's/^ *"license": *"\([^"]*\)".*/\1/p' "$work/pkg/$1/package.json" | head -n1)"
		echo "| $1 | $2 | $lic | \`$3\` |"
	done
	echo
	echo "Files taken from the packages:"
	echo
	echo "| file | from | sha256 |"
	echo "| --- | --- | --- |"
	row() { echo "| $1 | $2 | \`$(sha256sum "$out/$1" | cut -d' ' -f1)\` |"; }
	row "graphiql-$gv.min.js" "graphiql@$gv graphiql.min.js (sourceMappingURL comment removed; CSP nonce patch, see notes)"
	row "graphiql-$gv.min.css" "graphiql@$gv graphiql.min.css (sourceMappingURL comment removed)"
	row "react-$rv.production.min.js" "react@$rv umd/react.production.min.js"
	row "react-dom-$rdv.production.min.js" "react-dom@$rdv umd/react-dom.production.min.js"
	row "LICENSE.graphiql.txt" "graphiql@$gv LICENSE"
	row "LICENSE.react.txt" "react@$rv LICENSE"
	row "LICENSE.react-dom.txt" "react-dom@$rdv LICENSE"
	echo
	echo "Notes:"
	echo
	echo "- \`graphiql.min.js\` is GraphiQL's self-contained CDN bundle (webpack, not"
	echo "  actually minified in 3.x). It bundles @graphiql/react, @graphiql/toolkit,"
	echo "  graphql-js, CodeMirror 5, markdown-it, Radix UI, framer-motion and more,"
	echo "  see the license note below. It expects \`window.React\`"
	echo "  and \`window.ReactDOM\` (the React UMD builds above)."
	echo "- GraphiQL 3 uses CodeMirror 5: no web workers. Its fonts are inlined in"
	echo "  \`graphiql.min.css\` as \`data:\` URLs. Nothing is loaded from a CDN at"
	echo "  run time; the Go tests check the bundles for CDN host names."
	echo "- CSP nonce patch: the bundle creates one \`<style>\` element at run time"
	echo "  (react-remove-scroll-bar, while a dialog is open) and sets its nonce from"
	echo "  get-nonce, which falls back to webpack's \`__webpack_require__.nc\`. The"
	echo "  bundle hard-codes that to \`undefined\`; vendor.sh turns it into a getter"
	echo "  reading \`<meta name=\"csp-nonce\" content=\"...\">\`, which the Go page sets to"
	echo "  the per-response style nonce. This is the only change to the code."
	echo "- Bundled third-party licenses: mostly MIT; tslib is 0BSD and entities is"
	echo "  BSD-2-Clause. Their banners are kept in the bundle where upstream has them."
	echo "- \`react-dom\`'s UMD build includes the \`scheduler\` package; \`loose-envify\`"
	echo "  is a build-time dependency only."
} >"$out/VERSIONS.md"

if [ "$check" = 1 ]; then
	if diff -r "$out" "$dest" >"$work/diff" 2>&1; then
		echo "vendor.sh: $dest is up to date"
		exit 0
	fi
	cat "$work/diff" | head -n 50 >&2
	echo "vendor.sh: $dest differs from the pinned packages; run $0" >&2
	exit 1
fi

rm -rf "$dest"
mkdir -p "$dest"
cp "$out"/* "$dest"/
echo "vendor.sh: wrote $(find "$dest" -type f | wc -l) files to $dest ($(du -sh "$dest" | cut -f1))"
