package runtime

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// order has a hand-written deep copy in the generated (Kubernetes) form.
type order struct {
	ID    int
	Items []string
}

func (in *order) DeepCopyInto(out *order) {
	*out = *in
	if in.Items != nil {
		out.Items = append([]string(nil), in.Items...)
	}
}

func (in *order) DeepCopy() *order {
	if in == nil {
		return nil
	}
	out := new(order)
	in.DeepCopyInto(out)
	return out
}

// tags is a named slice type with a value-receiver DeepCopy, as generated for
// slice and map types.
type tags []string

func (in tags) DeepCopy() tags {
	if in == nil {
		return nil
	}
	return append(tags(nil), in...)
}

func TestSendCopiesWithDeepCopy(t *testing.T) {
	r := NewReceivePort[*order](context.Background())
	defer r.Close()
	in := &order{ID: 1, Items: []string{"a"}}
	r.SendPort().Send(in)
	got := mustRecv(t, r)
	if got == in {
		t.Fatal("Send of *order delivered the same pointer, want a copy")
	}
	if &got.Items[0] == &in.Items[0] {
		t.Fatal("the copy shares Items with the original")
	}
	if got.ID != 1 || got.Items[0] != "a" {
		t.Errorf("copy = %+v", got)
	}
}

func TestSendNilPointerStaysNil(t *testing.T) {
	r := NewReceivePort[*order](context.Background())
	defer r.Close()
	r.SendPort().Send(nil)
	if got := mustRecv(t, r); got != nil {
		t.Errorf("Send(nil) delivered %v, want nil", got)
	}
}

func TestSendCopiesWithDeepCopyInto(t *testing.T) {
	r := NewReceivePort[order](context.Background())
	defer r.Close()
	in := order{ID: 2, Items: []string{"b"}}
	r.SendPort().Send(in)
	in.Items[0] = "changed after send"
	if got := mustRecv(t, r); got.Items[0] != "b" {
		t.Errorf("received Items %v: the message shares memory with the sender", got.Items)
	}
}

func TestSendCopiesNamedSlice(t *testing.T) {
	r := NewReceivePort[tags](context.Background())
	defer r.Close()
	in := tags{"x"}
	r.SendPort().Send(in)
	in[0] = "changed after send"
	if got := mustRecv(t, r); got[0] != "x" {
		t.Errorf("received %v: the message shares memory with the sender", got)
	}
}

func TestSendOnInterfacePortCopiesByDynamicType(t *testing.T) {
	r := NewReceivePort[any](context.Background())
	defer r.Close()
	in := &order{ID: 3, Items: []string{"c"}}
	r.SendPort().Send(in)
	r.SendPort().Send(42)
	r.SendPort().Send(nil)
	if got := mustRecv(t, r).(*order); got == in || got.Items[0] != "c" {
		t.Errorf("Send on SendPort[any] delivered %p (sent %p), want a copy", got, in)
	}
	if got := mustRecv(t, r); got != 42 {
		t.Errorf("got %v, want 42", got)
	}
	if got := mustRecv(t, r); got != nil {
		t.Errorf("got %v, want nil", got)
	}
}

func TestTransferDoesNotCopy(t *testing.T) {
	r := NewReceivePort[*order](context.Background())
	defer r.Close()
	in := &order{ID: 4}
	r.SendPort().Transfer(in)
	if got := mustRecv(t, r); got != in {
		t.Errorf("Transfer delivered %p, want the same pointer %p", got, in)
	}
}

func TestSpawnCopiesMessage(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[*order](ctx)
	defer r.Close()
	in := &order{ID: 5, Items: []string{"d"}}
	iso, err := Spawn(ctx, func(ctx context.Context, o *order) {
		r.SendPort().Transfer(o) // moved back: the test sees what the isolate got
	}, in)
	if err != nil {
		t.Fatal(err)
	}
	defer iso.Wait(ctx)
	if got := mustRecv(t, r); got == in || got.Items[0] != "d" {
		t.Errorf("Spawn's message arrived as %p (sent %p), want a copy", got, in)
	}
}

