// Package kernels holds race kernels, each beside its fixed version, which
// must stay silent.
package kernels

import (
	"errors"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

func fetch() error { return errors.New("boom") }

func compute(n int) int { return n * n }

// --- captured err -----------------------------------------------------

func CapturedErr() error {
	var err error
	go func() {
		err = fetch() // want `data race on err: the goroutine started at line 21 writes it at line 22, and the spawning function reads it at line 24 with no synchronization between them; hand the value over a channel, or wait for the goroutine \(sync.WaitGroup.Wait, a receive\) before the spawning function touches err`
	}()
	return err
}

func CapturedErrFixed() error {
	errc := make(chan error, 1)
	go func() {
		errc <- fetch()
	}()
	return <-errc
}

// CapturedErrWaitWrong waits, but the goroutine never signals the
// WaitGroup: Wait does not order the write.
func CapturedErrWaitWrong(wg *sync.WaitGroup) error {
	var err error
	go func() {
		err = fetch() // want `data race on err: the goroutine started at line 39`
	}()
	wg.Wait()
	return err
}

func CapturedErrWaitFixed() error {
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = fetch()
	}()
	wg.Wait()
	return err
}

// --- named results ----------------------------------------------------

func NamedResult() (n int, err error) {
	go func() {
		n = compute(2) // want `data race on named result n: the goroutine started at line 61 writes it at line 62, and the spawning function assigns it by returning at line 64 with no synchronization between them; hand the result over a channel, or wait for the goroutine before returning`
	}()
	return 0, nil
}

func NamedResultBare() (err error) {
	go func() {
		err = fetch() // want `data race on named result err: .* returns it at line 71`
	}()
	return
}

func NamedResultFixed() (n int, err error) {
	done := make(chan struct{})
	go func() {
		n = compute(2)
		close(done)
	}()
	<-done
	return n, nil
}

// --- maps and slices shared with goroutines ----------------------------

func SharedMap(keys []string) map[string]int {
	m := map[string]int{}
	go func() {
		for _, k := range keys {
			m[k] = len(k) // want `data race on the map m: the goroutine started at line 88 writes it at line 90, and the spawning function reads it at line 93`
		}
	}()
	if m["x"] > 0 {
		return nil
	}
	return m
}

func SharedMapFixed(keys []string) map[string]int {
	m := map[string]int{}
	var mu sync.Mutex
	go func() {
		mu.Lock()
		defer mu.Unlock()
		for _, k := range keys {
			m[k] = len(k)
		}
	}()
	mu.Lock()
	n := m["x"]
	mu.Unlock()
	_ = n
	return nil
}

func SharedSliceAppend() []int {
	var out []int
	go func() {
		out = append(out, 1) // want `data race on out: the goroutine started at line 118 writes it at line 119`
	}()
	out = append(out, 2)
	return out
}

// Each goroutine owns its own element: no race.
func SliceElementsFixed(xs []int) {
	var wg sync.WaitGroup
	for i := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xs[i] = compute(xs[i])
		}()
	}
	wg.Wait()
}

// --- struct fields --------------------------------------------------------

type stats struct {
	hits, misses int
}

func Fields() int {
	var s stats
	go func() {
		s.hits++ // want `data race on s.hits: the goroutine started at line 146 writes it at line 147, and the spawning function reads it at line 149`
	}()
	return s.hits + 0*s.misses
}

// Different fields are different memory.
func FieldsFixed() int {
	var s stats
	go func() {
		s.hits++
	}()
	return s.misses
}

// --- by-value receivers ------------------------------------------------------

type counter struct{ n int }

func (c counter) value() int { return c.n }

func (c *counter) bump() { c.n++ }

// The goroutine copies c when it calls the value method; the spawner
// writes c meanwhile.
func ByValueReceiver() {
	var c counter
	go func() {
		_ = c.value() // want `data race on c: the goroutine started at line 173 reads it at line 174, and the spawning function writes it at line 176`
	}()
	c.n = 3
}

// Handing the goroutine its own copy removes the sharing.
func ByValueReceiverFixed() {
	var c counter
	go func(c counter) {
		_ = c.value()
	}(c)
	c.n = 3
	c.bump()
}

// --- WaitGroup misuse -----------------------------------------------------------

