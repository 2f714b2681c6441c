package remote_test

// This file holds the wire codecs of the test types exactly as isolategen
// emits them (see wire.md): it is the reference the generator is checked
// against. Only the comments marked "test:" are not generated.

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unsafe"

	"github.com/go-isolate/isolate/runtime"
	"github.com/tinylib/msgp/msgp"
)

// --- test: the types ---------------------------------------------------

// Job is a message with a field of every kind.
//
//isolate:message
type Job struct {
	ID    string
	Items []Item
	Attrs map[string]string
	At    time.Time
	Wait  time.Duration
	Err   error
	Reply runtime.SendPort[Ack]
	Data  []byte
	Score float64
	Ship  *Address
	Dims  [2]int32
}

// Item is a line of a Job.
//
//isolate:message
type Item struct {
	SKU  string
	Qty  int
	Tags []string
}

// Address is sendable: it gets a codec because a message holds it.
type Address struct {
	City string
}

// Ack answers a Job.
type Ack struct {
	ID string
	N  int
}

// Graph can reach itself: its codec keeps sharing and cycles.
//
//isolate:message
type Graph struct {
	Name  string
	Next  *Graph
	Peers []*Graph
}

// UserV1 and UserV2 are two versions of one message: V2 dropped Age (its
// number 2 stays retired) and added Email as number 3.
type UserV1 struct {
	Name string `isolate:"1"`
	Age  int    `isolate:"2"`
}

type UserV2 struct {
	Name  string `isolate:"1"`
	Email string `isolate:"3"`
}

// --- generated: message codecs -----------------------------------------

// AppendIsolateWire appends the wire encoding of *in to b.
func (in *Job) AppendIsolateWire(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 11)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, in.ID)
	b = msgp.AppendUint(b, 2)
	if in.Items == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendArrayHeader(b, uint32(len(in.Items)))
		for i := range in.Items {
			b = in.Items[i].AppendIsolateWire(b, e)
		}
	}
	b = msgp.AppendUint(b, 3)
	if in.Attrs == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendMapHeader(b, uint32(len(in.Attrs)))
		for k, v := range in.Attrs {
			b = msgp.AppendString(b, k)
			b = msgp.AppendString(b, v)
		}
	}
	b = msgp.AppendUint(b, 4)
	b = runtime.AppendWireTime(b, in.At)
	b = msgp.AppendUint(b, 5)
	b = msgp.AppendInt64(b, int64(in.Wait))
	b = msgp.AppendUint(b, 6)
	b = runtime.AppendWireError(b, in.Err)
	b = msgp.AppendUint(b, 7)
	b = runtime.AppendWirePort(b, e, in.Reply)
	b = msgp.AppendUint(b, 8)
	if in.Data == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendBytes(b, in.Data)
	}
	b = msgp.AppendUint(b, 9)
	b = msgp.AppendFloat64(b, in.Score)
	b = msgp.AppendUint(b, 10)
	if in.Ship == nil {
		b = msgp.AppendNil(b)
	} else {
		b = in.Ship.AppendIsolateWire(b, e)
	}
	b = msgp.AppendUint(b, 11)
	b = msgp.AppendArrayHeader(b, 2)
	for i := range in.Dims {
		b = msgp.AppendInt32(b, in.Dims[i])
	}
	return b
}

