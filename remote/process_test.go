package remote_test

// Tests with real OS processes: the test binary runs itself again as a
// child in a role (roleEnv), joining the NATS server of the test process
// over TCP on 127.0.0.1.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-isolate/isolate/remote"
	"github.com/go-isolate/isolate/runtime"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

const (
	roleEnv = "ISOLATE_REMOTE_TEST_ROLE" // which child: send, recv, drecv
	urlEnv  = "ISOLATE_REMOTE_TEST_URL"  // the server the child joins
	argEnv  = "ISOLATE_REMOTE_TEST_ARG"  // the role's argument
)

// child is a running child process of the test binary.
type child struct {
	cmd    *exec.Cmd
	lines  chan string   // its standard output, line by line
	done   chan struct{} // closed when its output ends
	stderr bytes.Buffer
}

// spawn starts the test binary as a child in role, joining url.
func spawn(t *testing.T, ctx context.Context, role, url, arg string) *child {
	t.Helper()
	c := &child{lines: make(chan string, 64), done: make(chan struct{})}
	c.cmd = exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), roleEnv+"="+role, urlEnv+"="+url, argEnv+"="+arg)
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.done)
		defer close(c.lines)
		s := bufio.NewScanner(out)
		for s.Scan() {
			select {
			case c.lines <- s.Text():
			default: // nobody listens any more
			}
		}
		io.Copy(io.Discard, out)
	}()
	t.Cleanup(func() { c.kill() })
	return c
}

// expect waits for the line want from the child.
func (c *child) expect(t *testing.T, want string, d time.Duration) {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("child ended before %q: %v\n%s", want, c.cmd.Wait(), c.stderr.String())
			}
			if l == want {
				return
			}
			t.Logf("child: %s", l)
		case <-timer.C:
			t.Fatalf("child did not say %q within %v\n%s", want, d, c.stderr.String())
		}
	}
}

// wait waits for the child to end by itself and returns its exit error.
func (c *child) wait() error {
	<-c.done
	return c.cmd.Wait()
}

// kill ends the child with SIGKILL and reaps it; harmless if it ended.
func (c *child) kill() {
	if c.cmd.ProcessState == nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
		<-c.done
		c.cmd.Wait()
	}
}

// listening starts a node with an embedded server that listens on a random
// port of 127.0.0.1, with JetStream stored in a test directory, and returns
// the URL to join it.
func listening(t *testing.T) (*remote.Node, string) {
	t.Helper()
	opts := &server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		JetStream: true, StoreDir: t.TempDir()}
	n := start(t, remote.WithServer(opts))
	return n, fmt.Sprintf("nats://127.0.0.1:%d", opts.Port)
}

// roleMain is a child process's main.
func roleMain(role string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	n, err := remote.Start(ctx, remote.WithURL(os.Getenv(urlEnv)))
	if err != nil {
		fmt.Println("start:", err)
		return 1
	}
	defer n.Close()
	arg := os.Getenv(argEnv)
	switch role {
	case "send": // arg is "name:count": send count Acks to e2e.sink
		name, cs, _ := strings.Cut(arg, ":")
		count, _ := strconv.Atoi(cs)
		to := remote.Lookup[Ack](n, "e2e.sink")
		for i := range count {
			if err := to.Send(Ack{ID: name + "-" + strconv.Itoa(i), N: i}); err != nil {
				fmt.Println("send:", err)
				return 1
			}
		}
		if err := n.Close(); err != nil { // flushes what was sent
			fmt.Println("close:", err)
			return 1
		}
		fmt.Println("ok")
		return 0
	case "recv": // answer jobs on kill.jobs, serve a Counter as kill.counter
		local, iso, err := SpawnCounter(ctx, newCounter)
		if err != nil {
			fmt.Println("spawn:", err)
			return 1
		}
		defer func() { iso.Kill(runtime.Immediate); iso.Wait(context.Background()) }()
		if _, err := remote.ExportService(n, "kill.counter", local); err != nil {
			fmt.Println("export service:", err)
			return 1
		}
		jobs := runtime.NewReceivePort[*Job](ctx)
		defer jobs.Close()
		if _, err := remote.Export(n, "kill.jobs", jobs.SendPort()); err != nil {
			fmt.Println("export:", err)
			return 1
		}
		fmt.Println("ready")
		serveJobs(ctx, jobs) // until killed
		return 0
	case "drecv": // forward kill.durable (Durable) to kill.handled (plain)
		// The forward is published on the connection before the message
		// is acknowledged, so every acknowledged message has reached
		// the server on its way to the test process. It takes a
		// millisecond, so that messages are delivered and not yet
		// acknowledged when the process is killed.
		forward := runtime.WirePort[Ack](slowNet{n.Conn()}, "isolate.port.kill.handled")
		var err error
		for range 50 { // the consumer may still be bound to a killed receiver
			if _, err = remote.Export(n, "kill.durable", forward, remote.Durable()); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			fmt.Println("export:", err)
			return 1
		}
		fmt.Println("ready")
		<-ctx.Done() // until killed
		return 0
	}
	fmt.Println("unknown role", role)
	return 2
}

