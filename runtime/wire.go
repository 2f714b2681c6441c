package runtime

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// This file is the runtime side of the wire codec: the state that
// generated AppendIsolateWire and DecodeIsolateWire methods share (the
// identity tables that keep sharing and cycles, the network that ports in a
// message are exported to), and the encodings of the runtime's and the
// standard library's sendable types. The format is MessagePack, written
// and read by generated code with github.com/tinylib/msgp/msgp, and by the
// runtime with the few primitives of msgpack.go; package remote documents
// it whole (remote/wire.md).

// WireNetwork is where the ports inside messages live while they cross the
// wire: a WireEncoder exports each local SendPort it meets to it, and a
// WireDecoder turns each port address it reads into a SendPort that
// publishes to it. Package remote implements it.
type WireNetwork interface {
	// ExportWirePort makes a local port reachable and returns its address:
	// each payload that arrives there is passed to deliver, whose error
	// (ErrClosed once the port has closed) the network may act on. The
	// same key (one port) gets the same address while it stays exported;
	// the export ends when done is closed (the port closed).
	ExportWirePort(key any, deliver func(payload []byte) error, done <-chan struct{}) (addr string, err error)
	// PublishWire sends payload to the port at addr.
	PublishWire(addr string, payload []byte) error
}

// WireMessage is what a message type's generated wire codec provides, on
// the pointer type: AppendIsolateWire appends the encoding of *in to b;
// DecodeIsolateWire decodes one value from the front of b into *out, which
// is the zero value, and returns the rest of b.
type WireMessage interface {
	AppendIsolateWire(b []byte, e *WireEncoder) []byte
	DecodeIsolateWire(b []byte, d *WireDecoder) ([]byte, error)
}

// ErrWire wraps every error about bytes that are not a valid encoding.
var ErrWire = errors.New("isolate: malformed wire data")

// wireMaxDepth bounds how deeply values may nest on the wire, so that bad
// bytes cannot make a decoder recurse past a small stack.
const wireMaxDepth = 2000

// wireRefExt is the MessagePack extension type of a back-reference to an
// object already encoded in the same message: fixext 4, its id big-endian.
const wireRefExt = 'I'

// WireEncoder is the state of one message being encoded: the objects met so
// far (for sharing and cycles), the network ports are exported to, and the
// first error. Generated code never returns errors while appending: it
// calls Fail, and the caller of the top-level append checks Err.
type WireEncoder struct {
	net  WireNetwork
	refs map[any]wireRef
	next uint32
	err  error
}

type wireRef struct {
	id uint32
	n  int
}

// NewWireEncoder returns an encoder whose ports are exported to net (nil:
// a message holding a local port fails to encode).
func NewWireEncoder(net WireNetwork) *WireEncoder {
	return &WireEncoder{net: net}
}

// Reset makes e ready for the next message.
func (e *WireEncoder) Reset() {
	clear(e.refs)
	e.next, e.err = 0, nil
}

// Err returns the first error met while encoding, or nil.
func (e *WireEncoder) Err() error { return e.err }

