//go:build go1.21

// Package loopvar has loops whose variables, in this file, are shared by
// every iteration (the file's Go version is go1.21).
package loopvar

import "sync"

func use(int) {}

func Range(xs []int) {
	for _, x := range xs {
		go func() {
			use(x) // want `loop variable x is shared by every iteration of its loop \(this file's Go version is older than go1.22\): the goroutine started at line 13 reads it at line 14 while the loop assigns it for the next iteration at line 12; pass x to the goroutine as an argument, copy it \(x := x\) before the spawn, or upgrade the module to go1.22`
		}()
	}
}

func RangeFixed(xs []int) {
	for _, x := range xs {
		x := x
		go func() {
			use(x)
		}()
	}
	for _, x := range xs {
		go func(x int) {
			use(x)
		}(x)
	}
}

func ThreeClause(n int, ch chan int) {
	for i := 0; i < n; i++ {
		go func() {
			v := i // want `loop variable i is shared by every iteration of its loop .* reads it at line 36 while the loop assigns it for the next iteration at line 34`
			ch <- v
		}()
	}
}

// The loop waits for each goroutine before the next iteration.
func ThreeClauseFixed(n int) {
	for i := 0; i < n; i++ {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			use(i)
		}()
		wg.Wait()
	}
}
