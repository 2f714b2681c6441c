package testtypes

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

// copyable is what every generated message offers.
type copyable[T any] interface {
	*T
	DeepCopy() *T
	DeepCopyInto(*T)
	Transfer() T
}

// filler makes random values of any type, unexported fields included.
// With share set it reuses pointers it made before, of the same type, so
// values share and cycle.
type filler struct {
	r     *rand.Rand
	share bool
	made  map[reflect.Type][]reflect.Value
	depth int
}

func newFiller(seed uint64, share bool) *filler {
	return &filler{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), share: share, made: map[reflect.Type][]reflect.Value{}}
}

var (
	timeType = reflect.TypeFor[time.Time]()
	locType  = reflect.TypeFor[*time.Location]()
	errType  = reflect.TypeFor[error]()
)

// settable makes v writable even when it is an unexported field.
func settable(v reflect.Value) reflect.Value {
	if v.CanSet() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

func (f *filler) fill(v reflect.Value) {
	v = settable(v)
	f.depth++
	defer func() { f.depth-- }()
	switch v.Type() {
	case timeType:
		v.Set(reflect.ValueOf(time.Unix(f.r.Int64N(1<<32), f.r.Int64N(1e9)).UTC()))
		return
	case locType:
		if f.r.IntN(2) == 0 {
			v.Set(reflect.ValueOf(time.UTC))
		}
		return
	case errType:
		if f.r.IntN(2) == 0 {
			v.Set(reflect.ValueOf(errors.New(fmt.Sprint("e", f.r.IntN(100)))))
		}
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(f.r.Int64N(1000) - 500)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(f.r.Uint64N(256))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.r.IntN(10000)) / 8)
	case reflect.String:
		v.SetString(fmt.Sprint("s", f.r.IntN(1000)))
	case reflect.Pointer:
		pool := f.made[v.Type()]
		if f.share && len(pool) > 0 && f.r.IntN(3) == 0 {
			v.Set(pool[f.r.IntN(len(pool))])
			return
		}
		if f.depth > 6 || f.r.IntN(4) == 0 {
			return // nil
		}
		p := reflect.New(v.Type().Elem())
		f.made[v.Type()] = append(pool, p)
		v.Set(p) // before filling, so that the pool can close cycles
		f.fill(p.Elem())
	case reflect.Slice:
		switch n := f.r.IntN(5); {
		case n == 0 || f.depth > 6:
			// nil
		case n == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, f.r.IntN(2)))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1+f.r.IntN(2))
			for i := range s.Len() {
				f.fill(s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Map:
		pool := f.made[v.Type()]
		if f.share && len(pool) > 0 && f.r.IntN(3) == 0 {
			v.Set(pool[f.r.IntN(len(pool))])
			return
		}
		switch n := f.r.IntN(5); {
		case n == 0 || f.depth > 6:
		case n == 1:
			v.Set(reflect.MakeMap(v.Type()))
		default:
			m := reflect.MakeMap(v.Type())
			if f.share {
				f.made[v.Type()] = append(pool, m) // before filling: cycles
			}
			for range n - 1 {
				k := reflect.New(v.Type().Key()).Elem()
				f.fill(k)
				e := reflect.New(v.Type().Elem()).Elem()
				f.fill(e)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f.fill(v.Field(i))
		}
	}
}

// noShared fails when the copy b shares a pointer, a slice's backing array
// or a map with the original a. It walks both in step.
func noShared(t testing.TB, a, b reflect.Value, path string, seen map[uintptr]bool) {
	t.Helper()
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() != b.IsNil() {
			t.Fatalf("%s: nil in one value only", path)
		}
		if a.IsNil() || a.Type() == locType {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Fatalf("%s: copy shares pointer %#x with the original", path, a.Pointer())
		}
		if seen[a.Pointer()] {
			return
		}
		seen[a.Pointer()] = true
		noShared(t, a.Elem(), b.Elem(), "(*"+path+")", seen)
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			t.Fatalf("%s: nil kept apart from empty: original nil=%v, copy nil=%v", path, a.IsNil(), b.IsNil())
		}
		if a.Len() != b.Len() {
			t.Fatalf("%s: len %d, copy %d", path, a.Len(), b.Len())
		}
		if a.Len() > 0 && a.Type().Elem().Size() > 0 && a.Pointer() == b.Pointer() {
			t.Fatalf("%s: copy shares the slice's backing array", path)
		}
		for i := range a.Len() {
			noShared(t, a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen)
		}
	case reflect.Map:
		if a.IsNil() != b.IsNil() {
			t.Fatalf("%s: nil kept apart from empty: original nil=%v, copy nil=%v", path, a.IsNil(), b.IsNil())
		}
		if a.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Fatalf("%s: copy shares the map", path)
		}
		if seen[a.Pointer()] {
			return
		}
		seen[a.Pointer()] = true
		for _, k := range a.MapKeys() {
			noShared(t, a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), seen)
		}
	case reflect.Array:
		for i := range a.Len() {
			noShared(t, a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen)
		}
	case reflect.Struct:
		if a.Type() == timeType {
			return // sendable: holds only an immutable *Location
		}
		for i := range a.NumField() {
			noShared(t, a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, seen)
		}
	case reflect.Interface:
		// error values are immutable by convention and assigned.
	}
}

