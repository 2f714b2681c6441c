package cache // want package:"writes nothing"

// This package defines a key-value store served inside its own isolate.

import "context"

// Store is a key-value store. Its implementation runs in an isolate of its
// own, one call at a time.
//
//isolate:port
type Store interface {
	Get(ctx context.Context, key string) (string, error)
	Put(ctx context.Context, key, value string) error
}
