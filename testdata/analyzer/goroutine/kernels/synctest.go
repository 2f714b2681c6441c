package kernels

import (
	"testing"
	"testing/synctest"
)

// synctest.Wait returns once every other goroutine of the bubble has
// exited or blocked: it orders their accesses before what follows.
func SynctestWaitFixed() {
	synctest.Test(nil, func(*testing.T) {
		done := false
		go func() {
			done = true
		}()
		synctest.Wait()
		_ = done
	})
}