// slowNet publishes a millisecond late on a node's connection.
type slowNet struct{ nc *nats.Conn }

func (slowNet) ExportWirePort(any, func([]byte) error, <-chan struct{}) (string, error) {
	return "", errors.New("slowNet exports nothing")
}

func (s slowNet) PublishWire(addr string, payload []byte) error {
	time.Sleep(time.Millisecond)
	return s.nc.Publish(addr, payload)
}

// TestProcessesExchange: two sender processes send to a port exported by
// the test process, through its server on a random 127.0.0.1 port. Every
// message arrives exactly once, whole, and in each sender's order (one NATS
// connection's messages to one subscriber keep their order).
func TestProcessesExchange(t *testing.T) {
	t.Parallel() // it waits on processes, and the durable test on JetStream's ack wait: overlap the waits
	total := 100_000
	if testing.Short() {
		total = 10_000
	}
	n, url := listening(t)
	ctx := timeout(t, 50*time.Second)
	sink := runtime.NewReceivePort[Ack](ctx)
	defer sink.Close()
	if _, err := remote.Export(n, "e2e.sink", sink.SendPort()); err != nil {
		t.Fatal(err)
	}
	names := []string{"a", "b"}
	var kids []*child
	for _, name := range names {
		kids = append(kids, spawn(t, ctx, "send", url, fmt.Sprintf("%s:%d", name, total/len(names))))
	}
	next := map[string]int{}
	for i := range total {
		a, err := sink.Receive(ctx)
		if err != nil {
			t.Fatalf("after %d messages: %v (next %v)", i, err, next)
		}
		name, _, _ := strings.Cut(a.ID, "-")
		if a.ID != name+"-"+strconv.Itoa(a.N) {
			t.Fatalf("message %d corrupted: %+v", i, a)
		}
		if want, ok := next[name]; a.N != want || (!ok && name != "a" && name != "b") {
			t.Fatalf("message %d is %+v; want %s-%d: lost, repeated or out of order", i, a, name, want)
		}
		next[name]++
	}
	for i, k := range kids {
		if err := k.wait(); err != nil {
			t.Errorf("sender %s: %v\n%s", names[i], err, k.stderr.String())
		}
	}
	quiet, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if a, err := sink.Receive(quiet); err == nil {
		t.Errorf("an extra message arrived: %+v", a)
	}
}

