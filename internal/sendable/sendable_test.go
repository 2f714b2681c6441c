package sendable_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"sync"
	"testing"

	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/sendable"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

const fakeRuntime = `package runtime
type SendPort[T any] struct{ p *int }
type ReceivePort[T any] struct{ q []T }
type Capability struct{ p *int }
type Isolate struct{ m map[int]int }
type Pool struct{ m map[int]int }
type RemoteError struct{ Isolate, Message, Stack string; cause error }
`

const src = `package p

import (
	"context"
	"regexp"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/go-isolate/isolate/runtime"
)

type Point struct{ X, Y int; name string }
type Stamp struct { At time.Time; Loc *time.Location; D time.Duration; Ctx context.Context; Err error }
type Grid [4][4]Point

type Entry struct{ V int }
type Cache struct{ items map[string]*Entry }

//isolate:message
type Order struct {
	ID    int
	Items []Item
}
type Item struct{ Tags map[string]*Tag }
type Tag struct{ Name string }

type Wrapper struct{ O Order }
type Holder struct{ P *Order }

//isolate:unchecked
type Registry struct{ m map[string]int }

type Locked struct{ mu sync.Mutex; n int }
type Counter struct{ n atomic.Int64 }
type WithPort struct{ Reply runtime.SendPort[int]; Cap runtime.Capability; Iso *runtime.Isolate; Pool *runtime.Pool }
type WithRecv struct{ In *runtime.ReceivePort[int] }
type WithChan struct{ C chan int }
type WithFunc struct{ Hooks []func() }
type Raw struct{ P unsafe.Pointer }
type Tree struct{ Left, Right *Tree }
type Num interface{ ~int | ~float64 }
type Gen[T Num] struct{ V T }
type GenAny[T any] struct{ V T }

var (
	vPoint    Point
	vStamp    Stamp
	vGrid     Grid
	vCachePtr *Cache
	vOrder    Order
	vOrderPtr *Order
	vWrapper  Wrapper
	vHolder   Holder
	vReg      *Registry
	vLocked   Locked
	vCounter  Counter
	vWithPort WithPort
	vWithRecv WithRecv
	vWithChan WithChan
	vWithFunc WithFunc
	vRaw      Raw
	vTree     *Tree
	vGen      Gen[int]
	vGenAny   GenAny[[]int]
	vMap      map[string]int
	vErr      error
	vAny      any
	vPtrPtr   **Order
	vRegexp   *regexp.Regexp
)
`

// The test package and its annotations are type-checked once, with the
// standard packages it imports from source (slow, under the race detector
// most of all); each test gets a Checker of its own.
var (
	loadOnce sync.Once
	loaded   *types.Package
	loadAnn  map[*types.TypeName]sendable.Annotation
	loadErr  error
)

func check(t *testing.T) (*types.Package, *sendable.Checker) {
	t.Helper()
	loadOnce.Do(func() { loaded, loadAnn, loadErr = load() })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	pkg, ann := loaded, loadAnn
	return pkg, &sendable.Checker{
		Annotations: func(tn *types.TypeName) sendable.Annotation { return ann[tn] },
		Qualifier: func(p *types.Package) string {
			if p == pkg {
				return ""
			}
			return p.Name()
		},
	}
}