// catalog stands for a type annotated //isolate:message whose generated code
// is missing: a plain copy would share Tags.
type catalog struct {
	Name string
	Tags map[string]string
}

// point shares nothing in a plain copy, but *point shares the point.
type point struct {
	X, Y int
	At   [2]float64
}

// envelope holds only sendable parts: runtime and allow-listed types.
type envelope struct {
	When    time.Time
	TTL     time.Duration
	Reply   SendPort[int]
	Cap     Capability
	Err     error
	Ctx     context.Context
	Who     *Isolate
	Where   *time.Location
	Logger  *slog.Logger
	Address netip.Addr
	Points  [3]point
}

// cache is marked as the generator marks an //isolate:unchecked type.
type cache struct{ m map[string]int }

func (cache) IsolateUnchecked() {}

// deep hides a slice three levels down.
type deep struct{ Rows [2]row }
type row struct{ Cells cells }
type cells struct{ Refs []int }

// inbox carries a ReceivePort, which belongs to its isolate.
type inbox struct{ In *ReceivePort[int] }

func wantNotSendable(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("the message was sent; want an error, as a plain copy would share memory")
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestSendRefusesAnnotatedTypeWithoutGeneratedCopy(t *testing.T) {
	r := NewReceivePort[catalog](context.Background())
	defer r.Close()
	in := catalog{Name: "c", Tags: map[string]string{"k": "v"}}
	err := r.SendPort().Send(in)
	wantNotSendable(t, err, "runtime.catalog", "catalog.Tags: map[string]string",
		"annotate it //isolate:message and run go generate")
	if err2 := r.SendPort().Send(in); err2 != err {
		t.Errorf("the verdict is not decided once per type: %v then %v", err, err2)
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = r.SendPort().Send(in) }); allocs != 0 {
		t.Errorf("a refused Send allocates %v times, want 0", allocs)
	}
	// Transfer moves: never refused.
	if err := r.SendPort().Transfer(in); err != nil {
		t.Fatalf("Transfer = %v, want nil", err)
	}
	got := mustRecv(t, r)
	got.Tags["k"] = "changed by the receiver"
	if in.Tags["k"] != "changed by the receiver" {
		t.Error("Transfer copied the message, want it moved")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.Receive(ctx); err == nil {
		t.Error("a refused Send queued its message")
	}
}

func TestSendRefusesPointerWithoutGeneratedCopy(t *testing.T) {
	r := NewReceivePort[*point](context.Background())
	defer r.Close()
	wantNotSendable(t, r.SendPort().Send(&point{X: 1}), "*runtime.point", "annotate it //isolate:message")
	if err := r.SendPort().Transfer(&point{X: 1}); err != nil {
		t.Fatalf("Transfer of a *point = %v", err)
	}
}

func TestSendRefusedPathReachesNestedPart(t *testing.T) {
	r := NewReceivePort[deep](context.Background())
	defer r.Close()
	wantNotSendable(t, r.SendPort().Send(deep{}), "deep.Rows[].Cells.Refs: []int")
	b := NewReceivePort[inbox](context.Background())
	defer b.Close()
	wantNotSendable(t, b.SendPort().Send(inbox{}), "inbox.In", "send its SendPort")
}

func TestSendAcceptsTypesSharingNothing(t *testing.T) {
	ctx := context.Background()
	pts := NewReceivePort[point](ctx)
	defer pts.Close()
	if err := pts.SendPort().Send(point{X: 1, Y: 2}); err != nil {
		t.Fatalf("Send(point) = %v", err)
	}
	if got := mustRecv(t, pts); got.X != 1 || got.Y != 2 {
		t.Errorf("got %+v", got)
	}
	env := NewReceivePort[envelope](ctx)
	defer env.Close()
	e := envelope{When: time.Now(), Reply: NewReceivePort[int](ctx).SendPort(), Err: errSentinel,
		Ctx: ctx, Where: time.UTC, Logger: slog.Default(), Address: netip.MustParseAddr("::1")}
	if err := env.SendPort().Send(e); err != nil {
		t.Fatalf("Send(envelope) = %v", err)
	}
	if got := mustRecv(t, env); got.Err != errSentinel || got.Where != time.UTC {
		t.Errorf("got %+v", got)
	}
	// Unnamed mutable types keep the plain copy: the vet check reports them.
	m := NewReceivePort[map[string]int](ctx)
	defer m.Close()
	if err := m.SendPort().Send(map[string]int{"a": 1}); err != nil {
		t.Fatalf("Send(map) = %v", err)
	}
}

func TestSendAcceptsUncheckedType(t *testing.T) {
	ctx := context.Background()
	for _, send := range []func() error{
		func() error {
			r := NewReceivePort[cache](ctx)
			defer r.Close()
			return r.SendPort().Send(cache{m: map[string]int{}})
		},
		func() error {
			r := NewReceivePort[*cache](ctx)
			defer r.Close()
			return r.SendPort().Send(&cache{})
		},
		func() error {
			r := NewReceivePort[any](ctx)
			defer r.Close()
			return r.SendPort().Send(cache{})
		},
	} {
		if err := send(); err != nil {
			t.Errorf("Send of an Unchecked type = %v, want nil", err)
		}
	}
	var _ Unchecked = cache{}
	var _ Unchecked = &cache{}
}

func TestSendOnInterfacePortJudgesDynamicType(t *testing.T) {
	r := NewReceivePort[any](context.Background())
	defer r.Close()
	wantNotSendable(t, r.SendPort().Send(catalog{Tags: map[string]string{}}), "catalog.Tags")
	wantNotSendable(t, r.SendPort().Send(&point{}), "*runtime.point")
	// Error values arrive as error, an allow-listed type.
	ve := &valueError{code: 1}
	if err := r.SendPort().Send(ve); err != nil {
		t.Fatalf("Send of an error value = %v", err)
	}
	if got := mustRecv(t, r); got != any(ve) {
		t.Errorf("got %v, want the error value itself", got)
	}
	if err := r.SendPort().Send(point{X: 7}); err != nil {
		t.Fatalf("Send(point) on SendPort[any] = %v", err)
	}
	if got := mustRecv(t, r); got != any(point{X: 7}) {
		t.Errorf("got %v", got)
	}
	if err := r.SendPort().Transfer(catalog{}); err != nil {
		t.Fatalf("Transfer on SendPort[any] = %v", err)
	}
}

func TestSpawnRefusesMessageThatWouldShare(t *testing.T) {
	ran := false
	iso, err := Spawn(context.Background(), func(context.Context, catalog) { ran = true }, catalog{})
	wantNotSendable(t, err, "catalog.Tags", "run go generate")
	if iso != nil || ran {
		t.Error("Spawn started an isolate for a message it refused")
	}
}

func TestSendLeavesOtherModulesTypesToVet(t *testing.T) {
	// cmp.Options is a named slice of another module: the vet check judges
	// it (and may have been told it is sendable); the runtime sends it.
	r := NewReceivePort[cmp.Options](context.Background())
	defer r.Close()
	if err := r.SendPort().Send(cmp.Options{}); err != nil {
		t.Fatalf("Send of another module's type = %v, want nil", err)
	}
	for path, std := range map[string]bool{
		"net/netip": true, "vendor/golang.org/x/net/dns/dnsmessage": true,
		"main": false, "example": false, "example.com/app": false,
		"github.com/go-isolate/isolate/runtime": false,
	} {
		if isStd(path) != std {
			t.Errorf("isStd(%q) = %v, want %v", path, !std, std)
		}
	}
}
