package runtime

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func waitEnded(t *testing.T, iso *Isolate) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := iso.Wait(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("isolate %s did not end", iso.Name())
	}
	return err
}

// spawnEcho starts an isolate that sends its own SendPort on hello and then
// echoes every message of its port to reply, counting what it handled.
func spawnEcho(t *testing.T, reply SendPort[int], opts ...Option) (*Isolate, SendPort[int]) {
	t.Helper()
	ctx := context.Background()
	hello := NewReceivePort[SendPort[int]](ctx)
	defer hello.Close()
	type start struct {
		Hello SendPort[SendPort[int]]
		Reply SendPort[int]
	}
	iso, err := Spawn(ctx, func(ctx context.Context, s start) {
		in := NewReceivePort[int](ctx)
		s.Hello.Send(in.SendPort())
		for v := range in.All(ctx) {
			s.Reply.Send(v)
		}
	}, start{hello.SendPort(), reply}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return iso, mustRecv(t, hello)
}

func TestSpawnRunsEntryWithMessage(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[string](ctx)
	defer r.Close()
	type start struct {
		Greeting string
		Reply    SendPort[string]
	}
	iso, err := Spawn(ctx, func(ctx context.Context, s start) {
		if Current(ctx) == nil {
			s.Reply.Send("no isolate in ctx")
			return
		}
		s.Reply.Send(s.Greeting + " from " + Current(ctx).Name())
	}, start{"hello", r.SendPort()}, WithName("greeter"))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustRecv(t, r); got != "hello from greeter" {
		t.Errorf("got %q", got)
	}
	if err := waitEnded(t, iso); err != nil {
		t.Errorf("Wait after a normal return = %v, want nil", err)
	}
	if Current(ctx) != nil {
		t.Error("Current outside an isolate is not nil")
	}
}

func TestSpawnWithEndedCtxFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Spawn(ctx, func(context.Context, int) {}, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Spawn with a cancelled ctx = %v, want context.Canceled", err)
	}
}

func TestIsolateNamesAreDistinct(t *testing.T) {
	ctx := context.Background()
	a, _ := Spawn(ctx, func(context.Context, int) {}, 0)
	b, _ := Spawn(ctx, func(context.Context, int) {}, 0)
	waitEnded(t, a)
	waitEnded(t, b)
	if a.Name() == b.Name() || !strings.HasPrefix(a.Name(), "isolate-") {
		t.Errorf("default names %q and %q", a.Name(), b.Name())
	}
}

func TestKillImmediateUnblocksReceive(t *testing.T) {
	ctx := context.Background()
	res := NewReceivePort[error](ctx)
	defer res.Close()
	ready := NewReceivePort[struct{}](ctx)
	defer ready.Close()
	type start struct {
		Ready SendPort[struct{}]
		Res   SendPort[error]
	}
	iso, _ := Spawn(ctx, func(ctx context.Context, s start) {
		in := NewReceivePort[int](ctx)
		s.Ready.Send(struct{}{})
		_, err := in.Receive(ctx)
		if ctx.Err() == nil {
			s.Res.Send(errors.New("ctx still live after Kill(Immediate)"))
			return
		}
		s.Res.Send(err)
	}, start{ready.SendPort(), res.SendPort()})
	mustRecv(t, ready)
	time.Sleep(5 * time.Millisecond) // let it block in Receive
	killedAt := time.Now()
	iso.Kill(Immediate)
	if err := mustRecv(t, res); !errors.Is(err, ErrKilled) {
		t.Errorf("blocked Receive after Kill(Immediate) = %v, want ErrKilled", err)
	}
	if d := time.Since(killedAt); d > time.Second {
		t.Errorf("Receive took %v to unblock", d)
	}
	if err := waitEnded(t, iso); !errors.Is(err, ErrKilled) {
		t.Errorf("Wait after Kill = %v, want ErrKilled", err)
	}
	iso.Kill(Immediate) // on an ended isolate: harmless
	iso.Kill(BeforeNextEvent)
}

