// Command kvstore serves a key-value store from an isolate through a
// generated port: the store keeps its state in plain fields, with no mutex,
// and many goroutines call it at once. The port (StorePort), SpawnStore and
// SpawnStorePool are generated from the Store interface by isolategen. One
// isolate holds the store here, so every caller sees every write; its tests
// also serve read replicas from SpawnStorePool, each isolate of the pool
// owning a table of its own, and benchmark how such a pool scales with its
// size.
//
//	go run ./examples/kvstore -clients 16 -ops 1000
package main

//go:generate go run github.com/go-isolate/isolate/cmd/isolategen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/go-isolate/isolate/runtime"
)

// Store is the protocol of the key-value store. Every method runs inside
// the store's isolate, one call at a time.
//
//isolate:port
type Store interface {
	// Get returns the value of key and whether it is set.
	Get(ctx context.Context, key string) (value string, ok bool, err error)
	// Set sets key to value.
	Set(ctx context.Context, key, value string) error
	// Add adds delta to the counter at key and returns its new value.
	Add(ctx context.Context, key string, delta int64) (int64, error)
	// Delete removes key; it is a one-way message: it does not wait.
	Delete(key string)
	// Scan returns the entries whose key has prefix, sorted by key.
	Scan(ctx context.Context, prefix string) (Entries, error)
	// Stats reports what the store has done.
	Stats(ctx context.Context) (Stats, error)
}

// Entry is one key and its value.
type Entry struct {
	Key, Value string
}

// Entries is a list of entries: a slice, so it crosses between isolates
// through its generated deep copy.
//
//isolate:message
type Entries []Entry

// Stats counts the store's work; it is sendable (plain values only).
type Stats struct {
	Keys, Counters         int
	Gets, Sets, Adds, Dels int
}

// ErrEmptyKey is returned for an empty key.
var ErrEmptyKey = errors.New("kvstore: empty key")

// store implements Store. Its maps are owned by the isolate that serves it:
// no lock, because no other goroutine can reach them.
type store struct {
	values   map[string]string
	counters map[string]int64
	stats    Stats
}

func newStore() Store {
	return &store{values: map[string]string{}, counters: map[string]int64{}}
}

func (s *store) Get(ctx context.Context, key string) (string, bool, error) {
	s.stats.Gets++
	v, ok := s.values[key]
	return v, ok, nil
}

func (s *store) Set(ctx context.Context, key, value string) error {
	if key == "" {
		return ErrEmptyKey
	}
	s.stats.Sets++
	s.values[key] = value
	return nil
}

func (s *store) Add(ctx context.Context, key string, delta int64) (int64, error) {
	if key == "" {
		return 0, ErrEmptyKey
	}
	s.stats.Adds++
	s.counters[key] += delta
	return s.counters[key], nil
}

func (s *store) Delete(key string) {
	s.stats.Dels++
	delete(s.values, key)
	delete(s.counters, key)
}

func (s *store) Scan(ctx context.Context, prefix string) (Entries, error) {
	var out Entries
	for k, v := range s.values {
		if strings.HasPrefix(k, prefix) {
			out = append(out, Entry{k, v})
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

func (s *store) Stats(ctx context.Context) (Stats, error) {
	st := s.stats
	st.Keys, st.Counters = len(s.values), len(s.counters)
	return st, nil
}

func main() {
	clients := flag.Int("clients", 16, "goroutines calling the store at once")
	ops := flag.Int("ops", 1000, "calls of each kind per goroutine")
	flag.Parse()
	if err := run(context.Background(), *clients, *ops, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kvstore:", err)
		os.Exit(1)
	}
}

// run spawns the store, has clients goroutines each set their own keys and
// bump a shared counter ops times, then reports what the store holds.
func run(ctx context.Context, clients, ops int, out io.Writer) error {
	kv, iso, err := SpawnStore(ctx, newStore, runtime.WithName("kvstore"))
	if err != nil {
		return err
	}
	defer func() {
		iso.Kill(runtime.Immediate)
		iso.Wait(ctx)
	}()

	var wg sync.WaitGroup
	errs := make([]error, clients)
	for c := range clients {
		wg.Go(func() {
			for i := range ops {
				key := fmt.Sprintf("client%02d/key%04d", c, i)
				if err := kv.Set(ctx, key, fmt.Sprint(i)); err != nil {
					errs[c] = err
					return
				}
				if v, ok, err := kv.Get(ctx, key); err != nil || !ok || v != fmt.Sprint(i) {
					errs[c] = fmt.Errorf("get %s = %q, %v, %v", key, v, ok, err)
					return
				}
				if _, err := kv.Add(ctx, "hits", 1); err != nil {
					errs[c] = err
					return
				}
				if i%2 == 1 {
					kv.Delete(key) // one-way: served before this client's next call
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}

	hits, err := kv.Add(ctx, "hits", 0)
	if err != nil {
		return err
	}
	first, err := kv.Scan(ctx, "client00/")
	if err != nil {
		return err
	}
	st, err := kv.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d clients made %d calls each\n", clients, 3*ops+ops/2)
	fmt.Fprintf(out, "hits: %d\n", hits)
	fmt.Fprintf(out, "keys: %d (client00 holds %d)\n", st.Keys, len(first))
	fmt.Fprintf(out, "gets %d, sets %d, adds %d, deletes %d\n", st.Gets, st.Sets, st.Adds, st.Dels)
	return nil
}
