package generator

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Loading is the first step of generating: the packages, with full type
// information, their annotated declarations and the sendability checker
// that judges their types. Nothing is decided here but what the user wrote.

// loaded is one package as the generator reads it.
type loaded struct {
	cfg     Config
	pkg     *packages.Package
	outPath string // the package's generated file
	// decls lists the annotated type declarations in source order.
	decls   []annotated
	checker *sendable.Checker
	errs    ErrorList // malformed or misplaced directives
	// foreign reads the annotations of other packages' types.
	foreign *foreignAnnotations
}

// annotated is one annotated type declaration.
type annotated struct {
	spec *ast.TypeSpec
	obj  *types.TypeName
	ann  directive.Annotation
}

// loadPackage reads the annotations of pkg, which load returned.
func loadPackage(cfg Config, pkg *packages.Package) *loaded {
	l := &loaded{cfg: cfg, pkg: pkg, outPath: outputPath(cfg, pkg.Dir)}
	local := map[*types.TypeName]directive.Annotation{}
	for _, f := range pkg.Syntax {
		if pkg.Fset.File(f.Pos()).Name() == l.outPath {
			continue
		}
		scan := directive.Scan(pkg.Fset, f)
		for _, p := range scan.Problems {
			l.errorAt(&l.errs, p.Pos, "%s", p.Message)
		}
		var decls []annotated
		for spec, ds := range scan.Types {
			obj, _ := pkg.TypesInfo.Defs[spec.Name].(*types.TypeName)
			if obj == nil {
				continue
			}
			a := directive.Fold(ds)
			decls = append(decls, annotated{spec, obj, a})
			local[obj] = a
		}
		sort.Slice(decls, func(i, j int) bool { return decls[i].spec.Pos() < decls[j].spec.Pos() })
		l.decls = append(l.decls, decls...)
	}
	foreign := &foreignAnnotations{fset: pkg.Fset}
	l.foreign = foreign
	l.checker = &sendable.Checker{
		Annotations: func(tn *types.TypeName) sendable.Annotation {
			if tn.Pkg() == pkg.Types {
				return checkerAnnotation(local[tn])
			}
			return foreign.of(tn)
		},
		Extra:     cfg.Sendable,
		Qualifier: l.qualifier,
	}
	return l
}

// qualifier renders types of the package itself unqualified, in errors.
func (l *loaded) qualifier(p *types.Package) string {
	if p == l.pkg.Types {
		return ""
	}
	return p.Name()
}

// errorAt adds an error at pos, a position in the package, to errs.
func (l *loaded) errorAt(errs *ErrorList, pos token.Pos, format string, args ...any) {
	p := l.pkg.Fset.Position(pos)
	p.Filename = relTo(l.cfg.Dir, p.Filename)
	*errs = append(*errs, Error{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// load loads the packages with full type information. A previously
// generated file is replaced by an empty one (through an overlay), so that
// stale generated code never stands in the way of generating fresh code;
// type errors that only missing generated code explains are tolerated.
func load(cfg Config) ([]*packages.Package, ErrorList, error) {
	var flags []string
	if len(cfg.Tags) > 0 {
		flags = append(flags, "-tags="+strings.Join(cfg.Tags, ","))
	}
	names, err := packages.Load(&packages.Config{
		Mode:       packages.NeedName | packages.NeedFiles,
		Dir:        cfg.Dir,
		BuildFlags: flags,
	}, cfg.Patterns...)
	if err != nil {
		return nil, nil, err
	}
	overlay := map[string][]byte{}
	for _, p := range names {
		if p.Dir == "" || p.Name == "" {
			continue
		}
		out := outputPath(cfg, p.Dir)
		if _, err := os.Stat(out); err == nil {
			overlay[out] = []byte("package " + p.Name + "\n")
		}
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports,
		Dir:        cfg.Dir,
		BuildFlags: flags,
		Overlay:    overlay,
	}, cfg.Patterns...)
	if err != nil {
		return nil, nil, err
	}
	var errs ErrorList
	var keep []*packages.Package
	for _, p := range pkgs {
		fatal := false
		for _, e := range p.Errors {
			if (e.Kind == packages.TypeError && missingGenerated(e.Msg)) || (e.Kind == packages.ListError && compiledMissingGenerated(e.Msg)) {
				continue
			}
			fatal = true
			errs = append(errs, loadError(cfg, p, e))
		}
		if !fatal {
			keep = append(keep, p)
		}
	}
	// A package the annotated ones import must type-check too: its types
	// decide every copy (a foreign map whose DeepCopyInto the checker
	// could not see would be cloned shallowly), so its errors stop the run.
	roots := map[*packages.Package]bool{}
	for _, p := range pkgs {
		roots[p] = true
	}
	bad := map[*packages.Package]bool{}
	var visit func(p *packages.Package, root *packages.Package) bool
	visited := map[*packages.Package]bool{}
	visit = func(p, root *packages.Package) bool {
		if visited[p] {
			return bad[p]
		}
		visited[p] = true
		paths := make([]string, 0, len(p.Imports))
		for path := range p.Imports {
			paths = append(paths, path)
		}
		sort.Strings(paths)
		for _, path := range paths {
			imp := p.Imports[path]
			if roots[imp] {
				continue // judged as a package of its own
			}
			if visit(imp, root) {
				bad[p] = true
			}
		}
		if !roots[p] && len(p.Errors) > 0 {
			bad[p] = true
			errs = append(errs, dependencyErrors(cfg, p, root)...)
		}
		return bad[p]
	}
	var ok []*packages.Package
	for _, p := range keep {
		if !visit(p, p) {
			ok = append(ok, p)
		}
	}
	return ok, errs, nil
}

// dependencyErrors are the errors of dep, a package that root imports
// directly or not, each at its position in dep and saying what to do.
func dependencyErrors(cfg Config, dep, root *packages.Package) ErrorList {
	typeErrs := false
	for _, e := range dep.Errors {
		typeErrs = typeErrs || e.Kind == packages.TypeError
	}
	var out ErrorList
	for _, e := range dep.Errors {
		// The go command's compiler output repeats the type errors.
		if typeErrs && e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ") {
			continue
		}
		le := loadError(cfg, dep, e)
		le.Msg += fmt.Sprintf(" (in package %s, which %s imports: fix it first, since isolategen judges every type it copies from type-checked packages)", dep.PkgPath, root.PkgPath)
		out = append(out, le)
	}
	return out
}

// missingGenerated reports whether a type error is one that code this
// generator writes would resolve: a use of a generated method or name.
func missingGenerated(msg string) bool {
	return strings.HasPrefix(msg, "undefined: ") ||
		strings.Contains(msg, " undefined (type ") ||
		strings.Contains(msg, "(missing method ")
}

// compiledMissingGenerated reports whether a list error is the go
// command's compiler output for a package (as go list reports for a main
// package that uses generated names) and every error in it is one that
// missingGenerated excuses.
func compiledMissingGenerated(msg string) bool {
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "# ") {
		return false
	}
	for _, l := range lines[1:] {
		m := compilerError.FindStringSubmatch(l)
		if m == nil || !missingGenerated(m[1]) {
			return false
		}
	}
	return true
}