func TestKillImmediateCancelsBusyIsolate(t *testing.T) {
	ctx := context.Background()
	ready := NewReceivePort[struct{}](ctx)
	defer ready.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, ready SendPort[struct{}]) {
		ready.Send(struct{}{})
		<-ctx.Done() // a loop that does not receive must watch ctx
		if !errors.Is(context.Cause(ctx), ErrKilled) {
			panic("cause is not ErrKilled")
		}
	}, ready.SendPort())
	mustRecv(t, ready)
	iso.Kill(Immediate)
	if err := waitEnded(t, iso); !errors.Is(err, ErrKilled) {
		t.Errorf("Wait = %v, want ErrKilled", err)
	}
}

func TestKillBeforeNextEventFinishesMessageInHand(t *testing.T) {
	ctx := context.Background()
	events := NewReceivePort[string](ctx)
	defer events.Close()
	hello := NewReceivePort[SendPort[int]](ctx)
	defer hello.Close()
	type start struct {
		Hello  SendPort[SendPort[int]]
		Events SendPort[string]
	}
	iso, _ := Spawn(ctx, func(ctx context.Context, s start) {
		in := NewReceivePort[int](ctx)
		s.Hello.Send(in.SendPort())
		for v := range in.All(ctx) {
			s.Events.Send("start")
			time.Sleep(50 * time.Millisecond) // the kill arrives now
			if ctx.Err() != nil {
				s.Events.Send("ctx cancelled while the message was in hand")
			}
			s.Events.Send("done " + string(rune('0'+v)))
		}
		_, err := in.Receive(ctx)
		s.Events.Send("after: " + err.Error())
	}, start{hello.SendPort(), events.SendPort()})
	in := mustRecv(t, hello)
	in.Send(1)
	in.Send(2) // queued: must not be handled
	if got := mustRecv(t, events); got != "start" {
		t.Fatalf("got %q", got)
	}
	iso.Kill(BeforeNextEvent)
	if got := mustRecv(t, events); got != "done 1" {
		t.Fatalf("got %q, want the message in hand to finish", got)
	}
	if got := mustRecv(t, events); got != "after: "+ErrKilled.Error() {
		t.Fatalf("got %q, want the queued message dropped and ErrKilled", got)
	}
	if err := waitEnded(t, iso); !errors.Is(err, ErrKilled) {
		t.Errorf("Wait = %v, want ErrKilled", err)
	}
	if err := in.Send(3); !errors.Is(err, ErrClosed) {
		t.Errorf("Send to a killed isolate = %v, want ErrClosed", err)
	}
}

func TestKillBeforeNextEventIdleEndsAtOnce(t *testing.T) {
	ctx := context.Background()
	iso, _ := spawnEcho(t, SendPort[int]{})
	time.Sleep(10 * time.Millisecond) // let it block in Receive
	iso.Kill(BeforeNextEvent)
	select {
	case <-iso.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("an idle isolate did not end on Kill(BeforeNextEvent)")
	}
	if err := iso.Wait(ctx); !errors.Is(err, ErrKilled) {
		t.Errorf("Wait = %v, want ErrKilled", err)
	}
}

