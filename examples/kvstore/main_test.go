package main

import (
	"bytes"
	"context"
	"testing"

	"go.uber.org/goleak"

	"github.com/go-isolate/isolate/runtime"
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
