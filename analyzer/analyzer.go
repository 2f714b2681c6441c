package analyzer

import (
	"flag"
	"fmt"
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer/capture"
	"github.com/go-isolate/isolate/analyzer/directive"
	"github.com/go-isolate/isolate/analyzer/global"
	"github.com/go-isolate/isolate/analyzer/goroutine"
	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/send"
	"github.com/go-isolate/isolate/analyzer/stale"
	"github.com/go-isolate/isolate/analyzer/transfer"
)

// Analyzers is the isolatevet suite, one analyzer per rule. Drivers
// (cmd/isolatevet, the golangci-lint plugin) run all of them; each can be
// switched off by name.
var Analyzers = []*analysis.Analyzer{
	send.Analyzer,
	capture.Analyzer,
	global.Analyzer,
	transfer.Analyzer,
	stale.Analyzer,
	directive.Analyzer,
}

// OptIn holds the rules that are off by default, because they check code
// that does not use isolates: goroutine (plain goroutines, DESIGN §10).
// They are kept out of Analyzers so that every driver that runs Analyzers
// keeps its meaning; a driver turns them on with Suite (isolatevet
// -goroutine, the golangci-lint plugin's enable setting).
var OptIn = []*analysis.Analyzer{
	goroutine.Analyzer,
}

// Suite returns Analyzers plus the opt-in rules named in optIn, with the
// directive rule rebuilt so that an //isolate:ignore silencing a finding of
// one of them counts as used. An unknown name is an error.
func Suite(optIn ...string) ([]*analysis.Analyzer, error) {
	var extra []*analysis.Analyzer
	for _, name := range optIn {
		i := slices.IndexFunc(OptIn, func(a *analysis.Analyzer) bool { return a.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("unknown opt-in rule %q", name)
		}
		if !slices.Contains(extra, OptIn[i]) {
			extra = append(extra, OptIn[i])
		}
	}
	if len(extra) == 0 {
		return slices.Clone(Analyzers), nil
	}
	var out []*analysis.Analyzer
	for _, a := range Analyzers {
		if a == directive.Analyzer {
			a = directive.With(extra...)
		}
		out = append(out, a)
	}
	// The opt-in rules run before directive in the listing, as the others.
	i := slices.IndexFunc(out, func(a *analysis.Analyzer) bool { return a.Name == "directive" })
	return slices.Insert(out, i, extra...), nil
}

// SendableFlag returns the value of the -sendable flag, which extends the
// allow-list of sendable types (DESIGN §2) with types users cannot annotate:
// comma-separated, repeatable, each importpath.Name (net/http.Client), which
// makes both T and *T sendable. Drivers register it as a top-level flag; a
// plugin calls Set with its settings.
func SendableFlag() flag.Value { return &annotations.Sendable }

// SendableUsage is the usage text of the -sendable flag.
const SendableUsage = "comma-separated types to treat as sendable, as importpath.Name (e.g. net/http.Client); T and *T both become sendable"
