package runtime

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A spawned isolate outlives the isolate that spawned it, as in Dart
// (nested_spawn_test, unresolved_ports_test); cancellation of a context the
// program made still reaches every isolate below it.

// spawnOrphan has an isolate spawn a child, paused, with its own ctx, hand
// the child's handle back on kids, and return. The child sends its name,
// then "is me" if Current(ctx) is itself, on reply, then waits on a port
// until killed, and reports how Receive ended on done.
func spawnOrphan(t *testing.T, ctx context.Context, reply SendPort[string], kids SendPort[*Isolate]) *Isolate {
	t.Helper()
	type args struct {
		Reply SendPort[string]
		Kids  SendPort[*Isolate]
	}
	parent, err := Spawn(ctx, func(ctx context.Context, a args) {
		child, err := Spawn(ctx, func(ctx context.Context, reply SendPort[string]) {
			reply.Send(Current(ctx).Name())
			if Current(ctx).Name() == "child" {
				reply.Send("is me")
			}
			in := NewReceivePort[int](ctx)
			_, err := in.Receive(ctx)
			reply.Send(err.Error())
		}, a.Reply, WithPaused(), WithName("child"))
		if err != nil {
			a.Reply.Send("spawn: " + err.Error())
			return
		}
		a.Kids.Send(child)
	}, args{reply, kids}, WithName("parent"))
	if err != nil {
		t.Fatal(err)
	}
	return parent
}

func TestNestedSpawnOutlivesParent(t *testing.T) {
	ctx := context.Background()
	reply := NewReceivePort[string](ctx)
	defer reply.Close()
	kids := NewReceivePort[*Isolate](ctx)
	defer kids.Close()
	parent := spawnOrphan(t, ctx, reply.SendPort(), kids.SendPort())
	child := mustRecv(t, kids)
	if err := waitEnded(t, parent); err != nil {
		t.Fatalf("parent: %v", err)
	}
	// The parent has ended before its child's entry ran.
	child.Resume(child.PauseCapability())
	if got := mustRecv(t, reply); got != "child" {
		t.Fatalf("child said %q, want its name: it did not outlive its parent", got)
	}
	if got := mustRecv(t, reply); got != "is me" {
		t.Fatalf("child said %q", got)
	}
	select {
	case <-child.Done():
		t.Fatal("the child ended with its parent")
	default:
	}
	child.Kill(Immediate)
	if got := mustRecv(t, reply); got != ErrKilled.Error() {
		t.Errorf("child's Receive ended with %q, want ErrKilled", got)
	}
	if err := waitEnded(t, child); err != ErrKilled {
		t.Errorf("child: %v", err)
	}
}

func TestQueuedMessagesOutliveSpawningIsolate(t *testing.T) {
	ctx := context.Background()
	out := NewReceivePort[int](ctx)
	defer out.Close()
	servers := NewReceivePort[*Isolate](ctx)
	defer servers.Close()
	type args struct {
		Out     SendPort[int]
		Servers SendPort[*Isolate]
	}
	parent, err := Spawn(ctx, func(ctx context.Context, a args) {
		in, server, err := SpawnPort(ctx, func(ctx context.Context, in *ReceivePort[int]) {
			for v := range in.All(ctx) {
				a.Out.Send(v * 10)
				if v == 3 {
					return
				}
			}
		}, WithPaused())
		if err != nil {
			return
		}
		for i := 1; i <= 3; i++ {
			in.Send(i)
		}
		a.Servers.Send(server)
	}, args{out.SendPort(), servers.SendPort()})
	if err != nil {
		t.Fatal(err)
	}
	server := mustRecv(t, servers)
	waitEnded(t, parent)
	server.Resume(server.PauseCapability())
	for want := 10; want <= 30; want += 10 {
		if got := mustRecv(t, out); got != want {
			t.Fatalf("got %d, want %d: a message queued by the ended parent was dropped", got, want)
		}
	}
	if err := waitEnded(t, server); err != nil {
		t.Errorf("server: %v", err)
	}
}