func TestCancelSpawnCtxKills(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := NewReceivePort[int](context.Background())
	defer r.Close()
	iso, _ := spawnEcho(t, r.SendPort())
	_ = iso
	iso2, err := Spawn(ctx, func(ctx context.Context, _ int) {
		in := NewReceivePort[int](ctx)
		in.Receive(ctx)
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := waitEnded(t, iso2); !errors.Is(err, ErrKilled) {
		t.Errorf("Wait after cancelling Spawn's ctx = %v, want ErrKilled", err)
	}
	iso.Kill(Immediate)
	waitEnded(t, iso)
}

func TestPauseHoldsDelivery(t *testing.T) {
	ctx := context.Background()
	out := NewReceivePort[int](ctx)
	defer out.Close()
	iso, in := spawnEcho(t, out.SendPort())
	defer waitEnded(t, iso)
	defer iso.Kill(Immediate)

	c := iso.Pause()
	if err := in.Send(1); err != nil {
		t.Fatalf("Send to a paused isolate = %v, want nil", err)
	}
	expectNothing(t, out, 50*time.Millisecond)
	iso.Resume(c)
	if got := mustRecv(t, out); got != 1 {
		t.Fatalf("got %d after Resume, want 1", got)
	}
}

func TestPauseCountsCapabilities(t *testing.T) {
	ctx := context.Background()
	out := NewReceivePort[int](ctx)
	defer out.Close()
	iso, in := spawnEcho(t, out.SendPort())
	defer waitEnded(t, iso)
	defer iso.Kill(Immediate)

	c1, c2 := iso.Pause(), iso.Pause()
	if c1 == c2 {
		t.Fatal("two Pause calls returned the same capability")
	}
	in.Send(1)
	iso.Resume(c1)
	iso.Resume(c1) // twice: harmless, does not count for c2
	iso.Resume(Capability{})
	expectNothing(t, out, 50*time.Millisecond)
	iso.Resume(c2)
	if got := mustRecv(t, out); got != 1 {
		t.Fatalf("got %d, want 1", got)
	}
	c3 := iso.Pause() // pause again after a full resume
	in.Send(2)
	expectNothing(t, out, 30*time.Millisecond)
	iso.Resume(c3)
	if got := mustRecv(t, out); got != 2 {
		t.Fatalf("got %d, want 2", got)
	}
}

func TestPauseTakesEffectWhenItReturns(t *testing.T) {
	// Messages queued while the isolate is busy are not delivered once Pause
	// has returned; the message in hand finishes.
	ctx := context.Background()
	out := NewReceivePort[int](ctx)
	defer out.Close()
	hello := NewReceivePort[SendPort[int]](ctx)
	defer hello.Close()
	gate := make(chan struct{})
	iso, _ := Spawn(ctx, func(ctx context.Context, hello SendPort[SendPort[int]]) {
		in := NewReceivePort[int](ctx)
		hello.Send(in.SendPort())
		for v := range in.All(ctx) {
			out.SendPort().Send(v)
			if v == 1 {
				<-gate
			}
		}
	}, hello.SendPort())
	defer waitEnded(t, iso)
	defer iso.Kill(Immediate)
	in := mustRecv(t, hello)
	in.Send(1)
	if got := mustRecv(t, out); got != 1 {
		t.Fatalf("got %d", got)
	}
	in.Send(2)
	in.Send(3)
	c := iso.Pause()
	close(gate)
	expectNothing(t, out, 50*time.Millisecond)
	iso.Resume(c)
	for _, want := range []int{2, 3} {
		if got := mustRecv(t, out); got != want {
			t.Fatalf("got %d after Resume, want %d", got, want)
		}
	}
}

func TestWithPausedHoldsEntry(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[string](ctx)
	defer r.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, sp SendPort[string]) {
		sp.Send("started")
	}, r.SendPort(), WithPaused())
	expectNothing(t, r, 30*time.Millisecond)
	if err := iso.Ping(ctx); err != nil {
		t.Errorf("Ping of an isolate held at start = %v", err)
	}
	iso.Resume(iso.PauseCapability())
	if got := mustRecv(t, r); got != "started" {
		t.Errorf("got %q", got)
	}
	waitEnded(t, iso)
}

func TestPingAnswersWhenBlockedInReceive(t *testing.T) {
	ctx := context.Background()
	iso, _ := spawnEcho(t, SendPort[int]{})
	defer waitEnded(t, iso)
	defer iso.Kill(Immediate)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := iso.Ping(pctx); err != nil {
		t.Errorf("Ping = %v", err)
	}
	c := iso.Pause()
	if err := iso.Ping(pctx); err != nil {
		t.Errorf("Ping of a paused isolate = %v", err)
	}
	iso.Resume(c)
}

