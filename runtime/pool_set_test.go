package runtime

import (
	"sync"
	"testing"
)

// TestMemberSet cycles members through a set from many goroutines:
// none is lost or duplicated.
func TestMemberSet(t *testing.T) {
	for _, size := range []int{1, 2, 3, 4, 64} {
		r := newMemberSet(size)
		for i := range size {
			r.put(&member{slot: uint32(i)})
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 5000 {
					if m := r.take(); m != nil {
						r.put(m)
					}
				}
			})
		}
		wg.Wait()
		seen := map[*member]bool{}
		for m := r.take(); m != nil; m = r.take() {
			if seen[m] {
				t.Fatalf("size %d: member twice in the set", size)
			}
			seen[m] = true
		}
		if len(seen) != size {
			t.Fatalf("size %d: %d members left in the set", size, len(seen))
		}
	}
}
