package runtime

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// A call runs on the caller's goroutine; these tests pin down that nothing
// of that shows, and what ends a call ends the call, never the caller.

func TestPoolExitInFnEndsTheCallNotTheCaller(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	ctx := context.Background()
	results := NewReceivePort[*[]int](ctx)
	defer results.Close()
	sent := &[]int{1, 2}
	var iso *Isolate
	after := false
	_, err := RunOn(ctx, p, func(ctx context.Context) (int, error) {
		iso = Current(ctx)
		defer func() { after = true }() // deferred calls run, as with Goexit
		Exit(ctx, results.SendPort(), sent)
		t.Error("Exit returned")
		return 0, nil
	})
	if err != errRunExited {
		t.Fatalf("RunOn whose fn called Exit = %v, want Run's error for Exit", err)
	}
	if !after {
		t.Fatal("fn's deferred call did not run")
	}
	if got, err := results.Receive(ctx); err != nil || got != sent {
		t.Fatalf("Exit's message = %p, %v; want the very pointer sent (%p)", got, err, sent)
	}
	if err := iso.Wait(ctx); err != nil {
		t.Fatalf("Wait of the isolate that called Exit = %v, want nil", err)
	}
	// The caller's goroutine goes on, and the pool has a fresh isolate.
	again, err := RunOn(ctx, p, func(ctx context.Context) (*Isolate, error) { return Current(ctx), ctx.Err() })
	if err != nil || again == iso || again == nil {
		t.Fatalf("after Exit: %v, same isolate %v", err, again == iso)
	}
}

func TestPoolExitInsideGuardInFn(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	var guardErr *RemoteError
	_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
		guardErr, _ = Guard(ctx, func() { Exit(ctx, SendPort[int]{}, 1) })
		return 1, nil
	})
	if err != errRunExited || guardErr != nil {
		t.Fatalf("Exit inside Guard inside fn: RunOn = %v, Guard = %v; want Exit to pass Guard and end the call", err, guardErr)
	}
}

func TestPoolExitOnAnotherGoroutineOfTheCall(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	var iso *Isolate
	v, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
		iso = Current(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { Exit(ctx, SendPort[int]{}, 1) }) // ends that goroutine only
		wg.Wait()
		return 3, nil
	})
	if v != 3 || err != nil {
		t.Fatalf("RunOn = %d, %v; want fn's own results", v, err)
	}
	if err := iso.Wait(context.Background()); err != nil {
		t.Fatalf("Wait = %v, want nil after Exit", err)
	}
}

func TestPoolRecoverInFnStopsExit(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	var iso *Isolate
	v, err := RunOn(context.Background(), p, func(ctx context.Context) (v int, err error) {
		iso = Current(ctx)
		defer func() {
			if recover() != nil {
				v = 9
			}
		}()
		Exit(ctx, SendPort[int]{}, 1)
		return 0, nil
	})
	if v != 9 || err != nil {
		t.Fatalf("RunOn = %d, %v; want the results of fn that recovered", v, err)
	}
	// The isolate ended all the same: Exit had ended it.
	if err := iso.Wait(context.Background()); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}

func TestPoolGoexitInFnEndsTheCallerAndKeepsThePool(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 2)
	var iso *Isolate
	done := make(chan bool)
	go func() {
		returned := false
		defer func() { done <- returned }()
		RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
			iso = Current(ctx)
			runtime.Goexit()
			return 0, nil
		})
		returned = true
	}()
	if <-done {
		t.Fatal("RunOn returned after runtime.Goexit in fn")
	}
	if err := iso.Wait(context.Background()); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	release := occupy(t, p, 2) // both isolates serve: the pool did not shrink
	release()
}

func TestPoolPanicEndsTheIsolateWithTheError(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	var iso *Isolate
	_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
		iso = Current(ctx)
		poolPanicker()
		return 0, nil
	})
	var re *RemoteError
	if !errors.As(err, &re) || !strings.Contains(re.Stack, "poolPanicker") || re.Isolate != iso.Name() {
		t.Fatalf("err = %#v", err)
	}
	if werr := iso.Wait(context.Background()); werr != err {
		t.Fatalf("Wait = %v, want the same *RemoteError", werr)
	}
}

