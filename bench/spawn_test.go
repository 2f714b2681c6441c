package bench

import (
	"context"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	isolate "github.com/go-isolate/isolate/runtime"
)

// BenchmarkSpawn measures starting a unit of execution that does nothing and
// waiting until it has ended: the fixed cost of a short-lived worker.
func BenchmarkSpawn(b *testing.B) {
	b.Run("go", benchSpawnGo)
	b.Run("protoactor", benchSpawnProtoactor)
	b.Run("isolate", benchSpawnIsolate)
	b.Run("isolate-run", benchSpawnIsolateRun)
}

func benchSpawnGo(b *testing.B) {
	b.ReportAllocs()
	var wg sync.WaitGroup
	for b.Loop() {
		wg.Go(func() {})
		wg.Wait()
	}
}

func benchSpawnProtoactor(b *testing.B) {
	b.ReportAllocs()
	sys := newActorSystem(b)
	props := actor.PropsFromProducer(func() actor.Actor { return idle{} })
	for b.Loop() {
		pid := sys.Root.Spawn(props)
		if err := sys.Root.StopFuture(pid).Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

func idleEntry(context.Context, struct{}) {}

// benchSpawnIsolate is Spawn, the entry returning at once (the isolate's
// exit), and Wait.
func benchSpawnIsolate(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		iso, err := isolate.Spawn(ctx, idleEntry, struct{}{})
		if err != nil {
			b.Fatal(err)
		}
		if err := iso.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSpawnIsolateRun is Run: spawn, a result handed back, exit.
func benchSpawnIsolateRun(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		if _, err := isolate.Run(ctx, func(context.Context) (int, error) { return 1, nil }); err != nil {
			b.Fatal(err)
		}
	}
}