// firstVisit records that pointer or map a was copied to b, failing when a
// was copied before to something else or b stands for another value too; it
// reports whether a is new.
func firstVisit(t testing.TB, a, b reflect.Value, fwd, back map[uintptr]uintptr) bool {
	t.Helper()
	pa, pb := a.Pointer(), b.Pointer()
	if got, ok := fwd[pa]; ok {
		if got != pb {
			t.Fatalf("%s reached twice in the original, but copied twice", a.Type())
		}
		return false
	}
	if got, ok := back[pb]; ok && got != pa {
		t.Fatalf("two %s of the original became one in the copy", a.Type())
	}
	fwd[pa], back[pb] = pb, pa
	return true
}

// sameShape fails unless every pointer of a maps to one pointer of b and
// different pointers of a map to different pointers of b: sharing and
// cycles are kept.
func sameShape(t testing.TB, a, b reflect.Value, fwd, back map[uintptr]uintptr) {
	t.Helper()
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || a.Type() == locType || !firstVisit(t, a, b, fwd, back) {
			return
		}
		sameShape(t, a.Elem(), b.Elem(), fwd, back)
	case reflect.Slice, reflect.Array:
		for i := range a.Len() {
			sameShape(t, a.Index(i), b.Index(i), fwd, back)
		}
	case reflect.Map:
		// A map has identity too: one map stays one, two stay two.
		if a.IsNil() || !firstVisit(t, a, b, fwd, back) {
			return
		}
		for _, k := range a.MapKeys() {
			sameShape(t, a.MapIndex(k), b.MapIndex(k), fwd, back)
		}
	case reflect.Struct:
		for i := range a.NumField() {
			sameShape(t, a.Field(i), b.Field(i), fwd, back)
		}
	}
}

// mutate changes every scalar and grows every slice and map reachable from v.
func mutate(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		settable(v).SetInt(v.Int() + 1)
	case reflect.Float32, reflect.Float64:
		settable(v).SetFloat(v.Float() + 1)
	case reflect.String:
		settable(v).SetString(v.String() + "!")
	case reflect.Bool:
		settable(v).SetBool(!v.Bool())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		settable(v).SetUint(v.Uint() + 1)
	case reflect.Pointer:
		if v.IsNil() || v.Type() == locType || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		mutate(v.Elem(), seen)
	case reflect.Slice:
		for i := range v.Len() {
			mutate(v.Index(i), seen)
		}
		if v.Len() < v.Cap() { // writes into spare capacity the original might share
			s := settable(v)
			s.Set(s.Slice(0, v.Cap()))
		}
	case reflect.Map:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			mutate(e, seen)
			v.SetMapIndex(k, e)
		}
	case reflect.Array:
		for i := range v.Len() {
			mutate(v.Index(i), seen)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			settable(v).Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour)))
			return
		}
		for i := range v.NumField() {
			mutate(v.Field(i), seen)
		}
	}
}

