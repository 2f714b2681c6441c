package runtime

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrClosed is returned by SendPort.Send and SendPort.Transfer once the
// receiving port is closed (by ReceivePort.Close, or because the isolate that
// owns it has ended), by ReceivePort.Receive on a closed port, and by
// Isolate.Ping once the isolate has ended. Dart drops such a message
// silently; a Go caller is told.
var ErrClosed = errors.New("isolate: port closed")

// ErrKilled is returned by ReceivePort.Receive on a port whose isolate was
// killed (Isolate.Kill, or cancellation of the context given to Spawn or
// Run), and by Isolate.Wait for such an isolate.
var ErrKilled = errors.New("isolate: killed")

// errEnded is the cause (context.Cause) of an isolate's context after the
// isolate ended without a kill or an error: a context.Canceled of its own, so
// that a context derived from the isolate's can tell the isolate's end from
// its own cancellation.
var errEnded = fmt.Errorf("isolate: ended: %w", context.Canceled)

// errRunExited is what Run returns when its function ended the isolate with
// Exit instead of returning a result.
var errRunExited = errors.New("isolate: Run's function called Exit instead of returning")

// RemoteError is an uncaught panic of an isolate, as delivered to its error
// listeners, returned by Isolate.Wait and by Run, and by Guard.
//
// It holds only strings, so it is sendable: the panic value itself stays in
// the isolate that panicked.
type RemoteError struct {
	// Isolate is the name of the isolate that panicked (empty for a Guard
	// outside any isolate).
	Isolate string
	// Message is the panic value as text (fmt.Sprint of it).
	Message string
	// Stack is the goroutine's stack when the panic was recovered; it shows
	// the panicking frame.
	Stack string
}

// Error reports the isolate and the panic value; the stack is in Stack.
func (e *RemoteError) Error() string {
	if e.Isolate == "" {
		return "panic: " + e.Message
	}
	return "isolate " + e.Isolate + ": panic: " + e.Message
}

// newRemoteError must be called from the deferred function that recovered,
// so that the stack still holds the panicking frames.
func newRemoteError(isolate string, panicValue any) *RemoteError {
	return &RemoteError{
		Isolate: isolate,
		Message: fmt.Sprint(panicValue),
		Stack:   string(debug.Stack()),
	}
}
