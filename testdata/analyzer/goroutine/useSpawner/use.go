package useSpawner

import "example.com/races/spawner"

func work() int { return 1 } // want work:"syncfree"

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
