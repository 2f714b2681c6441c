// Package directive is the one parser of //isolate: comments, shared by the
// generator and the analyzer so that both read the same annotations the same
// way.
//
// A directive is a line comment that starts with exactly "//isolate:" (no
// space after the slashes, as with //go: directives), followed by a name and,
// for some names, options:
//
//	//isolate:message [tree] [wire]   on a named type
//	//isolate:port [wire]             on an interface type
//	//isolate:unchecked        on a named type
//	//isolate:shared           on a package-level var
//	//isolate:entry            on a func declaration
//	//isolate:ignore reason    on any line; the reason is required
//
// All but ignore belong in the doc comment of the declaration they annotate.
// Prose that mentions "isolate:" after other words is not a directive.
package directive

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// Prefix starts every directive comment.
const Prefix = "//isolate:"

// Kind names a directive.
type Kind string

// The directives of DESIGN §3.
const (
	Message   Kind = "message"
	Port      Kind = "port"
	Unchecked Kind = "unchecked"
	Shared    Kind = "shared"
	Entry     Kind = "entry"
	Ignore    Kind = "ignore"
)

// OptionTree is an option of Message: values never share or cycle.
const OptionTree = "tree"

// OptionWire is an option of Message and Port: generate the wire codec,
// so that values and calls cross processes (package remote).
const OptionWire = "wire"

// Directive is one parsed //isolate: comment.
type Directive struct {
	Kind    Kind
	Options []string // Message: "tree", "wire"; Port: "wire"; empty for the others
	Reason  string   // Ignore only: the text after "ignore"
	Comment *ast.Comment
}

// Pos is where the directive's comment starts.
func (d Directive) Pos() token.Pos { return d.Comment.Slash }

// Has reports whether the directive carries option o.
func (d Directive) Has(o string) bool {
	for _, x := range d.Options {
		if x == o {
			return true
		}
	}
	return false
}

// Problem is a malformed, unknown or misplaced directive.
type Problem struct {
	Pos     token.Pos
	Message string
}

// Parse reads one comment. It returns ok=false when the comment is not an
// //isolate: directive at all; err describes a directive that is malformed
// (an unknown name or option, a missing reason). A comment that starts with
// "// isolate:" followed by a known name is reported as malformed: it reads
// as a directive, but the space makes Go tools treat it as prose.
func Parse(c *ast.Comment) (d Directive, ok bool, err error) {
	text := c.Text
	if !strings.HasPrefix(text, Prefix) {
		if rest, found := strings.CutPrefix(text, "// "+Prefix[2:]); found {
			name, _, _ := strings.Cut(rest, " ")
			if known(Kind(name)) {
				return Directive{Comment: c}, true, fmt.Errorf("malformed directive %q: remove the space after // (directives are written //isolate:%s)", strings.TrimSpace(text), name)
			}
		}
		return Directive{}, false, nil
	}
	rest := strings.TrimSpace(text[len(Prefix):])
	name, args, _ := strings.Cut(rest, " ")
	args = strings.TrimSpace(args)
	d = Directive{Kind: Kind(name), Comment: c}
	switch d.Kind {
	case "":
		return d, true, fmt.Errorf("malformed directive %q: a name must follow //isolate: (message, port, unchecked, shared, entry or ignore)", text)
	case Ignore:
		if args == "" {
			return d, true, fmt.Errorf("//isolate:ignore needs a reason: write //isolate:ignore <why this is safe>")
		}
		d.Reason = args
		return d, true, nil
	case Message:
		for _, o := range strings.Fields(args) {
			if o != OptionTree && o != OptionWire {
				return d, true, fmt.Errorf("unknown option %q of //isolate:message: the options are %q and %q", o, OptionTree, OptionWire)
			}
			if !d.Has(o) {
				d.Options = append(d.Options, o)
			}
		}
		return d, true, nil
	case Port:
		for _, o := range strings.Fields(args) {
			if o != OptionWire {
				return d, true, fmt.Errorf("unknown option %q of //isolate:port: the only option is %q", o, OptionWire)
			}
			if !d.Has(o) {
				d.Options = append(d.Options, o)
			}
		}
		return d, true, nil
	case Unchecked, Shared, Entry:
		if args != "" {
			return d, true, fmt.Errorf("//isolate:%s takes no options, found %q", name, args)
		}
		return d, true, nil
	}
	return d, true, fmt.Errorf("unknown directive //isolate:%s: known are message, port, unchecked, shared, entry and ignore", name)
}