// DecodeIsolateWire decodes one Job from the front of b into *out, which
// is zero, and returns the rest of b.
func (out *Job) DecodeIsolateWire(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Job", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Job", err)
		}
		switch k {
		case 1:
			out.ID, b, err = msgp.ReadStringBytes(b)
		case 2:
			if msgp.IsNil(b) {
				b, out.Items = b[1:], nil
				break
			}
			var l int
			if l, b, err = runtime.ReadWireArrayHeader(b); err != nil {
				break
			}
			out.Items = make([]Item, l)
			for i := range out.Items {
				if b, err = out.Items[i].DecodeIsolateWire(b, d); err != nil {
					break
				}
			}
		case 3:
			if msgp.IsNil(b) {
				b, out.Attrs = b[1:], nil
				break
			}
			var l int
			if l, b, err = runtime.ReadWireMapHeader(b); err != nil {
				break
			}
			out.Attrs = make(map[string]string, l)
			for range l {
				var k string
				var v string
				if k, b, err = msgp.ReadStringBytes(b); err != nil {
					break
				}
				if v, b, err = msgp.ReadStringBytes(b); err != nil {
					break
				}
				out.Attrs[k] = v
			}
		case 4:
			out.At, b, err = runtime.ReadWireTime(b)
		case 5:
			var v int64
			v, b, err = msgp.ReadInt64Bytes(b)
			out.Wait = time.Duration(v)
		case 6:
			out.Err, b, err = runtime.ReadWireError(b)
		case 7:
			out.Reply, b, err = runtime.ReadWirePort[Ack](b, d)
		case 8:
			if msgp.IsNil(b) {
				b, out.Data = b[1:], nil
				break
			}
			out.Data, b, err = msgp.ReadBytesBytes(b, nil)
		case 9:
			out.Score, b, err = msgp.ReadFloat64Bytes(b)
		case 10:
			if msgp.IsNil(b) {
				b, out.Ship = b[1:], nil
				break
			}
			out.Ship = new(Address)
			b, err = out.Ship.DecodeIsolateWire(b, d)
		case 11:
			var l int
			if l, b, err = runtime.ReadWireArrayHeader(b); err != nil {
				break
			}
			for i := range l {
				var v int32
				if v, b, err = msgp.ReadInt32Bytes(b); err != nil {
					break
				}
				if i < len(out.Dims) {
					out.Dims[i] = v
				}
			}
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Job field %d", k), err)
		}
	}
	return b, nil
}

// AppendIsolateWire appends the wire encoding of *in to b.
func (in *Item) AppendIsolateWire(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 3)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, in.SKU)
	b = msgp.AppendUint(b, 2)
	b = msgp.AppendInt(b, in.Qty)
	b = msgp.AppendUint(b, 3)
	if in.Tags == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendArrayHeader(b, uint32(len(in.Tags)))
		for i := range in.Tags {
			b = msgp.AppendString(b, in.Tags[i])
		}
	}
	return b
}

// DecodeIsolateWire decodes one Item from the front of b into *out, which
// is zero, and returns the rest of b.
func (out *Item) DecodeIsolateWire(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Item", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Item", err)
		}
		switch k {
		case 1:
			out.SKU, b, err = msgp.ReadStringBytes(b)
		case 2:
			out.Qty, b, err = msgp.ReadIntBytes(b)
		case 3:
			if msgp.IsNil(b) {
				b, out.Tags = b[1:], nil
				break
			}
			var l int
			if l, b, err = runtime.ReadWireArrayHeader(b); err != nil {
				break
			}
			out.Tags = make([]string, l)
			for i := range out.Tags {
				if out.Tags[i], b, err = msgp.ReadStringBytes(b); err != nil {
					break
				}
			}
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Item field %d", k), err)
		}
	}
	return b, nil
}

// AppendIsolateWire appends the wire encoding of *in to b.
func (in *Address) AppendIsolateWire(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 1)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, in.City)
	return b
}

// DecodeIsolateWire decodes one Address from the front of b into *out,
// which is zero, and returns the rest of b.
func (out *Address) DecodeIsolateWire(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Address", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Address", err)
		}
		switch k {
		case 1:
			out.City, b, err = msgp.ReadStringBytes(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Address field %d", k), err)
		}
	}
	return b, nil
}

// AppendIsolateWire appends the wire encoding of *in to b.
func (in *Ack) AppendIsolateWire(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 2)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, in.ID)
	b = msgp.AppendUint(b, 2)
	b = msgp.AppendInt(b, in.N)
	return b
}

// DecodeIsolateWire decodes one Ack from the front of b into *out, which
// is zero, and returns the rest of b.
func (out *Ack) DecodeIsolateWire(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Ack", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Ack", err)
		}
		switch k {
		case 1:
			out.ID, b, err = msgp.ReadStringBytes(b)
		case 2:
			out.N, b, err = msgp.ReadIntBytes(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Ack field %d", k), err)
		}
	}
	return b, nil
}

// AppendIsolateWire appends the wire encoding of *in to b. Graph can
// reach itself: pointers and slices are tracked, so sharing and cycles
// survive.
func (in *Graph) AppendIsolateWire(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 3)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, in.Name)
	b = msgp.AppendUint(b, 2)
	b = runtime.AppendWirePtr(b, e, in.Next)
	b = msgp.AppendUint(b, 3)
	b = isolategenWireAppendSlicePtrGraph(b, e, in.Peers)
	return b
}

