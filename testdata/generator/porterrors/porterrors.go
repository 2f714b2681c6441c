// Package porterrors holds port interfaces the generator must refuse, each
// problem reported at its position, all at once.
package porterrors

import "context"

// Event is sendable.
type Event struct{ SKU string }

// Inventory has methods whose values cannot cross.
//
//isolate:port
type Inventory interface {
	Reserve(ctx context.Context, sku string, qty int) (Event, error)
	Levels(ctx context.Context) (map[string]int, error)
	Watch(ctx context.Context, events chan<- Event) error
	Prime(ctx context.Context, skus ...string) error
	Late(sku string, ctx context.Context) error
	Auditor
}

// Auditor is embedded in Inventory: its methods are the port's too.
type Auditor interface {
	Audit(ctx context.Context, since int64) ([]Event, error)
}

// Number is a constraint, not a protocol.
type Number interface{ ~int | ~float64 }

// Meter embeds a constraint.
//
//isolate:port
type Meter interface {
	Number
	Read() int
}

// Box is generic.
//
//isolate:port
type Box[T any] interface {
	Get() T
}

// Clash is a port whose generated names are taken.
//
//isolate:port
type Clash interface {
	Ping() error
}

// SpawnClash is the name the port's spawn function needs.
func SpawnClash() {}

// Gauge is a port whose pool spawner's name is taken.
//
//isolate:port
type Gauge interface {
	Read() int
}

// SpawnGaugePool is the name the port's pool spawner needs.
func SpawnGaugePool() {}

// Tap is a port, and so is TapPool.
//
//isolate:port
type Tap interface {
	Open() error
}

// TapPool is a port whose spawner would be Tap's pool spawner.
//
//isolate:port
type TapPool interface {
	Open() error
}