func known(k Kind) bool {
	switch k {
	case Message, Port, Unchecked, Shared, Entry, Ignore:
		return true
	}
	return false
}

// File holds the directives of one Go file, attached to what they annotate.
type File struct {
	// Types maps each type declaration to its directives.
	Types map[*ast.TypeSpec][]Directive
	// Funcs maps each func declaration to its directives.
	Funcs map[*ast.FuncDecl][]Directive
	// Vars maps each package-level var spec to its directives.
	Vars map[*ast.ValueSpec][]Directive
	// Ignores lists every well-formed //isolate:ignore, with the line it silences.
	Ignores []IgnoreDirective
	// Problems lists malformed, unknown and misplaced directives, in source order.
	Problems []Problem
}

// IgnoreDirective is an //isolate:ignore and the line it silences: its own
// line when it trails code, else the line after its comment group.
type IgnoreDirective struct {
	Directive
	Line int
}

// Scan parses every directive of f and attaches it to its declaration.
// Misplaced directives (on the wrong kind of declaration, inside a function
// body, or in a comment that documents nothing) become Problems.
func Scan(fset *token.FileSet, f *ast.File) *File {
	out := &File{
		Types: map[*ast.TypeSpec][]Directive{},
		Funcs: map[*ast.FuncDecl][]Directive{},
		Vars:  map[*ast.ValueSpec][]Directive{},
	}
	// Which comment group documents what.
	type target struct {
		typ  *ast.TypeSpec
		fn   *ast.FuncDecl
		vr   *ast.ValueSpec
		kind string // what the declaration is, for messages
	}
	// A doc comment documents its declaration; a grouped declaration's own
	// doc documents every spec of the group.
	docs := map[*ast.CommentGroup][]target{}
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if decl.Doc != nil {
				docs[decl.Doc] = append(docs[decl.Doc], target{fn: decl, kind: "func declaration"})
			}
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				var t target
				var doc *ast.CommentGroup
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					t, doc = target{typ: spec, kind: "type declaration"}, spec.Doc
				case *ast.ValueSpec:
					t, doc = target{vr: spec, kind: "const declaration"}, spec.Doc
					if decl.Tok == token.VAR {
						t.kind = "var declaration"
					}
				case *ast.ImportSpec:
					t, doc = target{kind: "import"}, spec.Doc
				}
				if doc != nil {
					docs[doc] = append(docs[doc], t)
				}
				if decl.Doc != nil {
					docs[decl.Doc] = append(docs[decl.Doc], t)
				}
			}
		}
	}
	// Function bodies, where only ignore may stand.
	var bodies []*ast.BlockStmt
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil {
			bodies = append(bodies, fn.Body)
		}
	}
	inBody := func(p token.Pos) bool {
		for _, b := range bodies {
			if b.Pos() <= p && p < b.End() {
				return true
			}
		}
		return false
	}
	var codeLines map[int]bool // lazily: lines holding code, for trailing ignores

	for _, group := range f.Comments {
		for _, c := range group.List {
			d, ok, err := Parse(c)
			if !ok {
				continue
			}
			if err != nil {
				out.Problems = append(out.Problems, Problem{c.Slash, err.Error()})
				continue
			}
			if d.Kind == Ignore {
				if codeLines == nil {
					codeLines = linesWithCode(fset, f)
				}
				line := fset.Position(c.Slash).Line
				if !codeLines[line] {
					line = fset.Position(group.End()).Line + 1
				}
				out.Ignores = append(out.Ignores, IgnoreDirective{d, line})
				continue
			}
			if inBody(c.Slash) {
				out.Problems = append(out.Problems, Problem{c.Slash, fmt.Sprintf("//isolate:%s inside a function body annotates nothing: put it in the doc comment of a %s", d.Kind, wants(d.Kind))})
				continue
			}
			targets, documented := docs[group]
			if !documented {
				out.Problems = append(out.Problems, Problem{c.Slash, fmt.Sprintf("//isolate:%s documents no declaration: put it in the doc comment of a %s, with no blank line between", d.Kind, wants(d.Kind))})
				continue
			}
			for _, t := range targets {
				if p, bad := out.attach(d, t.typ, t.fn, t.vr, t.kind); bad {
					out.Problems = append(out.Problems, p)
					break
				}
			}
		}
	}
	return out
}

