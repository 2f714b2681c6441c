package runtime

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"unsafe"
)

func TestMemoSizes(t *testing.T) {
	if 1<<memoMinBits != memoMinSlots {
		t.Fatalf("memoMinBits = %d, but memoMinSlots = %d", memoMinBits, memoMinSlots)
	}
}

// TestMemoAgainstMap checks At against a map over keys that collide, grow
// the table many times, and are asked again.
func TestMemoAgainstMap(t *testing.T) {
	var m Memo[int]
	want := map[unsafe.Pointer]int{}
	vals := make([]int64, 5000)
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 3 {
		for range 20000 {
			key := unsafe.Pointer(&vals[r.IntN(len(vals))])
			p, ok := m.At(key)
			w, wok := want[key]
			if ok != wok {
				t.Fatalf("round %d: At(%p) found = %v, want %v", round, key, ok, wok)
			}
			if ok && *p != w {
				t.Fatalf("round %d: At(%p) = %d, want %d", round, key, *p, w)
			}
			if !ok {
				if *p != 0 {
					t.Fatalf("round %d: new key's slot holds %d, want the zero value", round, *p)
				}
				*p = len(want) + 1
				want[key] = *p
			}
		}
		if m.n != len(want) {
			t.Fatalf("round %d: %d keys held, want %d", round, m.n, len(want))
		}
		if 2*m.n > len(m.slots) {
			t.Fatalf("round %d: %d keys in %d slots: more than half full", round, m.n, len(m.slots))
		}
		m.Reset()
		clear(want)
	}
}

func TestMemoReset(t *testing.T) {
	var m Memo[*int]
	m.Reset() // the zero Memo
	x := new(int)
	p, _ := m.At(unsafe.Pointer(x))
	*p = x
	m.Reset()
	if m.n != 0 || len(m.slots) != memoMinSlots {
		t.Fatalf("after Reset: %d keys in %d slots, want 0 in %d (kept for reuse)", m.n, len(m.slots), memoMinSlots)
	}
	for _, s := range m.slots {
		if s.key != nil || s.val != nil {
			t.Fatal("Reset left a pointer in the table")
		}
	}
	if _, ok := m.At(unsafe.Pointer(x)); ok {
		t.Fatal("a key survived Reset")
	}

	// A table grown far beyond what the last copy used is dropped.
	vals := make([]int, 1000)
	for i := range vals {
		m.At(unsafe.Pointer(&vals[i]))
	}
	m.Reset()
	m.At(unsafe.Pointer(&vals[0]))
	m.Reset()
	if m.slots != nil {
		t.Fatalf("after a small copy in a large table, Reset kept %d slots", len(m.slots))
	}
}

// BenchmarkMemo is the memo work of copying a value of n shared nodes: n
// new keys, then n keys found again, then Reset for the next copy.
func BenchmarkMemo(b *testing.B) {
	for _, n := range []int{16, 256, 4096} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			nodes := make([]*int, n)
			for i := range nodes {
				nodes[i] = new(int)
			}
			var m Memo[*int]
			b.ReportAllocs()
			for b.Loop() {
				for _, x := range nodes {
					if p, ok := m.At(unsafe.Pointer(x)); !ok {
						*p = x
					}
				}
				for _, x := range nodes {
					m.At(unsafe.Pointer(x))
				}
				m.Reset()
			}
		})
	}
}
