package main

// A standalone run that finds nothing would print nothing, as vet does, and
// leave a newcomer unsure that anything was checked. So a standalone run in
// text mode ends with one line on stderr that says what was checked and
// found:
//
//	isolatevet: 4 packages checked, 6 rules, no findings
//
// Under go vet (the unitchecker protocol), with -json, -fix or -flags, and
// for help, nothing is added: go vet stays silent on success, and -json
// output stays JSON.
//
// The analysis driver ends the process itself, so the line cannot be
// printed after it in the same process. Instead the run happens in a child
// process of this binary, whose rules append each finding they report to a
// file; the parent waits for it, counts the findings (once each, and only
// those in the packages named on the command line), and exits with the
// child's status. The packages are counted by listing the patterns while
// the child runs.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// findingsEnv names, in a child run, the file its rules append findings to.
const findingsEnv = "ISOLATEVET_FINDINGS_FILE"

// withSummary returns at once, to let the driver run as usual, unless this is
// a standalone run in text mode: then it runs the check in a child process,
// prints the summary line and exits with the child's status. In the child,
// it makes the rules record their findings and returns.
func withSummary(analyzers []*analysis.Analyzer) {
	if path := os.Getenv(findingsEnv); path != "" {
		recordFindings(analyzers, path)
		return
	}
	inv, ok := parseStandalone(os.Args[1:], analyzers)
	if !ok {
		return
	}
	self, err := selfPath()
	if err != nil {
		return
	}
	os.Exit(runWithSummary(self, inv, os.Stderr))
}

// selfPath returns the path this binary was started by: under a name of its
// own (a link to a test binary that runs as isolatevet), os.Executable would
// resolve to a program that does something else.
func selfPath() (string, error) {
	if strings.ContainsRune(os.Args[0], filepath.Separator) {
		return os.Args[0], nil
	}
	if p, err := exec.LookPath(os.Args[0]); err == nil {
		return p, nil
	}
	return os.Executable()
}

// invocation is what the summary needs of a standalone command line.
type invocation struct {
	args     []string // the whole command line but the program name
	patterns []string
	tests    bool // -test, on by default
	rules    int  // the rules that run
}

// driverBoolFlags and driverValueFlags are the analysis driver's own flags
// (go/analysis/multichecker), and -sendable.
var (
	driverBoolFlags  = map[string]bool{"json": true, "fix": true, "diff": true, "test": true, "flags": true, "v": true}
	driverValueFlags = map[string]bool{"c": true, "debug": true, "cpuprofile": true, "memprofile": true, "trace": true, "sendable": true, "V": true}
)

// parseStandalone reports whether args are a standalone run in text mode
// and, if so, what it runs on. Anything it does not understand is left to
// the driver, without a summary.
func parseStandalone(args []string, analyzers []*analysis.Analyzer) (invocation, bool) {
	inv := invocation{args: args, tests: true}
	rules := map[string]*analysis.Analyzer{}
	for _, a := range analyzers {
		rules[a.Name] = a
	}
	enabled := map[string]bool{}
	anyOn := false
	i := 0
	for ; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			i++
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch {
		case name == "json" || name == "fix" || name == "diff" || name == "flags" || name == "V":
			return inv, false // output that is not text, or the go vet protocol
		case name == "test":
			on := true
			if hasValue {
				var err error
				if on, err = strconv.ParseBool(value); err != nil {
					return inv, false
				}
			}
			inv.tests = on
		case driverBoolFlags[name]:
		case driverValueFlags[name]:
			if !hasValue {
				i++ // -c 3
			}
		case rules[name] != nil:
			on := true
			if hasValue {
				var err error
				if on, err = strconv.ParseBool(value); err != nil {
					return inv, false
				}
			}
			enabled[name] = on
			anyOn = anyOn || on
		default:
			rule, flagName, ok := strings.Cut(name, ".")
			a := rules[rule]
			if !ok || a == nil {
				return inv, false // unknown: the driver says so
			}
			f := a.Flags.Lookup(flagName)
			if f == nil {
				return inv, false
			}
			if b, isBool := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && !(isBool && b.IsBoolFlag()) {
				i++
			}
		}
	}
	if i >= len(args) {
		return inv, false // no packages: the driver prints its usage
	}
	inv.patterns = args[i:]
	if inv.patterns[0] == "help" || len(inv.patterns) == 1 && strings.HasSuffix(inv.patterns[0], ".cfg") {
		return inv, false
	}
	for _, a := range analyzers {
		if on, set := enabled[a.Name]; anyOn && on || !anyOn && (!set || on) {
			inv.rules++
		}
	}
	return inv, true
}

