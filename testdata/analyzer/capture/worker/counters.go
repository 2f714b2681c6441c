package worker

import (
	"context"
	"time"

	"example.com/capture/model"

	"github.com/go-isolate/isolate/runtime"
)

// Batch spawns workers while it counts them: the count changes under the
// isolates' feet.
func Batch(ctx context.Context, jobs []Job) int {
	started := 0
	for _, j := range jobs {
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, j Job) { // want `closure given to Spawn captures started, which is incremented after the closure is made, so the closure may see either value; capture a copy made before the closure \(started := started\), as the suggested fix does$`
			_ = started
		}, j)
		started++
	}
	return started
}

// Sum totals in an isolate by writing the caller's variable.
func Sum(ctx context.Context, xs []int) (int, error) {
	total := 0
	n := len(xs)
	_, err := runtime.Run(ctx, func(ctx context.Context) (struct{}, error) { // want `closure given to Run captures total and assigns it: the variable is shared with the isolate that made the closure; declare total inside the function, and return what the caller needs$`
		for i := range n {
			total += i
		}
		return struct{}{}, nil
	})
	return total, err
}

// Deadline picks its timeout before starting the isolate, in one branch or
// the other: each is done before the closure is made.
func Deadline(ctx context.Context, slow bool) {
	timeout := time.Second
	if slow {
		timeout = 10 * time.Second
	} else {
		timeout /= 2
	}
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) {
		time.Sleep(timeout)
	}, struct{}{})
}

// Either assigns only on the path that does not make the closure.
func Either(ctx context.Context, fast bool) {
	limit := 10
	if fast {
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) {
			_ = limit
		}, struct{}{})
	} else {
		limit = 20
		_ = limit
	}
}

// Rounds declares its variable inside the loop: each round has its own.
func Rounds(ctx context.Context, n int) {
	for r := range n {
		label := "round"
		label += string(rune('a' + r))
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) {
			_ = label
		}, struct{}{})
	}
}

// Retry reassigns a variable declared outside its loop before each
// closure: the next round's assignment comes after this round's closure.
func Retry(ctx context.Context, n int) {
	attempt := 0
	for range n {
		attempt = attempt + 1
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures attempt, which is assigned after the closure is made`
			_ = attempt
		}, struct{}{})
	}
}

// Steps changes the loop variable inside the body, after the closure.
func Steps(ctx context.Context) {
	for i := 0; i < 10; i++ {
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures i, which is incremented after the closure is made`
			_ = i
		}, struct{}{})
		if i%2 == 0 {
			i++
		}
	}
}

// Watch resets its state when it returns, by a deferred call.
func Watch(ctx context.Context) {
	state := "idle"
	defer func() { state = "done" }()
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures state, which is assigned after the closure is made`
		_ = state
	}, struct{}{})
}

// Tick updates a variable from a goroutine started earlier.
func Tick(ctx context.Context) {
	ticks := 0
	go func() {
		for range time.Tick(time.Second) {
			ticks++
		}
	}()
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures ticks, which is incremented after the closure is made`
		_ = ticks
	}, struct{}{})
}

// Later keeps a func that writes the variable, called at a time not known
// here: the rule does not guess.
func Later(ctx context.Context) func() {
	mode := "a"
	set := func() { mode = "b" }
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) {
		_ = mode
	}, struct{}{})
	return set
}

// Worker is a long-lived service object.
type Worker struct {
	cache *model.Cache
	jobs  int
}

// run is the worker's entry.
func (w *Worker) run(ctx context.Context, j Job) { w.jobs++ }

// Spec describes a job; it is plain data.
type Spec struct {
	Name  string
	Limit int
}

// serve runs with a copy of the spec.
func (s Spec) serve(ctx context.Context, j Job) { _ = s.Limit + j.ID }

// Launch gives Spawn method values: each binds its receiver.
func Launch(ctx context.Context, w *Worker, s Spec, j Job) {
	_, _ = runtime.Spawn(ctx, w.run, j) // want `method value w.run given to Spawn binds w, whose type \*Worker is not sendable: Worker.cache.entries is map\[string\]string \(shared mutable memory\); give Spawn a function that receives what it needs as its message instead$`
	_, _ = runtime.Spawn(ctx, s.serve, j)
	serve := s.serve
	_, _ = runtime.Spawn(ctx, serve, j) // a func value: not followed
}

// Daemon runs as the entry of an isolate started elsewhere.
type Daemon struct {
	peers map[string]runtime.SendPort[Job]
}

// Loop is started as an isolate's entry.
//
//isolate:entry
func (d *Daemon) Loop(ctx context.Context, j Job) { // want `entry method Loop binds its receiver d, whose type \*Daemon is not sendable: Daemon.peers is map\[string\]runtime.SendPort\[Job\] \(shared mutable memory\); make the entry a function that receives what it needs as its message$`
	_ = d.peers
}

// Plain is an entry that binds nothing.
//
//isolate:entry
func Plain(ctx context.Context, j Job) {}

// Each runs fn on every item in its own isolate. Whether T is sendable, and
// what fn captures, are the caller's business; the items slice never is.
func Each[T any](ctx context.Context, items []T, fn func(T) int) { // want Each:`entry\(Run 2\)`
	for _, it := range items {
		_, _ = runtime.Run(ctx, func(ctx context.Context) (int, error) {
			return fn(it), nil
		})
	}
	_, _ = runtime.Run(ctx, func(ctx context.Context) (int, error) { // want `closure given to Run captures items, whose type \[\]T is not sendable`
		return len(items), nil
	})
}

// Quiet is silenced with a reason.
func Quiet(ctx context.Context, cache *model.Cache) {
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { //isolate:ignore the cache is frozen after start-up
		_ = cache.Get("k")
	}, struct{}{})
}
