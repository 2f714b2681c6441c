package remote_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-isolate/isolate/remote"
	"github.com/go-isolate/isolate/runtime"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// counter implements Counter inside its isolate.
type counter struct {
	n     int64
	notes []string
}

func newCounter() Counter { return &counter{} }

func (c *counter) Add(ctx context.Context, n int64) (int64, error) {
	if n < 0 { // slow: outlasts a short deadline of the caller
		time.Sleep(500 * time.Millisecond)
		return c.n, nil
	}
	c.n += n
	return c.n, nil
}

func (c *counter) Boom(ctx context.Context) error { panic("boom in Counter.Boom") }

func (c *counter) Note(s string) { c.notes = append(c.notes, s) }

func (c *counter) Notes(ctx context.Context) (Notes, error) { return c.notes, nil }

func start(t *testing.T, opts ...remote.Option) *remote.Node {
	t.Helper()
	n, err := remote.Start(t.Context(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return n
}

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// serveJobs answers each Job on its Reply port with an Ack of its ID and
// position, until the port closes.
func serveJobs(ctx context.Context, jobs *runtime.ReceivePort[*Job]) {
	i := 0
	for j := range jobs.All(ctx) {
		_ = j.Reply.Send(Ack{ID: j.ID, N: i})
		i++
	}
}

// TestSendLookup sends messages holding a reply port to a port exported by
// name, over the default embedded server: they arrive in order, whole, and
// the replies come back through the port inside them.
func TestSendLookup(t *testing.T) {
	n := start(t)
	ctx := timeout(t, 20*time.Second)
	jobs := runtime.NewReceivePort[*Job](ctx)
	defer jobs.Close()
	unexport, err := remote.Export(n, "jobs", jobs.SendPort())
	if err != nil {
		t.Fatal(err)
	}
	defer unexport()
	got := make(chan *Job, 1)
	go func() {
		j, err := jobs.Receive(ctx)
		if err != nil {
			close(got)
			return
		}
		got <- j
		_ = j.Reply.Send(Ack{ID: j.ID})
		serveJobs(ctx, jobs)
	}()

	to := remote.Lookup[*Job](n, "jobs")
	if to != remote.Lookup[*Job](n, "jobs") {
		t.Errorf("two Lookups of one name differ")
	}
	acks := runtime.NewReceivePort[Ack](ctx)
	defer acks.Close()
	first := newJob()
	first.Reply = acks.SendPort()
	if err := to.Send(first); err != nil {
		t.Fatal(err)
	}
	j := <-got
	if j == nil {
		t.Fatal("no job arrived")
	}
	if d := cmp_Diff(first, j); d != "" {
		t.Errorf("job differs across the wire (-sent +got):\n%s", d)
	}
	if a, err := acks.Receive(ctx); err != nil || a.ID != first.ID {
		t.Fatalf("ack = %+v, %v", a, err)
	}
	const count = 1000
	for i := range count {
		if err := to.Send(&Job{ID: strconv.Itoa(i), Reply: acks.SendPort()}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range count {
		a, err := acks.Receive(ctx)
		if err != nil {
			t.Fatalf("ack %d: %v", i, err)
		}
		if a.ID != strconv.Itoa(i) || a.N != i {
			t.Fatalf("ack %d is %+v: out of order", i, a)
		}
	}
}

// TestReplyPortIdentity checks that a port crossing the wire twice arrives
// as the same (equal) SendPort, and that a remote port crossing again keeps
// its address.
func TestReplyPortIdentity(t *testing.T) {
	n := start(t)
	ctx := timeout(t, 10*time.Second)
	jobs := runtime.NewReceivePort[*Job](ctx)
	defer jobs.Close()
	unexport, err := remote.Export(n, "ids", jobs.SendPort())
	if err != nil {
		t.Fatal(err)
	}
	defer unexport()
	acks := runtime.NewReceivePort[Ack](ctx)
	defer acks.Close()
	to := remote.Lookup[*Job](n, "ids")
	for range 2 {
		if err := to.Send(&Job{Reply: acks.SendPort()}); err != nil {
			t.Fatal(err)
		}
	}
	a, err1 := jobs.Receive(ctx)
	b, err2 := jobs.Receive(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a.Reply != b.Reply {
		t.Errorf("one port sent twice arrived as two different SendPorts")
	}
	if a.Reply == acks.SendPort() {
		t.Errorf("a port from the wire equals the local one it stands for")
	}
	// Forward the remote reply port once more: it keeps its address.
	if err := to.Send(&Job{ID: "again", Reply: a.Reply}); err != nil {
		t.Fatal(err)
	}
	c, err := jobs.Receive(ctx)
	if err != nil || c.Reply != a.Reply {
		t.Fatalf("forwarded port: %v, equal %v", err, c.Reply == a.Reply)
	}
	if err := c.Reply.Send(Ack{ID: "via forward"}); err != nil {
		t.Fatal(err)
	}
	if got, err := acks.Receive(ctx); err != nil || got.ID != "via forward" {
		t.Errorf("reply through a forwarded port: %+v, %v", got, err)
	}
}

// TestService calls a generated port across nodes: results, one-way calls
// in order, a remote panic, deadlines, and a gone service.
func TestService(t *testing.T) {
	n := start(t)
	ctx := timeout(t, 20*time.Second)
	local, iso, err := SpawnCounter(ctx, newCounter, runtime.WithName("counter"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { iso.Kill(runtime.Immediate); iso.Wait(ctx) }()
	unexport, err := remote.ExportService(n, "counter", local)
	if err != nil {
		t.Fatal(err)
	}
	c := remote.LookupService[CounterPort](n, "counter")
	if c != remote.LookupService[CounterPort](n, "counter") {
		t.Errorf("two LookupServices of one name differ")
	}
	for i := int64(1); i <= 10; i++ {
		if _, err := c.Add(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	c.Note("first")
	c.Note("second")
	if v, err := c.Add(ctx, 0); v != 55 || err != nil {
		t.Errorf("Add = %d, %v; want 55", v, err)
	}
	if notes, err := c.Notes(ctx); err != nil || strings.Join(notes, ",") != "first,second" {
		t.Errorf("Notes = %q, %v: one-way calls lost or out of order", notes, err)
	}

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := c.Add(short, -1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call past its deadline: err = %v", err)
	}
	cancelled, cancel2 := context.WithCancel(ctx)
	cancel2()
	if _, err := c.Add(cancelled, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("call with a cancelled ctx: err = %v", err)
	}

	err = c.Boom(ctx)
	var re *runtime.RemoteError
	if !errors.As(err, &re) || !strings.Contains(re.Message, "boom in Counter.Boom") || !strings.Contains(re.Stack, "Boom") || re.Isolate != "counter" {
		t.Errorf("remote panic: err = %#v", err)
	}
	// The panic ended the isolate (errors are fatal by default).
	if _, err := c.Add(ctx, 1); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("call to an ended isolate: err = %v", err)
	}
	if err := unexport(); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if _, err := c.Add(ctx, 1); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("call to an unexported service: err = %v", err)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("call to a gone service took %v", d)
	}
}

// TestDurable: messages sent while no receiver runs are kept and handed to
// the next export of the name; a message id sent twice arrives once.
func TestDurable(t *testing.T) {
	n := start(t)
	ctx := timeout(t, 30*time.Second)
	first := runtime.NewReceivePort[Ack](ctx)
	unexport, err := remote.Export(n, "orders", first.SendPort(), remote.Durable())
	if err != nil {
		t.Fatal(err)
	}
	to := remote.Lookup[Ack](n, "orders")
	for i := range 5 {
		if err := to.Send(Ack{N: i}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if a, err := first.Receive(ctx); err != nil || a.N != i {
			t.Fatalf("durable %d: %+v, %v", i, a, err)
		}
	}
	if err := unexport(); err != nil {
		t.Fatal(err)
	}
	first.Close()
	for i := 5; i < 10; i++ {
		if err := to.Send(Ack{N: i}); err != nil {
			t.Fatal(err)
		}
	}
	// The same message twice by id, as a sender's retry would.
	b, _ := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), Ack{ID: "dup", N: 10})
	for range 2 {
		m := nats.NewMsg("isolate.port.orders")
		m.Data = b
		m.Header.Set(nats.MsgIdHdr, "order-10")
		if err := n.Conn().PublishMsg(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	second := runtime.NewReceivePort[Ack](ctx)
	defer second.Close()
	unexport2, err := remote.Export(n, "orders", second.SendPort(), remote.Durable())
	if err != nil {
		t.Fatal(err)
	}
	defer unexport2()
	seen := map[int]int{}
	for range 6 {
		a, err := second.Receive(ctx)
		if err != nil {
			t.Fatalf("after restart: %v (got %v)", err, seen)
		}
		seen[a.N]++
	}
	for i := 5; i <= 10; i++ {
		if seen[i] != 1 {
			t.Errorf("message %d arrived %d times", i, seen[i])
		}
	}
	quiet, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if a, err := second.Receive(quiet); err == nil {
		t.Errorf("an extra message arrived: %+v", a)
	}
}

// TestClose: a closed node's ports report ErrClosed; Close twice is fine.
func TestClose(t *testing.T) {
	n, err := remote.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p := remote.Lookup[string](n, "nobody")
	if err := p.Send("lost"); err != nil {
		t.Errorf("at-most-once send to nobody: %v", err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Send("late"); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("send on a closed node: %v", err)
	}
	if err := n.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := remote.Export(n, "x", runtime.SendPort[string]{}); err == nil {
		t.Errorf("Export on a closed node succeeded")
	}
	if _, err := remote.Export(n, "bad name", runtime.SendPort[string]{}); err == nil {
		t.Errorf("Export of an invalid name succeeded")
	}
}

const childEnv = "ISOLATE_REMOTE_TEST_CHILD_URL"

// TestOtherProcess: a second OS process joins this one's server over TCP
// on 127.0.0.1, calls its service and sends it jobs with a reply port.
func TestOtherProcess(t *testing.T) {
	t.Parallel() // it waits on processes, and the durable test on JetStream's ack wait: overlap the waits
	opts := &server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true}
	n := start(t, remote.WithServer(opts))
	url := fmt.Sprintf("nats://127.0.0.1:%d", opts.Port) // the server writes its port back
	ctx := timeout(t, 50*time.Second)

	local, iso, err := SpawnCounter(ctx, newCounter)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { iso.Kill(runtime.Immediate); iso.Wait(ctx) }()
	if _, err := remote.ExportService(n, "counter", local); err != nil {
		t.Fatal(err)
	}
	jobs := runtime.NewReceivePort[*Job](ctx)
	defer jobs.Close()
	if _, err := remote.Export(n, "jobs", jobs.SendPort()); err != nil {
		t.Fatal(err)
	}
	go serveJobs(ctx, jobs)

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child: ok") {
		t.Fatalf("child process said:\n%s", out)
	}
	if v, err := local.Add(ctx, 0); v != 100 || err != nil {
		t.Errorf("after the child's calls the counter is %d, %v; want 100", v, err)
	}
}

// childMain is the second process of TestOtherProcess.
func childMain() int {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	n, err := remote.Start(ctx, remote.WithURL(os.Getenv(childEnv)))
	if err != nil {
		fmt.Println("child: start:", err)
		return 1
	}
	defer n.Close()
	c := remote.LookupService[CounterPort](n, "counter")
	for i := range 100 {
		if v, err := c.Add(ctx, 1); err != nil || v != int64(i+1) {
			fmt.Println("child: Add:", v, err)
			return 1
		}
	}
	acks := runtime.NewReceivePort[Ack](ctx)
	defer acks.Close()
	to := remote.Lookup[*Job](n, "jobs")
	const count = 500
	for i := range count {
		if err := to.Send(&Job{ID: strconv.Itoa(i), Reply: acks.SendPort()}); err != nil {
			fmt.Println("child: send:", err)
			return 1
		}
	}
	for i := range count {
		a, err := acks.Receive(ctx)
		if err != nil || a.ID != strconv.Itoa(i) {
			fmt.Println("child: ack:", i, a, err)
			return 1
		}
	}
	fmt.Println("child: ok")
	return 0
}
