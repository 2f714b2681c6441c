package bench

import (
	"log/slog"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/go-isolate/isolate/bench/service"
)

// Tick is the message of the message-passing benchmarks: small and
// sendable, so they measure the transport, not a copy. Every transport
// carries the same value; protoactor-go boxes it into an interface (its API
// takes interface{} messages), which is part of its cost.
type Tick struct {
	Seq  int64
	From int64
}

// newActorSystem starts a protoactor-go system with logging off, shut down
// when the benchmark ends.
func newActorSystem(b *testing.B) *actor.ActorSystem {
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}))
	b.Cleanup(sys.Shutdown)
	return sys
}

// spawnActor spawns an actor and stops it (waiting) when the benchmark ends.
func spawnActor(b *testing.B, sys *actor.ActorSystem, a actor.Actor) *actor.PID {
	pid := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return a }))
	b.Cleanup(func() {
		if err := sys.Root.StopFuture(pid).Wait(); err != nil {
			b.Error(err)
		}
	})
	return pid
}

// countdown counts Ticks and closes done at the last one. Its state is
// touched only by the actor's own goroutine.
type countdown struct {
	left int
	done chan struct{}
}

func (c *countdown) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(Tick); ok {
		c.left--
		if c.left == 0 {
			close(c.done)
		}
	}
}

// echo answers every Tick to its sender.
type echo struct{}

func (echo) Receive(ctx actor.Context) {
	if t, ok := ctx.Message().(Tick); ok {
		ctx.Respond(t)
	}
}

// startPing tells a pinger to start.
type startPing struct{}

// pinger plays ping-pong with an echo actor, left rounds, then closes done.
type pinger struct {
	echo *actor.PID
	left int
	done chan struct{}
}

func (p *pinger) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case startPing:
		ctx.Request(p.echo, Tick{})
	case Tick:
		p.left--
		if p.left == 0 {
			close(p.done)
			return
		}
		m.Seq++
		ctx.Request(p.echo, m)
	}
}

// pricer is the protoactor-go service.
type pricer struct{}

func (pricer) Receive(ctx actor.Context) {
	if q, ok := ctx.Message().(service.Quote); ok {
		ctx.Respond(service.PriceOf(q))
	}
}

// idle does nothing: the actor of the spawn benchmark.
type idle struct{}

func (idle) Receive(actor.Context) {}