// TestProcessKilled: the receiving process is killed (SIGKILL) while jobs
// stream to it and calls are made to its service. No reply is repeated or
// corrupted, sends do not hang, and every call ends in success, ErrClosed
// or ctx.Err() within its deadline.
func TestProcessKilled(t *testing.T) {
	count := 20_000
	if testing.Short() {
		count = 4_000
	}
	n, url := listening(t)
	ctx := timeout(t, 50*time.Second)
	kid := spawn(t, ctx, "recv", url, "")
	kid.expect(t, "ready", 20*time.Second)

	acks := runtime.NewReceivePort[Ack](ctx)
	defer acks.Close()
	to := remote.Lookup[*Job](n, "kill.jobs")
	svc := remote.LookupService[CounterPort](n, "kill.counter")

	var wg sync.WaitGroup
	var slowest atomic.Int64
	sendErrs := make(chan error, 1)
	wg.Add(1)
	go func() { // the sender
		defer wg.Done()
		for i := range count {
			begin := time.Now()
			err := to.Send(&Job{ID: strconv.Itoa(i), Reply: acks.SendPort()})
			if d := int64(time.Since(begin)); d > slowest.Load() {
				slowest.Store(d)
			}
			if err != nil {
				select {
				case sendErrs <- fmt.Errorf("send %d: %w", i, err):
				default:
				}
				return
			}
		}
	}()
	const deadline = time.Second
	stop := make(chan struct{})
	var calls, failed atomic.Int64
	callErrs := make(chan error, 16)
	for range 2 { // callers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				cctx, cancel := context.WithTimeout(ctx, deadline)
				begin := time.Now()
				_, err := svc.Add(cctx, 1)
				took := time.Since(begin)
				cancel()
				calls.Add(1)
				switch {
				case err == nil: // answered before the kill took effect
				case errors.Is(err, runtime.ErrClosed), errors.Is(err, context.DeadlineExceeded):
					failed.Add(1)
				default:
					select {
					case callErrs <- fmt.Errorf("call: %w", err):
					default:
					}
				}
				if took > deadline+500*time.Millisecond {
					select {
					case callErrs <- fmt.Errorf("a call took %v with a deadline of %v", took, deadline):
					default:
					}
				}
				if errors.Is(err, runtime.ErrClosed) {
					time.Sleep(time.Millisecond) // answered at once: do not spin
				}
			}
		}()
	}

	seen := map[string]bool{}
	last, lastN := -1, -1
	check := func(a Ack) {
		if seen[a.ID] {
			t.Errorf("reply to job %s arrived twice", a.ID)
		}
		seen[a.ID] = true
		id, err := strconv.Atoi(a.ID)
		if err != nil || id < 0 || id >= count {
			t.Errorf("corrupted reply %+v", a)
		}
		if id <= last || a.N <= lastN {
			t.Errorf("reply %+v after job %d (%d): out of order", a, last, lastN)
		}
		last, lastN = id, a.N
	}
	for range count / 4 {
		a, err := acks.Receive(ctx)
		if err != nil {
			t.Fatalf("before the kill: %v", err)
		}
		check(a)
	}
	if err := kid.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	kid.kill()
	// Calls after the death: each ends in ErrClosed or ctx.Err() in time.
	before := failed.Load()
	for failed.Load() < before+20 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	close(callErrs)
	for err := range callErrs {
		t.Error(err)
	}
	select {
	case err := <-sendErrs:
		t.Errorf("plain send to a killed process: %v", err)
	default:
	}
	for {
		quiet, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		a, err := acks.Receive(quiet)
		cancel()
		if err != nil {
			break
		}
		check(a)
	}
	for range 5 {
		cctx, cancel := context.WithTimeout(ctx, deadline)
		begin := time.Now()
		_, err := svc.Add(cctx, 1)
		cancel()
		if !errors.Is(err, runtime.ErrClosed) && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("call to a dead node: %v", err)
		}
		if d := time.Since(begin); d > deadline+500*time.Millisecond {
			t.Errorf("call to a dead node took %v", d)
		}
	}
	if d := time.Duration(slowest.Load()); d > 5*time.Second {
		t.Errorf("a plain send took %v: it waits for the receiver", d)
	}
	t.Logf("%d replies of %d jobs; %d calls, %d failed; slowest send %v",
		len(seen), count, calls.Load(), failed.Load(), time.Duration(slowest.Load()))
}

