package runtime

import (
	"context"
	"errors"
	"testing"
	"time"
	"unsafe"
)

// TestSpawnCost: a Spawn allocates the isolate (with its message) and the
// goroutine's closure, nothing else, and an isolate with a zero-sized
// message fits the 128-byte size class. What comes for the isolate later
// (Done, pauses, listeners) is made when asked for.
func TestSpawnCost(t *testing.T) {
	if n := unsafe.Sizeof(spawned[struct{}]{}); n > 128 {
		t.Errorf("an isolate takes %d bytes, want at most 128", n)
	}
	ctx := context.Background()
	entry := func(context.Context, struct{}) {}
	spawnWait := func() {
		iso, err := Spawn(ctx, entry, struct{}{})
		if err != nil {
			t.Fatal(err)
		}
		if err := iso.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	spawnWait()
	if a := testing.AllocsPerRun(200, spawnWait); a > 2 {
		t.Errorf("Spawn and Wait allocate %v times, want at most 2", a)
	}

	// A message type with a plain copy: its copier is decided once per type.
	type point struct{ X, Y int }
	spawnPoint := func() {
		iso, err := Spawn(ctx, func(context.Context, point) {}, point{1, 2})
		if err != nil {
			t.Fatal(err)
		}
		iso.Wait(ctx)
	}
	spawnPoint()
	if a := testing.AllocsPerRun(200, spawnPoint); a > 2 {
		t.Errorf("Spawn with a struct message allocates %v times, want at most 2", a)
	}
}

// TestDoneAfterEnd: Done asked for only after the isolate ended is closed,
// and so is its ctx's Done; asked for before, both close at the end.
func TestDoneAfterEnd(t *testing.T) {
	ctx := context.Background()
	var inner context.Context
	iso, _ := Spawn(ctx, func(ctx context.Context, _ struct{}) { inner = ctx }, struct{}{})
	iso.Wait(ctx)
	select {
	case <-iso.Done():
	default:
		t.Error("Done of an ended isolate is not closed")
	}
	select {
	case <-inner.Done():
	default:
		t.Error("the ctx of an ended isolate is not done")
	}

	stop := NewReceivePort[struct{}](ctx)
	defer stop.Close()
	ready := NewReceivePort[context.Context](ctx)
	defer ready.Close()
	iso, _ = Spawn(ctx, func(ctx context.Context, m struct {
		Ready SendPort[context.Context]
		Stop  SendPort[struct{}]
	}) {
		in := NewReceivePort[struct{}](ctx)
		m.Ready.Transfer(ctx)
		in.Receive(ctx)
	}, struct {
		Ready SendPort[context.Context]
		Stop  SendPort[struct{}]
	}{ready.SendPort(), stop.SendPort()})
	done := iso.Done()
	inner, _ = ready.Receive(ctx)
	innerDone := inner.Done()
	iso.Kill(Immediate)
	for _, c := range []<-chan struct{}{done, innerDone} {
		select {
		case <-c:
		case <-time.After(5 * time.Second):
			t.Fatal("a Done channel asked for before the end did not close")
		}
	}
}

// TestBlockedOnAnyOwnPort: an isolate blocked in a receive from any of its
// ports, with its own ctx or another, answers Ping at once and ends at once
// on Kill(BeforeNextEvent).
func TestBlockedOnAnyOwnPort(t *testing.T) {
	for _, foreign := range []bool{false, true} {
		ctx := context.Background()
		ready := NewReceivePort[struct{}](ctx)
		iso, err := Spawn(ctx, func(ctx context.Context, r SendPort[struct{}]) {
			NewReceivePort[int](ctx) // a port it does not receive from
			second := NewReceivePort[int](ctx)
			rctx := ctx
			if foreign {
				var cancel context.CancelFunc
				rctx, cancel = context.WithCancel(context.Background())
				defer cancel()
			}
			r.Send(struct{}{})
			second.Receive(rctx)
		}, ready.SendPort())
		if err != nil {
			t.Fatal(err)
		}
		ready.Receive(ctx)
		ready.Close()
		listed := func() bool {
			iso.mu.Lock()
			defer iso.mu.Unlock()
			for _, p := range iso.ports {
				if p.waiting() {
					return true
				}
			}
			return false
		}
		for deadline := time.Now().Add(5 * time.Second); !listed(); {
			if time.Now().After(deadline) {
				t.Fatal("the isolate never blocked in its receive")
			}
			time.Sleep(time.Millisecond)
		}
		iso.mu.Lock()
		blocked := !iso.setFlagUnlessBlocked(flagPing)
		flags := iso.state.Load() & flagMask
		iso.mu.Unlock()
		if !blocked || flags != 0 {
			t.Errorf("foreign ctx %v: blocked %v, flags left %b; want blocked, none", foreign, blocked, flags)
		}
		iso.Kill(BeforeNextEvent)
		iso.mu.Lock()
		killed := iso.killed
		iso.mu.Unlock()
		if !killed {
			t.Errorf("foreign ctx %v: Kill(BeforeNextEvent) of a blocked isolate did not take effect at once", foreign)
		}
		if err := waitEnded(t, iso); !errors.Is(err, ErrKilled) {
			t.Errorf("Wait = %v, want ErrKilled", err)
		}
	}
}
