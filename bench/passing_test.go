package bench

import (
	"context"
	"sync"
	"testing"
	"time"

	isolate "github.com/go-isolate/isolate/runtime"
)

// The message-passing benchmarks report ns per message delivered (Stream,
// FanIn) or per round trip (PingPong). Each implementation uses its
// defaults: isolate's ports and protoactor-go's mailboxes are unbounded;
// the raw channel has a buffer of chanBuffer. The isolate-bounded rows give
// the port the channel's capacity, for a like-for-like comparison with it.

const (
	chanBuffer = 1024
	fanIn      = 4 // senders in the N→1 benchmark
)

func BenchmarkStream(b *testing.B) {
	b.Run("chan", benchStreamChan)
	b.Run("protoactor", benchStreamProtoactor)
	b.Run("isolate", func(b *testing.B) { benchStreamIsolate(b, 0) })
	b.Run("isolate-bounded", func(b *testing.B) { benchStreamIsolate(b, chanBuffer) })
}

func BenchmarkPingPong(b *testing.B) {
	b.Run("chan", benchPingPongChan)
	b.Run("protoactor", benchPingPongProtoactor)
	b.Run("isolate", benchPingPongIsolate)
}

func BenchmarkFanIn(b *testing.B) {
	b.Run("chan", benchFanInChan)
	b.Run("protoactor", benchFanInProtoactor)
	b.Run("isolate", func(b *testing.B) { benchFanInIsolate(b, 0) })
	b.Run("isolate-bounded", func(b *testing.B) { benchFanInIsolate(b, chanBuffer) })
}

// shares splits n messages among k senders.
func shares(n, k int) []int {
	s := make([]int, k)
	for i := range s {
		s[i] = n / k
	}
	s[0] += n % k
	return s
}

// --- raw channels ---

func benchStreamChan(b *testing.B) {
	b.ReportAllocs()
	ch := make(chan Tick, chanBuffer)
	done := make(chan struct{})
	n := b.N
	go func() {
		for range n {
			<-ch
		}
		close(done)
	}()
	b.ResetTimer()
	for i := range n {
		ch <- Tick{Seq: int64(i)}
	}
	<-done
}

func benchPingPongChan(b *testing.B) {
	b.ReportAllocs()
	ping, pong := make(chan Tick, 1), make(chan Tick, 1)
	n := b.N
	go func() {
		for range n {
			pong <- <-ping
		}
	}()
	b.ResetTimer()
	for i := range n {
		ping <- Tick{Seq: int64(i)}
		<-pong
	}
}

func benchFanInChan(b *testing.B) {
	b.ReportAllocs()
	ch := make(chan Tick, chanBuffer)
	done := make(chan struct{})
	n := b.N
	go func() {
		for range n {
			<-ch
		}
		close(done)
	}()
	b.ResetTimer()
	var wg sync.WaitGroup
	for s, k := range shares(n, fanIn) {
		wg.Go(func() {
			for i := range k {
				ch <- Tick{Seq: int64(i), From: int64(s)}
			}
		})
	}
	wg.Wait()
	<-done
}

// --- protoactor-go ---

func benchStreamProtoactor(b *testing.B) {
	b.ReportAllocs()
	sys := newActorSystem(b)
	done := make(chan struct{})
	pid := spawnActor(b, sys, &countdown{left: b.N, done: done})
	b.ResetTimer()
	for i := range b.N {
		sys.Root.Send(pid, Tick{Seq: int64(i)})
	}
	<-done
	b.StopTimer()
}

func benchPingPongProtoactor(b *testing.B) {
	b.ReportAllocs()
	sys := newActorSystem(b)
	done := make(chan struct{})
	e := spawnActor(b, sys, echo{})
	p := spawnActor(b, sys, &pinger{echo: e, left: b.N, done: done})
	b.ResetTimer()
	sys.Root.Send(p, startPing{})
	<-done
	b.StopTimer()
}

func benchFanInProtoactor(b *testing.B) {
	b.ReportAllocs()
	sys := newActorSystem(b)
	done := make(chan struct{})
	pid := spawnActor(b, sys, &countdown{left: b.N, done: done})
	b.ResetTimer()
	var wg sync.WaitGroup
	for s, k := range shares(b.N, fanIn) {
		wg.Go(func() {
			for i := range k {
				sys.Root.Send(pid, Tick{Seq: int64(i), From: int64(s)})
			}
		})
	}
	wg.Wait()
	<-done
	b.StopTimer()
}

// --- isolate ports ---

