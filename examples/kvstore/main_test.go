package main

import (
	"bytes"
	"context"
	"fmt"
	goruntime "runtime"
	"strconv"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/go-isolate/isolate/runtime"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), 8, 100, &out); err != nil {
		t.Fatal(err)
	}
	want := "8 clients made 350 calls each\nhits: 800\nkeys: 400 (client00 holds 50)\ngets 800, sets 800, adds 801, deletes 400\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func spawn(t testing.TB) StorePort {
	kv, iso, err := SpawnStore(context.Background(), newStore)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		iso.Kill(runtime.Immediate)
		iso.Wait(context.Background())
	})
	return kv
}

func TestScanResultIsACopy(t *testing.T) {
	ctx := context.Background()
	kv := spawn(t)
	kv.Set(ctx, "a", "1")
	got, err := kv.Scan(ctx, "")
	if err != nil || len(got) != 1 || got[0] != (Entry{"a", "1"}) {
		t.Fatalf("Scan = %v, %v", got, err)
	}
	got[0].Value = "changed"
	if v, _, _ := kv.Get(ctx, "a"); v != "1" {
		t.Fatalf("Get after changing a Scan result = %q", v)
	}
}

func TestErrorsReachTheCaller(t *testing.T) {
	kv := spawn(t)
	if err := kv.Set(context.Background(), "", "x"); err != ErrEmptyKey {
		t.Fatalf("Set with an empty key = %v, want ErrEmptyKey", err)
	}
}

// chanStore is the same service written by hand: a goroutine that owns the
// maps and a channel of requests, each with a reply channel made per call,
// as a service shared by any number of callers needs.
type chanStore struct {
	calls chan chanGet
	done  chan struct{}
}

type chanGet struct {
	key   string
	reply chan chanValue
}

type chanValue struct {
	value string
	ok    bool
}

func startChanStore(values map[string]string) *chanStore {
	s := &chanStore{calls: make(chan chanGet), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for c := range s.calls {
			v, ok := values[c.key]
			c.reply <- chanValue{v, ok}
		}
	}()
	return s
}

func (s *chanStore) Get(ctx context.Context, key string) (string, bool, error) {
	reply := make(chan chanValue, 1)
	select {
	case s.calls <- chanGet{key, reply}:
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
	select {
	case r := <-reply:
		return r.value, r.ok, nil
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
}

func (s *chanStore) stop() {
	close(s.calls)
	<-s.done
}

// BenchmarkGet is one Get that waits for its reply: through the generated
// port (impl=port) and through the hand-written goroutine and channels
// (impl=chan). Compare with
//
//	go test -run '^$' -bench Get -benchmem -count 6 ./examples/kvstore > kv.bench
//	benchstat -col /impl kv.bench
func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=port", func(b *testing.B) {
		kv := spawn(b)
		kv.Set(ctx, "k", "v")
		b.ReportAllocs()
		for b.Loop() {
			if v, ok, err := kv.Get(ctx, "k"); v != "v" || !ok || err != nil {
				b.Fatal(v, ok, err)
			}
		}
	})
	b.Run("impl=chan", func(b *testing.B) {
		s := startChanStore(map[string]string{"k": "v"})
		defer s.stop()
		b.ReportAllocs()
		for b.Loop() {
			if v, ok, err := s.Get(ctx, "k"); v != "v" || !ok || err != nil {
				b.Fatal(v, ok, err)
			}
		}
	})
}

// BenchmarkGetParallel has GOMAXPROCS callers share one store.
func BenchmarkGetParallel(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=port", func(b *testing.B) {
		kv := spawn(b)
		kv.Set(ctx, "k", "v")
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				kv.Get(ctx, "k")
			}
		})
	})
	b.Run("impl=chan", func(b *testing.B) {
		s := startChanStore(map[string]string{"k": "v"})
		defer s.stop()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s.Get(ctx, "k")
			}
		})
	})
}

// replicas returns newImpl for a pool of read replicas of a table of keys
// entries: each isolate of the pool builds, and owns, a copy of its own.
func replicas(keys int) func() Store {
	return func() Store {
		s := &store{values: make(map[string]string, keys), counters: map[string]int64{}}
		for i := range keys {
			s.values[fmt.Sprintf("key%04d", i)] = strconv.Itoa(i)
		}
		return s
	}
}

func spawnPool(t testing.TB, size, keys int) StorePort {
	kv, pool, err := SpawnStorePool(context.Background(), size, replicas(keys), runtime.WithName("replica"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return kv
}

// TestPoolOfReplicas: a pool's isolates each own their table, so a write
// reaches one replica only, and reads from many callers see the table.
func TestPoolOfReplicas(t *testing.T) {
	ctx := context.Background()
	kv := spawnPool(t, 4, 100)
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			for i := range 100 {
				key := fmt.Sprintf("key%04d", (c*31+i)%100)
				v, ok, err := kv.Get(ctx, key)
				if want := strconv.Itoa((c*31 + i) % 100); err != nil || !ok || v != want {
					t.Errorf("Get(%s) = %q, %v, %v; want %q", key, v, ok, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
	// Stats answers for the replica that serves it: 100 keys each, and the
	// Gets spread over four replicas, each counting its own.
	st, err := kv.Stats(ctx)
	if err != nil || st.Keys != 100 || st.Gets > 800 {
		t.Fatalf("Stats = %+v, %v", st, err)
	}
}

// benchPool runs call from 2×GOMAXPROCS parallel callers through a pool of
// replicas of a 1,000-key table, for pools of 1, 2 and GOMAXPROCS isolates
// (size=procs, which is 2 again at -cpu 2).
func benchPool(b *testing.B, call func(kv StorePort) error) {
	for _, size := range []string{"1", "2", "procs"} {
		b.Run("size="+size, func(b *testing.B) {
			n, err := strconv.Atoi(size)
			if err != nil {
				n = goruntime.GOMAXPROCS(0)
			}
			kv := spawnPool(b, n, 1000)
			// Warm up: most isolates have built their table before timing.
			var wg sync.WaitGroup
			for range 4 * n {
				wg.Go(func() { call(kv) })
			}
			wg.Wait()
			b.ReportAllocs()
			b.SetParallelism(2)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := call(kv); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkPoolGet is the call throughput of SpawnStorePool as the pool
// grows, for a call that does next to no work (a Get); BenchmarkPoolScan
// for a call that works (sorts and copies 100 of 1,000 entries). Compare
// with
//
//	go test -run '^$' -bench 'Pool' -cpu 2,4 -count 6 ./examples/kvstore > pool.bench
//	benchstat -col /size pool.bench
func BenchmarkPoolGet(b *testing.B) {
	ctx := context.Background()
	benchPool(b, func(kv StorePort) error {
		if v, ok, err := kv.Get(ctx, "key0042"); v != "42" || !ok || err != nil {
			return fmt.Errorf("Get = %q, %v, %v", v, ok, err)
		}
		return nil
	})
}

func BenchmarkPoolScan(b *testing.B) {
	ctx := context.Background()
	benchPool(b, func(kv StorePort) error {
		if es, err := kv.Scan(ctx, "key00"); len(es) != 100 || err != nil {
			return fmt.Errorf("Scan = %d entries, %v", len(es), err)
		}
		return nil
	})
}
