package runtime

import (
	"context"
	"testing"
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