func TestPingAnsweredAtNextReceive(t *testing.T) {
	ctx := context.Background()
	gate := NewReceivePort[struct{}](ctx)
	defer gate.Close()
	busy := make(chan struct{})
	type start struct{ Ready SendPort[struct{}] }
	ready := NewReceivePort[struct{}](ctx)
	defer ready.Close()
	var released atomic.Bool
	iso, _ := Spawn(ctx, func(ctx context.Context, s start) {
		in := NewReceivePort[int](ctx)
		s.Ready.Send(struct{}{})
		<-busy // busy, not receiving
		released.Store(true)
		in.Receive(ctx)
	}, start{ready.SendPort()})
	mustRecv(t, ready)
	pinged := make(chan error)
	go func() { pinged <- iso.Ping(ctx) }()
	select {
	case err := <-pinged:
		t.Fatalf("Ping answered (%v) while the isolate was busy", err)
	case <-time.After(30 * time.Millisecond):
	}
	close(busy)
	if err := <-pinged; err != nil || !released.Load() {
		t.Errorf("Ping = %v, released = %v", err, released.Load())
	}
	iso.Kill(Immediate)
	waitEnded(t, iso)
	if err := iso.Ping(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Ping of an ended isolate = %v, want ErrClosed", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_ = cctx
}

func TestPingCtxEnds(t *testing.T) {
	ctx := context.Background()
	stop := make(chan struct{})
	iso, _ := Spawn(ctx, func(ctx context.Context, _ int) {
		<-stop
	}, 0)
	pctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := iso.Ping(pctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Ping of a busy isolate = %v, want deadline exceeded", err)
	}
	close(stop)
	waitEnded(t, iso)
}

func TestPanicReportsToErrorListenersAndWait(t *testing.T) {
	ctx := context.Background()
	errs := NewReceivePort[*RemoteError](ctx)
	defer errs.Close()
	exits := NewReceivePort[struct{}](ctx)
	defer exits.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, _ int) {
		panicHere()
	}, 0, WithName("crasher"), WithOnError(errs.SendPort()), WithOnExit(exits.SendPort()))
	err := waitEnded(t, iso)
	var re *RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("Wait = %v, want *RemoteError", err)
	}
	if re.Isolate != "crasher" || re.Message != "boom" {
		t.Errorf("RemoteError = %q / %q", re.Isolate, re.Message)
	}
	if !strings.Contains(re.Stack, "panicHere") {
		t.Errorf("Stack does not show the panicking frame:\n%s", re.Stack)
	}
	if got := mustRecv(t, errs); got != re {
		t.Errorf("error listener got %v, want the error Wait returns", got)
	}
	mustRecv(t, exits)
	if !strings.Contains(re.Error(), "crasher") || !strings.Contains(re.Error(), "boom") {
		t.Errorf("Error() = %q", re.Error())
	}
}

func panicHere() { panic("boom") }

func TestExitListenersFireOnce(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		entry func(ctx context.Context, _ int)
		kill  bool
	}{
		"return": {entry: func(context.Context, int) {}},
		"panic":  {entry: func(context.Context, int) { panic("x") }},
		"kill": {entry: func(ctx context.Context, _ int) {
			in := NewReceivePort[int](ctx)
			in.Receive(ctx)
		}, kill: true},
		"exit": {entry: func(ctx context.Context, _ int) {
			Exit(ctx, SendPort[int]{}, 0)
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			exits := NewReceivePort[struct{}](ctx)
			defer exits.Close()
			iso, _ := Spawn(ctx, c.entry, 0, WithOnExit(exits.SendPort()), WithPaused())
			iso.AddOnExitListener(exits.SendPort()) // same port twice: one message
			iso.Resume(iso.PauseCapability())
			if c.kill {
				iso.Kill(Immediate)
			}
			waitEnded(t, iso)
			mustRecv(t, exits)
			expectNothing(t, exits, 20*time.Millisecond)
			iso.AddOnExitListener(exits.SendPort()) // after the end: at once
			mustRecv(t, exits)
		})
	}
}