func isolategenWireAppendSlicePtrGraph(b []byte, e *runtime.WireEncoder, in []*Graph) []byte {
	if in == nil {
		return msgp.AppendNil(b)
	}
	if len(in) > 0 {
		if id, seen := e.Ref((*[0]*Graph)(unsafe.Pointer(&in[0])), len(in)); seen {
			return runtime.AppendWireRef(b, id)
		}
	}
	b = msgp.AppendArrayHeader(b, uint32(len(in)))
	for i := range in {
		b = runtime.AppendWirePtr(b, e, in[i])
	}
	return b
}

// DecodeIsolateWire decodes one Graph from the front of b into *out, which
// is zero, and returns the rest of b.
func (out *Graph) DecodeIsolateWire(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Graph", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Graph", err)
		}
		switch k {
		case 1:
			out.Name, b, err = msgp.ReadStringBytes(b)
		case 2:
			out.Next, b, err = runtime.DecodeWirePtr[Graph](b, d)
		case 3:
			out.Peers, b, err = isolategenWireDecodeSlicePtrGraph(b, d)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Graph field %d", k), err)
		}
	}
	return b, nil
}

func isolategenWireDecodeSlicePtrGraph(b []byte, d *runtime.WireDecoder) ([]*Graph, []byte, error) {
	if msgp.IsNil(b) {
		return nil, b[1:], nil
	}
	if obj, rest, ok, err := d.Ref(b); ok || err != nil {
		if err != nil {
			return nil, b, err
		}
		s, ok := obj.([]*Graph)
		if !ok {
			return nil, b, fmt.Errorf("%w: reference to a %T where a []*Graph belongs", runtime.ErrWire, obj)
		}
		return s, rest, nil
	}
	l, b, err := runtime.ReadWireArrayHeader(b)
	if err != nil {
		return nil, b, err
	}
	out := make([]*Graph, l)
	if l > 0 {
		d.Add(out)
	}
	if err := d.Enter(); err != nil {
		return nil, b, err
	}
	defer d.Leave()
	for i := range out {
		if out[i], b, err = runtime.DecodeWirePtr[Graph](b, d); err != nil {
			return nil, b, err
		}
	}
	return out, b, nil
}

// AppendIsolateWire appends the wire encoding of *in to b.
func (in *UserV1) AppendIsolateWire(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 2)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, in.Name)
	b = msgp.AppendUint(b, 2)
	b = msgp.AppendInt(b, in.Age)
	return b
}

// DecodeIsolateWire decodes one UserV1 from the front of b into *out,
// which is zero, and returns the rest of b.
func (out *UserV1) DecodeIsolateWire(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("UserV1", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("UserV1", err)
		}
		switch k {
		case 1:
			out.Name, b, err = msgp.ReadStringBytes(b)
		case 2:
			out.Age, b, err = msgp.ReadIntBytes(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("UserV1 field %d", k), err)
		}
	}
	return b, nil
}

// AppendIsolateWire appends the wire encoding of *in to b.
func (in *UserV2) AppendIsolateWire(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 2)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, in.Name)
	b = msgp.AppendUint(b, 3)
	b = msgp.AppendString(b, in.Email)
	return b
}

// DecodeIsolateWire decodes one UserV2 from the front of b into *out,
// which is zero, and returns the rest of b.
func (out *UserV2) DecodeIsolateWire(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("UserV2", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("UserV2", err)
		}
		switch k {
		case 1:
			out.Name, b, err = msgp.ReadStringBytes(b)
		case 3:
			out.Email, b, err = msgp.ReadStringBytes(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("UserV2 field %d", k), err)
		}
	}
	return b, nil
}

// --- test: a port interface ---------------------------------------------

// Counter is served by an isolate.
//
//isolate:port
type Counter interface {
	Add(ctx context.Context, n int64) (int64, error)
	Boom(ctx context.Context) error
	Note(s string)
	Notes(ctx context.Context) ([]string, error)
}

// --- generated: the port, its local calls (as today) and its wire calls --

// CounterPort is a port to an isolate that serves Counter.
type CounterPort struct {
	isolategenCalls  runtime.SendPort[isolategenCounterCall]
	isolategenServer *runtime.Isolate
	isolategenWire   runtime.WireCaller // non-nil: calls go to a remote service
}