// Fail records err as the encoding's error, unless one is recorded.
func (e *WireEncoder) Fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Ref gives the object identified by key (a non-nil typed pointer; for a
// slice, a pointer to its first element of type *[0]E with n its length;
// for a map, the map's runtime pointer) its id in this message. seen
// reports that it was met before: append AppendWireRef(b, id) instead of
// the object. Otherwise the object is new and must be appended now, whole.
func (e *WireEncoder) Ref(key any, n int) (id uint32, seen bool) {
	if r, ok := e.refs[key]; ok && r.n == n {
		return r.id, true
	}
	if e.refs == nil {
		e.refs = make(map[any]wireRef)
	}
	e.next++
	e.refs[key] = wireRef{e.next, n}
	return e.next, false
}

// AppendWireRef appends a back-reference to the object with the given id.
func AppendWireRef(b []byte, id uint32) []byte {
	b = append(b, 0xd6, wireRefExt, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[len(b)-4:], id)
	return b
}

// WireDecoder is the state of one message being decoded: the objects
// decoded so far, by id, and the nesting depth.
type WireDecoder struct {
	net   WireNetwork
	objs  []any
	depth int
}

// NewWireDecoder returns a decoder whose ports publish to net (nil: a
// message holding a port fails to decode).
func NewWireDecoder(net WireNetwork) *WireDecoder {
	return &WireDecoder{net: net}
}

// Reset makes d ready for the next message.
func (d *WireDecoder) Reset() {
	clear(d.objs)
	d.objs, d.depth = d.objs[:0], 0
}

// Add registers the next object of the message, in the order the encoder
// gave ids (Ref): call it as soon as the object exists, before decoding
// what it holds, so that references to it from inside resolve.
func (d *WireDecoder) Add(obj any) {
	d.objs = append(d.objs, obj)
}

// Ref reads a back-reference at the front of b: ok is false when b does not
// start with one; otherwise obj is the object, rest what follows, and err
// reports an id not yet decoded.
func (d *WireDecoder) Ref(b []byte) (obj any, rest []byte, ok bool, err error) {
	if len(b) < 6 || b[0] != 0xd6 || b[1] != wireRefExt {
		return nil, b, false, nil
	}
	id := binary.BigEndian.Uint32(b[2:6])
	if id == 0 || uint64(id) > uint64(len(d.objs)) {
		return nil, b, true, fmt.Errorf("%w: reference to object %d of %d", ErrWire, id, len(d.objs))
	}
	return d.objs[id-1], b[6:], true, nil
}

// Enter counts one level of nesting; decoders of types that can reach
// themselves call it before decoding a nested value, and Leave after.
func (d *WireDecoder) Enter() error {
	if d.depth >= wireMaxDepth {
		return fmt.Errorf("%w: nested deeper than %d", ErrWire, wireMaxDepth)
	}
	d.depth++
	return nil
}

// Leave undoes Enter.
func (d *WireDecoder) Leave() { d.depth-- }

// WireErr wraps err (from msgp or a decoder) as a wire error that names
// what was being decoded.
func WireErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrWire) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrWire, what, err)
}

// ReadWireArrayHeader reads an array header and checks that the elements
// it announces can be in the rest of b (each takes at least one byte), so
// that a slice made with that length is justified by the bytes.
func ReadWireArrayHeader(b []byte) (n int, rest []byte, err error) {
	sz, rest, err := mpReadArrayHeader(b)
	if err != nil {
		return 0, b, WireErr("array", err)
	}
	if uint64(sz) > uint64(len(rest)) {
		return 0, b, fmt.Errorf("%w: array of %d elements in %d bytes", ErrWire, sz, len(rest))
	}
	return int(sz), rest, nil
}

// ReadWireMapHeader is ReadWireArrayHeader for a map (two bytes at least
// per entry).
func ReadWireMapHeader(b []byte) (n int, rest []byte, err error) {
	sz, rest, err := mpReadMapHeader(b)
	if err != nil {
		return 0, b, WireErr("map", err)
	}
	if uint64(sz) > uint64(len(rest))/2 {
		return 0, b, fmt.Errorf("%w: map of %d entries in %d bytes", ErrWire, sz, len(rest))
	}
	return int(sz), rest, nil
}

// SkipWire skips one value (an unknown field's) at the front of b, without
// recursion, so that no nesting of bad bytes can exhaust the stack.
func SkipWire(b []byte) ([]byte, error) {
	for pending := uint64(1); pending > 0; pending-- {
		if len(b) == 0 {
			return nil, fmt.Errorf("%w: short value", ErrWire)
		}
		lead := b[0]
		var size, more uint64 // bytes of this value's head and body; values inside it
		switch {
		case lead <= 0x7f || lead >= 0xe0 || lead == 0xc0 || lead == 0xc2 || lead == 0xc3:
			size = 1
		case lead&0xf0 == 0x80: // fixmap
			size, more = 1, 2*uint64(lead&0x0f)
		case lead&0xf0 == 0x90: // fixarray
			size, more = 1, uint64(lead&0x0f)
		case lead&0xe0 == 0xa0: // fixstr
			size = 1 + uint64(lead&0x1f)
		default:
			var err error
			size, more, err = wireHeadSize(b)
			if err != nil {
				return nil, err
			}
		}
		if size > uint64(len(b)) {
			return nil, fmt.Errorf("%w: short value", ErrWire)
		}
		b = b[size:]
		if more > uint64(len(b)) {
			return nil, fmt.Errorf("%w: %d values in %d bytes", ErrWire, more, len(b))
		}
		pending += more
	}
	return b, nil
}