func TestPortsOfDeadIsolateAreClosed(t *testing.T) {
	ctx := context.Background()
	hello := NewReceivePort[SendPort[int]](ctx)
	defer hello.Close()
	type ports struct {
		In   SendPort[int]
		Quit SendPort[int]
	}
	done := NewReceivePort[ports](ctx)
	defer done.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, reply SendPort[ports]) {
		in := NewReceivePort[int](ctx)
		quit := NewReceivePort[int](ctx)
		reply.Send(ports{in.SendPort(), quit.SendPort()})
		quit.Receive(ctx)
	}, done.SendPort())
	ps := mustRecv(t, done)
	ps.Quit.Send(0)
	<-iso.Done()
	// Closed before Done closed: no wait needed.
	if err := ps.In.Send(1); !errors.Is(err, ErrClosed) {
		t.Errorf("Send to a dead isolate's port = %v, want ErrClosed", err)
	}
	if err := ps.Quit.Send(1); !errors.Is(err, ErrClosed) {
		t.Errorf("Send to a dead isolate's port = %v, want ErrClosed", err)
	}
}

func TestPortMadeByEndingIsolateIsClosed(t *testing.T) {
	ctx := context.Background()
	res := NewReceivePort[error](ctx)
	defer res.Close()
	ready := NewReceivePort[struct{}](ctx)
	defer ready.Close()
	type start struct {
		Ready SendPort[struct{}]
		Res   SendPort[error]
	}
	iso, _ := Spawn(ctx, func(ctx context.Context, s start) {
		s.Ready.Send(struct{}{})
		<-ctx.Done()
		p := NewReceivePort[int](ctx)
		_, err := p.Receive(context.Background())
		s.Res.Send(err)
	}, start{ready.SendPort(), res.SendPort()})
	mustRecv(t, ready)
	iso.Kill(Immediate)
	if err := mustRecv(t, res); !errors.Is(err, ErrKilled) {
		t.Errorf("Receive on a port made after the kill = %v, want ErrKilled", err)
	}
	waitEnded(t, iso)
}

func TestRunReturnsResultMoved(t *testing.T) {
	ctx := context.Background()
	var sent *order
	got, err := Run(ctx, func(ctx context.Context) (*order, error) {
		if Current(ctx) == nil {
			return nil, errors.New("Run's function is not in an isolate")
		}
		o := &order{ID: 9, Items: []string{"x"}}
		sent = o
		return o, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != sent {
		t.Errorf("Run's result arrived as %p, want the same pointer %p", got, sent)
	}
}

var errSentinel = errors.New("sentinel")

type valueError struct{ code int }

func (e *valueError) Error() string { return "value error" }

func TestRunPassesErrorThrough(t *testing.T) {
	ctx := context.Background()
	if _, err := Run(ctx, func(context.Context) (int, error) { return 0, errSentinel }); err != errSentinel {
		t.Errorf("Run error = %v, want the very value returned", err)
	}
	ve := &valueError{code: 3}
	if _, err := Run(ctx, func(context.Context) (int, error) { return 1, ve }); err != error(ve) {
		t.Errorf("Run error = %v, want the very value returned", err)
	}
}

func TestRunTurnsPanicIntoRemoteError(t *testing.T) {
	ctx := context.Background()
	_, err := Run(ctx, func(context.Context) (int, error) { panicHere(); return 0, nil }, WithName("runner"))
	var re *RemoteError
	if !errors.As(err, &re) || re.Message != "boom" || re.Isolate != "runner" || !strings.Contains(re.Stack, "panicHere") {
		t.Errorf("Run after a panic = %#v", err)
	}
}

func TestRunCtxCancelCancelsFn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, func(fctx context.Context) (int, error) {
		cancel() // the caller's ctx ends while fn runs
		<-fctx.Done()
		return 0, context.Cause(fctx)
	})
	if !errors.Is(err, ErrKilled) {
		t.Errorf("Run = %v, want the cause fn saw: ErrKilled", err)
	}
	_, err = Run(ctx, func(ctx context.Context) (int, error) { return 0, nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run with an ended ctx = %v, want context.Canceled", err)
	}
}

func TestExitDeliversMessageAndEnds(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[*order](ctx)
	defer r.Close()
	got := NewReceivePort[uintptr](ctx)
	defer got.Close()
	deferred := NewReceivePort[string](ctx)
	defer deferred.Close()
	type start struct {
		Out      SendPort[*order]
		Deferred SendPort[string]
	}
	var sent atomic.Pointer[order]
	iso, _ := Spawn(ctx, func(ctx context.Context, s start) {
		defer s.Deferred.Send("deferred ran")
		o := &order{ID: 1}
		sent.Store(o)
		Exit(ctx, s.Out, o)
		s.Deferred.Send("Exit returned")
	}, start{r.SendPort(), deferred.SendPort()})
	if err := waitEnded(t, iso); err != nil {
		t.Errorf("Wait after Exit = %v, want nil", err)
	}
	if m := mustRecv(t, r); m != sent.Load() {
		t.Errorf("Exit's message arrived as %p, want the same pointer %p", m, sent.Load())
	}
	if s := mustRecv(t, deferred); s != "deferred ran" {
		t.Errorf("got %q", s)
	}
}

func TestExitOutsideIsolatePanics(t *testing.T) {
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, "outside an isolate") {
			t.Errorf("recovered %v", r)
		}
	}()
	Exit(context.Background(), SendPort[int]{}, 1)
}

