#!/usr/bin/env bash
# stdcheck.sh runs isolatevet over the whole standard library and all of
# golang.org/x/tools, fails if it panics or errors there, and compares its
# wall time (and, with -mem, its peak memory) with go vet's default suite on
# the same packages.
#
# The opt-in goroutine rule runs too (isolatevet -goroutine): its findings
# are listed, and each must be one of the reviewed findings in
# analyzer/stdcheck.goroutine (real races in those trees, with the verdict);
# a new one fails the check until it is reviewed. Lines there are the
# findings as printed, "tree:file:line:col: message", tree being std or
# x-tools and the file relative to the tree's root (both trees are pinned:
# this Go toolchain, and x/tools at $tools_version), each after a comment
# with the verdict.
#
# Usage:
#
#	analyzer/stdcheck.sh           # check, then time: RUNS interleaved runs each (default 5)
#	analyzer/stdcheck.sh -check    # check only, one run with every rule on (for CI)
#	analyzer/stdcheck.sh -mem      # check, then peak memory (max RSS) of one run each, with /usr/bin/time -v
#
# Timings use a warm build cache for both tools (compiled export data of
# every dependency is cached) but never a cached vet result: go vet caches
# what it printed, so a repeated run measures only cache lookups. Each run
# passes a flag value no run used before (-printf.funcs for go vet,
# -sendable for isolatevet), which changes the key of every vet action and
# makes both tools analyse every package again. Standalone isolatevet has
# no cache at all. Reported: the median and the fastest run of each, and
# isolatevet's median over go vet's.
set -euo pipefail

mode=time
case "${1:-}" in
-check) mode=check ;;
-mem) mode=mem ;;
esac
runs=${RUNS:-5}
tools_version=v0.52.0

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building isolatevet"
go build -o "$work/isolatevet" "$root/cmd/isolatevet"
vet=$work/isolatevet

