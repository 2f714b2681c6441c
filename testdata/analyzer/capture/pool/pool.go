// Package pool starts isolates for its callers: the functions it is given
// run in them, so its callers' closures are judged as if given to Spawn.
package pool

import (
	"context"

	"github.com/go-isolate/isolate/runtime"
)

// Go starts entry in a new isolate with msg.
func Go[M any](ctx context.Context, entry func(context.Context, M), msg M) (*runtime.Isolate, error) { // want Go:`entry\(Spawn 1\)`
	return runtime.Spawn(ctx, entry, msg)
}

// Background runs fn in a new isolate and waits for it.
func Background(ctx context.Context, name string, fn func(ctx context.Context) error) error { // want Background:`entry\(Run 2\)`
	_, err := runtime.Run(ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, fn(ctx)
	})
	return err
}

// Retry runs fn in isolates until it succeeds, through Background.
func Retry(ctx context.Context, attempts int, fn func(ctx context.Context) error) (err error) { // want Retry:`entry\(Run 2\)`
	for range attempts {
		if err = Background(ctx, "retry", fn); err == nil {
			return nil
		}
	}
	return err
}

// Apply calls fn here, in the caller's isolate: not an entry.
func Apply(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(ctx)
}
