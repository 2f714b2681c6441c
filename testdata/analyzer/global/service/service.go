package service // want package:"writes service.lookups, service.pending, service.requests, stats.Verbose"

// This package runs the workers of an order service in isolates.

import (
	"context"
	"os"

	"github.com/go-isolate/isolate/runtime"

	"example.com/global/admin"
	"example.com/global/stats"
)

// Job is one unit of work.
type Job struct {
	Kind string
	N    int
}

// pending counts the jobs not yet handed to a worker.
var pending int

// Counter counts.
type Counter struct{ n int }

// Inc adds one.
func (c *Counter) Inc() { c.n++ }

// N returns the count.
func (c Counter) N() int { return c.n }

// requests is changed by its pointer method Inc.
var requests Counter

// retries is only ever read through the value method N.
var retries Counter

// Sink receives finished jobs.
type Sink interface{ Done(Job) }

type countingSink struct{}

func (countingSink) Done(Job) { pending-- } // want Done:"reaches service.pending\\(w\\)"

// sink is called through an interface: a blind spot of the rule.
var sink Sink = countingSink{}

func record(kind string) {
	stats.Record(kind)
}

// worker reaches stats.hits three calls deep, in another package.
func worker(ctx context.Context, job Job) {
	record(job.Kind)
}

// checker only reads what initialisation set, and touches shared or
// synchronized state.
func checker(ctx context.Context, job Job) {
	if job.N > stats.Limit(job.Kind) {
		stats.Logf("over limit")
	}
	_ = stats.Version()
	stats.Served()
	stats.Remember(job.Kind, "seen")
	_ = stats.Default(job.Kind)
	_ = retries.N()
	sink.Done(job)
	f := record
	f(job.Kind) // a call through a func value is not followed
}

// Worker handles jobs with its own state.
type Worker struct{ done int }

func (w *Worker) run(ctx context.Context, job Job) { // want run:"reaches service.pending\\(w\\)"
	w.done++
	pending--
}

// drain empties the queue inside its own isolate.
//
//isolate:entry
func drain(ctx context.Context, _ struct{}) { // want `^isolate entry drain reaches mutable global pending: drain \(written at service.go:87\); keep the state in the isolate \(a port's implementation, or a message\), or, if a lock or atomic guards every access, mark pending //isolate:shared$`
	for pending > 0 {
		pending--
	}
}

// tidy runs as an entry and only reads.
//
//isolate:entry
func tidy(ctx context.Context, _ struct{}) {
	_ = stats.Limit("get")
}

// locate reports where it runs; package admin may move the region meanwhile.
func locate(ctx context.Context, _ struct{}) {
	_ = stats.Here()
}

// Start starts the workers.
func Start(ctx context.Context) error { // want Start:"reaches service.pending\\(w\\), service.requests\\(w\\), stats.Region\\(w\\), stats.Verbose\\(w\\), stats.hits\\(w\\)"
	stats.Verbose = os.Getenv("DEBUG") != ""
	pending = 3
	if _, err := runtime.Spawn(ctx, worker, Job{Kind: "get"}); err != nil { // want `isolate entry worker reaches mutable global stats.hits: worker → record → stats.Record → stats.bump \(written at stats.go:65\)`
		return err
	}
	if _, err := runtime.Spawn(ctx, checker, Job{Kind: "put"}); err != nil { // want `isolate entry checker reaches mutable global stats.Verbose: checker → stats.Logf \(written at service.go:105\)`
		return err
	}
	w := &Worker{}
	runtime.Spawn(ctx, w.run, Job{})  // want `isolate entry Worker.run reaches mutable global pending: Worker.run \(written at service.go:79\)`
	runtime.Spawn(ctx, worker, Job{}) //isolate:ignore hit counts are approximate in this report
	runtime.Spawn(ctx, tidy, struct{}{})
	runtime.Spawn(ctx, locate, struct{}{}) // want `isolate entry locate reaches mutable global stats.Region: locate → stats.Here \(written at admin.go:7\)`
	admin.Move("us")
	n, err := runtime.Run(ctx, func(ctx context.Context) (int, error) { // want `isolate entry func literal reaches mutable global requests: func literal \(written at service.go:121\)` `isolate entry func literal reaches mutable global stats.hits: func literal → record → stats.Record → stats.bump \(written at stats.go:65\)`
		record("run")
		requests.Inc()
		return requests.N(), nil
	})
	_, _ = n, err
	runtime.Run(ctx, func(ctx context.Context) (string, error) {
		return stats.Version(), nil
	})
	return nil
}
