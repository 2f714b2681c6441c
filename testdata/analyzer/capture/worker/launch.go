package worker

import (
	"context"

	"example.com/capture/model"
	"example.com/capture/pool"
)

// Jobs starts its workers through package pool, which runs what it is
// given in new isolates: the closures are judged as if given to Spawn.
func Jobs(ctx context.Context, jobs []Job, cache *model.Cache, cfg model.Config) error {
	for _, j := range jobs {
		if _, err := pool.Go(ctx, func(ctx context.Context, j Job) {
			_ = cfg.Serve(j.ID)
		}, j); err != nil {
			return err
		}
	}
	_, err := pool.Go(ctx, func(ctx context.Context, j Job) { // want `closure given to pool.Go captures cache, whose type \*model.Cache is not sendable: Cache.entries is map\[string\]string \(shared mutable memory\)`
		_ = cache.Get(j.Input)
	}, Job{})
	return err
}

// Flush retries through pool.Retry, which hands fn on to pool.Background.
func Flush(ctx context.Context, cache *model.Cache, name string) error {
	if err := pool.Retry(ctx, 3, func(ctx context.Context) error { // want `closure given to pool.Retry captures cache, whose type \*model.Cache is not sendable`
		cache.Put(name, "flushed")
		return nil
	}); err != nil {
		return err
	}
	_ = pool.Apply(ctx, func(ctx context.Context) error { // runs here: nothing crosses
		cache.Put(name, "applied")
		return nil
	})
	return pool.Background(ctx, "flush", func(ctx context.Context) error {
		_ = name
		return nil
	})
}

// spawnEach is a wrapper of this package over pool.Go.
func spawnEach(ctx context.Context, n int, work func(context.Context, int)) { // want spawnEach:`entry\(Spawn 2\)`
	for i := range n {
		_, _ = pool.Go(ctx, work, i)
	}
}

// Fill uses spawnEach with a closure that increments a counter it shares.
func Fill(ctx context.Context) int {
	filled := 0
	spawnEach(ctx, 4, func(ctx context.Context, i int) { // want `closure given to spawnEach captures filled and increments it`
		filled++
	})
	return filled
}