var _ Counter = CounterPort{}

// SpawnCounter starts an isolate that serves Counter.
func SpawnCounter(ctx context.Context, newImpl func() Counter, opts ...runtime.Option) (CounterPort, *runtime.Isolate, error) {
	calls, iso, err := runtime.SpawnPort(ctx, func(ctx context.Context, calls *runtime.ReceivePort[isolategenCounterCall]) {
		impl := newImpl()
		for {
			c, err := calls.Receive(ctx)
			if err != nil || c.isolategenServe(ctx, impl) {
				return
			}
		}
	}, opts...)
	if err != nil {
		return CounterPort{}, nil, err
	}
	return CounterPort{isolategenCalls: calls, isolategenServer: iso}, iso, nil
}

// BindIsolateWire returns a CounterPort whose calls go through c: the
// remote package's LookupService uses it.
func (CounterPort) BindIsolateWire(c runtime.WireCaller) CounterPort {
	return CounterPort{isolategenWire: c}
}

// ServeIsolateWire serves one remote call of method as a local call of p.
func (p CounterPort) ServeIsolateWire(ctx context.Context, method string, args []byte, d *runtime.WireDecoder, out []byte, e *runtime.WireEncoder) ([]byte, error) {
	switch method {
	case "Add":
		var c isolategenCounter_Add
		if err := isolategenWireArgs(&c, args, d); err != nil {
			return nil, err
		}
		c.r0, c.err = p.Add(ctx, c.a0)
		return c.AppendIsolateWireResults(out, e), nil
	case "Boom":
		var c isolategenCounter_Boom
		if err := isolategenWireArgs(&c, args, d); err != nil {
			return nil, err
		}
		c.err = p.Boom(ctx)
		return c.AppendIsolateWireResults(out, e), nil
	case "Note":
		var c isolategenCounter_Note
		if err := isolategenWireArgs(&c, args, d); err != nil {
			return nil, err
		}
		p.Note(c.a0)
		return c.AppendIsolateWireResults(out, e), nil
	case "Notes":
		var c isolategenCounter_Notes
		if err := isolategenWireArgs(&c, args, d); err != nil {
			return nil, err
		}
		c.r0, c.err = p.Notes(ctx)
		return c.AppendIsolateWireResults(out, e), nil
	}
	return nil, fmt.Errorf("isolate: CounterPort has no method %q", method)
}

func isolategenWireArgs(c interface {
	DecodeIsolateWireArgs(b []byte, d *runtime.WireDecoder) ([]byte, error)
}, args []byte, d *runtime.WireDecoder) error {
	rest, err := c.DecodeIsolateWireArgs(args, d)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%w: %d bytes after the arguments", runtime.ErrWire, len(rest))
	}
	return err
}

type isolategenCounterCall interface {
	isolategenServe(ctx context.Context, impl Counter) (fatal bool)
}

// isolategenCounter_Add carries a call of Counter.Add.
type isolategenCounter_Add struct {
	ctx   context.Context
	a0    int64
	r0    int64
	err   error
	reply runtime.Reply
}

var isolategenCounter_AddPool = sync.Pool{New: func() any {
	return &isolategenCounter_Add{reply: runtime.NewReply()}
}}

// Add calls Counter.Add in the isolate and returns its results.
func (p CounterPort) Add(ctx context.Context, a0 int64) (r0 int64, err error) {
	if p.isolategenWire != nil {
		c := isolategenCounter_Add{a0: a0}
		if err = p.isolategenWire.CallWire(ctx, "Add", &c); err != nil {
			return
		}
		return c.r0, c.err
	}
	if err = ctx.Err(); err != nil {
		return
	}
	c := isolategenCounter_AddPool.Get().(*isolategenCounter_Add)
	c.ctx = ctx
	c.a0 = a0
	if err = p.isolategenCalls.Transfer(c); err != nil {
		*c = isolategenCounter_Add{reply: c.reply}
		isolategenCounter_AddPool.Put(c)
		return
	}
	if err = c.reply.Wait(ctx, p.isolategenServer); err != nil {
		return
	}
	r0, err = c.r0, c.err
	*c = isolategenCounter_Add{reply: c.reply}
	isolategenCounter_AddPool.Put(c)
	return
}