// Add inside the goroutine: Wait may return before it runs.
func AddInside() int {
	var wg sync.WaitGroup
	total := 0
	go func() {
		wg.Add(1)
		defer wg.Done()
		total = compute(3) // want `data race on total: .* with no synchronization between them; call Add before the spawn, not inside the goroutine, so that Wait waits for it`
	}()
	wg.Wait()
	return total
}

func AddInsideFixed() int {
	var wg sync.WaitGroup
	total := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		total = compute(3)
	}()
	wg.Wait()
	return total
}

// Read before Wait.
func WaitGroupGoEarly() int {
	var wg sync.WaitGroup
	total := 0
	wg.Go(func() {
		total = compute(4) // want `data race on total: the goroutine started by sync.WaitGroup.Go at line 220 writes it at line 221, and the spawning function reads it at line 223`
	})
	n := total
	wg.Wait()
	return n
}

func WaitGroupGoFixed() int {
	var wg sync.WaitGroup
	total := 0
	wg.Go(func() {
		total = compute(4)
	})
	wg.Wait()
	return total
}

func ErrgroupEarly() (int, error) {
	var g errgroup.Group
	total := 0
	g.Go(func() error {
		total = compute(5) // want `data race on total: the goroutine started by errgroup.Group.Go at line 241 writes it at line 242`
		return nil
	})
	n := total
	return n, g.Wait()
}

func ErrgroupFixed() (int, error) {
	var g errgroup.Group
	total := 0
	g.Go(func() error {
		total = compute(5)
		return nil
	})
	err := g.Wait()
	return total, err
}

// --- unguarded counters -------------------------------------------------------

var hits int

func GlobalCounter(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hits++ // want `data race on hits: every goroutine started at line 268 writes it at line 270, with no synchronization between them; guard hits with a sync.Mutex, use sync/atomic, or give each goroutine its own variable`
		}()
	}
	wg.Wait()
}

var (
	mu        sync.Mutex
	hitsGuard int
	hitsAtom  atomic.Int64
)

func GlobalCounterFixed(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			hitsGuard++
			mu.Unlock()
			hitsAtom.Add(1)
		}()
	}
	wg.Wait()
}

func LocalCounter(items []string) int {
	count := 0
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if it != "" {
				count++ // want `data race on count: every goroutine started at line 302`
			}
		}()
	}
	wg.Wait()
	return count
}

// Waiting inside the loop serializes the goroutines.
func LocalCounterSerialFixed(items []string) int {
	count := 0
	for range items {
		done := make(chan struct{})
		go func() {
			count++
			close(done)
		}()
		<-done
	}
	return count
}

// A global written by goroutine code and read by its spawner.
var ready bool

func GlobalFlag() bool {
	go func() {
		ready = true // want `data race on ready: the goroutine started at line 331 writes it at line 332, and the spawning function reads it at line 334`
	}()
	return ready
}

var once sync.Once

func GlobalFlagFixed() bool {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		once.Do(func() { ready = true })
	}()
	wg.Wait()
	return ready
}

// --- two goroutines ---------------------------------------------------------

func TwoGoroutines() {
	x := 0
	go func() {
		x = 1 // want `data race on x: the goroutine started at line 354 writes it at line 355, and the goroutine started at line 357 reads it at line 358`
	}()
	go func() {
		_ = x
	}()
}

func TwoGoroutinesFixed() {
	x := 0
	ch := make(chan int)
	go func() {
		x = 1
		ch <- 0
	}()
	go func() {
		<-ch
		_ = x
	}()
}

// --- what the rule cannot know: silence ---------------------------------------

// A call through a func value may synchronize.
func FuncValue(wait func()) error {
	var err error
	go func() {
		err = fetch()
		wait()
	}()
	wait()
	return err
}

// Only one branch spawns; the other reads.
func Branches(c bool) error {
	var err error
	if c {
		go func() { err = fetch() }()
	} else {
		return err
	}
	return nil
}

// Accesses before the spawn are ordered by it.
func BeforeSpawn() {
	x := compute(1)
	go func() { x++ }()
}

// A variable declared in the loop body is new on every iteration.
func PerIteration(n int) {
	for range n {
		c := 0
		go func() { c++ }()
	}
}

// An //isolate:ignore with a reason silences the finding on its line.
func Ignored() int {
	n := 0
	go func() {
		n = compute(1) //isolate:ignore a stale value is fine here
	}()
	return n
}