// attach records d on its declaration, or returns why it does not belong there.
func (out *File) attach(d Directive, typ *ast.TypeSpec, fn *ast.FuncDecl, vr *ast.ValueSpec, kind string) (Problem, bool) {
	pos := d.Pos()
	switch d.Kind {
	case Message, Unchecked:
		if typ == nil {
			return misplaced(d, kind), true
		}
		if typ.Assign.IsValid() {
			return Problem{pos, fmt.Sprintf("//isolate:%s on alias %s: annotate the aliased type's own declaration", d.Kind, typ.Name.Name)}, true
		}
		if _, isIface := typ.Type.(*ast.InterfaceType); isIface && d.Kind == Message {
			return Problem{pos, fmt.Sprintf("//isolate:message on interface %s: an interface value has no fields to copy; use //isolate:port for a protocol, or //isolate:unchecked if every implementation is immutable", typ.Name.Name)}, true
		}
		out.Types[typ] = append(out.Types[typ], d)
	case Port:
		if typ == nil {
			return misplaced(d, kind), true
		}
		if _, isIface := typ.Type.(*ast.InterfaceType); !isIface {
			return Problem{pos, fmt.Sprintf("//isolate:port on %s, which is not an interface: a port is generated from an interface's methods", typ.Name.Name)}, true
		}
		out.Types[typ] = append(out.Types[typ], d)
	case Shared:
		if vr == nil || kind != "var declaration" {
			return misplaced(d, kind), true
		}
		out.Vars[vr] = append(out.Vars[vr], d)
	case Entry:
		if fn == nil {
			return misplaced(d, kind), true
		}
		out.Funcs[fn] = append(out.Funcs[fn], d)
	}
	return Problem{}, false
}

func wants(k Kind) string {
	switch k {
	case Message, Unchecked:
		return "type declaration"
	case Port:
		return "interface type declaration"
	case Shared:
		return "package-level var declaration"
	case Entry:
		return "func declaration"
	}
	return "declaration"
}

func misplaced(d Directive, on string) Problem {
	return Problem{d.Pos(), fmt.Sprintf("//isolate:%s on a %s: it belongs on a %s", d.Kind, on, wants(d.Kind))}
}

// linesWithCode returns the lines on which some syntax node starts or ends.
func linesWithCode(fset *token.FileSet, f *ast.File) map[int]bool {
	lines := map[int]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n.(type) {
		case nil, *ast.Comment, *ast.CommentGroup, *ast.File:
			return n != nil
		}
		lines[fset.Position(n.Pos()).Line] = true
		lines[fset.Position(n.End()-1).Line] = true
		return true
	})
	return lines
}

// Find returns the first directive of kind k in ds.
func Find(ds []Directive, k Kind) (Directive, bool) {
	for _, d := range ds {
		if d.Kind == k {
			return d, true
		}
	}
	return Directive{}, false
}

// Annotation is what the directives of one declaration say of it, folded
// into one value: the generator and the analyzer read a declaration's
// directives only through it, so that both read them alike.
type Annotation struct {
	Message   bool `json:",omitempty"` // //isolate:message
	Tree      bool `json:",omitempty"` // //isolate:message tree
	Wire      bool `json:",omitempty"` // //isolate:message wire, //isolate:port wire
	Unchecked bool `json:",omitempty"` // //isolate:unchecked
	Port      bool `json:",omitempty"` // //isolate:port
	Shared    bool `json:",omitempty"` // //isolate:shared
	Entry     bool `json:",omitempty"` // //isolate:entry
}

// Fold folds the directives of one declaration into its annotation.
func Fold(ds []Directive) Annotation {
	return Annotation{}.With(ds...)
}

// With returns a with ds folded in. Options only add: a declaration is a
// tree when any of its //isolate:message directives says tree, whatever
// their order. Ignore annotates a line, not a declaration, and adds nothing.
func (a Annotation) With(ds ...Directive) Annotation {
	for _, d := range ds {
		switch d.Kind {
		case Message:
			a.Message = true
			a.Tree = a.Tree || d.Has(OptionTree)
			a.Wire = a.Wire || d.Has(OptionWire)
		case Unchecked:
			a.Unchecked = true
		case Port:
			a.Port = true
			a.Wire = a.Wire || d.Has(OptionWire)
		case Shared:
			a.Shared = true
		case Entry:
			a.Entry = true
		}
	}
	return a
}