func (c *isolategenCounter_Add) isolategenServe(ctx context.Context, impl Counter) bool {
	if c.ctx.Err() != nil {
		return false
	}
	rerr, fatal := runtime.Guard(ctx, func() {
		c.r0, c.err = impl.Add(ctx, c.a0)
	})
	if rerr != nil {
		c.err = rerr
	}
	c.reply.Done()
	return fatal
}

func (c *isolategenCounter_Add) AppendIsolateWireArgs(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 1)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendInt64(b, c.a0)
	return b
}

func (c *isolategenCounter_Add) DecodeIsolateWireArgs(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Counter.Add", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Counter.Add", err)
		}
		switch k {
		case 1:
			c.a0, b, err = msgp.ReadInt64Bytes(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Counter.Add argument %d", k), err)
		}
	}
	return b, nil
}

func (c *isolategenCounter_Add) AppendIsolateWireResults(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 2)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendInt64(b, c.r0)
	b = msgp.AppendUint(b, 2)
	b = runtime.AppendWireError(b, c.err)
	return b
}

func (c *isolategenCounter_Add) DecodeIsolateWireResults(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Counter.Add", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Counter.Add", err)
		}
		switch k {
		case 1:
			c.r0, b, err = msgp.ReadInt64Bytes(b)
		case 2:
			c.err, b, err = runtime.ReadWireError(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Counter.Add result %d", k), err)
		}
	}
	return b, nil
}

// isolategenCounter_Boom carries a call of Counter.Boom.
type isolategenCounter_Boom struct {
	ctx   context.Context
	err   error
	reply runtime.Reply
}

// Boom calls Counter.Boom in the isolate and returns its results.
func (p CounterPort) Boom(ctx context.Context) (err error) {
	if p.isolategenWire != nil {
		var c isolategenCounter_Boom
		if err = p.isolategenWire.CallWire(ctx, "Boom", &c); err != nil {
			return
		}
		return c.err
	}
	if err = ctx.Err(); err != nil {
		return
	}
	c := &isolategenCounter_Boom{ctx: ctx, reply: runtime.NewReply()}
	if err = p.isolategenCalls.Transfer(c); err != nil {
		return
	}
	if err = c.reply.Wait(ctx, p.isolategenServer); err != nil {
		return
	}
	return c.err
}

func (c *isolategenCounter_Boom) isolategenServe(ctx context.Context, impl Counter) bool {
	if c.ctx.Err() != nil {
		return false
	}
	rerr, fatal := runtime.Guard(ctx, func() {
		c.err = impl.Boom(ctx)
	})
	if rerr != nil {
		c.err = rerr
	}
	c.reply.Done()
	return fatal
}

func (c *isolategenCounter_Boom) AppendIsolateWireArgs(b []byte, e *runtime.WireEncoder) []byte {
	return msgp.AppendMapHeader(b, 0)
}

func (c *isolategenCounter_Boom) DecodeIsolateWireArgs(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Counter.Boom", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Counter.Boom", err)
		}
		if b, err = runtime.SkipWire(b); err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Counter.Boom argument %d", k), err)
		}
	}
	return b, nil
}

func (c *isolategenCounter_Boom) AppendIsolateWireResults(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 1)
	b = msgp.AppendUint(b, 1)
	b = runtime.AppendWireError(b, c.err)
	return b
}

func (c *isolategenCounter_Boom) DecodeIsolateWireResults(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Counter.Boom", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Counter.Boom", err)
		}
		switch k {
		case 1:
			c.err, b, err = runtime.ReadWireError(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Counter.Boom result %d", k), err)
		}
	}
	return b, nil
}

// isolategenCounter_Note carries a call of Counter.Note.
type isolategenCounter_Note struct {
	a0 string
}

// Note sends the call to the isolate and returns without waiting for it.
func (p CounterPort) Note(a0 string) {
	if p.isolategenWire != nil {
		_ = p.isolategenWire.CastWire("Note", &isolategenCounter_Note{a0: a0})
		return
	}
	_ = p.isolategenCalls.Transfer(&isolategenCounter_Note{a0: a0})
}

func (c *isolategenCounter_Note) isolategenServe(ctx context.Context, impl Counter) bool {
	_, fatal := runtime.Guard(ctx, func() {
		impl.Note(c.a0)
	})
	return fatal
}

