package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-isolate/isolate/analyzer"
)

func TestParseStandalone(t *testing.T) {
	all := len(analyzer.Analyzers)
	for _, tc := range []struct {
		args     []string
		ok       bool
		patterns []string
		rules    int
		tests    bool
	}{
		{args: []string{"./..."}, ok: true, patterns: []string{"./..."}, rules: all, tests: true},
		{args: []string{"-send=false", "-test=false", "./a", "./b"}, ok: true, patterns: []string{"./a", "./b"}, rules: all - 1},
		{args: []string{"-stale", "-directive=true", "./..."}, ok: true, patterns: []string{"./..."}, rules: 2, tests: true},
		{args: []string{"-c", "2", "-sendable", "net/http.Client", "./x"}, ok: true, patterns: []string{"./x"}, rules: all, tests: true},
		{args: []string{"--c=2", "--", "./x"}, ok: true, patterns: []string{"./x"}, rules: all, tests: true},
		// Not standalone text output: the driver runs alone.
		{args: []string{"-json", "./..."}},
		{args: []string{"-fix", "./..."}},
		{args: []string{"-flags"}},
		{args: []string{"-V=full"}},
		{args: []string{"/tmp/vet.cfg"}},
		{args: []string{"help", "send"}},
		{args: []string{"-nosuchflag", "./..."}},
		{args: []string{"-send=maybe", "./..."}},
		{args: []string{"-send"}},
	} {
		inv, ok := parseStandalone(tc.args, analyzer.Analyzers)
		if ok != tc.ok {
			t.Errorf("%q: standalone %v, want %v", tc.args, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if !slices.Equal(inv.patterns, tc.patterns) || inv.rules != tc.rules || inv.tests != tc.tests {
			t.Errorf("%q: patterns %q, %d rules, tests %v; want %q, %d, %v", tc.args, inv.patterns, inv.rules, inv.tests, tc.patterns, tc.rules, tc.tests)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	for _, tc := range []struct {
		packages, rules, findings int
		failed                    bool
		want                      string
	}{
		{5, 6, 0, false, "isolatevet: 5 packages checked, 6 rules, no findings"},
		{1, 1, 1, false, "isolatevet: 1 package checked, 1 rule, 1 finding"},
		{2, 6, 3, true, "isolatevet: 2 packages checked, 6 rules, 3 findings; some packages could not be checked in full (errors above)"},
	} {
		if got := summaryLine(tc.packages, tc.rules, tc.findings, tc.failed); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestCountFindings counts each finding once, and only in the packages
// named on the command line.
func TestCountFindings(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "orders")
	dep := filepath.Join(dir, "runtime")
	lines := filepath.Join(root, "a.go") + "\t3:1\tstale\tstale code\n" +
		filepath.Join(root, "a.go") + "\t3:1\tstale\tstale code\n" + // the test variant
		filepath.Join(root, "a_test.go") + "\t9:2\tsend\tcannot send\n" +
		filepath.Join(dep, "b.go") + "\t1:1\tsend\tin a dependency\n"
	file := filepath.Join(dir, "findings")
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	roots := rootSet{paths: map[string]bool{"example.com/orders": true}, dirs: map[string]bool{root: true}}
	n, err := countFindings(file, roots)
	if err != nil || n != 2 {
		t.Errorf("countFindings = %d, %v; want 2", n, err)
	}
	n, err = countFindings(filepath.Join(dir, "none"), roots)
	if err != nil || n != 0 {
		t.Errorf("no file: countFindings = %d, %v; want 0, nil", n, err)
	}
}
