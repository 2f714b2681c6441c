// Package ignore applies //isolate:ignore to the diagnostics of every rule,
// and records which ignores silenced something, so that the directive rule
// can report an ignore that silences nothing.
package ignore

import (
	"fmt"
	"go/token"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
)

// Used is the result type of every rule that reports through a Reporter:
// the positions of the //isolate:ignore comments that silenced one of its
// diagnostics.
type Used []token.Pos

// Reporter reports diagnostics for one pass, dropping those on a line an
// //isolate:ignore silences.
type Reporter struct {
	pass  *analysis.Pass
	lines map[string]map[int]token.Pos // file → silenced line → the ignore
	used  map[token.Pos]bool
}

// NewReporter returns a Reporter for pass, with the ignores ann collected.
func NewReporter(pass *analysis.Pass, ann *annotations.Result) *Reporter {
	r := &Reporter{pass: pass, lines: map[string]map[int]token.Pos{}, used: map[token.Pos]bool{}}
	for _, ig := range ann.Ignores {
		m := r.lines[ig.File]
		if m == nil {
			m = map[int]token.Pos{}
			r.lines[ig.File] = m
		}
		m[ig.Line] = ig.Pos()
	}
	return r
}

// Report reports d unless an //isolate:ignore silences its line.
func (r *Reporter) Report(d analysis.Diagnostic) {
	if len(r.lines) > 0 {
		p := r.pass.Fset.Position(d.Pos)
		if ig, ok := r.lines[p.Filename][p.Line]; ok {
			r.used[ig] = true
			return
		}
	}
	r.pass.Report(d)
}

// Reportf reports a diagnostic with a formatted message at pos.
func (r *Reporter) Reportf(pos token.Pos, format string, args ...any) {
	r.Report(analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Used returns the ignores that silenced a diagnostic, as the rule's result.
func (r *Reporter) Used() Used {
	var out Used
	for pos := range r.used {
		out = append(out, pos)
	}
	return out
}
