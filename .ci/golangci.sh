#!/usr/bin/env bash
# Proves the golangci-lint plugin end to end: builds golangci-lint v2 with
# the isolate plugin compiled in (.ci/golangci, the binary golangci-lint
# custom would build from .custom-gcl.yml, made from the module cache alone)
# and runs it with the project's .golangci.yml over examples/, which must be
# clean, and over testdata/golangci, whose findings must be exactly those of
# testdata/golangci/expected.txt; and checks that a misspelt setting stops it.
#
# The binary lives in the Go build cache, so a second run with the same
# sources rebuilds nothing. Set GOLANGCI_ISOLATE_KEEP=1 to keep
# golangci-lint's own result cache between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n==> %s\n' "$*"; }

step "golangci-lint with the isolate plugin: build"
bin="$(go env GOCACHE)/isolate-ci/golangci-lint"
mkdir -p "$(dirname "$bin")"
start=$SECONDS
# go build skips the link when $bin is already up to date.
if ! (cd .ci/golangci && go build -o "$bin" .); then
	echo "building .ci/golangci failed; when the main go.mod changed, run (cd .ci/golangci && go mod tidy) and commit its go.mod and go.sum"
	exit 1
fi
echo "built in $((SECONDS - start))s: $("$bin" version)"

# A fresh result cache: golangci-lint's cache must not hide a change of the
# rules, which lives outside the packages it hashes.
if [ -z "${GOLANGCI_ISOLATE_KEEP:-}" ]; then
	GOLANGCI_LINT_CACHE=$(mktemp -d)
	export GOLANGCI_LINT_CACHE
	trap 'rm -rf "$GOLANGCI_LINT_CACHE"' EXIT
fi

lint() {
	"$bin" run --config "$root/.golangci.yml" \
		--output.text.path=stdout --output.text.print-issued-lines=false \
		--output.text.colors=false --show-stats=false "$@"
}

step "golangci-lint over examples/ (clean)"
lint ./examples/...

step "golangci-lint over testdata/golangci (exactly the expected findings)"
got=$(mktemp)
set +e
(cd testdata/golangci && lint ./...) >"$got"
status=$?
set -e
# golangci-lint exits 1 when it reports findings, anything else on failure.
if [ "$status" -ne 1 ]; then
	echo "golangci-lint exited $status, want 1 (findings reported):"; cat "$got"; rm -f "$got"; exit 1
fi
if ! diff -u testdata/golangci/expected.txt "$got"; then
	echo "findings differ from testdata/golangci/expected.txt (- expected, + reported)"; rm -f "$got"; exit 1
fi
rm -f "$got"
echo "ok: $(wc -l <testdata/golangci/expected.txt) expected findings, nothing else"

step "golangci-lint stops on a misspelt plugin setting"
bad=$(mktemp --suffix=.yml)
sed 's/^\( *\)sendable:$/\1sendables:/' .golangci.yml >"$bad"
set +e
out=$("$bin" run --config "$bad" ./examples/... 2>&1)
status=$?
set -e
rm -f "$bad"
if [ "$status" -eq 0 ] || ! grep -q 'unknown key "sendables"' <<<"$out"; then
	echo "golangci-lint exited $status, want an error naming the unknown key \"sendables\":"; echo "$out"; exit 1
fi
echo "ok: $(grep -m1 -o 'plugin(isolate).*' <<<"$out")"
