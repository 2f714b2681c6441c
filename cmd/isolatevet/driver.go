package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/go-isolate/isolate/analyzer"
)

// drive runs the analysis: under go vet (a *.cfg argument, -flags, -V) and
// for help RULE, as multichecker does; standalone, by delegating to go vet
// with this binary as its -vettool, so that each package is analysed in a
// process of its own, with go vet's cache, and memory stays bounded by the
// largest package instead of growing with the whole program. Standalone
// runs that need the in-process driver (-fix, -diff, -test, -debug and the
// profiling flags) keep it.
//
// -goroutine (or -goroutine=true), and likewise for every rule of
// analyzer.OptIn, adds that rule to the suite rather than selecting it
// alone, as -RULE does for the default rules.
func drive() {
	args := os.Args[1:]
	optIn, args, selects := takeOptIn(args)
	if len(args) >= 2 && args[0] == "help" {
		for _, a := range analyzer.OptIn {
			if slices.Contains(args[1:], a.Name) && !slices.Contains(optIn, a.Name) {
				optIn = append(optIn, a.Name)
			}
		}
	}
	suite, err := analyzer.Suite(optIn...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, a := range analyzer.OptIn {
		if !slices.Contains(optIn, a.Name) {
			// Listed by -flags, so that go vet forwards it.
			title, _, _ := strings.Cut(a.Doc, "\n")
			flag.Bool(a.Name, false, "enable the opt-in rule "+a.Name+": "+title)
		}
	}
	if selects {
		// Other rules are selected by name: the opt-in ones join them.
		for _, name := range optIn {
			args = append([]string{"-" + name + "=true"}, args...)
		}
	}
	os.Args = append(os.Args[:1], args...)
	if code, ok := delegate(suite, optIn, args); ok {
		os.Exit(code)
	}
	multichecker.Main(suite...)
}

// takeOptIn removes the flags that enable opt-in rules from args (the
// flags before the first package pattern), returning the rules enabled and
// whether another rule is selected by a -RULE or -RULE=true flag.
func takeOptIn(args []string) (optIn, rest []string, selects bool) {
	rest = make([]string, 0, len(args))
	isRule := func(name string) bool {
		return slices.ContainsFunc(analyzer.Analyzers, func(a *analysis.Analyzer) bool { return a.Name == name })
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" || !strings.HasPrefix(arg, "-") {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		on := !hasValue
		if hasValue {
			on, _ = strconv.ParseBool(value)
		}
		if slices.ContainsFunc(analyzer.OptIn, func(a *analysis.Analyzer) bool { return a.Name == name }) {
			if on && !slices.Contains(optIn, name) {
				optIn = append(optIn, name)
			}
			continue
		}
		if isRule(name) && on {
			selects = true
		}
		rest = append(rest, arg)
		if !hasValue && takesValue(name) && i+1 < len(args) {
			i++
			rest = append(rest, args[i])
		}
	}
	return optIn, rest, selects
}

// takesValue reports whether the flag name takes a value (as opposed to a
// boolean), so that "-name value" spans two arguments.
func takesValue(name string) bool {
	switch name {
	case "sendable", "c", "debug", "cpuprofile", "memprofile", "trace":
		return true
	}
	rule, f, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	for _, a := range slices.Concat(analyzer.Analyzers, analyzer.OptIn) {
		if a.Name == rule {
			if fl := a.Flags.Lookup(f); fl != nil {
				b, isBool := fl.Value.(interface{ IsBoolFlag() bool })
				return !isBool || !b.IsBoolFlag()
			}
		}
	}
	return false
}

// delegate runs a standalone command line through go vet, when it can:
// ok is false for the go vet protocol, help, and flags that only the
// in-process driver has.
func delegate(suite []*analysis.Analyzer, optIn, args []string) (code int, ok bool) {
	fs := flag.NewFlagSet("isolatevet", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, a := range suite {
		fs.Bool(a.Name, false, "")
		a.Flags.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, a.Name+"."+f.Name, "") })
	}
	fs.Var(analyzer.SendableFlag(), "sendable", "")
	jsonOut := fs.Bool("json", false, "")
	context := fs.Int("c", -1, "")
	inProcess := map[string]bool{"fix": true, "diff": true, "test": true, "debug": true, "cpuprofile": true, "memprofile": true, "trace": true, "flags": true, "V": true}
	for name := range inProcess {
		fs.String(name, "", "")
	}
	// Booleans among them must parse without a value.
	for _, name := range []string{"fix", "diff", "test", "flags"} {
		fs.Lookup(name).Value = &boolValue{}
	}
	if err := fs.Parse(args); err != nil {
		return 0, false // the in-process driver reports it
	}
	patterns := fs.Args()
	if len(patterns) == 0 || patterns[0] == "help" || strings.HasSuffix(patterns[0], ".cfg") {
		return 0, false
	}
	var forward []string
	needsInProcess := false
	fs.Visit(func(f *flag.Flag) {
		switch {
		case inProcess[f.Name]:
			needsInProcess = true
		case f.Name == "json" || f.Name == "c":
		default:
			forward = append(forward, "-"+f.Name+"="+f.Value.String())
		}
	})
	if needsInProcess {
		return 0, false
	}
	for _, name := range optIn {
		forward = append(forward, "-"+name)
	}
	self, err := exec.LookPath(os.Args[0])
	if err == nil {
		self, err = filepath.Abs(self)
	}
	if err != nil {
		return 0, false
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("go", slices.Concat([]string{"vet", "-vettool=" + self}, forward, []string{"-json"}, patterns)...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		// A package that does not load or type-check: go vet stops at its
		// first error, while the in-process driver prints them all and
		// runs the rules over what could be typed. Failures are rare and
		// small; let it say everything.
		return 0, false
	}
	os.Stderr.Write(stderr.Bytes())
	tree, err := readTrees(&stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: reading go vet's output: %v\n", filepath.Base(os.Args[0]), err)
		return 1, true
	}
	if *jsonOut {
		data, err := json.MarshalIndent(tree, "", "\t")
		if err != nil {
			return 1, true
		}
		os.Stdout.Write(append(data, '\n'))
		return 0, true
	}
	diags, errs := tree.flatten()
	for _, e := range errs {
		fmt.Fprintln(os.Stderr, e)
	}
	for _, d := range diags {
		printPlain(os.Stderr, d, *context)
	}
	switch {
	case len(errs) > 0:
		return 1, true
	case len(diags) > 0:
		return 3, true
	}
	return 0, true
}

