package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-isolate/isolate/bench/service"
	"github.com/go-isolate/isolate/remote"
	isolate "github.com/go-isolate/isolate/runtime"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The remote call of every implementation: the Quote in, the Price out.
var (
	remoteQuote = service.Quote{SKU: "SKU-01007", Quantity: 3}
	remotePrice = service.PriceOf(remoteQuote)
)

// preEncoded returns the Quote and the Price as the generated wire codec
// writes them: the bytes the hand-written NATS and gRPC calls carry,
// encoded once, so that only their transport is measured.
func preEncoded() (quote, price []byte) {
	q, p := remoteQuote, remotePrice
	quote = q.AppendIsolateWire(nil, isolate.NewWireEncoder(nil))
	price = p.AppendIsolateWire(nil, isolate.NewWireEncoder(nil))
	return quote, price
}

// remoteSetup is one measured configuration: the generated port looked up
// on the caller's node, and a NATS connection of the caller's node to
// request the hand-written subject on.
type remoteSetup struct {
	port   service.PricerPort
	caller *nats.Conn
}

// startRemote exports the Pricer service and the hand-written NATS
// responder on server, and looks them up on caller (which may be server).
func startRemote(b *testing.B, server, caller *remote.Node) remoteSetup {
	ctx := context.Background()
	local, iso, err := service.SpawnPricer(ctx, func() service.Pricer { return service.Desk{} })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		iso.Kill(isolate.Immediate)
		if err := iso.Wait(ctx); err != nil && !errors.Is(err, isolate.ErrKilled) {
			b.Error(err)
		}
	})
	unexport, err := remote.ExportService(server, "bench.pricer", local)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unexport() })
	_, price := preEncoded()
	sub, err := server.Conn().Subscribe("bench.nats.pricer", func(m *nats.Msg) { m.Respond(price) })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sub.Unsubscribe() })
	if err := server.Conn().Flush(); err != nil {
		b.Fatal(err)
	}
	return remoteSetup{port: remote.LookupService[service.PricerPort](caller, "bench.pricer"), caller: caller.Conn()}
}

// startNode starts a node and closes it when the benchmark ends.
func startNode(b *testing.B, opts ...remote.Option) *remote.Node {
	n, err := remote.Start(context.Background(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close() })
	return n
}

// remoteCalls are the calls measured; each makes one call and checks it.
func remoteCalls(s remoteSetup) map[string]func() error {
	quote, price := preEncoded()
	ctx := context.Background()
	return map[string]func() error{
		"isolate": func() error {
			p, err := s.port.Price(ctx, remoteQuote)
			if err == nil && p != remotePrice {
				err = fmt.Errorf("got %v, want %v", p, remotePrice)
			}
			return err
		},
		"nats": func() error {
			m, err := s.caller.Request("bench.nats.pricer", quote, 10*time.Second)
			if err == nil && len(m.Data) != len(price) {
				err = fmt.Errorf("got %d bytes, want %d", len(m.Data), len(price))
			}
			return err
		},
	}
}

// rawCodec carries []byte as they are: the gRPC peer sends the same
// pre-encoded bytes as the hand-written NATS call, with no protobuf.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *v.(*[]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	p := v.(*[]byte)
	*p = append((*p)[:0], data...)
	return nil
}
func (rawCodec) Name() string { return "isolate-bench-raw" }

// startGRPC serves a unary Price method answering the pre-encoded Price on
// a random 127.0.0.1 port, and returns a call of it.
func startGRPC(b *testing.B) func() error {
	quote, price := preEncoded()
	desc := grpc.ServiceDesc{
		ServiceName: "bench.Pricer",
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "Price",
			Handler: func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				var in []byte
				if err := dec(&in); err != nil {
					return nil, err
				}
				out := price
				return &out, nil
			},
		}},
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := grpc.NewServer(grpc.ForceServerCodec(rawCodec{}))
	srv.RegisterService(&desc, struct{}{})
	go srv.Serve(lis)
	b.Cleanup(srv.Stop)
	conn, err := grpc.Dial(lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	ctx := context.Background()
	return func() error {
		var out []byte
		err := conn.Invoke(ctx, "/bench.Pricer/Price", &quote, &out)
		if err == nil && len(out) != len(price) {
			err = fmt.Errorf("got %d bytes, want %d", len(out), len(price))
		}
		return err
	}
}

// serial measures call made by one caller, one after the other.
func serial(call func() error) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := call(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// concurrentCallers is how many callers the throughput benchmark runs.
const concurrentCallers = 64

// concurrent measures call made by concurrentCallers goroutines sharing
// b.N calls: one op is one call, so ns/op is the inverse of throughput.
func concurrent(call func() error) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		var left atomic.Int64
		left.Store(int64(b.N))
		var wg sync.WaitGroup
		errs := make(chan error, concurrentCallers)
		b.ResetTimer()
		for range concurrentCallers {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					if err := call(); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
}

// BenchmarkRemote measures a remote call of the Pricer service (a Quote
// in, a Price out): the generated //isolate:port call through
// remote.LookupService against a hand-written nats.go request of
// pre-encoded bytes on the same server, and a gRPC unary call of the same
// bytes on loopback. "embedded": one node on the default embedded server,
// which opens no socket; "tcp": a node serving on 127.0.0.1 (WithServer)
// and a second node joining it over TCP (WithURL), the caller;
// "concurrent64": the same with 64 concurrent callers.
func BenchmarkRemote(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		n := startNode(b)
		calls := remoteCalls(startRemote(b, n, n))
		b.Run("isolate", serial(calls["isolate"]))
		b.Run("nats", serial(calls["nats"]))
	})
	tcp := func(b *testing.B, run func(func() error) func(*testing.B)) {
		opts := &server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true}
		srv := startNode(b, remote.WithServer(opts))
		caller := startNode(b, remote.WithURL(fmt.Sprintf("nats://127.0.0.1:%d", opts.Port)))
		calls := remoteCalls(startRemote(b, srv, caller))
		b.Run("isolate", run(calls["isolate"]))
		b.Run("nats", run(calls["nats"]))
		b.Run("grpc", run(startGRPC(b)))
	}
	b.Run("tcp", func(b *testing.B) { tcp(b, serial) })
	b.Run("concurrent64", func(b *testing.B) { tcp(b, concurrent) })
}
