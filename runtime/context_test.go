package runtime

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The isolate's ctx is the Isolate itself (no cancelCtx per spawn): these
// pin down that it behaves as the context.WithCancelCause it replaces.

type ctxTestKey struct{}

func TestContextDerivedIsCancelledByKill(t *testing.T) {
	ctx := context.Background()
	ready := NewReceivePort[struct{}](ctx)
	defer ready.Close()
	res := NewReceivePort[string](ctx)
	defer res.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, s SendPort[string]) {
		child, cancel := context.WithCancel(context.WithValue(ctx, ctxTestKey{}, "v"))
		defer cancel()
		afterRan := make(chan struct{})
		context.AfterFunc(ctx, func() { close(afterRan) })
		stopped := context.AfterFunc(ctx, func() { panic("stopped AfterFunc ran") })
		if !stopped() {
			s.Send("stop of a pending AfterFunc reported false")
		}
		if Current(child) != Current(ctx) || child.Value(ctxTestKey{}) != "v" {
			s.Send("derived context lost the isolate or a value")
		}
		ready.SendPort().Send(struct{}{})
		<-child.Done()
		<-afterRan
		switch {
		case !errors.Is(ctx.Err(), context.Canceled):
			s.Send("ctx.Err() = " + ctx.Err().Error())
		case !errors.Is(context.Cause(ctx), ErrKilled):
			s.Send("Cause(ctx) is not ErrKilled")
		case !errors.Is(context.Cause(child), ErrKilled):
			s.Send("Cause(child) is not ErrKilled")
		default:
			s.Send("ok")
		}
	}, res.SendPort())
	mustRecv(t, ready)
	iso.Kill(Immediate)
	if got := mustRecv(t, res); got != "ok" {
		t.Error(got)
	}
	waitEnded(t, iso)
}

func TestContextAfterEnd(t *testing.T) {
	parent, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	var ictx context.Context
	_, err := Run(parent, func(ctx context.Context) (int, error) {
		ictx = ctx
		if ctx.Err() != nil || context.Cause(ctx) != nil {
			t.Error("live isolate ctx reports an error")
		}
		if d, ok := ctx.Deadline(); !ok || time.Until(d) < time.Minute {
			t.Error("isolate ctx lost the parent's deadline")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-ictx.Done():
	default:
		t.Fatal("ctx of an ended isolate is not done")
	}
	if !errors.Is(context.Cause(ictx), context.Canceled) {
		t.Errorf("Cause after a normal end = %v, want context.Canceled", context.Cause(ictx))
	}
	child, cancelChild := context.WithCancel(ictx)
	defer cancelChild()
	<-child.Done()
	ran := make(chan struct{})
	context.AfterFunc(ictx, func() { close(ran) })
	<-ran
}

func TestContextCauseOfPanicViaGuard(t *testing.T) {
	ctx := context.Background()
	res := NewReceivePort[error](ctx)
	defer res.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, s SendPort[error]) {
		Guard(ctx, func() { panic("boom") })
		s.Send(context.Cause(ctx))
	}, res.SendPort())
	err := mustRecv(t, res)
	var re *RemoteError
	if !errors.As(err, &re) || re.Message != "boom" {
		t.Errorf("Cause after a fatal Guard = %v, want the *RemoteError", err)
	}
	waitEnded(t, iso)
}
