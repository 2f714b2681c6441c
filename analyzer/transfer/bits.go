package transfer

import "math/bits"

// set is a set of small non-negative integers (origin numbers).
type set []uint64

func (s set) has(i int) bool {
	w := i / 64
	return w < len(s) && s[w]&(1<<(uint(i)%64)) != 0
}

func (s *set) add(i int) {
	w := i / 64
	for len(*s) <= w {
		*s = append(*s, 0)
	}
	(*s)[w] |= 1 << (uint(i) % 64)
}

// union adds t to s and reports whether s grew.
func (s *set) union(t set) bool {
	changed := false
	for len(*s) < len(t) {
		*s = append(*s, 0)
	}
	for i, w := range t {
		if n := (*s)[i] | w; n != (*s)[i] {
			(*s)[i] = n
			changed = true
		}
	}
	return changed
}

// minus removes t from s.
func (s set) minus(t set) {
	for i := range s {
		if i < len(t) {
			s[i] &^= t[i]
		}
	}
}

func (s set) intersects(t set) bool {
	for i := range min(len(s), len(t)) {
		if s[i]&t[i] != 0 {
			return true
		}
	}
	return false
}

// subset reports whether every element of s is in t.
func (s set) subset(t set) bool {
	for i, w := range s {
		var u uint64
		if i < len(t) {
			u = t[i]
		}
		if w&^u != 0 {
			return false
		}
	}
	return true
}

func (s set) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s set) clone() set {
	if s == nil {
		return nil
	}
	return append(set(nil), s...)
}

// each calls f for each element, in increasing order.
func (s set) each(f func(int)) {
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(i*64 + b)
			w &^= 1 << uint(b)
		}
	}
}

func single(i int) set {
	var s set
	s.add(i)
	return s
}
