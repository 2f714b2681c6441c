package runtime

import (
	"context"
	goruntime "runtime"
	"sync"
	"testing"
)

// Each benchmark has a sub-benchmark impl=port (or impl=isolate) and the same
// work done with raw channels and goroutines, impl=chan (or impl=go), so that
//
//	go test -run '^$' -bench . -count 6 ./runtime > rt.bench
//	benchstat -col /impl rt.bench
//
// puts them side by side.

// BenchmarkStream sends b.N ints from one goroutine to another.
func BenchmarkStream(b *testing.B) {
	b.Run("impl=port", func(b *testing.B) {
		r := NewReceivePort[int](context.Background())
		defer r.Close()
		sp := r.SendPort()
		ctx := context.Background()
		var wg sync.WaitGroup
		b.ResetTimer()
		wg.Go(func() {
			for i := range b.N {
				sp.Send(i)
			}
		})
		for range b.N {
			r.Receive(ctx)
		}
		wg.Wait()
	})
	b.Run("impl=chan", func(b *testing.B) {
		c := make(chan int, 1024)
		var wg sync.WaitGroup
		b.ResetTimer()
		wg.Go(func() {
			for i := range b.N {
				c <- i
			}
		})
		for range b.N {
			<-c
		}
		wg.Wait()
	})
}

// BenchmarkPingPong makes b.N round trips to an echoing isolate (goroutine).
func BenchmarkPingPong(b *testing.B) {
	b.Run("impl=port", func(b *testing.B) {
		ctx := context.Background()
		replies := NewReceivePort[int](ctx)
		defer replies.Close()
		hello := NewReceivePort[SendPort[int]](ctx)
		defer hello.Close()
		type start struct {
			Hello SendPort[SendPort[int]]
			Reply SendPort[int]
		}
		iso, _ := Spawn(ctx, func(ctx context.Context, s start) {
			in := NewReceivePort[int](ctx)
			s.Hello.Send(in.SendPort())
			for v := range in.All(ctx) {
				s.Reply.Send(v)
			}
		}, start{hello.SendPort(), replies.SendPort()})
		in, _ := hello.Receive(ctx)
		b.ResetTimer()
		for i := range b.N {
			in.Send(i)
			replies.Receive(ctx)
		}
		b.StopTimer()
		iso.Kill(Immediate)
		iso.Wait(ctx)
	})
	b.Run("impl=chan", func(b *testing.B) {
		in, out := make(chan int), make(chan int)
		var wg sync.WaitGroup
		wg.Go(func() {
			for v := range in {
				out <- v
			}
		})
		b.ResetTimer()
		for i := range b.N {
			in <- i
			<-out
		}
		b.StopTimer()
		close(in)
		wg.Wait()
	})
}

// BenchmarkNTo1 has 8 senders feed one receiver; b.N messages in all.
func BenchmarkNTo1(b *testing.B) {
	const senders = 8
	b.Run("impl=port", func(b *testing.B) {
		ctx := context.Background()
		r := NewReceivePort[int](ctx)
		defer r.Close()
		var wg sync.WaitGroup
		b.ResetTimer()
		for s := range senders {
			sp := r.SendPort()
			wg.Go(func() {
				for i := s; i < b.N; i += senders {
					sp.Send(i)
				}
			})
		}
		for range b.N {
			r.Receive(ctx)
		}
		wg.Wait()
	})
	b.Run("impl=chan", func(b *testing.B) {
		c := make(chan int, 1024)
		var wg sync.WaitGroup
		b.ResetTimer()
		for s := range senders {
			wg.Go(func() {
				for i := s; i < b.N; i += senders {
					c <- i
				}
			})
		}
		for range b.N {
			<-c
		}
		wg.Wait()
	})
}

// BenchmarkSpawnExit starts an isolate (goroutine) that ends at once, and
// waits for it: impl=isolate with Wait (as bench/ does), impl=isolate-done
// with <-Done(), impl=go with a WaitGroup.
func BenchmarkSpawnExit(b *testing.B) {
	b.Run("impl=isolate", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for range b.N {
			iso, _ := Spawn(ctx, func(context.Context, struct{}) {}, struct{}{})
			iso.Wait(ctx)
		}
	})
	b.Run("impl=isolate-done", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for range b.N {
			iso, _ := Spawn(ctx, func(context.Context, struct{}) {}, struct{}{})
			<-iso.Done()
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		var wg sync.WaitGroup
		for range b.N {
			wg.Add(1)
			go func(struct{}) { wg.Done() }(struct{}{})
			wg.Wait()
		}
	})
}

// BenchmarkRun computes a value in a new isolate (goroutine) and waits for it.
func BenchmarkRun(b *testing.B) {
	b.Run("impl=isolate", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for i := range b.N {
			Run(ctx, func(context.Context) (int, error) { return i * 2, nil })
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		type result struct {
			v   int
			err error
		}
		for i := range b.N {
			c := make(chan result, 1)
			go func() { c <- result{i * 2, nil} }()
			<-c
		}
	})
}

// BenchmarkIdle measures the memory of an idle isolate blocked in Receive on
// its one port (goroutine blocked on a channel), reported as bytes/idle: the
// growth of HeapInuse+StackInuse over 10,000 of them, divided by 10,000.
//
// A new goroutine's stack starts at the average stack size the last GC saw
// (Go's adaptive initial stacks), so with only the test harness's deep
// frames to go by, every batch would start with stacks bigger than idle
// goroutines need. An unmeasured batch kept alive meanwhile makes the runtime
// settle on the size idle goroutines themselves need, as in a program that
// keeps many of them.
func BenchmarkIdle(b *testing.B) {
	const count = 10000
	inuse := func() uint64 {
		var m goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&m)
		return m.HeapInuse + m.StackInuse
	}
	measure := func(b *testing.B, start func() (stop func())) {
		defer start()() // settle the initial stack size
		var total float64
		b.ResetTimer()
		for range b.N {
			before := inuse()
			stop := start()
			total += float64(inuse()-before) / count
			b.StopTimer()
			stop()
			b.StartTimer()
		}
		b.ReportMetric(total/float64(b.N), "bytes/idle")
	}
	b.Run("impl=isolate", func(b *testing.B) {
		ctx := context.Background()
		measure(b, func() func() {
			isos := make([]*Isolate, count)
			for i := range isos {
				isos[i], _ = Spawn(ctx, func(ctx context.Context, _ struct{}) {
					in := NewReceivePort[int](ctx)
					in.Receive(ctx)
				}, struct{}{})
			}
			for _, iso := range isos {
				iso.Ping(ctx) // answered once it blocks in Receive
			}
			return func() {
				for _, iso := range isos {
					iso.Kill(Immediate)
					<-iso.Done()
				}
			}
		})
	})
	b.Run("impl=go", func(b *testing.B) {
		measure(b, func() func() {
			chans := make([]chan int, count)
			var ready, wg sync.WaitGroup
			ready.Add(count)
			for i := range chans {
				c := make(chan int)
				chans[i] = c
				wg.Go(func() {
					ready.Done()
					<-c
				})
			}
			ready.Wait()
			return func() {
				for _, c := range chans {
					close(c)
				}
				wg.Wait()
			}
		})
	})
}
