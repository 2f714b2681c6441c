package bench

import (
	"testing"
	"time"

	"github.com/go-isolate/isolate/bench/service"
)

// BenchmarkRequest measures one call to a service that runs on its own
// goroutine (actor, isolate) and answers a Quote with a Price: the caller
// waits for each answer before the next call.
func BenchmarkRequest(b *testing.B) {
	b.Run("chan", func(b *testing.B) { benchRequestChan(b, false) })
	b.Run("chan-reuse", func(b *testing.B) { benchRequestChan(b, true) })
	b.Run("protoactor", benchRequestProtoactor)
	benchRequestIsolate(b)
}

// quoteCall is a request to the raw service. The reply channel is made per
// call, as a service that any number of callers share needs, or (reuse)
// made once by the caller and reused for each of its calls, as a pooled
// request does.
type quoteCall struct {
	q     service.Quote
	reply chan service.Price
}

func benchRequestChan(b *testing.B, reuse bool) {
	b.ReportAllocs()
	calls := make(chan quoteCall)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for c := range calls {
			c.reply <- service.PriceOf(c.q)
		}
	}()
	q := service.Quote{SKU: "SKU-01007", Quantity: 3}
	want := service.PriceOf(q)
	reply := make(chan service.Price, 1)
	for b.Loop() {
		if !reuse {
			reply = make(chan service.Price, 1)
		}
		calls <- quoteCall{q, reply}
		if p := <-reply; p != want {
			b.Fatalf("got %v, want %v", p, want)
		}
	}
	close(calls)
	<-stopped
}

func benchRequestProtoactor(b *testing.B) {
	b.ReportAllocs()
	sys := newActorSystem(b)
	pid := spawnActor(b, sys, pricer{})
	q := service.Quote{SKU: "SKU-01007", Quantity: 3}
	want := service.PriceOf(q)
	for b.Loop() {
		r, err := sys.Root.RequestFuture(pid, q, 5*time.Second).Result()
		if err != nil {
			b.Fatal(err)
		}
		if p := r.(service.Price); p != want {
			b.Fatalf("got %v, want %v", p, want)
		}
	}
}
