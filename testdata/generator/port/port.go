// Package port holds a port interface with every kind of method: one-way
// and two-way, with and without a context and an error, with sendable and
// copyable arguments and results. Its tests (generator/port_test.go) run
// the generated port.
package port

import (
	"context"
	"time"
)

// Order is copyable: it crosses through its generated copy.
//
//isolate:message
type Order struct {
	ID    string
	Items []string
}

// Ledger is a protocol served by an isolate.
//
//isolate:port
type Ledger interface {
	// Add is one-way: it returns at once.
	Add(n int)
	// Record is one-way with a copyable argument.
	Record(ctx context.Context, o *Order)
	// Total has a result but no error.
	Total() int
	// Get has a copyable pointer result.
	Get(ctx context.Context, id string) (*Order, error)
	// Snapshot has a copyable value result and a sendable one.
	Snapshot(ctx context.Context) (Order, int, error)
	// Sleep blocks the isolate for d.
	Sleep(ctx context.Context, d time.Duration) error
	// Fail returns its argument as an error.
	Fail(msg string) error
	// Panic panics with msg.
	Panic(msg string) error
	Auditor
}

// Auditor is embedded in Ledger.
type Auditor interface {
	Count(ctx context.Context) (int, error)
}
