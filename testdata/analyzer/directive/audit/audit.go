// Package audit streams ledger snapshots to an auditing isolate. Its ignores
// silence findings of the send, capture, global and transfer rules, or
// nothing.
package audit

import (
	"context"
	"fmt"
	"sync"

	"github.com/go-isolate/isolate/runtime"
)

// Snapshot is a frozen copy of the books: nobody writes it after it is made.
type Snapshot struct {
	Balances map[string]int64
}

// Log is a write-ahead log guarded by its own lock.
type Log struct {
	mu    sync.Mutex
	lines []string
}

// Publish hands a frozen snapshot to the auditor without copying it.
func Publish(to runtime.SendPort[*Snapshot], s *Snapshot) error {
	return to.Send(s) //isolate:ignore snapshots are never written once published
}

// PublishTotal sends a plain number, which needs no excuse.
func PublishTotal(to runtime.SendPort[int64], total int64) error {
	return to.Send(total) //isolate:ignore habit // want `//isolate:ignore silences nothing on line 32`
}

// Share gives the log to the auditor, which only reads under the lock.
func Share(ctx context.Context, to runtime.SendPort[*Log], l *Log) error {
	//isolate:ignore the auditor takes the log's lock before every read
	return to.Send(l)
}

// Tally counts the entries of a frozen index in an isolate of its own.
func Tally(ctx context.Context, index map[string]int) (int, error) {
	//isolate:ignore the index is frozen before any tally starts
	return runtime.Run(ctx, func(ctx context.Context) (int, error) {
		return len(index), nil
	})
}

// audited counts the snapshots the auditor has seen; only tests read it,
// after the auditor ends.
var audited int

func auditor(ctx context.Context, _ struct{}) { audited++ }

// StartAuditor starts the isolate that audits snapshots.
func StartAuditor(ctx context.Context) (*runtime.Isolate, error) {
	return runtime.Spawn(ctx, auditor, struct{}{}) //isolate:ignore tests read audited only after the auditor ends
}

// Hand moves a snapshot to the auditor, then reports its total.
func Hand(to runtime.SendPort[*Snapshot], s *Snapshot) error {
	if err := to.Transfer(s); err != nil {
		return err
	}
	fmt.Println("handed", s.Balances["total"]) //isolate:ignore the auditor never writes a snapshot
	return nil
}
