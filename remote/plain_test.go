package remote_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-isolate/isolate/remote"
	"github.com/go-isolate/isolate/remote/internal/wiretest"
	"github.com/go-isolate/isolate/runtime"
	"github.com/nats-io/nats-server/v2/server"
)

// greeter implements Greeter inside its isolate.
type greeter struct{ n int }

func (g *greeter) Greet(ctx context.Context, p Plain) (Plain, error) {
	g.n++
	p.Name = "hello, " + p.Name
	p.Tags["greeted"] = g.n
	return p, nil
}

func (g *greeter) Count(ctx context.Context) (int, error) { return g.n, nil }

// TestPlainAcrossNodes: a plain //isolate:message type and a plain
// //isolate:port interface (no wire option) cross between two nodes, one
// running the server and one joining it; a message that cannot cross
// fails at Send, naming its type.
func TestPlainAcrossNodes(t *testing.T) {
	opts := &server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true}
	a := start(t, remote.WithServer(opts))
	b := start(t, remote.WithURL(fmt.Sprintf("nats://127.0.0.1:%d", opts.Port)))
	ctx := timeout(t, 20*time.Second)

	// A port of messages.
	in := runtime.NewReceivePort[Plain](ctx)
	defer in.Close()
	unexport, err := remote.Export(a, "plain", in.SendPort())
	if err != nil {
		t.Fatal(err)
	}
	defer unexport()
	acks := runtime.NewReceivePort[PlainAck](ctx)
	defer acks.Close()
	sent := Plain{Name: "ada", Tags: map[string]int{"x": 1}, At: &wiretest.Point{X: 1, Y: 2}, Reply: acks.SendPort()}
	if err := remote.Lookup[Plain](b, "plain").Send(sent); err != nil {
		t.Fatal(err)
	}
	got, err := in.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "ada" || got.Tags["x"] != 1 || len(got.Tags) != 1 || got.At == nil || *got.At != *sent.At || got.At == sent.At {
		t.Errorf("got %+v, want a copy of %+v", got, sent)
	}
	if err := got.Reply.Send(PlainAck{Name: got.Name}); err != nil {
		t.Fatal(err)
	}
	if ack, err := acks.Receive(ctx); err != nil || ack.Name != "ada" {
		t.Errorf("ack = %+v, %v", ack, err)
	}

	// A message whose type has no codec fails at Send, naming it.
	err = remote.Lookup[Local](b, "local").Send(Local{})
	if err == nil || !strings.Contains(err.Error(), "wiretest.Local has no wire codec") || !strings.Contains(err.Error(), "//isolate:message wire") {
		t.Errorf("Send of a type without a codec: err = %v", err)
	}

	// A service.
	local, iso, err := SpawnGreeter(ctx, func() wiretest.Greeter { return &greeter{} })
	if err != nil {
		t.Fatal(err)
	}
	defer func() { iso.Kill(runtime.Immediate); iso.Wait(ctx) }()
	unserve, err := remote.ExportService(a, "greeter", local)
	if err != nil {
		t.Fatal(err)
	}
	defer unserve()
	g := remote.LookupService[GreeterPort](b, "greeter")
	for i := 1; i <= 3; i++ {
		p, err := g.Greet(ctx, Plain{Name: "bob", Tags: map[string]int{}})
		if err != nil || p.Name != "hello, bob" || p.Tags["greeted"] != i {
			t.Fatalf("Greet %d = %+v, %v", i, p, err)
		}
	}
	if n, err := g.Count(ctx); n != 3 || err != nil {
		t.Errorf("Count = %d, %v; want 3", n, err)
	}
}