// wireHeadSize returns the size of a value with a multi-byte head, and the
// number of values it holds.
func wireHeadSize(b []byte) (size, more uint64, err error) {
	need := func(n int) bool { return len(b) >= 1+n }
	u8 := func() uint64 { return uint64(b[1]) }
	u16 := func() uint64 { return uint64(binary.BigEndian.Uint16(b[1:])) }
	u32 := func() uint64 { return uint64(binary.BigEndian.Uint32(b[1:])) }
	switch b[0] {
	case 0xcc, 0xd0: // uint8, int8
		return 2, 0, nil
	case 0xcd, 0xd1: // 16-bit
		return 3, 0, nil
	case 0xca, 0xce, 0xd2: // 32-bit
		return 5, 0, nil
	case 0xcb, 0xcf, 0xd3: // 64-bit
		return 9, 0, nil
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16
		return 2 + 1<<(b[0]-0xd4), 0, nil
	case 0xc4, 0xd9: // bin8, str8
		if need(1) {
			return 2 + u8(), 0, nil
		}
	case 0xc5, 0xda: // bin16, str16
		if need(2) {
			return 3 + u16(), 0, nil
		}
	case 0xc6, 0xdb: // bin32, str32
		if need(4) {
			return 5 + u32(), 0, nil
		}
	case 0xc7: // ext8
		if need(1) {
			return 3 + u8(), 0, nil
		}
	case 0xc8: // ext16
		if need(2) {
			return 4 + u16(), 0, nil
		}
	case 0xc9: // ext32
		if need(4) {
			return 6 + u32(), 0, nil
		}
	case 0xdc: // array16
		if need(2) {
			return 3, u16(), nil
		}
	case 0xdd: // array32
		if need(4) {
			return 5, u32(), nil
		}
	case 0xde: // map16
		if need(2) {
			return 3, 2 * u16(), nil
		}
	case 0xdf: // map32
		if need(4) {
			return 5, 2 * u32(), nil
		}
	default: // 0xc1, never used
		return 0, 0, fmt.Errorf("%w: byte 0x%x starts no value", ErrWire, b[0])
	}
	return 0, 0, fmt.Errorf("%w: short value", ErrWire)
}

// ReadWireKey reads a field number, the key of a message's map entry.
func ReadWireKey(b []byte) (uint64, []byte, error) {
	k, rest, err := mpReadUint(b)
	return k, rest, WireErr("field number", err)
}

// --- standard and runtime types ---------------------------------------

// AppendWireTime appends t: nil for the zero Time, else an array of the
// Unix seconds and nanoseconds, followed, unless t is in UTC, by its zone's
// offset in seconds east of UTC and its name. The monotonic reading is not
// sent.
func AppendWireTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return mpNil(b)
	}
	name, off := t.Zone()
	utc := t.Location() == time.UTC
	if utc {
		b = mpArrayHeader(b, 2)
	} else {
		b = mpArrayHeader(b, 4)
	}
	b = mpInt(b, t.Unix())
	b = mpInt(b, int64(t.Nanosecond()))
	if !utc {
		b = mpInt(b, int64(off))
		b = mpString(b, name)
	}
	return b
}

// ReadWireTime reads a Time appended by AppendWireTime; one with a zone
// arrives in a fixed zone of that name and offset.
func ReadWireTime(b []byte) (time.Time, []byte, error) {
	if mpIsNil(b) {
		return time.Time{}, b[1:], nil
	}
	n, b, err := ReadWireArrayHeader(b)
	if err != nil || (n != 2 && n != 4) {
		return time.Time{}, b, WireErr("time", cmpErr(err, "not a time"))
	}
	sec, b, err := mpReadInt(b)
	if err != nil {
		return time.Time{}, b, WireErr("time", err)
	}
	ns, b, err := mpReadInt(b)
	if err != nil || ns < 0 || ns >= 1e9 {
		return time.Time{}, b, WireErr("time", cmpErr(err, "nanoseconds out of range"))
	}
	t := time.Unix(sec, ns).UTC()
	if n == 4 {
		off64, rest, err := mpReadInt(b)
		off := int(off64)
		if err != nil || off < -24*3600 || off > 24*3600 {
			return time.Time{}, b, WireErr("time zone offset", cmpErr(err, "out of range"))
		}
		name, rest, err := mpReadString(rest)
		if err != nil {
			return time.Time{}, b, WireErr("time zone", err)
		}
		t, b = t.In(time.FixedZone(name, off)), rest
	}
	return t, b, nil
}

