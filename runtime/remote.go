package runtime

// This file is the seam through which a SendPort reaches something other
// than a local ReceivePort: a port in another process, or on another
// machine (package remote). The runtime knows nothing of the network; it
// only hands messages to an Endpoint.

// Endpoint receives the messages of a SendPort made by NewSendPort.
//
// Send is called for both SendPort.Send and SendPort.Transfer: an endpoint
// that carries messages out of the process copies them (it encodes them),
// so the two are the same to it. Send returns ErrClosed once the endpoint
// can no longer deliver, like a closed local port; any other error means
// the message was not sent. It must be safe for concurrent use.
type Endpoint[T any] interface {
	Send(msg T) error
}

// NewSendPort returns a SendPort whose Send and Transfer call e.Send. Two
// SendPorts compare equal when their endpoints do, so E must be comparable
// (a pointer, or a struct of comparable fields): endpoints that reach the
// same port should compare equal, as the SendPorts of one ReceivePort do.
// A nil e gives the zero SendPort, which is closed.
func NewSendPort[T any, E interface {
	comparable
	Endpoint[T]
}](e E) SendPort[T] {
	var zero E
	if e == zero {
		return SendPort[T]{}
	}
	return SendPort[T]{e: e}
}

// Endpoint returns the endpoint of a SendPort made by NewSendPort, and nil
// for a local port or the zero SendPort.
func (s SendPort[T]) Endpoint() Endpoint[T] {
	return s.e
}

// sendElsewhere is Send and Transfer on a SendPort with no local port.
func (s SendPort[T]) sendElsewhere(msg T) error {
	if s.e == nil {
		return ErrClosed
	}
	return s.e.Send(msg)
}

// done returns a channel closed when the local port closes; nil for a
// SendPort with no local port.
func (s SendPort[T]) done() <-chan struct{} {
	p := s.p
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return closedChan
	}
	return p.ensureClosedChLocked()
}
