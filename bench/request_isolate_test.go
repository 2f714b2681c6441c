package bench

import (
	"context"
	"errors"
	"testing"

	"github.com/go-isolate/isolate/bench/service"
	isolate "github.com/go-isolate/isolate/runtime"
)

// benchRequestIsolate measures a call through the generated //isolate:port
// (service/isolate_gen.go): PricerPort.Price sends the call to the isolate
// that SpawnPricer started and waits for its answer.
func benchRequestIsolate(b *testing.B) {
	b.Run("isolate", func(b *testing.B) {
		b.ReportAllocs()
		ctx := context.Background()
		port, iso, err := service.SpawnPricer(ctx, func() service.Pricer { return service.Desk{} })
		if err != nil {
			b.Fatal(err)
		}
		q := service.Quote{SKU: "SKU-01007", Quantity: 3}
		want := service.PriceOf(q)
		for b.Loop() {
			p, err := port.Price(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			if p != want {
				b.Fatalf("got %v, want %v", p, want)
			}
		}
		b.StopTimer()
		iso.Kill(isolate.Immediate)
		if err := iso.Wait(ctx); err != nil && !errors.Is(err, isolate.ErrKilled) {
			b.Fatal(err)
		}
	})
}
