package stats // want package:"writes stats.hits"

// This package counts what the service does.

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// hits counts requests by kind. Nothing synchronizes it.
var hits = map[string]int{}

// Limits are the per-kind request limits, set once here and only read.
var Limits = map[string]int{"get": 100, "put": 10}

// version is read-only after initialisation.
var version = "1.4.2"

// Verbose switches on logging; the service's main sets it from a flag.
var Verbose bool

// kinds is filled by init through register, and only read afterwards.
var kinds []string

// served is an atomic counter: safe to share.
var served atomic.Int64

// legacy is only ever touched through sync/atomic functions.
var legacy int64

// mu guards nothing here, but is safe to share itself.
var mu sync.Mutex

// Registry is shared on purpose: callers lock RegistryMu around it.
//
//isolate:shared
var Registry = map[string]string{}

// RegistryMu guards Registry.
var RegistryMu sync.Mutex

// defaults is computed lazily, once.
var (
	defaults     map[string]int
	defaultsOnce sync.Once
)

func init() {
	register("get")
	register("put")
}

// register is called only from init: its writes are initialisation.
func register(kind string) {
	kinds = append(kinds, kind)
}

// Record counts one request of the given kind.
func Record(kind string) { // want Record:"reaches stats.hits\\(w\\)"
	bump(kind)
}

func bump(kind string) {
	hits[kind]++
}

// Served counts one served request, atomically.
func Served() {
	served.Add(1)
	atomic.AddInt64(&legacy, 1)
	mu.Lock()
	mu.Unlock()
}

// Limit returns the limit of a kind.
func Limit(kind string) int { // want Limit:"reaches stats.Limits$"
	if !known(kind) {
		return 0
	}
	return Limits[kind]
}

func known(kind string) bool {
	for _, k := range kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Version reports the version.
func Version() string { return version }

// Logf logs when Verbose is set.
func Logf(format string, args ...any) { // want Logf:"reaches stats.Verbose$"
	if Verbose {
		fmt.Printf(format+"\n", args...)
	}
}

// Remember stores a value in the shared registry.
func Remember(k, v string) {
	RegistryMu.Lock()
	defer RegistryMu.Unlock()
	Registry[k] = v
}

// Default returns the default limit of a kind, computing the table once.
func Default(kind string) int {
	defaultsOnce.Do(func() {
		defaults = map[string]int{"get": 50}
	})
	return defaults[kind]
}

// Region is where the service runs; package admin moves it.
var Region = "eu"

// Here reports the region.
func Here() string { return Region } // want Here:"reaches stats.Region$"
