package remote

import (
	"context"
	"fmt"
	"time"

	"github.com/go-isolate/isolate/runtime"
	"github.com/nats-io/nats.go"
	"github.com/tinylib/msgp/msgp"
)

// Binder is what a generated //isolate:port type IPort provides for
// LookupService: BindIsolateWire returns an IPort whose calls go through c
// (the receiver is not used).
type Binder[P any] interface {
	BindIsolateWire(c runtime.WireCaller) P
}

// ExportService serves the calls of the generated port s (an IPort) to the
// nodes that LookupService name. Calls are served one at a time, in the
// order they arrive, each as a local call of s: in its isolate. A call's
// context carries the caller's deadline and ends when the node closes.
// unexport ends the export; calls made afterwards return
// runtime.ErrClosed.
func ExportService(n *Node, name string, s runtime.WireService) (unexport func() error, err error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	enc := runtime.NewWireEncoder(n.net)
	dec := runtime.NewWireDecoder(n.net)
	var out []byte
	sub, err := n.nc.Subscribe(servicePrefix+name, func(m *nats.Msg) {
		// Calls of one subscription are delivered one at a time: enc, dec
		// and out are this callback's alone.
		enc.Reset()
		dec.Reset()
		out = serveCall(n.ctx, s, m.Data, dec, out[:0], enc)
		if m.Reply != "" {
			if err := m.Respond(out); err != nil {
				n.report(fmt.Errorf("remote: service %q: reply: %w", name, err))
			}
		}
		if cap(out) > 64<<10 {
			out = nil // do not keep a large reply's buffer for good
		}
	})
	return n.exported(sub, err)
}

// serveCall decodes a call (method, timeout in nanoseconds, arguments),
// serves it and returns the reply: the call's error (nil when the method
// ran), then its results.
func serveCall(parent context.Context, s runtime.WireService, data []byte, dec *runtime.WireDecoder, out []byte, enc *runtime.WireEncoder) []byte {
	method, rest, err := msgp.ReadStringBytes(data)
	if err != nil {
		return runtime.AppendWireError(out, runtime.WireErr("call", err))
	}
	timeout, rest, err := msgp.ReadInt64Bytes(rest)
	if err != nil {
		return runtime.AppendWireError(out, runtime.WireErr("call", err))
	}
	ctx := parent
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(parent, time.Duration(timeout))
		defer cancel()
	}
	out = msgp.AppendNil(out)
	res, err := s.ServeIsolateWire(ctx, method, rest, dec, out, enc)
	if err == nil {
		err = enc.Err()
	}
	if err != nil {
		return runtime.AppendWireError(out[:0], err)
	}
	return res
}

// LookupService returns the generated port P (an IPort) bound to the
// service exported under name: each method call is a NATS request. A call
// returns runtime.ErrClosed at once when no node serves name, ctx.Err()
// when its ctx ends first, a *runtime.RemoteError when the implementation
// panicked, and otherwise the method's own results. A method without
// results is sent at most once and does not wait. Two LookupServices of a
// name on one node compare equal.
func LookupService[P Binder[P]](n *Node, name string) P {
	var zero P
	if checkName(name) != nil {
		return zero
	}
	return zero.BindIsolateWire(caller{n, servicePrefix + name})
}

// caller is a service as its callers see it; comparable, so that bound
// ports compare equal.
type caller struct {
	n    *Node
	subj string
}

func (c caller) request(ctx context.Context, method string, call runtime.WireCall) ([]byte, error) {
	b := msgp.AppendString(nil, method)
	var timeout int64
	if d, ok := ctx.Deadline(); ok {
		timeout = max(int64(time.Until(d)), 1)
	}
	b = msgp.AppendInt64(b, timeout)
	enc := runtime.NewWireEncoder(c.n.net)
	b = call.AppendIsolateWireArgs(b, enc)
	return b, enc.Err()
}

func (c caller) CallWire(ctx context.Context, method string, call runtime.WireCall) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := c.request(ctx, method, call)
	if err != nil {
		return err
	}
	m, err := c.n.nc.RequestWithContext(ctx, c.subj, b)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return sendErr(err)
	}
	callErr, rest, err := runtime.ReadWireError(m.Data)
	if err != nil {
		return err
	}
	if callErr != nil {
		return callErr
	}
	rest, err = call.DecodeIsolateWireResults(rest, runtime.NewWireDecoder(c.n.net))
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%w: %d bytes after the results of %s", runtime.ErrWire, len(rest), method)
	}
	return err
}

func (c caller) CastWire(method string, call runtime.WireCall) error {
	b, err := c.request(context.Background(), method, call)
	if err != nil {
		return err
	}
	return sendErr(c.n.nc.Publish(c.subj, b))
}
