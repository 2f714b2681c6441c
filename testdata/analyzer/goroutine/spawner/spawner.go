// Package spawner has functions that run their func argument in a new
// goroutine; facts tell other packages so.
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