type boolValue struct{ set bool }

func (b *boolValue) String() string     { return strconv.FormatBool(b.set) }
func (b *boolValue) Set(s string) error { v, err := strconv.ParseBool(s); b.set = v; return err }
func (b *boolValue) IsBoolFlag() bool   { return true }

// trees is go vet's JSON output merged: package ID → rule → diagnostics,
// or {"error": ...} when the rule failed on the package.
type trees map[string]map[string]json.RawMessage

// readTrees decodes the stream of JSON objects go vet prints with -json,
// one per package.
func readTrees(r io.Reader) (trees, error) {
	out := trees{}
	dec := json.NewDecoder(r)
	for {
		var t trees
		if err := dec.Decode(&t); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		for id, rules := range t {
			if out[id] == nil {
				out[id] = map[string]json.RawMessage{}
			}
			for name, v := range rules {
				out[id][name] = v
			}
		}
	}
}

type jsonDiag struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
	Related []struct {
		Posn    string `json:"posn"`
		End     string `json:"end"`
		Message string `json:"message"`
	} `json:"related"`
}

// flatten returns the diagnostics of every package, without the copies
// that a package and its test variant both report, sorted by position; and
// the rules' errors.
func (t trees) flatten() ([]jsonDiag, []string) {
	var diags []jsonDiag
	var errs []string
	seen := map[string]bool{}
	for _, id := range sortedKeys(t) {
		for _, name := range sortedKeys(t[id]) {
			v := t[id][name]
			var e struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(v, &e) == nil && e.Error != "" {
				errs = append(errs, fmt.Sprintf("%s: %s: %s", id, name, e.Error))
				continue
			}
			var ds []jsonDiag
			if err := json.Unmarshal(v, &ds); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %s: %v", id, name, err))
				continue
			}
			for _, d := range ds {
				if key := d.Posn + "\x00" + d.Message; !seen[key] {
					seen[key] = true
					diags = append(diags, d)
				}
			}
		}
	}
	slices.SortStableFunc(diags, func(a, b jsonDiag) int { return comparePosn(a.Posn, b.Posn) })
	return diags, errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// splitPosn splits file:line:col.
func splitPosn(p string) (file string, line, col int) {
	rest, c, _ := cutLast(p, ":")
	file, l, _ := cutLast(rest, ":")
	line, _ = strconv.Atoi(l)
	col, _ = strconv.Atoi(c)
	return file, line, col
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func comparePosn(a, b string) int {
	fa, la, ca := splitPosn(a)
	fb, lb, cb := splitPosn(b)
	return cmp.Or(strings.Compare(fa, fb), cmp.Compare(la, lb), cmp.Compare(ca, cb))
}

// printPlain prints a diagnostic as the in-process driver does: position,
// message, and with -c=N the offending lines; then its related positions.
func printPlain(w io.Writer, d jsonDiag, context int) {
	show := func(posn, end, msg string) {
		fmt.Fprintf(w, "%s: %s\n", posn, msg)
		if context < 0 {
			return
		}
		file, line, _ := splitPosn(posn)
		_, endLine, _ := splitPosn(end)
		endLine = max(endLine, line)
		data, _ := os.ReadFile(file)
		lines := strings.Split(string(data), "\n")
		for i := line - context; i <= endLine+context; i++ {
			if 1 <= i && i <= len(lines) {
				fmt.Fprintf(w, "%d\t%s\n", i, lines[i-1])
			}
		}
	}
	show(d.Posn, d.End, d.Message)
	for _, r := range d.Related {
		show(r.Posn, r.End, "\t"+r.Message)
	}
}

// optInUsage lists the rules that are off by default.
func optInUsage(w io.Writer) {
	fmt.Fprintf(w, "\nRules off by default, each turned on by -RULE (e.g. -goroutine):\n")
	for _, a := range analyzer.OptIn {
		title, _, _ := strings.Cut(a.Doc, "\n")
		fmt.Fprintf(w, "\t%-10s %s\n", a.Name, title)
	}
}
