package bench

import (
	"testing"
	"time"
)

// BenchmarkRequest measures one call to a service that runs on its own
// goroutine (actor, isolate) and answers a Quote with a Price: the caller
// waits for each answer before the next call.
func BenchmarkRequest(b *testing.B) {
	b.Run("chan", benchRequestChan)
	b.Run("protoactor", benchRequestProtoactor)
	benchRequestIsolate(b)
}

// quoteCall is a request to the raw service: the reply channel is made per
// call, as a service that any number of callers share needs.
type quoteCall struct {
	q     Quote
	reply chan Price
}

func benchRequestChan(b *testing.B) {
	b.ReportAllocs()
	calls := make(chan quoteCall)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for c := range calls {
			c.reply <- price(c.q)
		}
	}()
	q := Quote{SKU: "SKU-01007", Quantity: 3}
	want := price(q)
	for b.Loop() {
		reply := make(chan Price, 1)
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
	q := Quote{SKU: "SKU-01007", Quantity: 3}
	want := price(q)
	for b.Loop() {
		r, err := sys.Root.RequestFuture(pid, q, 5*time.Second).Result()
		if err != nil {
			b.Fatal(err)
		}
		if p := r.(Price); p != want {
			b.Fatalf("got %v, want %v", p, want)
		}
	}
}
