package runtime

import (
	"sync"
	"testing"
)

// TestMemberStack cycles members through a stack from many goroutines:
// none is lost or duplicated.
func TestMemberStack(t *testing.T) {
	for _, size := range []int{1, 2, 3, 4, 64} {
		r := newMemberStack(size)
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
				t.Fatalf("size %d: member twice in the stack", size)
			}
			seen[m] = true
		}
		if len(seen) != size {
			t.Fatalf("size %d: %d members left in the stack", size, len(seen))
		}
	}
}
