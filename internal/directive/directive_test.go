package directive_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-isolate/isolate/internal/directive"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

const src = `package p

//isolate:message tree
type Order struct{ Items []int }

// Cache is documented in prose that mentions isolate:message after words.
//
//isolate:unchecked
type Cache struct{ m map[string]int }

//isolate:port
type KV interface{ Get(k string) string }

type (
	//isolate:message
	A struct{ x []int }
	B int
)

//isolate:shared
var hits int

//isolate:entry
func worker() {
	x := 1 //isolate:ignore counted once
	//isolate:ignore the next line is fine
	_ = x
	//isolate:message
	_ = x
}

//isolate:message bogus
type Bad1 struct{}

//isolate:frobnicate
type Bad2 struct{}

//isolate:port
type NotIface struct{}

//isolate:shared
func notVar() {}

//isolate:entry
var notFunc int

//isolate:ignore
var noReason int

//isolate:unchecked please
type Bad3 struct{}

// isolate:message
type Spaced struct{}

//isolate:message

type Detached struct{}
`

func TestScan(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got := directive.Scan(fset, f)

	var attached []string
	for spec, ds := range got.Types {
		for _, d := range ds {
			attached = append(attached, spec.Name.Name+":"+string(d.Kind)+strings.Join(d.Options, ","))
		}
	}
	for spec, ds := range got.Vars {
		for _, d := range ds {
			attached = append(attached, spec.Names[0].Name+":"+string(d.Kind))
		}
	}
	for fn, ds := range got.Funcs {
		for _, d := range ds {
			attached = append(attached, fn.Name.Name+":"+string(d.Kind))
		}
	}
	sort.Strings(attached)
	want := []string{"A:message", "Cache:unchecked", "KV:port", "Order:messagetree", "hits:shared", "worker:entry"}
	if strings.Join(attached, " ") != strings.Join(want, " ") {
		t.Errorf("attached:\n got %v\nwant %v", attached, want)
	}

	var ignores []string
	for _, ig := range got.Ignores {
		ignores = append(ignores, ig.Reason+"@"+strconv.Itoa(ig.Line))
	}
	if want := "counted once@25 the next line is fine@27"; strings.Join(ignores, " ") != want {
		t.Errorf("ignores: got %q, want %q", strings.Join(ignores, " "), want)
	}

	var problems []string
	for _, p := range got.Problems {
		problems = append(problems, strconv.Itoa(fset.Position(p.Pos).Line)+": "+p.Message)
	}
	wantProblems := []string{
		"28: //isolate:message inside a function body",
		"32: unknown option \"bogus\" of //isolate:message",
		"35: unknown directive //isolate:frobnicate",
		"38: //isolate:port on NotIface, which is not an interface",
		"41: //isolate:shared on a func declaration",
		"44: //isolate:entry on a var declaration",
		"47: //isolate:ignore needs a reason",
		"50: //isolate:unchecked takes no options",
		"53: malformed directive \"// isolate:message\"",
		"56: //isolate:message documents no declaration",
	}
	if len(problems) != len(wantProblems) {
		t.Fatalf("problems:\n%s", strings.Join(problems, "\n"))
	}
	for i, p := range problems {
		if !strings.HasPrefix(p, wantProblems[i]) {
			t.Errorf("problem %d: got %q, want prefix %q", i, p, wantProblems[i])
		}
	}
}

func TestFold(t *testing.T) {
	parse := func(texts ...string) []directive.Directive {
		var ds []directive.Directive
		for _, text := range texts {
			d, ok, err := directive.Parse(&ast.Comment{Text: text})
			if !ok || err != nil {
				t.Fatalf("Parse(%q) = %v, %v", text, ok, err)
			}
			ds = append(ds, d)
		}
		return ds
	}
	for _, tc := range []struct {
		dirs []string
		want directive.Annotation
	}{
		{nil, directive.Annotation{}},
		{[]string{"//isolate:message"}, directive.Annotation{Message: true}},
		{[]string{"//isolate:message tree"}, directive.Annotation{Message: true, Tree: true}},
		{[]string{"//isolate:message tree tree"}, directive.Annotation{Message: true, Tree: true}},
		// tree sticks whatever the order of the directives.
		{[]string{"//isolate:message tree", "//isolate:message"}, directive.Annotation{Message: true, Tree: true}},
		{[]string{"//isolate:message", "//isolate:message tree"}, directive.Annotation{Message: true, Tree: true}},
		{[]string{"//isolate:unchecked"}, directive.Annotation{Unchecked: true}},
		{[]string{"//isolate:message", "//isolate:unchecked"}, directive.Annotation{Message: true, Unchecked: true}},
		{[]string{"//isolate:port"}, directive.Annotation{Port: true}},
		{[]string{"//isolate:shared"}, directive.Annotation{Shared: true}},
		{[]string{"//isolate:entry"}, directive.Annotation{Entry: true}},
		// ignore annotates a line, not a declaration.
		{[]string{"//isolate:ignore why", "//isolate:entry"}, directive.Annotation{Entry: true}},
	} {
		if got := directive.Fold(parse(tc.dirs...)); got != tc.want {
			t.Errorf("Fold(%q) = %+v, want %+v", tc.dirs, got, tc.want)
		}
	}
	// With adds to what is already folded.
	a := directive.Fold(parse("//isolate:message tree")).With(parse("//isolate:unchecked")...)
	if want := (directive.Annotation{Message: true, Tree: true, Unchecked: true}); a != want {
		t.Errorf("With = %+v, want %+v", a, want)
	}
}
