package directive

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"sort"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer/capture"
	"github.com/go-isolate/isolate/analyzer/global"
	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/internal/ignore"
	"github.com/go-isolate/isolate/analyzer/send"
	"github.com/go-isolate/isolate/analyzer/stale"
	"github.com/go-isolate/isolate/analyzer/transfer"
	directives "github.com/go-isolate/isolate/internal/directive"
)

// Doc is the rule's documentation, as isolatevet help directive prints it.
const Doc = `report malformed, unknown or misplaced //isolate: directives and unused ignores

Every //isolate: comment must be one of message [tree], port, unchecked,
shared, entry or ignore <reason>, written without a space after //, in the
doc comment of the kind of declaration it annotates (ignore may stand on any
line, inside function bodies too). The rule also reports //isolate:message
on a type that has nothing to copy or cannot be copied (only structs and
named slice, map and array types are messages), and every //isolate:ignore
that silenced no finding of any isolatevet rule.`

// rules are the rules whose findings //isolate:ignore may silence; each
// returns the ignores it used as its result.
var rules = []*analysis.Analyzer{send.Analyzer, capture.Analyzer, global.Analyzer, transfer.Analyzer, stale.Analyzer}

// Analyzer is the directive rule.
var Analyzer = With()

// With returns the directive rule for a run that also runs the opt-in rules
// extra (goroutine): an //isolate:ignore that silences one of their
// findings is then used. Each of extra must return ignore.Used.
func With(extra ...*analysis.Analyzer) *analysis.Analyzer {
	all := append(slices.Clone(rules), extra...)
	return &analysis.Analyzer{
		Name:             "directive",
		Doc:              Doc,
		URL:              "https://pkg.go.dev/github.com/go-isolate/isolate/analyzer/directive",
		Requires:         append([]*analysis.Analyzer{annotations.Analyzer}, all...),
		Run:              func(pass *analysis.Pass) (any, error) { return run(pass, all) },
		RunDespiteErrors: true,
		ResultType:       reflect.TypeFor[ignore.Used](),
	}
}

func run(pass *analysis.Pass, rules []*analysis.Analyzer) (any, error) {
	ann, ok := pass.ResultOf[annotations.Analyzer].(*annotations.Result)
	if !ok || ann == nil {
		return ignore.Used(nil), nil
	}
	r := ignore.NewReporter(pass, ann)
	for _, file := range pass.Files {
		df := ann.Files[file]
		if df == nil {
			continue
		}
		for _, p := range df.Problems {
			r.Reportf(p.Pos, "%s", p.Message)
		}
		checkTypes(pass, r, df)
	}
	unused(pass, ann, r, rules)
	return r.Used(), nil
}

// checkTypes reports type directives that the syntax allows but the types
// do not: //isolate:message on a type that has no fields to copy, or that
// //isolate:unchecked already makes sendable.
func checkTypes(pass *analysis.Pass, r *ignore.Reporter, df *directives.File) {
	specs := make([]*ast.TypeSpec, 0, len(df.Types))
	for spec := range df.Types {
		specs = append(specs, spec)
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].Pos() < specs[j].Pos() })
	for _, spec := range specs {
		ds := df.Types[spec]
		msg, isMessage := directives.Find(ds, directives.Message)
		if !isMessage {
			continue
		}
		obj, _ := pass.TypesInfo.Defs[spec.Name].(*types.TypeName)
		if obj == nil {
			continue
		}
		name := obj.Name()
		if unchecked, ok := directives.Find(ds, directives.Unchecked); ok {
			pos := max(msg.Pos(), unchecked.Pos()) // at the second of the two
			r.Reportf(pos, "//isolate:message and //isolate:unchecked on %s contradict each other: unchecked makes %s sendable, so its generated copy would never run; keep one", name, name)
			continue
		}
		if why := notMessage(obj.Type().Underlying()); why != "" {
			r.Reportf(msg.Pos(), "//isolate:message on %s, %s", name, why)
		}
	}
}

// notMessage says why a type of underlying type u cannot be a message, or
// returns "" if it can (DESIGN §4: structs, named slice, map and array types).
func notMessage(u types.Type) string {
	const only = "only struct, slice, map and array types are messages"
	switch u := u.(type) {
	case *types.Struct, *types.Slice, *types.Map, *types.Array:
		return ""
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return "an unsafe.Pointer type, which cannot be copied: " + only
		}
		if u.Kind() == types.Invalid {
			return "" // a type error; the compiler says more
		}
		// A named basic type copies by assignment: nothing to generate.
		return fmt.Sprintf("whose values are sendable already (its underlying type is %s): remove the directive", u)
	case *types.Pointer:
		return "a pointer type: annotate the type it points to instead"
	case *types.Interface:
		return "an interface type, which has no fields to copy: use //isolate:port for a protocol, or //isolate:unchecked if every implementation is immutable"
	case *types.Chan:
		return "a channel type, which cannot be copied: send a runtime.SendPort instead"
	case *types.Signature:
		return "a func type, which cannot be copied: " + only
	}
	return ""
}

// unused reports each //isolate:ignore that no rule used.
func unused(pass *analysis.Pass, ann *annotations.Result, own *ignore.Reporter, rules []*analysis.Analyzer) {
	if len(ann.Ignores) == 0 {
		return
	}
	used := map[token.Pos]bool{}
	for _, p := range own.Used() {
		used[p] = true
	}
	for _, a := range rules {
		res, _ := pass.ResultOf[a].(ignore.Used)
		for _, p := range res {
			used[p] = true
		}
	}
	for _, ig := range ann.Ignores {
		if !used[ig.Pos()] {
			// Reported directly: an ignore must not silence the report
			// that it is unused.
			pass.Reportf(ig.Pos(), "//isolate:ignore silences nothing on line %d: remove it, or move it to the line of the finding", ig.Line)
		}
	}
}