func TestGuardFatal(t *testing.T) {
	ctx := context.Background()
	errs := NewReceivePort[*RemoteError](ctx)
	defer errs.Close()
	res := NewReceivePort[bool](ctx)
	defer res.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, res SendPort[bool]) {
		_, fatal := Guard(ctx, panicHere)
		res.Send(fatal && ctx.Err() != nil)
	}, res.SendPort(), WithOnError(errs.SendPort()))
	if !mustRecv(t, res) {
		t.Error("Guard with fatal errors: want fatal and ctx cancelled")
	}
	err := waitEnded(t, iso)
	var re *RemoteError
	if !errors.As(err, &re) || re.Message != "boom" {
		t.Fatalf("Wait = %v, want the guarded panic", err)
	}
	if got := mustRecv(t, errs); got != re {
		t.Errorf("error listener got %v", got)
	}
}

func TestGuardNotFatal(t *testing.T) {
	ctx := context.Background()
	errs := NewReceivePort[*RemoteError](ctx)
	defer errs.Close()
	res := NewReceivePort[string](ctx)
	defer res.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, res SendPort[string]) {
		for i := range 2 {
			err, fatal := Guard(ctx, func() {
				if i == 0 {
					panicHere()
				}
			})
			if fatal || ctx.Err() != nil {
				res.Send("fatal")
				return
			}
			if i == 0 && err == nil {
				res.Send("no error")
			}
		}
		res.Send("went on")
	}, res.SendPort(), WithErrorsFatal(false), WithOnError(errs.SendPort()))
	if got := mustRecv(t, res); got != "went on" {
		t.Errorf("got %q", got)
	}
	if got := mustRecv(t, errs); got.Message != "boom" {
		t.Errorf("error listener got %v", got)
	}
	if err := waitEnded(t, iso); err != nil {
		t.Errorf("Wait = %v, want nil", err)
	}
}

func TestSetErrorsFatal(t *testing.T) {
	ctx := context.Background()
	res := NewReceivePort[bool](ctx)
	defer res.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, res SendPort[bool]) {
		Current(ctx).SetErrorsFatal(false)
		_, fatal := Guard(ctx, panicHere)
		res.Send(fatal)
	}, res.SendPort())
	if mustRecv(t, res) {
		t.Error("Guard after SetErrorsFatal(false) reported fatal")
	}
	waitEnded(t, iso)
}

func TestGuardOutsideIsolate(t *testing.T) {
	err, fatal := Guard(context.Background(), panicHere)
	if err == nil || fatal || err.Message != "boom" {
		t.Errorf("Guard = %v, %v", err, fatal)
	}
	if err, fatal := Guard(context.Background(), func() {}); err != nil || fatal {
		t.Errorf("Guard without panic = %v, %v", err, fatal)
	}
}

func TestKillBeforeStartSkipsEntry(t *testing.T) {
	ctx := context.Background()
	ran := make(chan struct{}, 1)
	iso, _ := Spawn(ctx, func(context.Context, int) { ran <- struct{}{} }, 0, WithPaused())
	iso.Kill(BeforeNextEvent) // held at start: idle, so killed at once
	if err := waitEnded(t, iso); !errors.Is(err, ErrKilled) {
		t.Errorf("Wait = %v, want ErrKilled", err)
	}
	select {
	case <-ran:
		t.Error("the entry of an isolate killed before it started ran")
	default:
	}
}

