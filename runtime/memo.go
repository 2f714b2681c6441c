package runtime

import "unsafe"

// Memo is the identity table of one deep copy: it maps the address of a
// value the copy has reached to that value's copy, so that a value reached
// twice is copied once and a cycle ends. Generated DeepCopyInto methods use
// it for types whose values can share or cycle; hand-written copies may use
// it too. The zero Memo is empty and ready to use. A Memo is not safe for
// concurrent use: it belongs to one copy at a time.
//
// A copy asks one question per value it reaches (seen before? if not, here
// is the copy), so At answers it in one probe of an open-addressing table
// keyed by address, where a map would hash twice, for the lookup and the
// insert; and Reset empties it in time proportional to what the copy added,
// which lets a sync.Pool keep it warm between copies. Addresses are stable
// keys because the collector does not move heap values, and a value whose
// address is stored here is on the heap.
type Memo[V any] struct {
	slots []memoSlot[V]
	n     int  // keys held
	shift uint // 64 - log2(len(slots)): hashing keeps the top bits
}

type memoSlot[V any] struct {
	key unsafe.Pointer
	val V
}

// memoMinSlots is the size of a new table; memoMaxSlots is the largest that
// Reset keeps, so that an idle pooled Memo pins little memory.
const (
	memoMinSlots = 32
	memoMaxSlots = 1 << 16
)

// At returns where the copy of the value at key is kept, and whether key was
// there already. For a new key it returns a zero V to fill: the caller
// stores the copy there before it calls At again (a later call may move the
// table), and before it copies anything the value reaches, so that a cycle
// back to key finds the copy.
func (m *Memo[V]) At(key unsafe.Pointer) (*V, bool) {
	if 2*(m.n+1) > len(m.slots) {
		m.grow()
	}
	mask := len(m.slots) - 1
	for i := int(uint64(uintptr(key)) * 0x9e3779b97f4a7c15 >> m.shift); ; i = (i + 1) & mask {
		s := &m.slots[i]
		if s.key == key {
			return &s.val, true
		}
		if s.key == nil {
			s.key = key
			m.n++
			return &s.val, false
		}
	}
}

// grow doubles the table, keeping it at most half full.
func (m *Memo[V]) grow() {
	old := m.slots
	if old == nil {
		m.slots, m.shift = make([]memoSlot[V], memoMinSlots), 64-memoMinBits
		return
	}
	m.slots, m.shift, m.n = make([]memoSlot[V], 2*len(old)), m.shift-1, 0
	for i := range old {
		if s := &old[i]; s.key != nil {
			p, _ := m.At(s.key)
			*p = s.val
		}
	}
}

// memoMinBits is log2(memoMinSlots).
const memoMinBits = 5

// Reset empties the table for the next copy, so that it holds no pointer to
// the source or the copy. A table much larger than this copy needed is
// dropped rather than cleared, so that emptying costs what the copy added,
// not what the largest copy needed.
func (m *Memo[V]) Reset() {
	if m.n == 0 {
		return
	}
	if len(m.slots) > memoMaxSlots || len(m.slots) > memoMinSlots && len(m.slots) > 8*m.n {
		*m = Memo[V]{}
		return
	}
	clear(m.slots)
	m.n = 0
}
