package analyzer

import (
	"flag"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer/capture"
	"github.com/go-isolate/isolate/analyzer/directive"
	"github.com/go-isolate/isolate/analyzer/global"
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

// SendableFlag returns the value of the -sendable flag, which extends the
// allow-list of sendable types (DESIGN §2) with types users cannot annotate:
// comma-separated, repeatable, each importpath.Name (net/http.Client), which
// makes both T and *T sendable. Drivers register it as a top-level flag; a
// plugin calls Set with its settings.
func SendableFlag() flag.Value { return &annotations.Sendable }

// SendableUsage is the usage text of the -sendable flag.
const SendableUsage = "comma-separated types to treat as sendable, as importpath.Name (e.g. net/http.Client); T and *T both become sendable"