func (c *isolategenCounter_Note) AppendIsolateWireArgs(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 1)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, c.a0)
	return b
}

func (c *isolategenCounter_Note) DecodeIsolateWireArgs(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Counter.Note", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Counter.Note", err)
		}
		switch k {
		case 1:
			c.a0, b, err = msgp.ReadStringBytes(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Counter.Note argument %d", k), err)
		}
	}
	return b, nil
}

func (c *isolategenCounter_Note) AppendIsolateWireResults(b []byte, e *runtime.WireEncoder) []byte {
	return msgp.AppendMapHeader(b, 0)
}

func (c *isolategenCounter_Note) DecodeIsolateWireResults(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	return runtime.SkipWire(b)
}

// isolategenCounter_Notes carries a call of Counter.Notes.
type isolategenCounter_Notes struct {
	ctx   context.Context
	r0    []string
	err   error
	reply runtime.Reply
}

// Notes calls Counter.Notes in the isolate and returns its results.
func (p CounterPort) Notes(ctx context.Context) (r0 []string, err error) {
	if p.isolategenWire != nil {
		var c isolategenCounter_Notes
		if err = p.isolategenWire.CallWire(ctx, "Notes", &c); err != nil {
			return
		}
		return c.r0, c.err
	}
	if err = ctx.Err(); err != nil {
		return
	}
	c := &isolategenCounter_Notes{ctx: ctx, reply: runtime.NewReply()}
	if err = p.isolategenCalls.Transfer(c); err != nil {
		return
	}
	if err = c.reply.Wait(ctx, p.isolategenServer); err != nil {
		return
	}
	return c.r0, c.err
}

func (c *isolategenCounter_Notes) isolategenServe(ctx context.Context, impl Counter) bool {
	if c.ctx.Err() != nil {
		return false
	}
	rerr, fatal := runtime.Guard(ctx, func() {
		r0, err := impl.Notes(ctx)
		c.r0, c.err = append([]string(nil), r0...), err
	})
	if rerr != nil {
		c.err = rerr
	}
	c.reply.Done()
	return fatal
}

func (c *isolategenCounter_Notes) AppendIsolateWireArgs(b []byte, e *runtime.WireEncoder) []byte {
	return msgp.AppendMapHeader(b, 0)
}

func (c *isolategenCounter_Notes) DecodeIsolateWireArgs(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Counter.Notes", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Counter.Notes", err)
		}
		if b, err = runtime.SkipWire(b); err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Counter.Notes argument %d", k), err)
		}
	}
	return b, nil
}

func (c *isolategenCounter_Notes) AppendIsolateWireResults(b []byte, e *runtime.WireEncoder) []byte {
	b = msgp.AppendMapHeader(b, 2)
	b = msgp.AppendUint(b, 1)
	if c.r0 == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendArrayHeader(b, uint32(len(c.r0)))
		for i := range c.r0 {
			b = msgp.AppendString(b, c.r0[i])
		}
	}
	b = msgp.AppendUint(b, 2)
	b = runtime.AppendWireError(b, c.err)
	return b
}

func (c *isolategenCounter_Notes) DecodeIsolateWireResults(b []byte, d *runtime.WireDecoder) ([]byte, error) {
	n, b, err := runtime.ReadWireMapHeader(b)
	if err != nil {
		return b, runtime.WireErr("Counter.Notes", err)
	}
	for range n {
		var k uint64
		if k, b, err = runtime.ReadWireKey(b); err != nil {
			return b, runtime.WireErr("Counter.Notes", err)
		}
		switch k {
		case 1:
			if msgp.IsNil(b) {
				b, c.r0 = b[1:], nil
				break
			}
			var l int
			if l, b, err = runtime.ReadWireArrayHeader(b); err != nil {
				break
			}
			c.r0 = make([]string, l)
			for i := range c.r0 {
				if c.r0[i], b, err = msgp.ReadStringBytes(b); err != nil {
					break
				}
			}
		case 2:
			c.err, b, err = runtime.ReadWireError(b)
		default:
			b, err = runtime.SkipWire(b)
		}
		if err != nil {
			return b, runtime.WireErr(fmt.Sprintf("Counter.Notes result %d", k), err)
		}
	}
	return b, nil
}
