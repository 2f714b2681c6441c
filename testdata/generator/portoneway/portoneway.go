// Package portoneway holds a port interface whose methods are all one-way:
// its port never waits for a reply.
package portoneway

import "context"

// Sink takes values and answers nothing.
//
//isolate:port
type Sink interface {
	// Put is one-way.
	Put(n int)
	// Flush is one-way with a context.
	Flush(ctx context.Context)
}