var allUnexported = cmp.Exporter(func(reflect.Type) bool { return true })

// checkMessage runs every property on one random value of T.
func checkMessage[T any, P copyable[T]](t testing.TB, seed uint64, share bool) {
	t.Helper()
	var orig, ref T
	newFiller(seed, share).fill(reflect.ValueOf(&orig).Elem())
	newFiller(seed, share).fill(reflect.ValueOf(&ref).Elem()) // the same value, apart

	cp := P(&orig).DeepCopy()
	if diff := cmp.Diff(&orig, cp, allUnexported); diff != "" {
		t.Fatalf("seed %d: copy differs from original (-orig +copy):\n%s", seed, diff)
	}
	noShared(t, reflect.ValueOf(&orig).Elem(), reflect.ValueOf(cp).Elem(), reflect.TypeFor[T]().Name(), map[uintptr]bool{})
	if share {
		sameShape(t, reflect.ValueOf(&orig).Elem(), reflect.ValueOf(cp).Elem(), map[uintptr]uintptr{}, map[uintptr]uintptr{})
	}
	var into T
	P(&orig).DeepCopyInto(&into)
	if diff := cmp.Diff(&orig, &into, allUnexported); diff != "" {
		t.Fatalf("seed %d: DeepCopyInto differs (-orig +copy):\n%s", seed, diff)
	}

	mutate(reflect.ValueOf(cp), map[uintptr]bool{})
	if diff := cmp.Diff(&ref, &orig, allUnexported); diff != "" {
		t.Fatalf("seed %d: mutating the copy changed the original (-before +after):\n%s", seed, diff)
	}

	moved := P(&orig).Transfer()
	if diff := cmp.Diff(&ref, &moved, allUnexported); diff != "" {
		t.Fatalf("seed %d: Transfer changed the value (-want +got):\n%s", seed, diff)
	}
	if !reflect.ValueOf(&orig).Elem().IsZero() {
		t.Fatalf("seed %d: Transfer left the source non-zero", seed)
	}
	if P(nil).DeepCopy() != nil {
		t.Fatalf("DeepCopy of nil is not nil")
	}
}

// properties checks every message type of the package with one seed.
func properties(t testing.TB, seed uint64) {
	checkMessage[Order](t, seed, false)
	checkMessage[Node](t, seed, true)
	checkMessage[IdentTree](t, seed, true)
	checkMessage[Tree](t, seed, false)
	checkMessage[Series[float64]](t, seed, false)
	checkMessage[Series[int]](t, seed, false)
	checkMessage[Tags](t, seed, false)
	checkMessage[Index](t, seed, false)
	checkMessage[Ring](t, seed, false)
	checkMessage[Menu](t, seed, true)
	checkMessage[Ttest](t, seed, true)
	checkMessage[Interior](t, seed, true)
}

// TestProperties checks the properties for 500 seeds, as .ci/run does
// without the race detector; under it, where each seed costs several times
// as much and the copies run on one goroutine, 100 seeds (every shape and
// size the generator picks from comes up many times in 100); under -short,
// 50.
func TestProperties(t *testing.T) {
	n := uint64(500)
	switch {
	case testing.Short():
		n = 50
	case raceEnabled:
		n = 100
	}
	for seed := range n {
		properties(t, seed)
	}
}

func FuzzDeepCopy(f *testing.F) {
	for _, s := range []uint64{0, 1, 2, 42, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		properties(t, seed)
	})
}

