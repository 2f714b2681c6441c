// want package:`syncfree\(Square\)`

// Package spawner has functions that run their func argument in a new
// goroutine, and sync-free functions; facts tell other packages so.
package spawner

// Go runs f in a new goroutine.
func Go(f func()) { // want Go:`spawns\[0\]`
	go f()
}

// After logs, then hands f on to Go.
func After(name string, f func()) { // want After:`spawns\[1\]`
	_ = name
	Go(f)
}

// Maybe runs f in a new goroutine only sometimes: not a spawner.
func Maybe(async bool, f func()) {
	if async {
		go f()
		return
	}
	f()
}

// Square cannot synchronize, and other packages learn so from the
// package's fact.
func Square(n int) int { return square(n) }

// square is sync-free too, but no other package can call it: the fact
// leaves it out.
func square(n int) int { return n * n }

// Recv may synchronize: it receives.
func Recv(ch chan int) int { return <-ch }
