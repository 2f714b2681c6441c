package runtime

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// A receive that finds a backlog moves it to the receiving side of the port
// (out) and the receives after it take from there. These tests check that
// nothing of a port's semantics changes while messages wait there.

// fillBacklog sends n messages and receives the first, which moves the
// rest to out.
func fillBacklog(t *testing.T, r *ReceivePort[int], n int) {
	t.Helper()
	sp := r.SendPort()
	for i := range n {
		if err := sp.Send(i); err != nil {
			t.Fatal(err)
		}
	}
	if v := mustRecv(t, r); v != 0 {
		t.Fatalf("first message %d, want 0", v)
	}
	if !r.state.outHas.Load() {
		t.Fatal("a backlog of 200 was not moved to the receiving side")
	}
}

func TestBacklogCloseDiscards(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx)
	fillBacklog(t, r, 200)
	r.Close()
	if v, err := r.Receive(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Receive after Close = %d, %v; want ErrClosed", v, err)
	}
}

func TestBacklogKeepsOrderWithSendsInBetween(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx)
	defer r.Close()
	fillBacklog(t, r, 200)
	sp := r.SendPort()
	for i := 200; i < 300; i++ {
		sp.Send(i)
	}
	for want := 1; want < 300; want++ {
		if v := mustRecv(t, r); v != want {
			t.Fatalf("got %d, want %d", v, want)
		}
	}
}

// TestBacklogSharedByReceivers: a second receiver, blocked or not, gets the
// messages waiting in out when the first stops receiving.
func TestBacklogSharedByReceivers(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx)
	defer r.Close()
	fillBacklog(t, r, 200)
	var wg sync.WaitGroup
	got := make([][]int, 2)
	for g := range got {
		wg.Go(func() {
			for range 60 {
				v, err := r.Receive(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				got[g] = append(got[g], v)
			}
		})
	}
	wg.Wait()
	for g, vs := range got {
		for i := 1; i < len(vs); i++ {
			if vs[i] <= vs[i-1] {
				t.Errorf("receiver %d got %d after %d", g, vs[i], vs[i-1])
			}
		}
	}
	// 120 taken of 199: the rest are still there, in order.
	seen := map[int]bool{}
	for _, vs := range got {
		for _, v := range vs {
			seen[v] = true
		}
	}
	for range 199 - 120 {
		v := mustRecv(t, r)
		if seen[v] {
			t.Fatalf("%d delivered twice", v)
		}
		seen[v] = true
	}
	if len(seen) != 199 {
		t.Errorf("%d distinct messages, want 199", len(seen))
	}
}

// spawnBacklogIsolate starts an isolate that, once step gets a message,
// receives from in and reports each message on got; when Receive fails it
// reports -1 for ErrKilled (-2 for another error) and ends.
func spawnBacklogIsolate(t *testing.T, got SendPort[int]) (*Isolate, SendPort[int], SendPort[struct{}]) {
	t.Helper()
	ctx := context.Background()
	type ports struct {
		In   SendPort[int]
		Step SendPort[struct{}]
	}
	hello := NewReceivePort[ports](ctx)
	defer hello.Close()
	type start struct {
		Hello SendPort[ports]
		Got   SendPort[int]
	}
	iso, err := Spawn(ctx, func(ctx context.Context, s start) {
		in := NewReceivePort[int](ctx)
		step := NewReceivePort[struct{}](ctx)
		s.Hello.Send(ports{in.SendPort(), step.SendPort()})
		if _, err := step.Receive(ctx); err != nil {
			return
		}
		for {
			v, err := in.Receive(ctx)
			if err != nil {
				if errors.Is(err, ErrKilled) {
					s.Got.Send(-1)
				} else {
					s.Got.Send(-2)
				}
				return
			}
			s.Got.Send(v)
		}
	}, start{hello.SendPort(), got})
	if err != nil {
		t.Fatal(err)
	}
	p := mustRecv(t, hello)
	return iso, p.In, p.Step
}

// TestBacklogOfIsolate: in an isolate, Pause holds the messages waiting on
// the receiving side, and Kill(Immediate) drops them: Receive reports
// ErrKilled.
func TestBacklogOfIsolate(t *testing.T) {
	ctx := context.Background()
	// A capacity of 1 holds the isolate back: the backlog stays.
	got := NewReceivePort[int](ctx, WithCapacity(1))
	defer got.Close()
	iso, in, step := spawnBacklogIsolate(t, got.SendPort())
	defer waitEnded(t, iso)
	defer iso.Kill(Immediate)
	for i := range 5000 {
		in.Send(i)
	}
	step.Send(struct{}{})
	last := mustRecv(t, got)
	c := iso.Pause()
	// What was received before Pause returned may still be reported.
	for {
		v, err := recvWithin(t, got, 100*time.Millisecond)
		if err != nil {
			break
		}
		if v != last+1 {
			t.Fatalf("got %d after %d", v, last)
		}
		last = v
	}
	if last > 10 {
		t.Fatalf("the isolate got ahead to %d", last)
	}
	if !in.p.outHas.Load() {
		t.Error("the backlog is not on the receiving side")
	}
	iso.Resume(c)
	if v := mustRecv(t, got); v != last+1 {
		t.Fatalf("after Resume got %d, want %d", v, last+1)
	}
	iso.Kill(Immediate)
	for {
		v := mustRecv(t, got)
		if v < 0 {
			if v != -1 {
				t.Errorf("Receive after Kill failed with another error than ErrKilled")
			}
			break
		}
	}
	if err := waitEnded(t, iso); !errors.Is(err, ErrKilled) {
		t.Errorf("Wait = %v, want ErrKilled", err)
	}
}