// TestIdentity builds the shapes that matter by hand: a shared node, a
// cycle through the root, a self loop, and nil apart from empty.
func TestIdentity(t *testing.T) {
	shared := &Node{Name: "shared", Meta: &Meta{Labels: []string{"x"}}}
	root := &Node{Name: "root", Peers: map[string]*Node{}, Kids: []*Node{}}
	a := &Node{Name: "a", Parent: root, Kids: []*Node{shared}, Meta: shared.Meta}
	b := &Node{Name: "b", Parent: root, Kids: []*Node{shared}}
	root.Kids = append(root.Kids, a, b)
	root.Peers["self"] = root
	root.Peers["a"] = a
	shared.Parent = shared

	cp := root.DeepCopy()
	if cp == root || cp.Kids[0] == a {
		t.Fatal("copy shares nodes with the original")
	}
	if cp.Kids[0].Kids[0] != cp.Kids[1].Kids[0] {
		t.Error("a shared node was copied twice")
	}
	if cp.Kids[0].Parent != cp || cp.Peers["self"] != cp {
		t.Error("the cycle through the root did not stay a cycle")
	}
	if cp.Peers["a"] != cp.Kids[0] {
		t.Error("a node reached through a map and a slice was copied twice")
	}
	if s := cp.Kids[0].Kids[0]; s.Parent != s {
		t.Error("a self loop did not stay a self loop")
	}
	if cp.Kids[0].Meta != cp.Kids[0].Kids[0].Meta || cp.Kids[0].Meta == shared.Meta {
		t.Error("shared Meta not kept shared, or not copied")
	}
	if cp.Kids[1].Peers != nil || cp.Kids[1].Meta != nil {
		t.Error("nil became non-nil")
	}

	var into Node
	root.DeepCopyInto(&into)
	if into.Kids[0].Parent != &into {
		t.Error("DeepCopyInto: a pointer back to the root does not reach the copy's root")
	}

	o := Order{Tags: []string{}, Attrs: map[string]*Attr{}, Matrix: [][]int{nil, {}}}
	oc := o.DeepCopy()
	if oc.Tags == nil || oc.Attrs == nil || oc.Items != nil || oc.Matrix[0] != nil || oc.Matrix[1] == nil {
		t.Error("nil and empty were not kept apart")
	}
}

func cmpDiff(a, b any) string { return cmp.Diff(a, b, allUnexported) }

// TestIdentityAcrossCopies copies graphs of many sizes, one after another
// and from several goroutines at once, so that the memo tables grow, are
// reused emptied, and are dropped when far larger than a copy needs: every
// copy must keep the sharing of its own graph and reach nothing of another.
func TestIdentityAcrossCopies(t *testing.T) {
	sizes := []int{1, 2, 40, 3000, 5, 100_000, 7, 700}
	if testing.Short() {
		sizes = sizes[:5]
	}
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			for i, n := range sizes {
				checkRing(t, n+g+i)
			}
		})
	}
	wg.Wait()
}

// checkRing copies a ring of n nodes, each also held by a slice in the
// first node and sharing one Meta with its neighbour, and checks the copy.
func checkRing(t *testing.T, n int) {
	nodes := make([]*Node, n)
	for i := range nodes {
		nodes[i] = &Node{Name: strconv.Itoa(i), Weight: i}
		if i%2 == 1 {
			nodes[i].Meta = nodes[i-1].Meta
		} else {
			nodes[i].Meta = &Meta{Score: float64(i)}
		}
	}
	for i, nd := range nodes {
		nd.Parent = nodes[(i+1)%n]
	}
	nodes[0].Kids = nodes
	cp := nodes[0].DeepCopy()
	seen := map[*Node]bool{}
	nd := cp
	for i := range n {
		if seen[nd] || nd.Weight != i || nd == nodes[i] {
			t.Errorf("ring of %d: node %d is wrong or repeated", n, i)
			return
		}
		if cp.Kids[i] != nd {
			t.Errorf("ring of %d: node %d reached through the slice is not the one in the ring", n, i)
			return
		}
		if i%2 == 1 && nd.Meta != cp.Kids[i-1].Meta || nd.Meta == nodes[i].Meta {
			t.Errorf("ring of %d: Meta of node %d not kept shared, or not copied", n, i)
			return
		}
		seen[nd] = true
		nd = nd.Parent
	}
	if nd != cp {
		t.Errorf("ring of %d: the ring did not close on the copy's root", n)
	}
}

