// Package warm moves values inside and out of closures run on a pool.
package warm

import (
	"context"

	"github.com/go-isolate/isolate/runtime"
)

// Batch is a mutable message.
type Batch struct{ Items []int }

// Fill runs on the pool and hands a batch to out.
func Fill(ctx context.Context, pool *runtime.Pool, out runtime.SendPort[*Batch]) (int, error) {
	return runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) {
		b := &Batch{Items: []int{1, 2, 3}}
		n := len(b.Items)
		if err := out.Transfer(b); err != nil {
			return 0, err
		}
		b.Items[0] = 9 // want `b used after its ownership was transferred to another isolate`
		return n, nil
	})
}

// Clean moves its batch and never touches it again.
func Clean(ctx context.Context, pool *runtime.Pool, out runtime.SendPort[*Batch]) (int, error) {
	return runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) {
		b := &Batch{Items: []int{1, 2, 3}}
		n := len(b.Items)
		return n, out.Transfer(b)
	})
}