func cmpErr(err error, what string) error {
	if err != nil {
		return err
	}
	return errors.New(what)
}

// AppendWireLocation appends a *time.Location as its name (nil for nil).
func AppendWireLocation(b []byte, l *time.Location) []byte {
	if l == nil {
		return mpNil(b)
	}
	return mpString(b, l.String())
}

// ReadWireLocation reads a *time.Location by name: "UTC" and "Local" are
// this process's, other names are loaded from the time zone database, and
// a name it lacks is an error.
func ReadWireLocation(b []byte) (*time.Location, []byte, error) {
	if mpIsNil(b) {
		return nil, b[1:], nil
	}
	name, rest, err := mpReadString(b)
	if err != nil {
		return nil, b, WireErr("location", err)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, b, WireErr("location", err)
	}
	return l, rest, nil
}

// Kinds of errors on the wire: the runtime's and the context package's
// sentinels arrive as themselves, so errors.Is works across machines.
const (
	wireErrPlain = iota
	wireErrRemote
	wireErrClosed
	wireErrKilled
	wireErrCanceled
	wireErrDeadline
)

// AppendWireError appends err: nil for nil, else a map of 1: its kind (0 a
// plain error, 1 a *RemoteError, 2 ErrClosed, 3 ErrKilled, 4
// context.Canceled, 5 context.DeadlineExceeded, each matched with
// errors.Is or errors.As), 2: its message (err.Error()), and for a
// *RemoteError 3: Isolate, 4: Stack.
func AppendWireError(b []byte, err error) []byte {
	if err == nil {
		return mpNil(b)
	}
	kind := wireErrPlain
	var re *RemoteError
	switch {
	case errors.Is(err, ErrClosed):
		kind = wireErrClosed
	case errors.Is(err, ErrKilled):
		kind = wireErrKilled
	case errors.Is(err, context.Canceled):
		kind = wireErrCanceled
	case errors.Is(err, context.DeadlineExceeded):
		kind = wireErrDeadline
	case errors.As(err, &re):
		kind = wireErrRemote
	}
	if kind == wireErrRemote {
		b = mpMapHeader(b, 4)
	} else {
		b = mpMapHeader(b, 2)
	}
	b = mpUint(b, 1)
	b = mpUint(b, uint64(kind))
	b = mpUint(b, 2)
	if kind == wireErrRemote {
		b = mpString(b, re.Message)
		b = mpUint(b, 3)
		b = mpString(b, re.Isolate)
		b = mpUint(b, 4)
		return mpString(b, re.Stack)
	}
	return mpString(b, err.Error())
}

// ReadWireError reads an error appended by AppendWireError: a sentinel
// arrives as itself, a *RemoteError as a *RemoteError, any other error as
// an error with the same message.
func ReadWireError(b []byte) (error, []byte, error) {
	if mpIsNil(b) {
		return nil, b[1:], nil
	}
	n, b, err := ReadWireMapHeader(b)
	if err != nil {
		return nil, b, WireErr("error", err)
	}
	var kind uint64
	var re RemoteError
	for range n {
		var k uint64
		if k, b, err = ReadWireKey(b); err != nil {
			return nil, b, err
		}
		switch k {
		case 1:
			kind, b, err = mpReadUint(b)
		case 2:
			re.Message, b, err = mpReadString(b)
		case 3:
			re.Isolate, b, err = mpReadString(b)
		case 4:
			re.Stack, b, err = mpReadString(b)
		default:
			b, err = SkipWire(b)
		}
		if err != nil {
			return nil, b, WireErr("error", err)
		}
	}
	switch kind {
	case wireErrRemote:
		return &re, b, nil
	case wireErrClosed:
		return ErrClosed, b, nil
	case wireErrKilled:
		return ErrKilled, b, nil
	case wireErrCanceled:
		return context.Canceled, b, nil
	case wireErrDeadline:
		return context.DeadlineExceeded, b, nil
	}
	return errors.New(re.Message), b, nil
}

