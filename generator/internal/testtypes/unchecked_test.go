package testtypes

import (
	"context"
	"testing"

	"github.com/go-isolate/isolate/runtime"
)

// TestUncheckedSend sends //isolate:unchecked types through ports: the
// generated marker method lets the runtime pass them as plain copies, as
// the author vouched, while an unannotated type that shares memory is
// refused.
func TestUncheckedSend(t *testing.T) {
	ctx := context.Background()
	reg := &Registry{m: map[string]int{"a": 1}}
	rp := runtime.NewReceivePort[*Registry](ctx)
	defer rp.Close()
	if err := rp.SendPort().Send(reg); err != nil {
		t.Fatalf("Send(*Registry): %v", err)
	}
	if got, err := rp.Receive(ctx); err != nil || got != reg {
		t.Errorf("Receive = %p, %v; want the same *Registry", got, err)
	}

	lp := runtime.NewReceivePort[Lookup[[]int]](ctx)
	defer lp.Close()
	if err := lp.SendPort().Send(Lookup[[]int]{"a": {1}}); err != nil {
		t.Fatalf("Send(Lookup): %v", err)
	}

	sp := runtime.NewReceivePort[Shared](ctx)
	defer sp.Close()
	if err := sp.SendPort().Send(Shared{m: map[string]int{}}); err == nil {
		t.Error("Send(Shared) shared a map without a copy")
	}
}