# A writable copy of golang.org/x/tools, its dependencies from the module
# cache (downloaded once).
echo "fetching golang.org/x/tools@$tools_version"
tools_dir=$(go mod download -json "golang.org/x/tools@$tools_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
cp -r "$tools_dir" "$work/tools"
chmod -R u+w "$work/tools"
(cd "$work/tools" && GOFLAGS=-mod=mod go mod download)

# check DIR PATTERN: one run of each mode; fail on a panic, an analysis
# error or a finding (neither tree uses isolates, so any finding is a false
# positive).
check() {
	local dir=$1 pattern=$2 out status
	echo "== isolatevet $pattern (in $dir)"
	for how in standalone vettool; do
		set +e
		if [ $how = standalone ]; then
			out=$(cd "$dir" && GOFLAGS=-mod=mod "$vet" "$pattern" 2>&1)
		else
			out=$(cd "$dir" && GOFLAGS=-mod=mod go vet -vettool="$vet" "$pattern" 2>&1)
		fi
		status=$?
		set -e
		if grep -q -e 'panic:' -e 'internal error' -e 'goroutine [0-9]* \[' <<<"$out"; then
			echo "$how: isolatevet panicked:"; echo "$out" | head -50; exit 1
		fi
		if [ $status -ne 0 ]; then
			echo "$how: exit status $status:"; echo "$out" | head -50; exit 1
		fi
		echo "$how: clean"
	done
}

# checkgoroutine TREE DIR PATTERN: the goroutine rule's findings, each of
# which must be reviewed in analyzer/stdcheck.goroutine.
checkgoroutine() {
	local tree=$1 dir=$2 pattern=$3 out status line rel bad=0
	echo "== isolatevet -goroutine $pattern (in $dir)"
	set +e
	out=$(cd "$dir" && GOFLAGS=-mod=mod "$vet" -goroutine "$pattern" 2>&1)
	status=$?
	set -e
	if grep -q -e 'panic:' -e 'internal error' -e 'goroutine [0-9]* \[' <<<"$out"; then
		echo "isolatevet -goroutine panicked:"; echo "$out" | head -50; exit 1
	fi
	if [ $status -ne 0 ] && [ $status -ne 3 ]; then
		echo "exit status $status:"; echo "$out" | head -50; exit 1
	fi
	# Every rule ran: a finding of a default rule is a false positive.
	local others
	others=$(grep -v -e '^#' -e $'^\t' -e $': \t' -e '^isolatevet: ' <<<"$out" | grep -v -e ': data race on ' -e ': loop variable ' || true)
	if [ -n "$others" ]; then
		echo "findings of the default rules:"; echo "$others" | head -50; exit 1
	fi
	local base=$dir
	[ "$tree" = std ] && base=$(go env GOROOT)/src
	while IFS= read -r line; do
		[ -z "$line" ] && continue
		case "$line" in
		"$base"/*) rel=${line#"$base"/} ;;
		*) rel=$line ;;
		esac
		if grep -v "^#" "$root/analyzer/stdcheck.goroutine" | grep -qxF -- "$tree:$rel"; then
			echo "reviewed: $tree:$rel"
		else
			echo "NOT REVIEWED: $tree:$rel"; bad=1
		fi
	done < <(grep -v -e '^#' -e $'^\t' <<<"$out" | grep -e ': data race on ' -e ': loop variable ' || true)
	if [ $bad -ne 0 ]; then
		echo "new goroutine findings: review each (a real race goes into analyzer/stdcheck.goroutine with its verdict; a false positive is a bug of the rule)"
		exit 1
	fi
}

# mem LABEL DIR CMD...: one run of CMD under /usr/bin/time -v; print its
# wall time and maximum resident set size.
mem() {
	local label=$1 dir=$2 log
	shift 2
	log=$work/mem.log
	(cd "$dir" && GOFLAGS=-mod=mod /usr/bin/time -v "$@" >/dev/null 2>"$log") || true
	awk -v l="$label" -F': ' '/Elapsed \(wall clock\)/ { w = $2 } /Maximum resident set size/ { r = $2 }
		END { printf "%-44s wall %8s  max RSS %7.0f MB\n", l, w, r / 1024 }' "$log"
}

# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# timeit NAME DIR CMD...: run CMD in DIR, append its wall time to $work/NAME.
timeit() {
	local name=$1 dir=$2 start end
	shift 2
	start=$(now)
	(cd "$dir" && GOFLAGS=-mod=mod "$@" >/dev/null 2>&1) || true
	end=$(now)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }' >>"$work/$name"
}

# stats NAME: "median min" of the times recorded under NAME.
stats() {
	sort -g "$work/$1" | awk '{ t[NR] = $1 } END {
		m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		printf "%.1f %.1f\n", m, t[1] }'
}

# bench LABEL DIR PATTERN: interleave the three ways, RUNS times.
bench() {
	local label=$1 dir=$2 pattern=$3 i key
	echo "== timing $label: $runs runs each, interleaved (warming up first)"
	# Warm the build cache: export data and facts of every dependency.
	(cd "$dir" && GOFLAGS=-mod=mod go vet "$pattern" >/dev/null 2>&1) || true
	(cd "$dir" && GOFLAGS=-mod=mod go vet -vettool="$vet" "$pattern" >/dev/null 2>&1) || true
	for i in $(seq "$runs"); do
		key=stdcheck$$x$i
		timeit "$label.govet" "$dir" go vet -printf.funcs="$key" "$pattern"
		timeit "$label.vettool" "$dir" go vet -vettool="$vet" -sendable="example.com/$key.T" "$pattern"
		timeit "$label.standalone" "$dir" "$vet" -sendable="example.com/$key.S" "$pattern"
	done
	read -r gm gmin < <(stats "$label.govet")
	read -r vm vmin < <(stats "$label.vettool")
	read -r sm smin < <(stats "$label.standalone")
	printf '%-34s median %6.1fs  min %6.1fs\n' "go vet $pattern" "$gm" "$gmin"
	printf '%-34s median %6.1fs  min %6.1fs  (%.2fx go vet)\n' "go vet -vettool=isolatevet $pattern" "$vm" "$vmin" "$(awk -v a="$vm" -v b="$gm" 'BEGIN { print a / b }')"
	printf '%-34s median %6.1fs  min %6.1fs  (%.2fx go vet)\n' "isolatevet $pattern" "$sm" "$smin" "$(awk -v a="$sm" -v b="$gm" 'BEGIN { print a / b }')"
}

echo "go: $(go version); $(nproc) CPUs; rules: $("$vet" help | awk '/^Rules/ { on = 1; next } on && /^\t/ { printf "%s ", $1 } on && /^$/ { exit }')"
# In -check mode (CI), one run per tree with every rule on does it all:
# standalone runs go through go vet -vettool (one process per package), so
# a separate go vet -vettool run would repeat the same analysis.
if [ $mode != check ]; then
	check "$root" std
	check "$work/tools" ./...
fi
checkgoroutine std "$root" std
checkgoroutine x-tools "$work/tools" ./...
if [ $mode = check ]; then
	exit 0
fi
if [ $mode = mem ]; then
	# The checks above warmed the build cache (export data, facts); a fresh
	# flag value per run makes every vet action run again, as in bench.
	for tree in std x-tools; do
		if [ $tree = std ]; then dir=$root pattern=std; else dir=$work/tools pattern=./...; fi
		key=stdcheckmem$$$tree
		mem "go vet $pattern" "$dir" go vet -printf.funcs="$key" "$pattern"
		mem "isolatevet $pattern" "$dir" "$vet" -sendable="example.com/$key.A" "$pattern"
		mem "isolatevet -goroutine $pattern" "$dir" "$vet" -goroutine -sendable="example.com/$key.B" "$pattern"
	done
	exit 0
fi
bench std "$root" std
bench x-tools "$work/tools" ./...