// TestMapIdentity copies values that reach themselves through maps: a map
// shared by two parents is copied once and stays shared, a map that holds
// itself holds its copy, and the copy shares no map with the original.
func TestMapIdentity(t *testing.T) {
	shared := map[string]Menu{"tea": {Name: "tea"}}
	m := Menu{Name: "root", Items: []Menu{{Name: "a", ByKey: shared}, {Name: "b", ByKey: shared}}}
	m.ByKey = map[string]Menu{"self": {Name: "inner", ByKey: shared}}
	cp := m.DeepCopy()
	a, b := cp.Items[0].ByKey, cp.Items[1].ByKey
	if reflect.ValueOf(a).Pointer() != reflect.ValueOf(b).Pointer() {
		t.Error("a map shared by two items was copied twice")
	}
	if reflect.ValueOf(a).Pointer() == reflect.ValueOf(shared).Pointer() {
		t.Error("the copy shares the map with the original")
	}
	if reflect.ValueOf(cp.ByKey["self"].ByKey).Pointer() != reflect.ValueOf(a).Pointer() {
		t.Error("a map reached through a map and a slice was copied twice")
	}
	a["coffee"] = Menu{Name: "coffee"}
	if len(shared) != 1 {
		t.Error("writing the copy changed the original")
	}

	tt := Ttest{}
	tt["self"] = tt
	tt["kid"] = Ttest{"up": tt}
	tc := tt.DeepCopy()
	if reflect.ValueOf(*tc).Pointer() == reflect.ValueOf(tt).Pointer() {
		t.Fatal("the copy is the original map")
	}
	if reflect.ValueOf((*tc)["self"]).Pointer() != reflect.ValueOf(*tc).Pointer() {
		t.Error("a map that holds itself does not hold its copy")
	}
	if reflect.ValueOf((*tc)["kid"]["up"]).Pointer() != reflect.ValueOf(*tc).Pointer() {
		t.Error("a cycle through two maps did not stay a cycle")
	}
	var none Ttest
	if *none.DeepCopy() != nil {
		t.Error("nil did not stay nil")
	}
}

// TestInteriorPointers copies values holding pointers into themselves: a
// pointer to a field of a copied value points to that field of the copy,
// at the root, in a pointee and in a slice element.
func TestInteriorPointers(t *testing.T) {
	var a Interior
	a.Struct = &a
	a.StructPtr = &a.Struct
	c := a.DeepCopy()
	if c.Struct != c {
		t.Error("the cycle through the root did not stay a cycle")
	}
	if c.StructPtr != &c.Struct {
		t.Error("a pointer to a field of the root does not point to the copy's field")
	}

	p := &Interior{Name: "p"}
	p.Struct = p
	p.StructPtr = &p.Struct
	root := Interior{Struct: p, StructPtr: &p.Struct}
	rc := root.DeepCopy()
	if rc.Struct == p || rc.Struct.StructPtr != &rc.Struct.Struct || rc.StructPtr != &rc.Struct.Struct {
		t.Error("a pointer to a field of a pointee does not point into the pointee's copy")
	}

	k := Interior{Kids: []Interior{{Name: "k0"}, {Name: "k1"}}}
	k.Kids[1].StructPtr = &k.Kids[0].Struct
	k.Kids[0].Struct = &k.Kids[1]
	kc := k.DeepCopy()
	if kc.Kids[1].StructPtr != &kc.Kids[0].Struct {
		t.Error("a pointer to a field of a slice element does not point into the copied slice")
	}
	if *kc.Kids[1].StructPtr == &k.Kids[1] {
		t.Error("the copy reaches the original")
	}
}

// TestSlabNeighbours appends to slices a copy carved from one slab: each has
// its capacity cut to its length, so an append never writes into the next.
func TestSlabNeighbours(t *testing.T) {
	o := Order{Items: []LineItem{{Tags: []string{"a"}}, {Tags: []string{"b", "c"}}, {Tags: []string{}}, {}}}
	cp := o.DeepCopy()
	if cp.Items[2].Tags == nil || cp.Items[3].Tags != nil {
		t.Fatal("nil and empty were not kept apart")
	}
	_ = append(cp.Items[0].Tags, "x")
	if cp.Items[1].Tags[0] != "b" {
		t.Error("an append to one copied slice wrote into its neighbour")
	}
	if cap(cp.Items[0].Tags) != 1 {
		t.Errorf("cap = %d, want 1", cap(cp.Items[0].Tags))
	}
}