func TestPoolOutsideEventsWaitForTheCall(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	started, finish := make(chan *Isolate), make(chan struct{})
	type result struct {
		v   int
		err error
	}
	res := make(chan result, 1)
	go func() {
		v, err := RunOn(ctx, p, func(ctx context.Context) (int, error) {
			started <- Current(ctx)
			<-finish
			return 7, ctx.Err() // still live: BeforeNextEvent waits for the call
		})
		res <- result{v, err}
	}()
	iso := <-started
	pinged := make(chan error, 1)
	go func() { pinged <- iso.Ping(ctx) }()
	iso.Kill(BeforeNextEvent)
	select {
	case err := <-pinged:
		t.Fatalf("Ping answered (%v) while the call ran", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(finish)
	if r := <-res; r.v != 7 || r.err != nil {
		t.Fatalf("RunOn = %d, %v", r.v, r.err)
	}
	if err := <-pinged; err != nil && err != ErrClosed {
		t.Fatalf("Ping = %v", err)
	}
	if err := iso.Wait(ctx); err != ErrKilled {
		t.Fatalf("Wait = %v, want ErrKilled once the call ended", err)
	}
	next, err := RunOn(ctx, p, func(ctx context.Context) (*Isolate, error) { return Current(ctx), nil })
	if err != nil || next == iso {
		t.Fatalf("after the kill: %v, same isolate %v", err, next == iso)
	}
}

func TestPoolPortsOfACallBelongToItsIsolate(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	exited := NewReceivePort[struct{}](context.Background())
	defer exited.Close()
	port, err := RunOn(context.Background(), p, func(ctx context.Context) (SendPort[int], error) {
		Current(ctx).AddOnExitListener(exited.SendPort())
		return NewReceivePort[int](ctx).SendPort(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := port.Send(1); err != nil {
		t.Fatalf("Send to a port of a live pool isolate = %v", err)
	}
	iso, _ := RunOn(context.Background(), p, func(ctx context.Context) (*Isolate, error) { return Current(ctx), nil })
	iso.Kill(Immediate) // idle: ends at once
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := exited.Receive(ctx); err != nil {
		t.Fatalf("exit listener: %v", err)
	}
	if err := port.Send(2); err != ErrClosed {
		t.Fatalf("Send to a port of an ended pool isolate = %v, want ErrClosed", err)
	}
}

type ctxKey struct{}

func TestPoolCallContextsStayTheirCallers(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	ctxA := context.WithValue(context.Background(), ctxKey{}, "a")
	ctxB := context.WithValue(context.Background(), ctxKey{}, "b")
	keep := func(ctx context.Context) (context.Context, error) { return ctx, nil }
	a1, _ := RunOn(ctxA, p, keep)
	b, _ := RunOn(ctxB, p, keep)
	a2, _ := RunOn(ctxA, p, keep)
	if a1.Value(ctxKey{}) != "a" || b.Value(ctxKey{}) != "b" || a2.Value(ctxKey{}) != "a" {
		t.Fatalf("values: %v %v %v", a1.Value(ctxKey{}), b.Value(ctxKey{}), a2.Value(ctxKey{}))
	}
	if Current(a1) != Current(b) {
		t.Fatal("one isolate, two Currents")
	}
}

func TestPoolPausedIsolateHoldsTheCall(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	iso, _ := RunOn(context.Background(), p, func(ctx context.Context) (*Isolate, error) { return Current(ctx), nil })
	c := iso.Pause()
	// A caller whose ctx ends while the isolate is paused: fn never runs.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ran := false
	if _, err := RunOn(ctx, p, func(ctx context.Context) (int, error) { ran = true; return 0, nil }); err != context.DeadlineExceeded || ran {
		t.Fatalf("RunOn on a paused isolate = %v, ran %v", err, ran)
	}
	res := make(chan error, 1)
	go func() {
		_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { ran = true; return 0, nil })
		res <- err
	}()
	select {
	case err := <-res:
		t.Fatalf("call ran on a paused isolate: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	iso.Resume(c)
	if err := <-res; err != nil || !ran {
		t.Fatalf("after Resume: %v, ran %v", err, ran)
	}
}

func TestPoolExitFrameName(t *testing.T) {
	if !strings.HasSuffix(inlineFrame(), "/runtime.runInline[...]") {
		t.Fatalf("inlineFrame = %q", inlineFrame())
	}
	if inInlineCall() {
		t.Fatal("inInlineCall outside a call")
	}
	p := newTestPool(t, context.Background(), 1)
	in, _ := RunOn(context.Background(), p, func(ctx context.Context) (bool, error) { return inInlineCall(), nil })
	if !in {
		t.Fatal("inInlineCall inside a call = false")
	}
}

// BenchmarkRunOn is one call on an idle pool, from one goroutine.
func BenchmarkRunOn(b *testing.B) {
	p, _ := NewPool(context.Background(), 4)
	defer p.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		RunOn(ctx, p, func(ctx context.Context) (int, error) { return i, nil })
	}
}
