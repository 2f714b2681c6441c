package runtime

import "sync/atomic"

// memberStack holds the free members of a RunOn pool: a lock-free stack
// (Treiber's), so that taking and giving back a member costs one
// compare-and-swap each, no lock, and a goroutine stalled in the middle
// of either (descheduled between its load and its swap) stalls nobody
// else. The last member given back is the first taken: the warmest.
//
// Each member in the pool's hands has a slot of its own, for its whole
// time there; a replacement takes the slot of the member it replaces. The
// stack links slots, and head carries a count of its changes beside the
// top slot, so that a swap prepared before others took and gave back that
// top slot fails (no ABA).
type memberStack struct {
	_     [64]byte
	head  atomic.Uint64 // changes<<32 | top slot+1 (0: empty)
	_     [56]byte
	slots []stackSlot
}

type stackSlot struct {
	next atomic.Uint32 // the slot below +1, while in the stack
	// m is the slot's member: written by whoever holds the slot before it
	// gives it back (put), read by whoever took it.
	m *member
}

func newMemberStack(size int) *memberStack {
	return &memberStack{slots: make([]stackSlot, size)}
}

// put gives back m, in its slot.
func (s *memberStack) put(m *member) {
	i := m.slot
	sl := &s.slots[i]
	sl.m = m
	for {
		h := s.head.Load()
		sl.next.Store(uint32(h))
		if s.head.CompareAndSwap(h, (h>>32+1)<<32|uint64(i+1)) {
			return
		}
	}
}

// take removes the member given back last, or returns nil when there is
// none.
func (s *memberStack) take() *member {
	for {
		h := s.head.Load()
		top := uint32(h)
		if top == 0 {
			return nil
		}
		next := s.slots[top-1].next.Load()
		if s.head.CompareAndSwap(h, (h>>32+1)<<32|uint64(next)) {
			return s.slots[top-1].m
		}
	}
}