// TestProcessKilledDurable: with Durable, the receiving process is killed
// mid-stream and a new one started: every message whose Send returned nil
// is handled at least once, and a message sent twice under one id is
// handled once.
func TestProcessKilledDurable(t *testing.T) {
	t.Parallel() // it waits on processes, and the durable test on JetStream's ack wait: overlap the waits
	count := 1_500
	if testing.Short() {
		count = 400
	}
	n, url := listening(t)
	ctx := timeout(t, 50*time.Second)
	handled := runtime.NewReceivePort[Ack](ctx)
	defer handled.Close()
	if _, err := remote.Export(n, "kill.handled", handled.SendPort()); err != nil {
		t.Fatal(err)
	}
	kid := spawn(t, ctx, "drecv", url, "")
	kid.expect(t, "ready", 20*time.Second)

	to := remote.Lookup[Ack](n, "kill.durable")
	sent := make(chan []string, 1)
	var progress atomic.Int64
	go func() {
		var ok []string
		for i := range count {
			id := "m-" + strconv.Itoa(i)
			if err := to.Send(Ack{ID: id, N: i}); err == nil {
				ok = append(ok, id)
			}
			progress.Add(1)
		}
		sent <- ok
	}()
	got := map[string]int{}
	for range count / 4 {
		a, err := handled.Receive(ctx)
		if err != nil {
			t.Fatalf("before the kill: %v", err)
		}
		got[a.ID]++
	}
	kid.kill()
	atKill := progress.Load()
	ok := <-sent
	// What the killed process was given and had not acknowledged is
	// delivered again, to the next receiver.
	js, err := n.Conn().JetStream()
	if err != nil {
		t.Fatal(err)
	}
	ci, err := js.ConsumerInfo("ISOLATE_kill_durable", "isolate")
	if err != nil {
		t.Fatal(err)
	}
	if ci.NumAckPending == 0 {
		t.Errorf("the killed receiver had no message unacknowledged: the kill was not mid-stream")
	}
	if len(ok) != count {
		t.Errorf("%d of %d durable sends failed", count-len(ok), count)
	}
	// A sender's retries: the same message twice under one id.
	const dups = 10
	for k := range dups {
		b, err := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), Ack{ID: "dup-" + strconv.Itoa(k), N: count + k})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			m := nats.NewMsg("isolate.port.kill.durable")
			m.Data = b
			m.Header.Set(nats.MsgIdHdr, "retry-"+strconv.Itoa(k))
			if err := n.Conn().PublishMsg(m); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := n.Conn().Flush(); err != nil {
		t.Fatal(err)
	}

	kid2 := spawn(t, ctx, "drecv", url, "")
	kid2.expect(t, "ready", 20*time.Second)
	missing := func() int {
		m := 0
		for _, id := range ok {
			if got[id] == 0 {
				m++
			}
		}
		for k := range dups {
			if got["dup-"+strconv.Itoa(k)] == 0 {
				m++
			}
		}
		return m
	}
	for missing() > 0 {
		a, err := handled.Receive(ctx)
		if err != nil {
			t.Fatalf("%d messages never handled: %v", missing(), err)
		}
		got[a.ID]++
	}
	// Redeliveries of what the killed receiver had not acknowledged come
	// within the acknowledgement wait; then nothing more.
	for {
		quiet, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		a, err := handled.Receive(quiet)
		cancel()
		if err != nil {
			break
		}
		got[a.ID]++
	}
	again := 0
	for id, c := range got {
		if strings.HasPrefix(id, "dup-") && c != 1 {
			t.Errorf("message %s sent twice under one id was handled %d times", id, c)
		}
		if c > 1 {
			again++
		}
	}
	kid2.kill()
	t.Logf("%d sent (%d when the receiver was killed, %d of them given to it and not acknowledged), %d handled more than once",
		len(ok), atKill, ci.NumAckPending, again)
}

// TestServerRestart: the server restarts between two calls; both nodes
// reconnect by themselves and the next call succeeds.
func TestServerRestart(t *testing.T) {
	opts := &server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true}
	srv, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	// Registered before the nodes are started, so it runs after they close.
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("server did not start")
	}
	port := srv.Addr().(*net.TCPAddr).Port
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	ctx := timeout(t, 40*time.Second)
	a := start(t, remote.WithURL(url))
	b := start(t, remote.WithURL(url))

	local, iso, err := SpawnCounter(ctx, newCounter)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { iso.Kill(runtime.Immediate); iso.Wait(ctx) }()
	if _, err := remote.ExportService(a, "restart.counter", local); err != nil {
		t.Fatal(err)
	}
	c := remote.LookupService[CounterPort](b, "restart.counter")
	if v, err := c.Add(ctx, 1); v != 1 || err != nil {
		t.Fatalf("first call: %d, %v", v, err)
	}

	srv.Shutdown()
	srv.WaitForShutdown()
	for a.Conn().IsConnected() || b.Conn().IsConnected() {
		if ctx.Err() != nil {
			t.Fatal("the nodes did not see the server go")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A plain Send while the server is gone does not wait for it: the
	// message waits in the reconnect buffer.
	to := remote.Lookup[Ack](b, "restart.nobody")
	for i := range 3 {
		begin := time.Now()
		if err := to.Send(Ack{N: i}); err != nil {
			t.Errorf("send while the server is down: %v", err)
		}
		if d := time.Since(begin); d > 500*time.Millisecond {
			t.Errorf("a plain send waited %v for the server to come back", d)
		}
	}
	srv, err = server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("server did not restart")
	}
	// The serving node is back once its subscription is: then the caller's
	// next call succeeds, whether or not its own node has reconnected yet
	// (the request waits in its reconnect buffer).
	for !a.Conn().IsConnected() {
		if ctx.Err() != nil {
			t.Fatal("the serving node did not reconnect")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if v, err := c.Add(cctx, 1); v != 2 || err != nil {
		t.Fatalf("call after the restart: %d, %v", v, err)
	}
	if !b.Conn().IsConnected() {
		t.Errorf("the calling node is not connected after its call")
	}
}
