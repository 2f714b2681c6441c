package runtime

import (
	"context"
	"errors"
	"math/rand/v2"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recvWithin receives with a deadline, so a broken port fails the test
// instead of hanging it.
func recvWithin[T any](t *testing.T, r *ReceivePort[T], d time.Duration) (T, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return r.Receive(ctx)
}

func mustRecv[T any](t *testing.T, r *ReceivePort[T]) T {
	t.Helper()
	v, err := recvWithin(t, r, 5*time.Second)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return v
}

// expectNothing checks that no message arrives within d.
func expectNothing[T any](t *testing.T, r *ReceivePort[T], d time.Duration) {
	t.Helper()
	if v, err := recvWithin(t, r, d); err == nil {
		t.Fatalf("Receive = %v, want nothing yet", v)
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Receive error = %v, want deadline exceeded", err)
	}
}

func TestPortOrderPerSender(t *testing.T) {
	r := NewReceivePort[int](context.Background())
	defer r.Close()
	sp := r.SendPort()
	const n = 10000
	go func() {
		for i := range n {
			if err := sp.Send(i); err != nil {
				t.Errorf("Send: %v", err)
				return
			}
		}
	}()
	for i := range n {
		if got := mustRecv(t, r); got != i {
			t.Fatalf("message %d = %d, want send order", i, got)
		}
	}
}

func TestPortManySendersOneReceiver(t *testing.T) {
	r := NewReceivePort[[2]int](context.Background())
	defer r.Close()
	const senders, each = 16, 2000
	var wg sync.WaitGroup
	for s := range senders {
		sp := r.SendPort() // any number of SendPorts for one ReceivePort
		wg.Go(func() {
			for i := range each {
				if err := sp.Send([2]int{s, i}); err != nil {
					t.Errorf("Send: %v", err)
				}
			}
		})
	}
	next := make([]int, senders)
	for range senders * each {
		m := mustRecv(t, r)
		if m[1] != next[m[0]] {
			t.Fatalf("sender %d: got %d, want %d (order per sender)", m[0], m[1], next[m[0]])
		}
		next[m[0]]++
	}
	wg.Wait()
	expectNothing(t, r, 10*time.Millisecond)
}

// TestPortManyReceiversGivingUp has several goroutines receive from one
// port fed by several senders, each receive giving up after a random short
// time and trying again: the park, the list of waiters and a receive that
// stops waiting all meet. Every message arrives exactly once, and each
// receiver sees each sender's messages in the order sent.
func TestPortManyReceiversGivingUp(t *testing.T) {
	r := NewReceivePort[[2]int](context.Background())
	defer r.Close()
	const senders, receivers, each = 4, 3, 5000
	var sends sync.WaitGroup
	for s := range senders {
		sp := r.SendPort()
		sends.Go(func() {
			for i := range each {
				if err := sp.Send([2]int{s, i}); err != nil {
					t.Errorf("Send: %v", err)
				}
				if i%64 == 0 {
					time.Sleep(time.Duration(rand.IntN(50)) * time.Microsecond)
				}
			}
		})
	}
	var got [senders][each]atomic.Int32
	var left atomic.Int32
	left.Store(senders * each)
	var recvs sync.WaitGroup
	for range receivers {
		recvs.Go(func() {
			last := [senders]int{-1, -1, -1, -1}
			for left.Load() > 0 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(100))*time.Microsecond)
				m, err := r.Receive(ctx)
				cancel()
				if err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("Receive: %v", err)
						return
					}
					continue
				}
				if m[1] <= last[m[0]] {
					t.Errorf("sender %d: got %d after %d", m[0], m[1], last[m[0]])
				}
				last[m[0]] = m[1]
				got[m[0]][m[1]].Add(1)
				left.Add(-1)
			}
		})
	}
	sends.Wait()
	recvs.Wait()
	for s := range senders {
		for i := range each {
			if n := got[s][i].Load(); n != 1 {
				t.Fatalf("sender %d message %d received %d times", s, i, n)
			}
		}
	}
}

// TestReceiveLooksAgainBeforeBlocking plays the race a receive about to
// block loses to a send that queues without the lock: the send queued its
// message and saw no receive waiting, so it wakes no one. The receive must
// find that message when it looks again after setting the gate.
func TestReceiveLooksAgainBeforeBlocking(t *testing.T) {
	r := NewReceivePort[int](context.Background())
	defer r.Close()
	p := &r.state
	p.mu.Lock()
	readyBefore, gateBefore := p.q.ready(), p.gate.Load()
	p.q.push(7) // the send, between the receive's look and its wait
	w := p.waitLocked()
	var v int
	if w == nil {
		v = p.popLocked()
	} else {
		p.unlistLocked(w)
	}
	p.mu.Unlock()
	switch {
	case readyBefore || gateBefore != 0:
		t.Fatalf("a new port: ready %v, gate %d", readyBefore, gateBefore)
	case w != nil:
		t.Fatal("the receive would block with a message queued")
	case v != 7:
		t.Fatalf("got %d, want 7", v)
	}
}

