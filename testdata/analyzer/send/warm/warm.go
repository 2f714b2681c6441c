// Package warm runs work on a pool of warm isolates: RunOn's result is
// moved back, as Run's.
package warm

import (
	"context"

	"github.com/go-isolate/isolate/runtime"
)

// Table is plain data: moving it back is fine.
type Table struct {
	Rows [][]string
	Keys map[string]int
}

// Job holds a channel: it cannot be moved.
type Job struct {
	ID   int
	Done chan struct{}
}

// Load builds a table on the pool; the result is moved, not copied.
func Load(ctx context.Context, pool *runtime.Pool) (*Table, error) {
	return runtime.RunOn(ctx, pool, func(ctx context.Context) (*Table, error) {
		return &Table{Keys: map[string]int{}}, nil
	})
}

// Start cannot hand a channel back across the boundary.
func Start(ctx context.Context, pool *runtime.Pool) (Job, error) {
	return runtime.RunOn(ctx, pool, func(ctx context.Context) (Job, error) { // want `cannot return Job from an isolate: Job.Done is chan struct{} \(a channel, which other goroutines may still use\)`
		return Job{ID: 1, Done: make(chan struct{})}, nil
	})
}
