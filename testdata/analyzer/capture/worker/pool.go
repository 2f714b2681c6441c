// Package worker runs jobs in isolates.
package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"example.com/capture/model"

	"github.com/go-isolate/isolate/runtime"
)

const maxRetries = 3

// Job is one unit of work; plain data.
type Job struct {
	ID    int
	Input string
}

// Result reports a finished job.
type Result struct {
	JobID  int
	Output string
}

// Pool starts workers that share nothing with it.
type Pool struct {
	cfg      model.Config
	cache    *model.Cache
	registry *model.Registry
	results  runtime.SendPort[Result]
	log      *slog.Logger
}

// Start spawns one isolate per job.
func (p *Pool) Start(ctx context.Context, jobs []Job) error {
	results := p.results
	cfg := p.cfg
	registry := p.registry
	logger := p.log
	for _, job := range jobs { // per-iteration variables since Go 1.22
		_, err := runtime.Spawn(ctx, func(ctx context.Context, j Job) {
			out := strings.Repeat(j.Input, cfg.Workers)
			if job.ID != j.ID || registry.Lookup(cfg.Name) < 0 {
				logger.Warn("mismatch", "job", job.ID)
			}
			for range maxRetries {
				if results.Send(Result{JobID: j.ID, Output: out}) == nil {
					return
				}
			}
		}, job)
		if err != nil {
			return err
		}
	}
	for i := 0; i < len(jobs); i++ {
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) {
			_ = results.Send(Result{JobID: i})
		}, struct{}{})
	}
	return nil
}

// Warm fills the cache from an isolate: the pool's own cache is shared.
func (p *Pool) Warm(ctx context.Context, keys []string) error {
	_, err := runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures p, whose type \*Pool is not sendable: Pool.cache.entries is map\[string\]string \(shared mutable memory\); make p inside the closure, or pass it as Spawn's message, which is copied \(its type must be sendable or an //isolate:message type\)$` `closure given to Spawn captures keys, whose type \[\]string is not sendable: \[\]string is shared mutable memory`
		for _, k := range keys {
			p.cache.Put(k, "")
		}
	}, struct{}{})
	return err
}

// Lookup reads through the cache in another isolate.
func Lookup(ctx context.Context, cache *model.Cache, key string) (string, error) {
	return runtime.Run(ctx, func(ctx context.Context) (string, error) { // want `closure given to Run captures cache, whose type \*model.Cache is not sendable: Cache.entries is map\[string\]string \(shared mutable memory\); make cache inside the function, or capture only sendable values made from it$`
		return cache.Get(key), nil
	})
}

// Fresh builds its cache itself and hands it over: the closure owns it.
func Fresh(ctx context.Context, keys []string) (int, error) {
	cache, err := model.NewCache(len(keys))
	if err != nil {
		return 0, err
	}
	seen := make(map[string]bool)
	return runtime.Run(ctx, func(ctx context.Context) (int, error) {
		cache.Put("warm", "yes")
		seen["warm"] = true
		return len(seen), nil
	})
}

// Kept builds a map but reads it again after the closure is made.
func Kept(ctx context.Context) (int, error) {
	counts := map[string]int{"a": 1}
	n, err := runtime.Run(ctx, func(ctx context.Context) (int, error) { // want `closure given to Run captures counts, whose type map\[string\]int is not sendable: map\[string\]int is shared mutable memory`
		return counts["a"], nil
	})
	return n + len(counts), err
}

// Summaries counts in an isolate; the map comes back moved, nothing is
// captured.
func Summaries(ctx context.Context, words string) (map[string]int, error) {
	return runtime.Run(ctx, func(ctx context.Context) (map[string]int, error) {
		m := map[string]int{}
		for _, w := range strings.Fields(words) {
			m[w]++
		}
		return m, nil
	})
}

// Stream captures a channel and a receive port: both belong here.
func Stream(ctx context.Context, out chan<- Result, in *runtime.ReceivePort[Job]) {
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `captures out, whose type chan<- Result is not sendable: chan<- Result is a channel; send a runtime.SendPort instead` `captures in, whose type \*runtime.ReceivePort\[Job\] is not sendable: ReceivePort is runtime.ReceivePort\[Job\] \(a ReceivePort, which belongs to its isolate\); send its SendPort\(\) instead`
		for j := range in.All(ctx) {
			out <- Result{JobID: j.ID}
		}
	}, struct{}{})
}

// Handler handles one job.
type Handler interface {
	Handle(ctx context.Context, j Job) Result
}

// Dispatch captures an interface value, which may hold anything.
func Dispatch(ctx context.Context, h Handler, j Job) {
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, j Job) { // want `captures h, whose type Handler is not sendable: Handler is an interface, which may hold shared memory`
		h.Handle(ctx, j)
	}, j)
}

// Reprice sends a copy of the order as the message, and also captures it.
func Reprice(ctx context.Context, order *model.Order) {
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, o *model.Order) {
		_ = o.ID
	}, order)
	_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures order, whose type \*model.Order is copyable but not sendable: a captured variable is shared, never copied; capture a deep copy made before the closure`
		fmt.Println(order.ID)
	}, struct{}{})
}

// Config travels as a value: decoding into it later changes what the
// isolate reads.
func Configure(ctx context.Context, data []byte) error {
	var cfg model.Config
	if err := json.Unmarshal(data, &cfg); err != nil { // before the closure: fine
		return err
	}
	_, err := runtime.Spawn(ctx, func(ctx context.Context, n int) { // want `closure given to Spawn captures cfg, which has its address taken after the closure is made`
		_ = cfg.Serve(n)
	}, 1)
	_ = json.Unmarshal(data, &cfg)
	return err
}

// PerBatch makes a fresh map for every batch and moves each into its own
// isolate.
func PerBatch(ctx context.Context, batches [][]string) {
	for _, batch := range batches {
		counts := make(map[string]int)
		for _, w := range batch {
			counts[w]++
		}
		_, _ = runtime.Run(ctx, func(ctx context.Context) (int, error) {
			return len(counts), nil
		})
	}
}

// Shared makes one map for all rounds: every isolate would share it.
func Shared(ctx context.Context, rounds int) {
	counts := make(map[string]int)
	for range rounds {
		_, _ = runtime.Run(ctx, func(ctx context.Context) (int, error) { // want `closure given to Run captures counts, whose type map\[string\]int is not sendable`
			counts["round"]++
			return 0, nil
		})
	}
}

// Registered stores its map in a registry before the closure takes it.
func Registered(ctx context.Context, registry map[string]map[string]int) {
	counts := make(map[string]int)
	registry["today"] = counts
	_, _ = runtime.Run(ctx, func(ctx context.Context) (int, error) { // want `closure given to Run captures counts, whose type map\[string\]int is not sendable`
		return len(counts), nil
	})
}
