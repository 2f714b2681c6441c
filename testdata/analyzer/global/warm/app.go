package warm // want package:"writes warm.served, warm.total"

// This package runs work on pools of warm isolates.

import (
	"context"

	"github.com/go-isolate/isolate/runtime"
)

// Meter adds up what it is given.
//
//isolate:port
type Meter interface {
	Add(n int) int
}

// total is written by every meter that counts globally.
var total int

// served is written by a RunOn function.
var served int

// limit is only read after initialisation.
var limit = 10

// globalMeter adds into the package's total.
type globalMeter struct{}

func (globalMeter) Add(n int) int { // want Add:"reaches warm.total\\(w\\)"
	total += n
	return total
}

// ownMeter keeps its own sum: each isolate of a pool has one.
type ownMeter struct{ sum int }

func (m *ownMeter) Add(n int) int {
	if n > limit {
		n = limit
	}
	m.sum += n
	return m.sum
}

func newOwnMeter() Meter { return &ownMeter{} }

// Start starts meters alone and in pools, and runs work on a pool.
func Start(ctx context.Context) error { // want Start:"reaches warm.served\\(w\\)"
	if _, _, err := SpawnMeterPool(ctx, 4, func() Meter { // want `isolate port Meter reaches mutable global total: globalMeter.Add \(written at app.go:31\)`
		return globalMeter{}
	}); err != nil {
		return err
	}
	if _, _, err := SpawnMeterPool(ctx, 4, newOwnMeter); err != nil {
		return err
	}
	if _, _, err := SpawnMeter(ctx, newOwnMeter); err != nil {
		return err
	}
	pool, err := runtime.NewPool(ctx, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) { // want `isolate entry func literal reaches mutable global served: func literal \(written at app.go:67\)`
		served++
		return served, nil
	})
	if err != nil {
		return err
	}
	_, err = runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) {
		return limit * 2, nil
	})
	return err
}