var compilerError = regexp.MustCompile(`^\S+:\d+:\d+: (.*)$`)

func loadError(cfg Config, p *packages.Package, e packages.Error) Error {
	msg := e.Msg
	if p.PkgPath != "" && e.Kind == packages.ListError && !strings.Contains(msg, p.PkgPath) {
		msg = p.PkgPath + ": " + msg
	}
	pos := token.Position{}
	if e.Pos != "" && e.Pos != "-" {
		// file:line:col or file:line
		parts := strings.Split(e.Pos, ":")
		pos.Filename = parts[0]
		if len(parts) > 1 {
			fmt.Sscan(parts[1], &pos.Line)
		}
		if len(parts) > 2 {
			fmt.Sscan(parts[2], &pos.Column)
		}
		pos.Filename = relTo(cfg.Dir, pos.Filename)
	}
	return Error{Pos: pos, Msg: msg}
}

func relTo(dir, name string) string {
	if !filepath.IsAbs(name) {
		return name
	}
	if r, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return name
}

// foreignAnnotations reads the directives of types from other packages,
// which are loaded from export data without comments, by parsing the file
// that declares each one, once.
type foreignAnnotations struct {
	fset  *token.FileSet
	files map[string]map[string]directive.Annotation
}

func (fa *foreignAnnotations) of(tn *types.TypeName) sendable.Annotation {
	return checkerAnnotation(fa.directives(tn))
}

// directives returns the annotation of tn, a type of another package.
func (fa *foreignAnnotations) directives(tn *types.TypeName) directive.Annotation {
	pos := fa.fset.Position(tn.Pos())
	if pos.Filename == "" {
		return directive.Annotation{}
	}
	byName, ok := fa.files[pos.Filename]
	if !ok {
		byName = map[string]directive.Annotation{}
		fset := token.NewFileSet()
		if f, err := parser.ParseFile(fset, pos.Filename, nil, parser.ParseComments|parser.SkipObjectResolution); err == nil {
			for spec, ds := range directive.Scan(fset, f).Types {
				byName[spec.Name.Name] = directive.Fold(ds)
			}
		}
		if fa.files == nil {
			fa.files = map[string]map[string]directive.Annotation{}
		}
		fa.files[pos.Filename] = byName
	}
	return byName[tn.Name()]
}

// checkerAnnotation is the part of a declaration's annotation that decides
// its sendability.
func checkerAnnotation(a directive.Annotation) sendable.Annotation {
	return sendable.Annotation{Message: a.Message, Tree: a.Tree, Unchecked: a.Unchecked}
}