// sink is the message of a receiving isolate: where to announce its port,
// how many Ticks to take before it ends, and its port's capacity (0:
// unbounded, the default).
type sink struct {
	Hello    isolate.SendPort[isolate.SendPort[Tick]]
	N        int
	Capacity int
}

// sinkEntry is a receiving isolate: it makes its port, hands out the
// SendPort, takes N Ticks and ends (its port closes with it).
func sinkEntry(ctx context.Context, m sink) {
	in := isolate.NewReceivePort[Tick](ctx, isolate.WithCapacity(m.Capacity))
	if err := m.Hello.Send(in.SendPort()); err != nil {
		panic(err)
	}
	for range m.N {
		if _, err := in.Receive(ctx); err != nil {
			panic(err)
		}
	}
}

// echoer is the message of the echo isolate: where to announce its port,
// where to send pongs, how many rounds.
type echoer struct {
	Hello isolate.SendPort[isolate.SendPort[Tick]]
	Pong  isolate.SendPort[Tick]
	N     int
}

func echoEntry(ctx context.Context, m echoer) {
	in := isolate.NewReceivePort[Tick](ctx)
	if err := m.Hello.Send(in.SendPort()); err != nil {
		panic(err)
	}
	for range m.N {
		t, err := in.Receive(ctx)
		if err != nil {
			panic(err)
		}
		if err := m.Pong.Send(t); err != nil {
			panic(err)
		}
	}
}

// source is the message of a sending isolate.
type source struct {
	To   isolate.SendPort[Tick]
	From int64
	N    int
}

func sourceEntry(_ context.Context, m source) {
	for i := range m.N {
		if err := m.To.Send(Tick{Seq: int64(i), From: m.From}); err != nil {
			panic(err)
		}
	}
}

// spawnAnnounced spawns an isolate whose entry announces a port through a
// hello port, and returns that port. The isolate is waited for (and must
// have ended normally) when the benchmark ends.
func spawnAnnounced[M any](b *testing.B, entry func(context.Context, M), msg func(hello isolate.SendPort[isolate.SendPort[Tick]]) M) (*isolate.Isolate, isolate.SendPort[Tick]) {
	ctx := context.Background()
	hello := isolate.NewReceivePort[isolate.SendPort[Tick]](ctx)
	defer hello.Close()
	iso, err := isolate.Spawn(ctx, entry, msg(hello.SendPort()))
	if err != nil {
		b.Fatal(err)
	}
	to, err := hello.Receive(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return iso, to
}

// waitIsolate waits for iso to end and fails the benchmark unless it ended
// normally.
func waitIsolate(b *testing.B, iso *isolate.Isolate) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := iso.Wait(ctx); err != nil {
		b.Fatal(err)
	}
}

func benchStreamIsolate(b *testing.B, capacity int) {
	b.ReportAllocs()
	iso, to := spawnAnnounced(b, sinkEntry, func(h isolate.SendPort[isolate.SendPort[Tick]]) sink {
		return sink{Hello: h, N: b.N, Capacity: capacity}
	})
	b.ResetTimer()
	for i := range b.N {
		if err := to.Send(Tick{Seq: int64(i)}); err != nil {
			b.Fatal(err)
		}
	}
	waitIsolate(b, iso)
	b.StopTimer()
}

func benchPingPongIsolate(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	pong := isolate.NewReceivePort[Tick](ctx)
	defer pong.Close()
	iso, ping := spawnAnnounced(b, echoEntry, func(h isolate.SendPort[isolate.SendPort[Tick]]) echoer {
		return echoer{Hello: h, Pong: pong.SendPort(), N: b.N}
	})
	b.ResetTimer()
	for i := range b.N {
		if err := ping.Send(Tick{Seq: int64(i)}); err != nil {
			b.Fatal(err)
		}
		if _, err := pong.Receive(ctx); err != nil {
			b.Fatal(err)
		}
	}
	waitIsolate(b, iso)
	b.StopTimer()
}

func benchFanInIsolate(b *testing.B, capacity int) {
	b.ReportAllocs()
	ctx := context.Background()
	iso, to := spawnAnnounced(b, sinkEntry, func(h isolate.SendPort[isolate.SendPort[Tick]]) sink {
		return sink{Hello: h, N: b.N, Capacity: capacity}
	})
	b.ResetTimer()
	senders := make([]*isolate.Isolate, 0, fanIn)
	for s, k := range shares(b.N, fanIn) {
		src, err := isolate.Spawn(ctx, sourceEntry, source{To: to, From: int64(s), N: k})
		if err != nil {
			b.Fatal(err)
		}
		senders = append(senders, src)
	}
	for _, src := range senders {
		waitIsolate(b, src)
	}
	waitIsolate(b, iso)
	b.StopTimer()
}
