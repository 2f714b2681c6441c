package useSpawner

import "example.com/races/spawner"

func work() int { return 1 }

func ThroughFact() int {
	n := 0
	spawner.After("job", func() {
		n = work() // want `data race on n: the goroutine started by After at line 9 writes it at line 10, and the spawning function reads it at line 12`
	})
	return n
}

func Sometimes() int {
	n := 0
	spawner.Maybe(false, func() {
		n = work()
	})
	return n
}

// ThroughSyncFreeFact: Square's fact says it cannot synchronize, so it
// does not order the goroutine's write before the read.
func ThroughSyncFreeFact() int {
	n := 0
	go func() {
		n = 1 // want `data race on n: the goroutine started at line 27 writes it at line 28, and the spawning function reads it at line 31`
	}()
	k := spawner.Square(2)
	return n + k
}

// Recv may synchronize: the goroutine's send and Recv's receive order the
// write before the read.
func ThroughSyncingCall(ch chan int) int {
	n := 0
	go func() {
		n = 1
		ch <- 1
	}()
	k := spawner.Recv(ch)
	return n + k
}
