package runtime

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// stopMessage ends a stress isolate's receive loop; data messages are ids
// below it.
const stopMessage = ^uint32(0)

// stressSizes returns how many isolates exchange how many messages: the full
// size (1,000 isolates, 1,000,000 messages) normally; a fifth of the
// messages under the race detector, which makes each ten times slower
// (the full size took 19 s of the race-enabled test run, and .ci/run runs
// it without the detector); a small one under -short.
func stressSizes(t *testing.T) (isolates, messages int) {
	switch {
	case testing.Short():
		return 100, 20_000
	case raceEnabled:
		return 1000, 200_000
	}
	return 1000, 1_000_000
}

// TestStressDeliveryUnderKills has isolates send messages to each other while
// random isolates are killed, and then checks every message: a Send that
// returned nil was received exactly once, unless its receiver was killed (then
// at most once); a Send that failed was never received; nothing hangs.
func TestStressDeliveryUnderKills(t *testing.T) {
	n, m := stressSizes(t)
	perIsolate := m / n
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	const (
		notSent uint32 = iota
		sentOK
		sentErr
	)
	status := make([]atomic.Uint32, m)   // per message: what its Send returned
	received := make([]atomic.Uint32, m) // per message: how often it was received
	target := make([]atomic.Int32, m)    // per message: the receiving isolate

	type hello struct {
		Index int
		Port  SendPort[uint32]
	}
	register := NewReceivePort[hello](ctx)
	defer register.Close()
	finished := NewReceivePort[int](ctx) // an isolate's index once it has sent all it will
	defer finished.Close()
	peers := make([]SendPort[uint32], n) // filled before any isolate reads it

	type start struct {
		Index    int
		Register SendPort[hello]
		Finished SendPort[int]
	}
	isos := make([]*Isolate, n)
	for i := range n {
		iso, err := Spawn(ctx, func(ctx context.Context, s start) {
			in := NewReceivePort[uint32](ctx)
			s.Register.Send(hello{s.Index, in.SendPort()})
			// Wait for the start signal (peers is complete then); peers
			// that started earlier may already send to us.
			for {
				v, err := in.Receive(ctx)
				if err != nil {
					return
				}
				if v == stopMessage {
					break
				}
				received[v].Add(1)
			}
			rng := rand.New(rand.NewPCG(uint64(s.Index), 1))
			for k := s.Index * perIsolate; k < (s.Index+1)*perIsolate; k++ {
				if ctx.Err() != nil {
					break // killed: a loop that does not receive watches ctx
				}
				to := rng.IntN(n)
				target[k].Store(int32(to))
				if peers[to].Send(uint32(k)) == nil {
					status[k].Store(sentOK)
				} else {
					status[k].Store(sentErr)
				}
			}
			s.Finished.Send(s.Index)
			for v := range in.All(ctx) {
				if v == stopMessage {
					return
				}
				received[v].Add(1)
			}
		}, start{i, register.SendPort(), finished.SendPort()})
		if err != nil {
			t.Fatal(err)
		}
		isos[i] = iso
	}
	for range n {
		h, err := register.Receive(ctx)
		if err != nil {
			t.Fatalf("registration: %v", err)
		}
		peers[h.Index] = h.Port
	}
	for _, p := range peers {
		p.Send(stopMessage) // the start signal
	}

	// Kill a tenth of the isolates, at random moments, with either priority.
	rng := rand.New(rand.NewPCG(7, 7))
	killed := make([]bool, n)
	for range n / 10 {
		i := rng.IntN(n)
		killed[i] = true
		if rng.IntN(2) == 0 {
			isos[i].Kill(Immediate)
		} else {
			isos[i].Kill(BeforeNextEvent)
		}
		time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond)
	}

	// Wait until every isolate has sent all it will: it said so, or it ended.
	done := make([]bool, n)
	for i := range n {
		select {
		case <-isos[i].Done():
			done[i] = true
		default:
		}
	}
	for pending := n; ; {
		pending = 0
		for i := range n {
			if !done[i] {
				select {
				case <-isos[i].Done():
					done[i] = true
				default:
					pending++
				}
			}
		}
		if pending == 0 {
			break
		}
		rctx, rcancel := context.WithTimeout(ctx, 10*time.Millisecond)
		i, err := finished.Receive(rctx)
		rcancel()
		if err == nil {
			done[i] = true
		} else if ctx.Err() != nil {
			t.Fatalf("stress test hung: %d isolates still sending", pending)
		}
	}
	// Every data send has returned; the stop message is queued behind them.
	for _, p := range peers {
		p.Send(stopMessage)
	}
	for i, iso := range isos {
		err := iso.Wait(ctx)
		switch {
		case errors.Is(err, ErrKilled):
			if !killed[i] {
				t.Errorf("isolate %d reports ErrKilled, but was not killed", i)
			}
		case err != nil:
			t.Fatalf("isolate %d: %v", i, err)
		}
		if err != nil {
			killed[i] = true // for the check: its queue may have been dropped
		} else {
			killed[i] = false
		}
	}

	var ok, failed, lostToKill int
	for k := range m {
		r := received[k].Load()
		switch status[k].Load() {
		case sentOK:
			ok++
			switch {
			case r > 1:
				t.Fatalf("message %d received %d times", k, r)
			case r == 0 && !killed[target[k].Load()]:
				t.Fatalf("message %d: Send returned nil, never received, receiver %d not killed", k, target[k].Load())
			case r == 0:
				lostToKill++
			}
		case sentErr:
			failed++
			if r != 0 {
				t.Fatalf("message %d: Send failed, yet received", k)
			}
			if !killed[target[k].Load()] {
				t.Fatalf("message %d: Send failed to live isolate %d", k, target[k].Load())
			}
		default:
			if r != 0 {
				t.Fatalf("message %d was never sent, yet received", k)
			}
		}
	}
	t.Logf("%d isolates, %d messages: %d sent, %d refused, %d dropped by kills", n, m, ok, failed, lostToKill)
	if ok < m/2 {
		t.Errorf("only %d of %d messages were sent", ok, m)
	}
}
