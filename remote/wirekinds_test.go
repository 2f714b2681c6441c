package remote_test

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-isolate/isolate/remote/internal/wiretest"
	"github.com/go-isolate/isolate/runtime"
	"github.com/google/go-cmp/cmp"
)

func newKinds() *wiretest.Kinds {
	n := 42
	return &wiretest.Kinds{
		B: true, I8: -8, U16: 65535, U: 7, Ptr: 0xdead, F32: 1.5,
		C64: complex(1, -2), C128: complex(3.25, 4),
		Lvl:    -3,
		Lvls:   []wiretest.Level{1, -1, 0},
		ByLvl:  map[wiretest.Level][]string{1: {"a"}, 2: nil, 3: {}},
		Grid:   [][]int{{1, 2}, nil, {}},
		Nested: map[string]map[string]int{"x": {"y": 1}, "z": nil},
		Arr:    [3]wiretest.Point{{X: 1, Y: 2}, {X: 3, Y: 4}, {}},
		PtrArr: &[2]string{"p", "q"},
		PtrInt: &n,
		Pts:    []*wiretest.Point{{X: 9}, nil},
		Loc:    time.UTC,
		Remote: &runtime.RemoteError{Message: "boom", Stack: "frame", Isolate: "iso"},
		Addr:   netip.MustParseAddr("10.1.2.3"),
		Prefix: netip.MustParsePrefix("fd00::/8"),
		Later:  "forty",
	}
}

// TestWireKinds: a value of every kind the wire carries comes back equal,
// nil kept apart from empty, sharing nothing with the original.
func TestWireKinds(t *testing.T) {
	in := newKinds()
	in.Skipped = wiretest.Point{X: 1} // off the wire: arrives zero
	got := roundTrip(t, in)
	want := newKinds()
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }), cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })); d != "" {
		t.Errorf("round trip differs (-want +got):\n%s", d)
	}
	if got.PtrInt == in.PtrInt || got.PtrArr == in.PtrArr || &got.Grid[0][0] == &in.Grid[0][0] {
		t.Error("the decoded value shares memory with the original")
	}
}

// TestWireNotCarried: a set context cannot cross; the encoder says which
// field, and an unset one crosses as nil.
func TestWireNotCarried(t *testing.T) {
	k := newKinds()
	k.Ctx = context.Background()
	_, err := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), k)
	if err == nil || !strings.Contains(err.Error(), "Kinds.Ctx (context.Context) cannot cross the wire") {
		t.Errorf("err = %v, want the field named", err)
	}
}

// TestWireMapIdentity: a map reached twice arrives as one map, and cycles
// through maps and slices survive.
func TestWireMapIdentity(t *testing.T) {
	a := &wiretest.Web{Name: "a", Links: map[string]*wiretest.Web{}}
	b := &wiretest.Web{Name: "b", Links: a.Links}
	a.Links["self"], a.Links["b"] = a, b
	a.Refs = []*wiretest.Web{b, a}
	b.Refs = a.Refs
	got := roundTrip(t, a)
	if got.Links["self"] != got || got.Links["b"].Name != "b" || got.Refs[1] != got || got.Refs[0] != got.Links["b"] {
		t.Fatalf("shape lost: %+v", got)
	}
	gb := got.Links["b"]
	if reflect.ValueOf(gb.Links).UnsafePointer() != reflect.ValueOf(got.Links).UnsafePointer() {
		t.Error("a map shared by two values arrived as two maps")
	}
	if &gb.Refs[0] != &got.Refs[0] {
		t.Error("a slice shared by two values arrived as two slices")
	}
}

// TestWireTreeDepth: a tree crosses without tracking, and bytes nested
// deeper than the decoder's bound are an error, not a stack overflow.
func TestWireTreeDepth(t *testing.T) {
	var c *wiretest.Chain
	for i := range 100 {
		c = &wiretest.Chain{Next: c, Kids: []*wiretest.Chain{{Value: i}}, Value: i}
	}
	got := roundTrip(t, c)
	for i := 99; i >= 0; i-- {
		if got == nil || got.Value != i || got.Kids[0].Value != i {
			t.Fatalf("chain differs at %d", i)
		}
		got = got.Next
	}
	for range 3000 {
		c = &wiretest.Chain{Next: c}
	}
	b, err := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.UnmarshalWire[*wiretest.Chain](b, runtime.NewWireDecoder(nil)); !errors.Is(err, runtime.ErrWire) {
		t.Errorf("3100 levels: err = %v, want ErrWire", err)
	}
}

// TestWireKindsBadBytes: every prefix of a valid encoding, and every
// single-byte change of it, is an error or a value, never a panic.
func TestWireKindsBadBytes(t *testing.T) {
	for _, v := range []any{newKinds(), webSeed(), &wiretest.Chain{Next: &wiretest.Chain{}}} {
		b, err := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), v)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b {
			decodeKinds(b[:i])
			c := append([]byte(nil), b...)
			c[i] ^= 0xff
			decodeKinds(c)
		}
	}
}

func webSeed() *wiretest.Web {
	w := &wiretest.Web{Name: "w", Links: map[string]*wiretest.Web{}}
	w.Links["w"] = w
	w.Refs = []*wiretest.Web{w, w}
	return w
}

func decodeKinds(b []byte) {
	_, _ = runtime.UnmarshalWire[*wiretest.Kinds](b, runtime.NewWireDecoder(nil))
	_, _ = runtime.UnmarshalWire[*wiretest.Web](b, runtime.NewWireDecoder(nil))
	_, _ = runtime.UnmarshalWire[*wiretest.Chain](b, runtime.NewWireDecoder(nil))
}

// FuzzDecodeKinds: no input makes a generated decoder panic (go test -fuzz
// FuzzDecodeKinds ./remote/).
func FuzzDecodeKinds(f *testing.F) {
	for _, v := range []any{newKinds(), webSeed()} {
		b, _ := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), v)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) { decodeKinds(b) })
}
