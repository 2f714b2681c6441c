package bench

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/alitto/pond/v2"
	"github.com/panjf2000/ants/v2"
	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"

	isolate "github.com/go-isolate/isolate/runtime"
)

// poolTasks is how many tasks one op runs through a pool.
const poolTasks = 100_000

// tinyTask is a few dozen nanoseconds of CPU work whose result is kept, so
// that the compiler cannot drop it.
func tinyTask(i int) uint64 {
	x := uint64(i)*0x9E3779B97F4A7C15 + 1
	for range 16 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// BenchmarkPool runs 100,000 tiny CPU tasks through a pool of 64 workers
// and of GOMAXPROCS workers, and waits for all of them: one op is the whole
// batch. Every implementation stores each task's result in its own slot of
// one slice.
func BenchmarkPool(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"64", 64}, {"procs", runtime.GOMAXPROCS(0)}} {
		b.Run(size.name, func(b *testing.B) {
			b.Run("isolate", func(b *testing.B) { benchPoolRunOn(b, size.n) })
			b.Run("workers", func(b *testing.B) { benchPoolWorkers(b, size.n) })
			b.Run("go", func(b *testing.B) { benchPoolGo(b) })
			b.Run("ants", func(b *testing.B) { benchPoolAnts(b, size.n) })
			b.Run("pond", func(b *testing.B) { benchPoolPond(b, size.n) })
			b.Run("conc", func(b *testing.B) { benchPoolConc(b, size.n) })
			b.Run("errgroup", func(b *testing.B) { benchPoolErrgroup(b, size.n) })
		})
	}
}

func checkPoolResults(b *testing.B, out []uint64) {
	for _, i := range []int{0, poolTasks / 2, poolTasks - 1} {
		if out[i] != tinyTask(i) {
			b.Fatalf("task %d: result %d, want %d", i, out[i], tinyTask(i))
		}
	}
}

// benchPoolRunOn: 2×size callers, each calling RunOn in a loop, so that an
// isolate that finishes a call finds the next caller already waiting.
func benchPoolRunOn(b *testing.B, size int) {
	b.ReportAllocs()
	ctx := context.Background()
	p, err := isolate.NewPool(ctx, size)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	out := make([]uint64, poolTasks)
	callers := poolCallers(size)
	for b.Loop() {
		var wg sync.WaitGroup
		for c := range callers {
			wg.Go(func() {
				for i := c; i < poolTasks; i += callers {
					v, err := isolate.RunOn(ctx, p, func(ctx context.Context) (uint64, error) {
						return tinyTask(i), nil
					})
					if err != nil {
						b.Error(err)
						return
					}
					out[i] = v
				}
			})
		}
		wg.Wait()
	}
	checkPoolResults(b, out)
}

// benchPoolWorkers: size goroutines reading task numbers from one channel,
// the hand-written pool.
func benchPoolWorkers(b *testing.B, size int) {
	b.ReportAllocs()
	out := make([]uint64, poolTasks)
	for b.Loop() {
		tasks := make(chan int, size)
		var wg sync.WaitGroup
		for range size {
			wg.Go(func() {
				for i := range tasks {
					out[i] = tinyTask(i)
				}
			})
		}
		for i := range poolTasks {
			tasks <- i
		}
		close(tasks)
		wg.Wait()
	}
	checkPoolResults(b, out)
}

// benchPoolGo: a goroutine per task, unbounded.
func benchPoolGo(b *testing.B) {
	b.ReportAllocs()
	out := make([]uint64, poolTasks)
	for b.Loop() {
		var wg sync.WaitGroup
		for i := range poolTasks {
			wg.Go(func() { out[i] = tinyTask(i) })
		}
		wg.Wait()
	}
	checkPoolResults(b, out)
}

func benchPoolAnts(b *testing.B, size int) {
	b.ReportAllocs()
	p, err := ants.NewPool(size)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Release()
	out := make([]uint64, poolTasks)
	for b.Loop() {
		var wg sync.WaitGroup
		wg.Add(poolTasks)
		for i := range poolTasks {
			if err := p.Submit(func() { out[i] = tinyTask(i); wg.Done() }); err != nil {
				b.Fatal(err)
			}
		}
		wg.Wait()
	}
	checkPoolResults(b, out)
}

func benchPoolPond(b *testing.B, size int) {
	b.ReportAllocs()
	p := pond.NewPool(size)
	defer p.StopAndWait()
	out := make([]uint64, poolTasks)
	for b.Loop() {
		g := p.NewGroup()
		for i := range poolTasks {
			g.Submit(func() { out[i] = tinyTask(i) })
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	checkPoolResults(b, out)
}

func benchPoolConc(b *testing.B, size int) {
	b.ReportAllocs()
	out := make([]uint64, poolTasks)
	for b.Loop() {
		p := pool.New().WithMaxGoroutines(size)
		for i := range poolTasks {
			p.Go(func() { out[i] = tinyTask(i) })
		}
		p.Wait()
	}
	checkPoolResults(b, out)
}

func benchPoolErrgroup(b *testing.B, size int) {
	b.ReportAllocs()
	out := make([]uint64, poolTasks)
	for b.Loop() {
		var g errgroup.Group
		g.SetLimit(size)
		for i := range poolTasks {
			g.Go(func() error { out[i] = tinyTask(i); return nil })
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	checkPoolResults(b, out)
}

// poolCallers is how many goroutines call RunOn: POOL_CALLERS in tests of
// the benchmark's shape, else 2×size.
func poolCallers(size int) int {
	if n, err := strconv.Atoi(os.Getenv("POOL_CALLERS")); err == nil && n > 0 {
		return n
	}
	return 2 * size
}
