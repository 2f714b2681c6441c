package runtime

import (
	"math/bits"
	"sync/atomic"
)

// memberSet holds the free members of a RunOn pool without a lock: one
// bit per slot, set while the slot's member is free. Taking a member
// clears a bit with one compare-and-swap, giving it back sets it with one
// atomic or; a goroutine stalled in the middle of either (descheduled
// between its load and its swap) stalls nobody else. The lowest free slot
// is taken first, so the members last used stay the ones in use: warm.
//
// Each member in the pool's hands has a slot of its own for its whole time
// there; a replacement takes over the slot of the member it replaces.
type memberSet struct {
	free  []atomic.Uint64 // bit i%64 of free[i/64]: slot i's member is free
	slots []*member       // written by whoever holds the slot before put, read by whoever takes it
}

func newMemberSet(size int) *memberSet {
	return &memberSet{
		free:  make([]atomic.Uint64, (size+63)/64),
		slots: make([]*member, size),
	}
}

// put gives back m, in its slot.
func (s *memberSet) put(m *member) {
	i := m.slot
	s.slots[i] = m
	s.free[i/64].Or(1 << (i % 64))
}

// take removes a free member, the one in the lowest slot, or returns nil
// when there is none.
func (s *memberSet) take() *member {
	for w := range s.free {
		word := &s.free[w]
		for {
			v := word.Load()
			if v == 0 {
				break
			}
			b := bits.TrailingZeros64(v)
			if word.CompareAndSwap(v, v&^(1<<b)) {
				return s.slots[w*64+b]
			}
		}
	}
	return nil
}