// runWithSummary runs self with inv's arguments as a child, then writes the
// summary line to w, and returns the child's exit status.
func runWithSummary(self string, inv invocation, w io.Writer) int {
	dir, err := os.MkdirTemp("", "isolatevet-")
	if err != nil {
		return runPlain(self, inv)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "findings")

	var (
		roots   rootSet
		rootErr error
		wg      sync.WaitGroup
	)
	wg.Go(func() { roots, rootErr = listRoots(inv) })

	cmd := exec.Command(self, inv.args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), findingsEnv+"="+file)
	code := exitStatus(cmd.Run())
	wg.Wait()
	if code != 0 && code != 1 && code != 3 || rootErr != nil {
		return code // a usage error, a crash, or patterns that do not list
	}
	findings, err := countFindings(file, roots)
	if err != nil {
		return code
	}
	fmt.Fprintln(w, summaryLine(len(roots.paths), inv.rules, findings, code == 1))
	return code
}

// runPlain runs the child without a summary.
func runPlain(self string, inv invocation) int {
	cmd := exec.Command(self, inv.args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return exitStatus(cmd.Run())
}

func exitStatus(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	}
	fmt.Fprintln(os.Stderr, "isolatevet:", err)
	return 1
}

// summaryLine renders "isolatevet: 4 packages checked, 6 rules, no findings".
func summaryLine(packages, rules, findings int, failed bool) string {
	s := fmt.Sprintf("isolatevet: %s checked, %s, ", plural(packages, "package"), plural(rules, "rule"))
	if findings == 0 {
		s += "no findings"
	} else {
		s += plural(findings, "finding")
	}
	if failed {
		s += "; some packages could not be checked in full (errors above)"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// rootSet holds the packages named on the command line.
type rootSet struct {
	paths map[string]bool // import paths, test packages folded into theirs
	dirs  map[string]bool // their directories
}

// listRoots lists the packages inv's patterns match, as the driver loads
// them.
func listRoots(inv invocation) (rootSet, error) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles, Tests: inv.tests}, inv.patterns...)
	if err != nil {
		return rootSet{}, err
	}
	roots := rootSet{paths: map[string]bool{}, dirs: map[string]bool{}}
	for _, p := range pkgs {
		if strings.HasSuffix(p.PkgPath, ".test") && p.Name == "main" {
			continue // the generated test main
		}
		roots.paths[strings.TrimSuffix(p.PkgPath, "_test")] = true
		for _, f := range p.GoFiles {
			roots.dirs[filepath.Dir(f)] = true
		}
	}
	return roots, nil
}

// countFindings counts the distinct findings recorded in file that sit in
// the root packages: a rule also runs over dependencies, and over a package
// and its test variant, but the driver prints each root finding once.
func countFindings(file string, roots rootSet) (int, error) {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil // nothing was reported
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, _, _ := strings.Cut(line, "\t")
		if roots.dirs[filepath.Dir(name)] {
			seen[line] = true
		}
	}
	return len(seen), sc.Err()
}

// recordFindings makes each rule append the findings it reports to the
// file at path, one line each: "file\tline:col\trule\tmessage".
func recordFindings(analyzers []*analysis.Analyzer, path string) {
	var mu sync.Mutex
	for _, a := range analyzers {
		run, name := a.Run, a.Name
		a.Run = func(pass *analysis.Pass) (any, error) {
			report := pass.Report
			pass.Report = func(d analysis.Diagnostic) {
				p := pass.Fset.Position(d.Pos)
				line := fmt.Sprintf("%s\t%d:%d\t%s\t%s\n", p.Filename, p.Line, p.Column, name, strings.ReplaceAll(d.Message, "\n", " "))
				mu.Lock()
				if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err == nil {
					f.WriteString(line)
					f.Close()
				}
				mu.Unlock()
				report(d)
			}
			return run(pass)
		}
	}
}
