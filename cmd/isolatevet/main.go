// Command isolatevet checks that Go code using isolates shares no mutable
// memory between them: the rules of package
// github.com/go-isolate/isolate/analyzer, in one binary that runs three ways.
//
// As a go vet tool, with go vet's caching, build tags and test handling:
//
//	go vet -vettool=$(which isolatevet) ./...
//
// Standalone, loading packages itself (patterns as for go build):
//
//	isolatevet [-fix] [-diff] [-json] [-send=false ...] ./...
//
// And as a golangci-lint module plugin, which runs the same analyzers.
//
// Every rule runs by default. -RULE=false switches one off (-send=false);
// -RULE alone runs only the rules named that way. -sendable=importpath.Name,...
// adds types to the allow-list of sendable types, in both modes (go vet
// forwards it). isolatevet help lists the rules and flags; isolatevet help
// RULE prints a rule's documentation.
//
// Exit codes, standalone: 0 when there is no finding (and with -json or
// -fix, unless the run failed); 1 when the run failed: a package did not
// load or type-check, or a rule could not run on one (findings made anyway
// are printed too); 2 for a bad command line; 3 when there are findings,
// which wins over 1 when every rule could run despite the errors. Under go
// vet, go vet's own status is 1 for findings and failures alike.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-isolate/isolate/analyzer"
)

func main() {
	progname := filepath.Base(os.Args[0])
	flag.Var(analyzer.SendableFlag(), "sendable", analyzer.SendableUsage)
	flag.Usage = func() { usage(os.Stderr, progname) }

	switch {
	case len(os.Args) == 1:
		usage(os.Stderr, progname)
		os.Exit(1)
	case len(os.Args) == 2 && os.Args[1] == "help":
		usage(os.Stdout, progname)
		os.Exit(0)
	}
	// The rest is the analysis driver's: the go vet protocol (a single
	// *.cfg argument, -flags, -V=full), help RULE, and standalone runs.
	drive()
}

func usage(w io.Writer, progname string) {
	fmt.Fprintf(w, `%[1]s checks that Go code using isolates shares no mutable memory.

Usage:
	%[1]s [flags] packages...                   standalone
	go vet -vettool=$(which %[1]s) [flags] packages...
	%[1]s help [rule]

Rules, all run by default:
`, progname)
	for _, a := range analyzer.Analyzers {
		title, _, _ := strings.Cut(a.Doc, "\n")
		fmt.Fprintf(w, "\t%-10s %s\n", a.Name, title)
	}
	optInUsage(w)
	fmt.Fprintf(w, `
Flags:
	-RULE=false     switch a rule off (e.g. -send=false); -RULE alone runs
	                only the rules named so
	-RULE.FLAG      a rule's own flag (see %[1]s help RULE)
	-sendable=importpath.Name,...
	                treat these types (and pointers to them) as sendable,
	                e.g. -sendable=net/http.Client
	-json           print findings as JSON on stdout
	-fix            apply the suggested fixes (standalone)
	-diff           with -fix, print the changes as a diff instead
	-c=N            print N lines of context around each finding
	-test=false     skip test files (standalone; go vet has its own -test)

Exit codes (standalone):
	0  no findings; also with -json or -fix, unless the run failed
	1  the run failed: a package did not load or type-check, or a rule
	   could not run on one; findings made anyway are printed too
	2  bad command line
	3  findings were reported; this wins over 1 when every rule could
	   run despite the errors
Under go vet, go vet exits 1 for findings and failures alike.

Silence one finding with a comment on its line, or the line before:
	//isolate:ignore <reason>
`, progname)
}
