// Package warm runs closures on a pool of warm isolates: RunOn's closure is
// a boundary exactly as Run's.
package warm

import (
	"context"
	"strings"

	"github.com/go-isolate/isolate/runtime"
)

// Index is shared mutable state.
type Index struct{ words map[string]int }

// Count counts words on the pool.
func Count(ctx context.Context, pool *runtime.Pool, text string, idx *Index) (int, error) {
	// Clean: text is sendable and never assigned after the closure.
	n, err := runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) {
		return len(strings.Fields(text)), nil
	})
	if err != nil {
		return 0, err
	}
	// The index is shared memory: the closure must not capture it.
	_, err = runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) { // want `closure given to RunOn captures idx`
		return idx.words[text], nil
	})
	if err != nil {
		return 0, err
	}
	// A counter assigned after capture is shared between the isolates.
	calls := 0
	_, err = runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) { // want `closure given to RunOn captures calls`
		return calls, nil
	})
	calls++
	return n + calls, err
}

// Sum runs a method value on the pool: its receiver is captured.
func (ix *Index) Sum(ctx context.Context) (int, error) {
	s := 0
	for _, v := range ix.words {
		s += v
	}
	return s, nil
}

// Total runs ix.Sum on the pool.
func Total(ctx context.Context, pool *runtime.Pool, ix *Index) (int, error) {
	return runtime.RunOn(ctx, pool, ix.Sum) // want `method value ix.Sum given to RunOn binds ix, whose type \*Index is not sendable`
}
