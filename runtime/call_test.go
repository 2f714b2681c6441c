package runtime

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// doubleCall is a request with its reply slot, as generated ports make them.
type doubleCall struct {
	in, out int
	reply   Reply
}

func spawnDoubler(t *testing.T, opts ...Option) (SendPort[*doubleCall], *Isolate) {
	t.Helper()
	sp, iso, err := SpawnPort(context.Background(), func(ctx context.Context, calls *ReceivePort[*doubleCall]) {
		for c := range calls.All(ctx) {
			if c.in < 0 {
				panic("negative")
			}
			c.out = c.in * 2
			c.reply.Done()
		}
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		iso.Kill(Immediate)
		iso.Wait(context.Background())
	})
	return sp, iso
}

func TestSpawnPortCalls(t *testing.T) {
	sp, iso := spawnDoubler(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			c := &doubleCall{reply: NewReply()}
			for i := range 200 {
				c.in = g*1000 + i
				if err := sp.Transfer(c); err != nil {
					t.Error(err)
					return
				}
				if err := c.reply.Wait(context.Background(), iso); err != nil {
					t.Error(err)
					return
				}
				if c.out != 2*c.in {
					t.Errorf("out = %d, want %d", c.out, 2*c.in)
				}
			}
		})
	}
	wg.Wait()
}

func TestSpawnPortPausedQueues(t *testing.T) {
	sp, iso := spawnDoubler(t, WithPaused())
	c := &doubleCall{in: 21, reply: NewReply()}
	if err := sp.Transfer(c); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := c.reply.Wait(ctx, iso); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait on a paused server = %v, want deadline exceeded", err)
	}
	iso.Resume(iso.PauseCapability())
	if err := c.reply.Wait(context.Background(), iso); err != nil || c.out != 42 {
		t.Fatalf("after resume: %v, out %d", err, c.out)
	}
}

func TestSpawnPortClosesWithIsolate(t *testing.T) {
	sp, iso := spawnDoubler(t)
	c := &doubleCall{in: -1, reply: NewReply()}
	if err := sp.Transfer(c); err != nil {
		t.Fatal(err)
	}
	if err := c.reply.Wait(nil, iso); err != ErrClosed {
		t.Fatalf("Wait after the server panicked = %v, want ErrClosed", err)
	}
	var re *RemoteError
	if err := iso.Wait(context.Background()); !errors.As(err, &re) {
		t.Fatalf("isolate Wait = %v, want *RemoteError", err)
	}
	if err := sp.Transfer(c); err != ErrClosed {
		t.Fatalf("Transfer to an ended server = %v, want ErrClosed", err)
	}
}

func TestSpawnPortCancelledParent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := SpawnPort(ctx, func(context.Context, *ReceivePort[int]) {}); err != context.Canceled {
		t.Fatalf("SpawnPort with a cancelled ctx = %v", err)
	}
	if _, _, err := SpawnPort[int](context.Background(), nil); err == nil {
		t.Fatal("SpawnPort with a nil entry succeeded")
	}
}

func TestReplyWaitPrefersReady(t *testing.T) {
	sp, iso := spawnDoubler(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := NewReply()
	r.Done()
	if err := r.Wait(ctx, iso); err != nil {
		t.Fatalf("Wait with a ready reply and a cancelled ctx = %v, want nil", err)
	}
	if err := r.Wait(ctx, iso); err != context.Canceled {
		t.Fatalf("Wait with a cancelled ctx = %v", err)
	}
	_ = sp
}

func TestReplyLateDoneDoesNotBlock(t *testing.T) {
	sp, iso := spawnDoubler(t, WithPaused())
	c := &doubleCall{in: 1, reply: NewReply()}
	sp.Transfer(c)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.reply.Wait(ctx, iso); err != context.Canceled {
		t.Fatalf("Wait = %v", err)
	}
	// The abandoned call is served later; its Done must not block the server.
	iso.Resume(iso.PauseCapability())
	c2 := &doubleCall{in: 2, reply: NewReply()}
	sp.Transfer(c2)
	if err := c2.reply.Wait(context.Background(), iso); err != nil || c2.out != 4 {
		t.Fatalf("next call: %v, out %d", err, c2.out)
	}
}
