// Command remote serves the key-value store of examples/kvstore from one
// process and uses it from another, over a NATS server that the serving
// process starts on 127.0.0.1. The store is an isolate behind a generated
// //isolate:port wire: remote.ExportService serves its StorePort under a
// name, and remote.LookupService gives the other process a StorePort whose
// calls cross the network, with the same methods and the same errors.
//
//	go run ./examples/remote -serve -listen 127.0.0.1:4222        # in one terminal
//	go run ./examples/remote -url nats://127.0.0.1:4222 -clients 8 # in another
//
// The server runs until interrupted; each client run reports what it did.
package main

//go:generate go run github.com/go-isolate/isolate/cmd/isolategen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/go-isolate/isolate/remote"
	"github.com/go-isolate/isolate/runtime"
)

// Store is the protocol of the key-value store, as in examples/kvstore;
// wire makes isolategen emit its calls' codecs, so that it crosses
// processes.
//
//isolate:port wire
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

// Entries is a list of entries.
//
//isolate:message wire
type Entries []Entry

// Stats counts the store's work.
type Stats struct {
	Keys, Counters         int
	Gets, Sets, Adds, Dels int
}

// ErrEmptyKey is returned for an empty key.
var ErrEmptyKey = errors.New("kvstore: empty key")

// store implements Store inside its isolate: no lock, no other goroutine
// can reach its maps.
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

// serviceName is the name the store is exported under.
const serviceName = "kvstore"

func main() {
	serve := flag.Bool("serve", false, "serve the store, through a NATS server listening on -listen")
	listen := flag.String("listen", "127.0.0.1:4222", "with -serve: host:port of the NATS server (port 0: any free port)")
	url := flag.String("url", "nats://127.0.0.1:4222", "without -serve: the NATS server to reach the store through")
	clients := flag.Int("clients", 4, "goroutines calling the store at once")
	ops := flag.Int("ops", 100, "calls of each kind per goroutine")
	timeout := flag.Duration("timeout", 30*time.Second, "without -serve: give up after this long")
	flag.Parse()
	var err error
	if *serve {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err = runServer(ctx, *listen, os.Stdout)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		err = runClient(ctx, *url, *clients, *ops, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "remote:", err)
		os.Exit(1)
	}
}

// runServer starts a node whose embedded NATS server listens on listen,
// spawns the store and exports it until ctx ends. It prints the server's
// URL once clients can call the store.
func runServer(ctx context.Context, listen string, out io.Writer) error {
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", listen, err)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{Host: host, Port: port, NoLog: true, NoSigs: true}
	node, err := remote.Start(ctx, remote.WithServer(opts))
	if err != nil {
		return err
	}
	defer node.Close()

	kv, iso, err := SpawnStore(ctx, newStore, runtime.WithName("kvstore"))
	if err != nil {
		return err
	}
	defer func() {
		iso.Kill(runtime.Immediate)
		iso.Wait(context.Background())
	}()
	unexport, err := remote.ExportService(node, serviceName, kv)
	if err != nil {
		return err
	}
	defer unexport()
	// The server writes the port it chose back into opts.
	fmt.Fprintf(out, "serving %s on nats://%s\n", serviceName, net.JoinHostPort(host, strconv.Itoa(opts.Port)))
	<-ctx.Done()
	fmt.Fprintln(out, "stopping")
	return nil
}

// runClient joins the server at url and has clients goroutines call the
// remote store, as examples/kvstore's goroutines call the local one: each
// sets and reads its own keys and bumps a shared counter ops times.
func runClient(ctx context.Context, url string, clients, ops int, out io.Writer) error {
	node, err := remote.Start(ctx, remote.WithURL(url))
	if err != nil {
		return err
	}
	defer node.Close()
	kv := remote.LookupService[StorePort](node, serviceName)

	run := fmt.Sprintf("run%d", time.Now().UnixNano())
	var wg sync.WaitGroup
	errs := make([]error, clients)
	for c := range clients {
		wg.Go(func() {
			for i := range ops {
				key := fmt.Sprintf("%s/client%02d/key%04d", run, c, i)
				if err := kv.Set(ctx, key, strconv.Itoa(i)); err != nil {
					errs[c] = err
					return
				}
				if v, ok, err := kv.Get(ctx, key); err != nil || !ok || v != strconv.Itoa(i) {
					errs[c] = fmt.Errorf("get %s = %q, %v, %v", key, v, ok, err)
					return
				}
				if _, err := kv.Add(ctx, run+"/hits", 1); err != nil {
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

	hits, err := kv.Add(ctx, run+"/hits", 0)
	if err != nil {
		return err
	}
	first, err := kv.Scan(ctx, run+"/client00/")
	if err != nil {
		return err
	}
	if err := kv.Set(ctx, "", "x"); !errors.Is(err, ErrEmptyKey) && (err == nil || err.Error() != ErrEmptyKey.Error()) {
		return fmt.Errorf("Set with an empty key returned %v, want %v", err, ErrEmptyKey)
	}
	fmt.Fprintf(out, "%d clients made %d remote calls each\n", clients, 3*ops+ops/2)
	fmt.Fprintf(out, "hits: %d\n", hits)
	fmt.Fprintf(out, "client00 holds %d keys\n", len(first))
	return nil
}
