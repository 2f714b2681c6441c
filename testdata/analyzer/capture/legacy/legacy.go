//go:build go1.21

// Package legacy is built with Go 1.21 semantics: a loop has one variable
// for all its iterations.
package legacy

import (
	"context"

	"github.com/go-isolate/isolate/runtime"
)

// Fan captures the loop variables, which the loop itself reassigns.
func Fan(ctx context.Context, names []string) {
	for _, name := range names {
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures name, which is assigned after the closure is made`
			_ = name
		}, struct{}{})
	}
	for i := 0; i < 3; i++ {
		_, _ = runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { // want `closure given to Spawn captures i, which is incremented after the closure is made`
			_ = i
		}, struct{}{})
	}
}