// TestUnboundedSendTakesNoLock holds the port's lock, as a receive does,
// while a send queues a message, and while another hands one to a receive
// parked on the port: neither send waits for the lock, and the parked
// receive gets its message while the lock is still held.
func TestUnboundedSendTakesNoLock(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx)
	defer r.Close()
	p, sp := &r.state, r.SendPort()
	within := func(what string, c <-chan int) int {
		t.Helper()
		select {
		case v := <-c:
			return v
		case <-time.After(5 * time.Second):
			p.mu.Unlock()
			t.Fatalf("%s waited for the port's lock", what)
			return 0
		}
	}

	p.mu.Lock()
	sent := make(chan int)
	go func() {
		if err := sp.Send(1); err != nil {
			t.Errorf("Send: %v", err)
		}
		sent <- 1
	}()
	within("a send to a port with no receive waiting", sent)
	p.mu.Unlock()
	if v := mustRecv(t, r); v != 1 {
		t.Fatalf("got %d, want 1", v)
	}

	got := make(chan int)
	go func() {
		v, err := r.Receive(ctx)
		if err != nil {
			t.Errorf("Receive: %v", err)
		}
		got <- v
	}()
	for p.pstate.Load() != parkWaiting {
		time.Sleep(time.Millisecond)
	}
	p.mu.Lock()
	go func() {
		if err := sp.Send(2); err != nil {
			t.Errorf("Send: %v", err)
		}
		sent <- 2
	}()
	within("a send to a parked receive", sent)
	if v := within("the parked receive", got); v != 2 {
		p.mu.Unlock()
		t.Fatalf("got %d, want 2", v)
	}
	p.mu.Unlock()
}

func TestSendPortIsComparable(t *testing.T) {
	r1 := NewReceivePort[int](context.Background())
	r2 := NewReceivePort[int](context.Background())
	defer r1.Close()
	defer r2.Close()
	if r1.SendPort() != r1.SendPort() {
		t.Error("two SendPorts of one ReceivePort differ")
	}
	if r1.SendPort() == r2.SendPort() {
		t.Error("SendPorts of two ReceivePorts are equal")
	}
	set := map[SendPort[int]]bool{r1.SendPort(): true}
	if !set[r1.SendPort()] {
		t.Error("SendPort does not work as a map key")
	}
}

func TestSendToClosedPortReturnsErrClosed(t *testing.T) {
	r := NewReceivePort[int](context.Background())
	sp := r.SendPort()
	if err := sp.Send(1); err != nil {
		t.Fatalf("Send before Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := sp.Send(2); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
	if err := sp.Transfer(3); !errors.Is(err, ErrClosed) {
		t.Errorf("Transfer after Close = %v, want ErrClosed", err)
	}
	if _, err := r.Receive(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Receive after Close = %v, want ErrClosed", err)
	}
	var zero SendPort[int]
	if err := zero.Send(1); !errors.Is(err, ErrClosed) {
		t.Errorf("zero SendPort: Send = %v, want ErrClosed", err)
	}
}

func TestCloseUnblocksReceive(t *testing.T) {
	r := NewReceivePort[int](context.Background())
	errc := make(chan error)
	go func() {
		_, err := r.Receive(context.Background())
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	r.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("blocked Receive after Close = %v, want ErrClosed", err)
	}
}

func TestReceiveCtxEndsTakesNothing(t *testing.T) {
	r := NewReceivePort[int](context.Background())
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := r.Receive(ctx)
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Receive after cancel = %v, want context.Canceled", err)
	}
	r.SendPort().Send(7)
	if got := mustRecv(t, r); got != 7 {
		t.Errorf("got %d, want 7", got)
	}
}

func TestPortWithoutIsolateLivesUntilClose(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[string](ctx) // ctx carries no isolate: owned by none
	sp := r.SendPort()
	iso, err := Spawn(ctx, func(ctx context.Context, sp SendPort[string]) {
		sp.Send("from the isolate")
	}, sp)
	if err != nil {
		t.Fatal(err)
	}
	iso.Wait(ctx)
	// The sending isolate has ended; the port, owned by none, lives on.
	if got := mustRecv(t, r); got != "from the isolate" {
		t.Errorf("got %q", got)
	}
	if err := sp.Send("still open"); err != nil {
		t.Errorf("Send after the sender ended: %v", err)
	}
	r.Close()
	if err := sp.Send("closed"); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
}

func TestAllBreakLosesNoMessage(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx)
	defer r.Close()
	for i := range 10 {
		r.SendPort().Send(i)
	}
	var seen []int
	for v := range r.All(ctx) {
		seen = append(seen, v)
		if v == 4 {
			break
		}
	}
	for v := range r.All(ctx) {
		seen = append(seen, v)
		if v == 9 {
			break
		}
	}
	for i, v := range seen {
		if v != i {
			t.Fatalf("All yielded %v, want 0..9 in order, none lost", seen)
		}
	}
	if len(seen) != 10 {
		t.Fatalf("All yielded %v, want 0..9", seen)
	}
}