func load() (*types.Package, map[*types.TypeName]sendable.Annotation, error) {
	fset := token.NewFileSet()
	rtFile, err := parser.ParseFile(fset, "runtime.go", fakeRuntime, 0)
	if err != nil {
		return nil, nil, err
	}
	std := importer.ForCompiler(fset, "source", nil)
	rt, err := (&types.Config{Importer: std}).Check(sendable.RuntimePath, fset, []*ast.File{rtFile}, nil)
	if err != nil {
		return nil, nil, err
	}
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		return nil, nil, err
	}
	imp := importerFunc(func(path string) (*types.Package, error) {
		if path == sendable.RuntimePath {
			return rt, nil
		}
		return std.Import(path)
	})
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	pkg, err := (&types.Config{Importer: imp}).Check("p", fset, []*ast.File{f}, info)
	if err != nil {
		return nil, nil, err
	}
	ann := map[*types.TypeName]sendable.Annotation{}
	for spec, ds := range directive.Scan(fset, f).Types {
		obj := info.Defs[spec.Name].(*types.TypeName)
		for _, d := range ds {
			switch d.Kind {
			case directive.Message:
				ann[obj] = sendable.Annotation{Message: true, Tree: d.Has(directive.OptionTree)}
			case directive.Unchecked:
				ann[obj] = sendable.Annotation{Unchecked: true}
			}
		}
	}
	return pkg, ann, nil
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func TestClassify(t *testing.T) {
	pkg, c := check(t)
	for _, tc := range []struct {
		v      string
		class  sendable.Class
		reason string // substring of Reason.String()
	}{
		{"vPoint", sendable.Sendable, ""},
		{"vStamp", sendable.Sendable, ""},
		{"vGrid", sendable.Sendable, ""},
		{"vCachePtr", sendable.Transferable, "Cache.items is map[string]*Entry (shared mutable memory)"},
		{"vOrder", sendable.Copyable, "Order.Items is []Item"},
		{"vOrderPtr", sendable.Copyable, ""},
		{"vWrapper", sendable.Transferable, "Wrapper.O is Order (copyable, inside a type that is not a message)"},
		{"vHolder", sendable.Transferable, "Holder.P is *Order"},
		{"vReg", sendable.Sendable, ""},
		{"vLocked", sendable.Transferable, "Locked.mu is sync.Mutex"},
		{"vCounter", sendable.Transferable, "Counter.n is atomic.Int64"},
		{"vWithPort", sendable.Sendable, ""},
		{"vWithRecv", sendable.Unsendable, "WithRecv.In is runtime.ReceivePort[int] (a ReceivePort, which belongs to its isolate)"},
		{"vWithChan", sendable.Unsendable, "WithChan.C is chan int (a channel"},
		{"vWithFunc", sendable.Unsendable, "WithFunc.Hooks is []func()"},
		{"vRaw", sendable.Transferable, "Raw.P is unsafe.Pointer"},
		{"vTree", sendable.Transferable, "Tree.Left is *Tree"},
		{"vGen", sendable.Sendable, ""},
		{"vGenAny", sendable.Transferable, "GenAny.V is []int"},
		{"vMap", sendable.Transferable, "map[string]int is map[string]int"},
		{"vErr", sendable.Sendable, ""},
		{"vAny", sendable.Transferable, "any is any (an interface"},
		{"vPtrPtr", sendable.Transferable, "**Order"},
	} {
		obj := pkg.Scope().Lookup(tc.v)
		class, why := c.Classify(obj.Type())
		got := ""
		if why != nil {
			got = why.String()
		}
		if class != tc.class || !strings.Contains(got, tc.reason) || (tc.reason == "" && class != sendable.Copyable && why != nil) {
			t.Errorf("%s: got %v %q, want %v %q", tc.v, class, got, tc.class, tc.reason)
		}
	}
}

func TestGenericTypeParam(t *testing.T) {
	pkg, c := check(t)
	gen := pkg.Scope().Lookup("Gen").Type().(*types.Named)
	if class, why := c.Classify(gen.TypeParams().At(0)); class != sendable.Sendable {
		t.Errorf("T Num: got %v %v", class, why)
	}
	genAny := pkg.Scope().Lookup("GenAny").Type().(*types.Named)
	if class, _ := c.Classify(genAny.TypeParams().At(0)); class == sendable.Sendable {
		t.Errorf("T any: got sendable")
	}
}

// A recursive message type reached first through its own field type must
// not be cached as sendable from the provisional answer given while it
// was being judged.
func TestRecursiveOrder(t *testing.T) {
	pkg, c := check(t)
	tree := pkg.Scope().Lookup("Tree").Type().(*types.Named)
	field := tree.Underlying().(*types.Struct).Field(0).Type()
	c.Classify(field)
	if class, _ := c.Classify(tree); class == sendable.Sendable {
		t.Errorf("Tree after *Tree: got sendable")
	}
}

// TestHintOnlyForAnnotatableTypes checks that the advice to annotate a type
// names only types the user can edit, never the standard library's.
func TestHintOnlyForAnnotatableTypes(t *testing.T) {
	pkg, c := check(t)
	_, why := c.Classify(pkg.Scope().Lookup("vCachePtr").Type())
	if why == nil || why.Hint != "annotate Cache with //isolate:message and run go generate" {
		t.Errorf("*Cache: hint %+v, want the annotate advice", why)
	}
	_, why = c.Classify(pkg.Scope().Lookup("vRegexp").Type())
	if why == nil || strings.Contains(why.Hint, "annotate") {
		t.Errorf("*regexp.Regexp: hint %+v, want no annotate advice", why)
	}
}