func TestWaitCtxEnds(t *testing.T) {
	stop := make(chan struct{})
	iso, _ := Spawn(context.Background(), func(context.Context, int) { <-stop }, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := iso.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want deadline exceeded", err)
	}
	close(stop)
	waitEnded(t, iso)
}

func TestErrorListenerDuplicate(t *testing.T) {
	ctx := context.Background()
	errs := NewReceivePort[*RemoteError](ctx)
	defer errs.Close()
	iso, _ := Spawn(ctx, func(context.Context, int) { panic("x") }, 0, WithPaused())
	iso.AddErrorListener(errs.SendPort())
	iso.AddErrorListener(errs.SendPort())
	iso.Resume(iso.PauseCapability())
	waitEnded(t, iso)
	mustRecv(t, errs)
	expectNothing(t, errs, 20*time.Millisecond)
}

func TestRunKilledByItselfFails(t *testing.T) {
	got, err := Run(context.Background(), func(ctx context.Context) (int, error) {
		Current(ctx).Kill(Immediate)
		return 42, nil
	})
	if err != ErrKilled || got != 0 {
		t.Errorf("Run whose function killed its isolate = (%v, %v), want (0, ErrKilled)", got, err)
	}
	// A kill that takes effect only at the next event does not take this
	// one's result away: the function returned within it.
	got, err = Run(context.Background(), func(ctx context.Context) (int, error) {
		Current(ctx).Kill(BeforeNextEvent)
		return 42, nil
	})
	if err != nil || got != 42 {
		t.Errorf("Run after Kill(BeforeNextEvent) = (%v, %v), want (42, nil)", got, err)
	}
}

func TestRunFatalGuardFails(t *testing.T) {
	got, err := Run(context.Background(), func(ctx context.Context) (int, error) {
		Guard(ctx, panicHere)
		return 42, nil
	})
	var re *RemoteError
	if !errors.As(err, &re) || got != 0 {
		t.Errorf("Run after a fatal Guard = (%v, %v), want (0, *RemoteError)", got, err)
	}
}

func TestPanicAfterSelfKillAgreesWithWait(t *testing.T) {
	ctx := context.Background()
	errs := NewReceivePort[*RemoteError](ctx)
	defer errs.Close()
	exits := NewReceivePort[struct{}](ctx)
	defer exits.Close()
	iso, _ := Spawn(ctx, func(ctx context.Context, _ int) {
		Current(ctx).Kill(Immediate)
		panicHere()
	}, 0, WithOnError(errs.SendPort()), WithOnExit(exits.SendPort()))
	if err := waitEnded(t, iso); err != ErrKilled {
		t.Fatalf("Wait = %v, want ErrKilled: the kill came first", err)
	}
	mustRecv(t, exits) // after the error listeners were told
	ctx2, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if got, err := errs.Receive(ctx2); err == nil {
		t.Errorf("error listener got %v, but Wait says ErrKilled: they must agree", got)
	}
	// The same for a panic after Exit, and for Guard after a kill.
	iso, _ = Spawn(ctx, func(ctx context.Context, _ int) {
		defer panicHere()
		Exit(ctx, SendPort[int]{}, 0)
	}, 0, WithOnError(errs.SendPort()))
	if err := waitEnded(t, iso); err != nil {
		t.Fatalf("Wait after Exit then a panic = %v, want nil", err)
	}
	iso, _ = Spawn(ctx, func(ctx context.Context, _ int) {
		Current(ctx).Kill(Immediate)
		if _, fatal := Guard(ctx, panicHere); !fatal {
			panic("Guard in a killed isolate reported fatal false")
		}
	}, 0, WithOnError(errs.SendPort()), WithErrorsFatal(false))
	if err := waitEnded(t, iso); err != ErrKilled {
		t.Fatalf("Wait = %v, want ErrKilled", err)
	}
	ctx3, cancel3 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel3()
	if got, err := errs.Receive(ctx3); err == nil {
		t.Errorf("error listener got %v after the isolate had ended otherwise", got)
	}
}
