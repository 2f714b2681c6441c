package runtime

import (
	"context"
	"testing"
	"time"
)

// spawnHeld starts an isolate that ends (returns) when quit is sent to.
func spawnHeld(t *testing.T, opts ...Option) (*Isolate, SendPort[int]) {
	t.Helper()
	ctx := context.Background()
	hello := NewReceivePort[SendPort[int]](ctx)
	defer hello.Close()
	iso, err := Spawn(ctx, func(ctx context.Context, hello SendPort[SendPort[int]]) {
		quit := NewReceivePort[int](ctx)
		hello.Send(quit.SendPort())
		quit.Receive(ctx)
	}, hello.SendPort(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return iso, mustRecv(t, hello)
}

func TestRemoveOnExitListenerBeforeEndSilencesIt(t *testing.T) {
	ctx := context.Background()
	removed := NewReceivePort[struct{}](ctx)
	defer removed.Close()
	kept := NewReceivePort[struct{}](ctx)
	defer kept.Close()
	iso, quit := spawnHeld(t, WithOnExit(removed.SendPort()))
	iso.AddOnExitListener(kept.SendPort())
	iso.RemoveOnExitListener(removed.SendPort()) // added by the option
	iso.RemoveOnExitListener(removed.SendPort()) // twice: harmless
	quit.Send(0)
	waitEnded(t, iso)
	mustRecv(t, kept)
	expectNothing(t, removed, 20*time.Millisecond)
	expectNothing(t, kept, 0) // once only
}

func TestOnExitSendsTheResponse(t *testing.T) {
	ctx := context.Background()
	names := NewReceivePort[string](ctx)
	defer names.Close()
	orders := NewReceivePort[*order](ctx)
	defer orders.Close()
	iso, quit := spawnHeld(t)
	if err := OnExit(iso, names.SendPort(), "first"); err != nil {
		t.Fatal(err)
	}
	if err := OnExit(iso, names.SendPort(), "last"); err != nil { // same port: the last response wins
		t.Fatal(err)
	}
	o := &order{ID: 7, Items: []string{"a"}}
	if err := OnExit(iso, orders.SendPort(), o); err != nil {
		t.Fatal(err)
	}
	o.Items[0] = "changed after OnExit"
	quit.Send(0)
	waitEnded(t, iso)
	if got := mustRecv(t, names); got != "last" {
		t.Errorf("exit response = %q, want %q (the last one added)", got, "last")
	}
	expectNothing(t, names, 20*time.Millisecond)
	got := mustRecv(t, orders)
	if got == o {
		t.Fatal("the response arrived as the same pointer, want a copy as Send makes")
	}
	if got.ID != 7 || got.Items[0] != "a" {
		t.Errorf("response = %+v, want the value at the time of OnExit", got)
	}
}

func TestRemoveOnExitWithResponse(t *testing.T) {
	ctx := context.Background()
	codes := NewReceivePort[int](ctx)
	defer codes.Close()
	other := NewReceivePort[string](ctx)
	defer other.Close()
	iso, quit := spawnHeld(t)
	if err := OnExit(iso, codes.SendPort(), 42); err != nil {
		t.Fatal(err)
	}
	if err := OnExit(iso, other.SendPort(), "stays"); err != nil {
		t.Fatal(err)
	}
	RemoveOnExit(iso, codes.SendPort())
	quit.Send(0)
	waitEnded(t, iso)
	if got := mustRecv(t, other); got != "stays" {
		t.Errorf("other listener got %q", got)
	}
	expectNothing(t, codes, 20*time.Millisecond)
}

func TestOnExitAfterEndFiresAtOnce(t *testing.T) {
	ctx := context.Background()
	codes := NewReceivePort[int](ctx)
	defer codes.Close()
	iso, quit := spawnHeld(t)
	quit.Send(0)
	waitEnded(t, iso)
	if err := OnExit(iso, codes.SendPort(), 9); err != nil {
		t.Fatal(err)
	}
	if got := mustRecv(t, codes); got != 9 {
		t.Errorf("response = %d, want 9", got)
	}
	RemoveOnExit(iso, codes.SendPort()) // after the end: harmless
}

func TestOnExitRefusesWhatSendRefuses(t *testing.T) {
	ctx := context.Background()
	cats := NewReceivePort[catalog](ctx)
	defer cats.Close()
	iso, quit := spawnHeld(t)
	err := OnExit(iso, cats.SendPort(), catalog{Name: "c", Tags: map[string]string{"k": "v"}})
	wantNotSendable(t, err, "runtime.catalog", "run go generate")
	quit.Send(0)
	waitEnded(t, iso)
	expectNothing(t, cats, 20*time.Millisecond) // nothing was added
}

func TestRemoveErrorListenerBeforeEndSilencesIt(t *testing.T) {
	ctx := context.Background()
	removed := NewReceivePort[*RemoteError](ctx)
	defer removed.Close()
	kept := NewReceivePort[*RemoteError](ctx)
	defer kept.Close()
	iso, err := Spawn(ctx, func(context.Context, int) { panic("boom") }, 0,
		WithPaused(), WithOnError(removed.SendPort()), WithOnError(kept.SendPort()))
	if err != nil {
		t.Fatal(err)
	}
	iso.RemoveErrorListener(removed.SendPort())
	iso.Resume(iso.PauseCapability())
	waitEnded(t, iso)
	if got := mustRecv(t, kept); got.Message != "boom" {
		t.Errorf("kept listener got %v", got)
	}
	expectNothing(t, removed, 20*time.Millisecond)
}

func TestRemoveErrorListenerStopsGuardErrors(t *testing.T) {
	ctx := context.Background()
	errs := NewReceivePort[*RemoteError](ctx)
	defer errs.Close()
	step := NewReceivePort[int](ctx)
	defer step.Close()
	hello := NewReceivePort[SendPort[int]](ctx)
	defer hello.Close()
	type start struct {
		Hello SendPort[SendPort[int]]
		Step  SendPort[int]
	}
	iso, err := Spawn(ctx, func(ctx context.Context, s start) {
		in := NewReceivePort[int](ctx)
		s.Hello.Send(in.SendPort())
		for v := range in.All(ctx) {
			Guard(ctx, func() { panic(v) })
			s.Step.Send(v)
		}
	}, start{hello.SendPort(), step.SendPort()}, WithErrorsFatal(false), WithOnError(errs.SendPort()))
	if err != nil {
		t.Fatal(err)
	}
	in := mustRecv(t, hello)
	in.Send(1)
	mustRecv(t, step)
	if got := mustRecv(t, errs); got.Message != "1" {
		t.Errorf("error = %q, want 1", got.Message)
	}
	iso.RemoveErrorListener(errs.SendPort())
	in.Send(2)
	mustRecv(t, step)
	expectNothing(t, errs, 20*time.Millisecond)
	iso.Kill(Immediate)
	waitEnded(t, iso)
}