// AppendWireRemoteError appends a *RemoteError as AppendWireError does.
func AppendWireRemoteError(b []byte, re *RemoteError) []byte {
	if re == nil {
		return mpNil(b)
	}
	return AppendWireError(b, re)
}

// ReadWireRemoteError reads a *RemoteError; any other error is one too,
// with the message only.
func ReadWireRemoteError(b []byte) (*RemoteError, []byte, error) {
	err, rest, werr := ReadWireError(b)
	if werr != nil || err == nil {
		return nil, rest, werr
	}
	var re *RemoteError
	if errors.As(err, &re) {
		return re, rest, nil
	}
	return &RemoteError{Message: err.Error()}, rest, nil
}

// AppendWirePort appends p as its address on the encoder's network (nil
// for the zero SendPort): a local port is exported under a fresh address
// for as long as it stays open; a remote one keeps its address.
func AppendWirePort[T any](b []byte, e *WireEncoder, p SendPort[T]) []byte {
	if p.p == nil {
		if w, ok := p.e.(wireEndpoint[T]); ok {
			return mpString(b, w.addr)
		}
		if p.e != nil {
			e.Fail(fmt.Errorf("isolate: a SendPort[%T] to a %T cannot cross the wire", *new(T), p.e))
		}
		return mpNil(b)
	}
	if e.net == nil {
		e.Fail(errors.New("isolate: a message holding a local SendPort needs a network to cross the wire"))
		return mpNil(b)
	}
	net := e.net
	addr, err := net.ExportWirePort(p.p, func(payload []byte) error {
		v, err := UnmarshalWire[T](payload, NewWireDecoder(net))
		if err != nil {
			return err
		}
		return p.Transfer(v)
	}, p.done())
	if err != nil {
		e.Fail(err)
		return mpNil(b)
	}
	return mpString(b, addr)
}

// ReadWirePort reads a SendPort appended by AppendWirePort: a port that
// publishes to its address through the decoder's network.
func ReadWirePort[T any](b []byte, d *WireDecoder) (SendPort[T], []byte, error) {
	if mpIsNil(b) {
		return SendPort[T]{}, b[1:], nil
	}
	addr, rest, err := mpReadString(b)
	if err != nil {
		return SendPort[T]{}, b, WireErr("port", err)
	}
	if d.net == nil {
		return SendPort[T]{}, b, errors.New("isolate: a message holding a SendPort needs a network to cross the wire")
	}
	return WirePort[T](d.net, addr), rest, nil
}

// WirePort returns a SendPort that encodes each message and publishes it
// to addr on net. Ports for one address on one network compare equal.
func WirePort[T any](net WireNetwork, addr string) SendPort[T] {
	return SendPort[T]{e: wireEndpoint[T]{net, addr}}
}

// WireAddress returns the address of a SendPort made by WirePort (or
// decoded from the wire), and "" for any other.
func WireAddress[T any](p SendPort[T]) string {
	if w, ok := p.e.(wireEndpoint[T]); ok {
		return w.addr
	}
	return ""
}

// wireEndpoint is a remote port: a comparable value, so that SendPorts to
// one address on one network compare equal.
type wireEndpoint[T any] struct {
	net  WireNetwork
	addr string
}

func (w wireEndpoint[T]) Send(msg T) error {
	e := NewWireEncoder(w.net)
	b, err := MarshalWire(nil, e, msg)
	if err != nil {
		return err
	}
	return w.net.PublishWire(w.addr, b)
}

// MarshalWire appends the encoding of v to b. T is a message type with the
// generated codec (on *T, or T a pointer to one), or one of the types the
// runtime encodes itself: bool, the integer and float types, string,
// []byte, time.Time, time.Duration, error, *RemoteError and struct{}. (A
// SendPort inside a message is encoded by the message's codec, with
// AppendWirePort.)
func MarshalWire[T any](b []byte, e *WireEncoder, v T) ([]byte, error) {
	b = appendWireValue(b, e, v)
	return b, e.Err()
}