func TestUserCancelKillsGrandchildren(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	kids := NewReceivePort[*Isolate](context.Background())
	defer kids.Close()
	grandkids := NewReceivePort[*Isolate](context.Background())
	defer grandkids.Close()
	type args struct{ Kids, Grandkids SendPort[*Isolate] }
	// parent spawns child spawns grandchild, each with its own ctx; parent
	// and child return at once.
	parent, err := Spawn(ctx, func(ctx context.Context, a args) {
		child, _ := Spawn(ctx, func(ctx context.Context, a args) {
			grandchild, _ := Spawn(ctx, func(ctx context.Context, _ int) {
				in := NewReceivePort[int](ctx)
				in.Receive(ctx)
			}, 0)
			a.Grandkids.Send(grandchild)
		}, a)
		a.Kids.Send(child)
	}, args{kids.SendPort(), grandkids.SendPort()})
	if err != nil {
		t.Fatal(err)
	}
	child, grandchild := mustRecv(t, kids), mustRecv(t, grandkids)
	waitEnded(t, parent)
	waitEnded(t, child)
	select {
	case <-grandchild.Done():
		t.Fatal("the grandchild ended with its parent")
	case <-time.After(20 * time.Millisecond):
	}
	cancel()
	if err := waitEnded(t, grandchild); err != ErrKilled {
		t.Errorf("grandchild after the program's cancel: %v, want ErrKilled", err)
	}
}

type lifetimeKey struct{}

func TestDerivedContextCancelReachesChild(t *testing.T) {
	bg := context.Background()
	kids := NewReceivePort[*Isolate](bg)
	defer kids.Close()
	vals := NewReceivePort[string](bg)
	defer vals.Close()
	type args struct {
		Kids SendPort[*Isolate]
		Vals SendPort[string]
	}
	blockWithValue := func(ctx context.Context, vals SendPort[string]) {
		v, _ := ctx.Value(lifetimeKey{}).(string)
		vals.Send(v)
		in := NewReceivePort[int](ctx)
		in.Receive(ctx)
	}
	stop := make(chan struct{})
	defer close(stop)
	parent, err := Spawn(bg, func(ctx context.Context, a args) {
		// A value-only layer: the child outlives the parent and sees it.
		kept, _ := Spawn(context.WithValue(ctx, lifetimeKey{}, "kept"), blockWithValue, a.Vals)
		a.Kids.Send(kept)
		// A layer the parent cancels itself: that cancellation is the
		// program's own, and reaches the child.
		cctx, cancel := context.WithCancel(context.WithValue(ctx, lifetimeKey{}, "cancelled"))
		cancelled, _ := Spawn(cctx, func(ctx context.Context, _ SendPort[string]) {
			in := NewReceivePort[int](ctx)
			in.Receive(ctx)
		}, a.Vals)
		a.Kids.Send(cancelled)
		// A deadline still kills the child after the parent has ended.
		dctx, dcancel := context.WithTimeout(context.WithValue(ctx, lifetimeKey{}, "deadline"), 100*time.Millisecond)
		timed, _ := Spawn(dctx, blockWithValue, a.Vals)
		a.Kids.Send(timed)
		go func() { <-stop; dcancel() }() // keeps dctx uncancelled until the test ends
		cancel()
	}, args{kids.SendPort(), vals.SendPort()})
	if err != nil {
		t.Fatal(err)
	}
	kept, cancelled, timed := mustRecv(t, kids), mustRecv(t, kids), mustRecv(t, kids)
	waitEnded(t, parent)
	if err := waitEnded(t, cancelled); err != ErrKilled {
		t.Errorf("child of a cancelled derived ctx: %v, want ErrKilled", err)
	}
	if err := waitEnded(t, timed); err != ErrKilled {
		t.Errorf("child of a derived ctx whose deadline passed: %v, want ErrKilled", err)
	}
	select {
	case <-kept.Done():
		t.Fatal("a child spawned with a value-only derived ctx ended with its parent")
	default:
	}
	// The cancelled child may have been killed before its entry ran.
	seen := map[string]bool{}
	for range 2 {
		seen[mustRecv(t, vals)] = true
	}
	for _, v := range []string{"kept", "deadline"} {
		if !seen[v] {
			t.Errorf("no child saw the value %q of its ctx (saw %v)", v, seen)
		}
	}
	kept.Kill(Immediate)
	waitEnded(t, kept)
}

func TestRunInsideIsolateEndsWithItsCaller(t *testing.T) {
	ctx := context.Background()
	res := NewReceivePort[error](ctx)
	defer res.Close()
	started := NewReceivePort[struct{}](ctx)
	defer started.Close()
	type args struct {
		Res     SendPort[error]
		Started SendPort[struct{}]
	}
	caller, _ := Spawn(ctx, func(ctx context.Context, a args) {
		_, err := Run(ctx, func(ctx context.Context) (int, error) {
			a.Started.Send(struct{}{})
			<-ctx.Done()
			return 0, nil
		})
		a.Res.Send(err)
	}, args{res.SendPort(), started.SendPort()})
	mustRecv(t, started)
	caller.Kill(Immediate)
	if err := mustRecv(t, res); !errors.Is(err, ErrKilled) {
		t.Errorf("Run in a killed isolate = %v, want ErrKilled", err)
	}
	waitEnded(t, caller)
}