func TestAllEndsWhenPortCloses(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx)
	r.SendPort().Send(1)
	done := make(chan int)
	go func() {
		n := 0
		for range r.All(ctx) {
			n++
		}
		done <- n
	}()
	time.Sleep(10 * time.Millisecond)
	r.Close()
	if n := <-done; n != 1 {
		t.Errorf("All yielded %d messages, want 1", n)
	}
}

func TestBoundedPortBlocksUntilRoom(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx, WithCapacity(2))
	defer r.Close()
	sp := r.SendPort()
	sp.Send(1)
	sp.Send(2)
	sent := make(chan error)
	go func() { sent <- sp.Send(3) }()
	select {
	case err := <-sent:
		t.Fatalf("Send to a full port returned %v without waiting", err)
	case <-time.After(20 * time.Millisecond):
	}
	if got := mustRecv(t, r); got != 1 {
		t.Fatalf("got %d, want 1", got)
	}
	if err := <-sent; err != nil {
		t.Fatalf("Send after room: %v", err)
	}
	for _, want := range []int{2, 3} {
		if got := mustRecv(t, r); got != want {
			t.Fatalf("got %d, want %d", got, want)
		}
	}
}

func TestBoundedPortCloseReleasesSenders(t *testing.T) {
	r := NewReceivePort[int](context.Background(), WithCapacity(1))
	sp := r.SendPort()
	sp.Send(1)
	const blocked = 4
	errs := make(chan error, blocked)
	for range blocked {
		go func() { errs <- sp.Send(2) }()
	}
	time.Sleep(20 * time.Millisecond)
	r.Close()
	for range blocked {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Errorf("blocked Send after Close = %v, want ErrClosed", err)
		}
	}
}

func TestBoundedPortManySenders(t *testing.T) {
	r := NewReceivePort[int](context.Background(), WithCapacity(3))
	defer r.Close()
	const senders, each = 8, 500
	var wg sync.WaitGroup
	for range senders {
		sp := r.SendPort()
		wg.Go(func() {
			for i := range each {
				sp.Send(i)
			}
		})
	}
	for range senders * each {
		mustRecv(t, r)
	}
	wg.Wait()
}

// TestPortSteadyStateAllocatesNothing: a port whose backlog stays bounded
// reuses its chunks and its waiters: no allocation per message, whether the
// messages are queued or handed to a blocked receiver.
func TestPortSteadyStateAllocatesNothing(t *testing.T) {
	ctx := context.Background()
	r := NewReceivePort[int](ctx)
	defer r.Close()
	sp := r.SendPort()
	burst := func() {
		for i := range 1000 { // several chunks
			sp.Send(i)
		}
		for i := range 1000 {
			if v, _ := r.Receive(ctx); v != i {
				t.Fatalf("got %d, want %d", v, i)
			}
		}
	}
	burst()
	if a := testing.AllocsPerRun(20, burst); a != 0 {
		t.Errorf("a burst of 1000 queued messages allocates %v times, want 0", a)
	}

	// Ping-pong with an isolate: every message is handed to a blocked receiver.
	replies := NewReceivePort[int](ctx)
	defer replies.Close()
	iso, in := spawnEcho(t, replies.SendPort())
	round := func() {
		in.Send(1)
		if _, err := replies.Receive(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for range 100 {
		round()
	}
	if a := testing.AllocsPerRun(1000, round); a != 0 {
		t.Errorf("a round trip allocates %v times, want 0", a)
	}
	iso.Kill(Immediate)
	waitEnded(t, iso)
}

// TestPortQueueKeepsOrderAcrossChunks checks the chunked queue against a
// plain slice through growth, partial drains and reuse.
func TestPortQueueKeepsOrderAcrossChunks(t *testing.T) {
	var q queue[int]
	var want []int
	next := 0
	for round := range 200 {
		for range (round * 37) % 300 {
			q.push(next)
			want = append(want, next)
			next++
		}
		for range (round * 53) % 280 {
			if len(want) == 0 {
				break
			}
			if !q.ready() {
				t.Fatalf("round %d: queue not ready with %d queued", round, len(want))
			}
			if v := q.pop(); v != want[0] {
				t.Fatalf("round %d: pop = %d, want %d", round, v, want[0])
			}
			want = want[1:]
		}
		if len(want) == 0 && q.ready() {
			t.Fatalf("round %d: queue ready when empty", round)
		}
	}
}

// TestPortQueueManySenders pushes from several goroutines at once, through
// many chunk links and reuses, while one reader pops: every message arrives
// once, each sender's in the order sent.
func TestPortQueueManySenders(t *testing.T) {
	const senders, each = 4, 20000
	var q queue[[2]int]
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				q.push([2]int{s, i})
			}
		})
	}
	next := make([]int, senders)
	for got := 0; got < senders*each; {
		if !q.ready() {
			goruntime.Gosched()
			continue
		}
		m := q.pop()
		if m[1] != next[m[0]] {
			t.Fatalf("sender %d: got message %d, want %d", m[0], m[1], next[m[0]])
		}
		next[m[0]]++
		got++
	}
	wg.Wait()
	if q.ready() {
		t.Fatal("queue ready after every message was taken")
	}
}