// UnmarshalWire decodes a value encoded by MarshalWire; bytes left after
// it are an error.
func UnmarshalWire[T any](b []byte, d *WireDecoder) (v T, err error) {
	rest, err := decodeWireValue(b, d, &v)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%w: %d bytes after the value", ErrWire, len(rest))
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// wirePtr is a pointer to a message type with the generated codec; the
// top-level *T of a message is an object of it (id 1).
type wirePtr[T any] interface {
	*T
	WireMessage
}

func appendWireValue[T any](b []byte, e *WireEncoder, v T) []byte {
	if m, ok := any(&v).(WireMessage); ok {
		return m.AppendIsolateWire(b, e)
	}
	switch x := any(v).(type) {
	case WireMessage: // a pointer to a message type: the message's object 1
		var zero T
		if any(v) == any(zero) {
			return mpNil(b)
		}
		e.Ref(x, 0)
		return x.AppendIsolateWire(b, e)
	case bool:
		return mpBool(b, x)
	case int:
		return mpInt(b, int64(x))
	case int8:
		return mpInt(b, int64(x))
	case int16:
		return mpInt(b, int64(x))
	case int32:
		return mpInt(b, int64(x))
	case int64:
		return mpInt(b, x)
	case uint:
		return mpUint(b, uint64(x))
	case uint8:
		return mpUint(b, uint64(x))
	case uint16:
		return mpUint(b, uint64(x))
	case uint32:
		return mpUint(b, uint64(x))
	case uint64:
		return mpUint(b, x)
	case uintptr:
		return mpUint(b, uint64(x))
	case float32:
		return mpFloat32(b, x)
	case float64:
		return mpFloat64(b, x)
	case string:
		return mpString(b, x)
	case []byte:
		if x == nil {
			return mpNil(b)
		}
		return mpBytes(b, x)
	case time.Time:
		return AppendWireTime(b, x)
	case time.Duration:
		return mpInt(b, int64(x))
	case *RemoteError:
		return AppendWireRemoteError(b, x)
	case error:
		return AppendWireError(b, x)
	case struct{}:
		return mpMapHeader(b, 0)
	}
	if any(v) == nil { // a nil error (T an interface type)
		return mpNil(b)
	}
	e.Fail(fmt.Errorf("isolate: %T has no wire codec: "+noWireCodec, v))
	return b
}

// noWireCodec says what to do about a type without a wire codec.
const noWireCodec = "annotate it //isolate:message and run isolategen; " +
	"if it is annotated, something in it cannot cross (isolate_gen.go says what): " +
	"annotate it //isolate:message wire to see why at generate time"

func decodeWireValue[T any](b []byte, d *WireDecoder, v *T) (rest []byte, err error) {
	if m, ok := any(v).(WireMessage); ok {
		return m.DecodeIsolateWire(b, d)
	}
	if _, ok := any(*v).(WireMessage); ok { // a pointer to a message type
		if mpIsNil(b) {
			return b[1:], nil
		}
		m := reflect.New(reflect.TypeFor[T]().Elem()).Interface().(WireMessage)
		d.Add(m)
		if rest, err = m.DecodeIsolateWire(b, d); err != nil {
			return b, err
		}
		*v = m.(T)
		return rest, nil
	}
	switch x := any(v).(type) {
	case *bool:
		*x, rest, err = mpReadBool(b)
	case *int:
		var i int64
		i, rest, err = mpReadIntN(b, strconv.IntSize)
		*x = int(i)
	case *int8:
		var i int64
		i, rest, err = mpReadIntN(b, 8)
		*x = int8(i)
	case *int16:
		var i int64
		i, rest, err = mpReadIntN(b, 16)
		*x = int16(i)
	case *int32:
		var i int64
		i, rest, err = mpReadIntN(b, 32)
		*x = int32(i)
	case *int64:
		*x, rest, err = mpReadInt(b)
	case *uint:
		var u uint64
		u, rest, err = mpReadUintN(b, strconv.IntSize)
		*x = uint(u)
	case *uint8:
		var u uint64
		u, rest, err = mpReadUintN(b, 8)
		*x = uint8(u)
	case *uint16:
		var u uint64
		u, rest, err = mpReadUintN(b, 16)
		*x = uint16(u)
	case *uint32:
		var u uint64
		u, rest, err = mpReadUintN(b, 32)
		*x = uint32(u)
	case *uint64:
		*x, rest, err = mpReadUint(b)
	case *uintptr:
		var u uint64
		u, rest, err = mpReadUint(b)
		*x = uintptr(u)
	case *float32:
		var f float64
		f, rest, err = mpReadFloat(b)
		*x = float32(f)
	case *float64:
		*x, rest, err = mpReadFloat(b)
	case *string:
		*x, rest, err = mpReadString(b)
	case *[]byte:
		if mpIsNil(b) {
			return b[1:], nil
		}
		var v []byte
		v, rest, err = mpReadStringBytes(b)
		*x = append([]byte{}, v...)
	case *time.Time:
		*x, rest, err = ReadWireTime(b)
	case *time.Duration:
		var n int64
		n, rest, err = mpReadInt(b)
		*x = time.Duration(n)
	case **RemoteError:
		*x, rest, err = ReadWireRemoteError(b)
	case *error:
		*x, rest, err = ReadWireError(b)
	case *struct{}:
		rest, err = SkipWire(b)
	default:
		return b, fmt.Errorf("isolate: %T has no wire codec: "+noWireCodec, *v)
	}
	return rest, WireErr(fmt.Sprintf("%T", *v), err)
}

// AppendWirePtr appends a pointer to a message object that may be shared or
// part of a cycle: nil, a back-reference to an object met before in this
// message, or the object itself (which gets the next id).
func AppendWirePtr[T any, P wirePtr[T]](b []byte, e *WireEncoder, p P) []byte {
	if p == nil {
		return mpNil(b)
	}
	if id, seen := e.Ref(p, 0); seen {
		return AppendWireRef(b, id)
	}
	return p.AppendIsolateWire(b, e)
}

// DecodeWirePtr reads what AppendWirePtr appended.
func DecodeWirePtr[T any, P wirePtr[T]](b []byte, d *WireDecoder) (P, []byte, error) {
	if mpIsNil(b) {
		return nil, b[1:], nil
	}
	obj, rest, ok, err := d.Ref(b)
	if err != nil {
		return nil, b, err
	}
	if ok {
		p, ok := obj.(P)
		if !ok {
			return nil, b, fmt.Errorf("%w: reference to a %T where a %T belongs", ErrWire, obj, p)
		}
		return p, rest, nil
	}
	if err := d.Enter(); err != nil {
		return nil, b, err
	}
	p := P(new(T))
	d.Add(p)
	rest, err = p.DecodeIsolateWire(b, d)
	d.Leave()
	if err != nil {
		return nil, b, err
	}
	return p, rest, nil
}

// --- //isolate:port services across the wire ---------------------------

// WireCall is one call of a method of an //isolate:port interface, as
// generated code carries it across the wire: its arguments go out, its
// results come back. Both are encoded as messages whose fields are
// numbered from 1 in the order of the method's parameters (without a
// leading context.Context) and results (the trailing error included).
type WireCall interface {
	AppendIsolateWireArgs(b []byte, e *WireEncoder) []byte
	DecodeIsolateWireResults(b []byte, d *WireDecoder) ([]byte, error)
}

// WireCaller carries the calls of a generated port bound to a remote
// server (package remote implements it). CallWire sends the call of method
// and waits for its results, until ctx ends (ctx.Err()); it returns
// ErrClosed when no server answers, and the error of the transport
// otherwise; the method's own error is one of the results. CastWire sends
// a call of a method without results and does not wait.
type WireCaller interface {
	CallWire(ctx context.Context, method string, c WireCall) error
	CastWire(method string, c WireCall) error
}

// WireService is a generated port serving remote calls: ServeIsolateWire
// decodes the arguments of method from args, calls the method on the port
// (so in its isolate, as a local call), and appends the results to out. It
// returns an error (out unused) for an unknown method or undecodable
// arguments; a call whose method ran always returns its results.
type WireService interface {
	ServeIsolateWire(ctx context.Context, method string, args []byte, d *WireDecoder, out []byte, e *WireEncoder) ([]byte, error)
}
