package bench

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/go-isolate/isolate/bench/message"
	"github.com/go-isolate/isolate/runtime"
	"github.com/google/go-cmp/cmp"
	"github.com/tinylib/msgp/msgp"
	"google.golang.org/protobuf/encoding/protowire"
)

// This file picks the encoding primitives of the wire codec that package
// remote sends messages with. The same Order is encoded and decoded by hand
// with the primitives of each candidate library, in the shape generated code
// would have: numbered fields, so that an unknown one can be skipped and a
// missing one stays zero. The faster pair is the one the generator emits.
//
//	go test -run TestWirePrimitives -bench BenchmarkWirePrimitives -benchmem .

var errWire = errors.New("wire: malformed")

// --- protowire: protobuf's wire format (tag varints, length-delimited
// nested messages) -----------------------------------------------------

// pwNested appends the length of the bytes written since start-1 into the
// one byte reserved at start-1, widening it when the length needs more.
func pwEnd(b []byte, start int) []byte {
	n := len(b) - start
	if n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	w := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, w-1)...)
	copy(b[start-1+w:], b[start:start+n])
	protowire.AppendVarint(b[start-1:start-1], uint64(n))
	return b
}

func pwBegin(b []byte, num protowire.Number) ([]byte, int) {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = append(b, 0)
	return b, len(b)
}

func pwString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func pwInt(b []byte, num protowire.Number, v int64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeZigZag(v))
}

func pwAddress(b []byte, a *message.Address) []byte {
	b = pwString(b, 1, a.Street)
	b = pwString(b, 2, a.City)
	b = pwString(b, 3, a.Zip)
	return pwString(b, 4, a.Country)
}

func pwStrings(b []byte, num protowire.Number, ss []string) []byte {
	if ss == nil {
		return b
	}
	b, at := pwBegin(b, num)
	b = protowire.AppendVarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = protowire.AppendString(b, s)
	}
	return pwEnd(b, at)
}

func pwProduct(b []byte, p *message.Product) []byte {
	b = pwString(b, 1, p.SKU)
	b = pwString(b, 2, p.Name)
	b = pwString(b, 3, p.Description)
	b = pwInt(b, 4, p.PriceCents)
	b, at := pwBegin(b, 5)
	b = protowire.AppendVarint(b, 3)
	for _, f := range p.Dimensions {
		b = protowire.AppendFixed64(b, math.Float64bits(f))
	}
	b = pwEnd(b, at)
	return pwStrings(b, 6, p.Tags)
}

func pwOrder(b []byte, o *message.Order) []byte {
	b = pwString(b, 1, o.ID)
	b, at := pwBegin(b, 2)
	b = pwString(b, 1, o.Customer.ID)
	b = pwString(b, 2, o.Customer.Name)
	b = pwString(b, 3, o.Customer.Email)
	b, at2 := pwBegin(b, 4)
	b = pwAddress(b, &o.Customer.Address)
	b = pwEnd(b, at2)
	b = pwEnd(b, at)
	if o.Items != nil {
		var at int
		b, at = pwBegin(b, 3)
		b = protowire.AppendVarint(b, uint64(len(o.Items)))
		for i := range o.Items {
			li := &o.Items[i]
			b = append(b, 0)
			at := len(b)
			b = pwString(b, 1, li.SKU)
			b = pwInt(b, 2, int64(li.Quantity))
			b = pwInt(b, 3, li.PriceCents)
			b = pwStrings(b, 4, li.Tags)
			b = pwEnd(b, at)
		}
		b = pwEnd(b, at)
	}
	if o.Products != nil {
		var at int
		b, at = pwBegin(b, 4)
		b = protowire.AppendVarint(b, uint64(len(o.Products)))
		for k, p := range o.Products {
			b = protowire.AppendString(b, k)
			if p == nil {
				b = append(b, 0)
				continue
			}
			b = append(b, 0)
			at := len(b)
			b = pwProduct(b, p)
			b = pwEndPlus(b, at) // optional: length+1, 0 for nil
		}
		b = pwEnd(b, at)
	}
	b = pwStrings(b, 5, o.Tags)
	if o.Attrs != nil {
		var at int
		b, at = pwBegin(b, 6)
		b = protowire.AppendVarint(b, uint64(len(o.Attrs)))
		for k, v := range o.Attrs {
			b = protowire.AppendString(b, k)
			b = protowire.AppendString(b, v)
		}
		b = pwEnd(b, at)
	}
	if !o.CreatedAt.IsZero() {
		var at int
		b, at = pwBegin(b, 7)
		b = pwInt(b, 1, o.CreatedAt.Unix())
		if ns := o.CreatedAt.Nanosecond(); ns != 0 {
			b = protowire.AppendTag(b, 2, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(ns))
		}
		b = pwEnd(b, at)
	}
	if o.Shipping != nil {
		var at int
		b, at = pwBegin(b, 8)
		b = pwAddress(b, o.Shipping)
		b = pwEnd(b, at)
	}
	b = pwString(b, 9, o.Note)
	return pwInt(b, 10, o.Total)
}

// pwEndPlus is pwEnd for an optional element: the prefix is length+1.
func pwEndPlus(b []byte, start int) []byte {
	n := len(b) - start
	w := protowire.SizeVarint(uint64(n + 1))
	b = append(b, make([]byte, w-1)...)
	copy(b[start-1+w:], b[start:start+n])
	protowire.AppendVarint(b[start-1:start-1], uint64(n+1))
	return b
}

// pwFields calls f for each field of the message in b.
func pwFields(b []byte, f func(num protowire.Number, typ protowire.Type, b []byte) (int, error)) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errWire
		}
		b = b[n:]
		m, err := f(num, typ, b)
		if err != nil {
			return err
		}
		if m == 0 { // unknown: skip
			m = protowire.ConsumeFieldValue(num, typ, b)
		}
		if m < 0 {
			return errWire
		}
		b = b[m:]
	}
	return nil
}

func pwGetString(typ protowire.Type, b []byte, s *string) (int, error) {
	if typ != protowire.BytesType {
		return 0, errWire
	}
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return 0, errWire
	}
	*s = string(v)
	return n, nil
}

func pwGetInt(typ protowire.Type, b []byte) (int64, int, error) {
	if typ != protowire.VarintType {
		return 0, 0, errWire
	}
	v, n := protowire.ConsumeVarint(b)
	if n < 0 {
		return 0, 0, errWire
	}
	return protowire.DecodeZigZag(v), n, nil
}

func pwGetBytes(typ protowire.Type, b []byte) ([]byte, int, error) {
	if typ != protowire.BytesType {
		return nil, 0, errWire
	}
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, 0, errWire
	}
	return v, n, nil
}

func pwDecAddress(b []byte, a *message.Address) error {
	return pwFields(b, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
		switch num {
		case 1:
			return pwGetString(typ, b, &a.Street)
		case 2:
			return pwGetString(typ, b, &a.City)
		case 3:
			return pwGetString(typ, b, &a.Zip)
		case 4:
			return pwGetString(typ, b, &a.Country)
		}
		return 0, nil
	})
}

func pwCount(b []byte, min int) (int, []byte, error) {
	c, n := protowire.ConsumeVarint(b)
	if n < 0 || c > uint64(len(b)-n)/uint64(min) {
		return 0, nil, errWire
	}
	return int(c), b[n:], nil
}

func pwDecStrings(typ protowire.Type, b []byte, ss *[]string) (int, error) {
	v, n, err := pwGetBytes(typ, b)
	if err != nil {
		return 0, err
	}
	c, v, err := pwCount(v, 1)
	if err != nil {
		return 0, err
	}
	out := make([]string, c)
	for i := range out {
		s, m := protowire.ConsumeBytes(v)
		if m < 0 {
			return 0, errWire
		}
		out[i] = string(s)
		v = v[m:]
	}
	*ss = out
	return n, nil
}

func pwDecProduct(b []byte, p *message.Product) error {
	return pwFields(b, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
		switch num {
		case 1:
			return pwGetString(typ, b, &p.SKU)
		case 2:
			return pwGetString(typ, b, &p.Name)
		case 3:
			return pwGetString(typ, b, &p.Description)
		case 4:
			v, n, err := pwGetInt(typ, b)
			p.PriceCents = v
			return n, err
		case 5:
			v, n, err := pwGetBytes(typ, b)
			if err != nil {
				return 0, err
			}
			c, v, err := pwCount(v, 8)
			if err != nil {
				return 0, err
			}
			for i := range min(c, len(p.Dimensions)) {
				x, m := protowire.ConsumeFixed64(v)
				if m < 0 {
					return 0, errWire
				}
				p.Dimensions[i] = math.Float64frombits(x)
				v = v[m:]
			}
			return n, nil
		case 6:
			return pwDecStrings(typ, b, &p.Tags)
		}
		return 0, nil
	})
}

func pwDecOrder(b []byte, o *message.Order) error {
	return pwFields(b, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
		switch num {
		case 1:
			return pwGetString(typ, b, &o.ID)
		case 2:
			v, n, err := pwGetBytes(typ, b)
			if err != nil {
				return 0, err
			}
			c := &o.Customer
			return n, pwFields(v, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
				switch num {
				case 1:
					return pwGetString(typ, b, &c.ID)
				case 2:
					return pwGetString(typ, b, &c.Name)
				case 3:
					return pwGetString(typ, b, &c.Email)
				case 4:
					v, n, err := pwGetBytes(typ, b)
					if err != nil {
						return 0, err
					}
					return n, pwDecAddress(v, &c.Address)
				}
				return 0, nil
			})
		case 3:
			v, n, err := pwGetBytes(typ, b)
			if err != nil {
				return 0, err
			}
			c, v, err := pwCount(v, 1)
			if err != nil {
				return 0, err
			}
			o.Items = make([]message.LineItem, c)
			for i := range o.Items {
				li := &o.Items[i]
				e, m := protowire.ConsumeBytes(v)
				if m < 0 {
					return 0, errWire
				}
				v = v[m:]
				err := pwFields(e, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
					switch num {
					case 1:
						return pwGetString(typ, b, &li.SKU)
					case 2:
						v, n, err := pwGetInt(typ, b)
						li.Quantity = int(v)
						return n, err
					case 3:
						v, n, err := pwGetInt(typ, b)
						li.PriceCents = v
						return n, err
					case 4:
						return pwDecStrings(typ, b, &li.Tags)
					}
					return 0, nil
				})
				if err != nil {
					return 0, err
				}
			}
			return n, nil
		case 4:
			v, n, err := pwGetBytes(typ, b)
			if err != nil {
				return 0, err
			}
			c, v, err := pwCount(v, 2)
			if err != nil {
				return 0, err
			}
			o.Products = make(map[string]*message.Product, c)
			for range c {
				k, m := protowire.ConsumeBytes(v)
				if m < 0 {
					return 0, errWire
				}
				v = v[m:]
				l, m := protowire.ConsumeVarint(v)
				if m < 0 || l > uint64(len(v)-m)+1 {
					return 0, errWire
				}
				v = v[m:]
				var p *message.Product
				if l > 0 {
					p = new(message.Product)
					if err := pwDecProduct(v[:l-1], p); err != nil {
						return 0, err
					}
					v = v[l-1:]
				}
				o.Products[string(k)] = p
			}
			return n, nil
		case 5:
			return pwDecStrings(typ, b, &o.Tags)
		case 6:
			v, n, err := pwGetBytes(typ, b)
			if err != nil {
				return 0, err
			}
			c, v, err := pwCount(v, 2)
			if err != nil {
				return 0, err
			}
			o.Attrs = make(map[string]string, c)
			for range c {
				k, m := protowire.ConsumeBytes(v)
				if m < 0 {
					return 0, errWire
				}
				v = v[m:]
				x, m := protowire.ConsumeBytes(v)
				if m < 0 {
					return 0, errWire
				}
				v = v[m:]
				o.Attrs[string(k)] = string(x)
			}
			return n, nil
		case 7:
			v, n, err := pwGetBytes(typ, b)
			if err != nil {
				return 0, err
			}
			var sec, ns int64
			err = pwFields(v, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
				switch num {
				case 1:
					x, n, err := pwGetInt(typ, b)
					sec = x
					return n, err
				case 2:
					x, n := protowire.ConsumeVarint(b)
					ns = int64(x)
					return n, nil
				}
				return 0, nil
			})
			o.CreatedAt = time.Unix(sec, ns).UTC()
			return n, err
		case 8:
			v, n, err := pwGetBytes(typ, b)
			if err != nil {
				return 0, err
			}
			o.Shipping = new(message.Address)
			return n, pwDecAddress(v, o.Shipping)
		case 9:
			return pwGetString(typ, b, &o.Note)
		case 10:
			v, n, err := pwGetInt(typ, b)
			o.Total = v
			return n, err
		}
		return 0, nil
	})
}

// --- msgp: MessagePack, structs as maps with integer keys ----------------

func mpAddress(b []byte, a *message.Address) []byte {
	b = msgp.AppendMapHeader(b, 4)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, a.Street)
	b = msgp.AppendUint(b, 2)
	b = msgp.AppendString(b, a.City)
	b = msgp.AppendUint(b, 3)
	b = msgp.AppendString(b, a.Zip)
	b = msgp.AppendUint(b, 4)
	return msgp.AppendString(b, a.Country)
}

func mpStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return msgp.AppendNil(b)
	}
	b = msgp.AppendArrayHeader(b, uint32(len(ss)))
	for _, s := range ss {
		b = msgp.AppendString(b, s)
	}
	return b
}

func mpProduct(b []byte, p *message.Product) []byte {
	b = msgp.AppendMapHeader(b, 6)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, p.SKU)
	b = msgp.AppendUint(b, 2)
	b = msgp.AppendString(b, p.Name)
	b = msgp.AppendUint(b, 3)
	b = msgp.AppendString(b, p.Description)
	b = msgp.AppendUint(b, 4)
	b = msgp.AppendInt64(b, p.PriceCents)
	b = msgp.AppendUint(b, 5)
	b = msgp.AppendArrayHeader(b, 3)
	for _, f := range p.Dimensions {
		b = msgp.AppendFloat64(b, f)
	}
	b = msgp.AppendUint(b, 6)
	return mpStrings(b, p.Tags)
}

func mpOrder(b []byte, o *message.Order) []byte {
	b = msgp.AppendMapHeader(b, 10)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, o.ID)
	b = msgp.AppendUint(b, 2)
	b = msgp.AppendMapHeader(b, 4)
	b = msgp.AppendUint(b, 1)
	b = msgp.AppendString(b, o.Customer.ID)
	b = msgp.AppendUint(b, 2)
	b = msgp.AppendString(b, o.Customer.Name)
	b = msgp.AppendUint(b, 3)
	b = msgp.AppendString(b, o.Customer.Email)
	b = msgp.AppendUint(b, 4)
	b = mpAddress(b, &o.Customer.Address)
	b = msgp.AppendUint(b, 3)
	if o.Items == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendArrayHeader(b, uint32(len(o.Items)))
		for i := range o.Items {
			li := &o.Items[i]
			b = msgp.AppendMapHeader(b, 4)
			b = msgp.AppendUint(b, 1)
			b = msgp.AppendString(b, li.SKU)
			b = msgp.AppendUint(b, 2)
			b = msgp.AppendInt(b, li.Quantity)
			b = msgp.AppendUint(b, 3)
			b = msgp.AppendInt64(b, li.PriceCents)
			b = msgp.AppendUint(b, 4)
			b = mpStrings(b, li.Tags)
		}
	}
	b = msgp.AppendUint(b, 4)
	if o.Products == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendMapHeader(b, uint32(len(o.Products)))
		for k, p := range o.Products {
			b = msgp.AppendString(b, k)
			if p == nil {
				b = msgp.AppendNil(b)
			} else {
				b = mpProduct(b, p)
			}
		}
	}
	b = msgp.AppendUint(b, 5)
	b = mpStrings(b, o.Tags)
	b = msgp.AppendUint(b, 6)
	if o.Attrs == nil {
		b = msgp.AppendNil(b)
	} else {
		b = msgp.AppendMapStrStr(b, o.Attrs)
	}
	b = msgp.AppendUint(b, 7)
	b = msgp.AppendTime(b, o.CreatedAt)
	b = msgp.AppendUint(b, 8)
	if o.Shipping == nil {
		b = msgp.AppendNil(b)
	} else {
		b = mpAddress(b, o.Shipping)
	}
	b = msgp.AppendUint(b, 9)
	b = msgp.AppendString(b, o.Note)
	b = msgp.AppendUint(b, 10)
	return msgp.AppendInt64(b, o.Total)
}

// mpFields calls f for each key of the map-encoded struct at b and returns
// the rest; f returns the rest after the value, or nil, nil to skip it.
func mpFields(b []byte, f func(key uint64, b []byte) ([]byte, error)) ([]byte, error) {
	n, b, err := msgp.ReadMapHeaderBytes(b)
	if err != nil {
		return nil, err
	}
	for range n {
		var k uint64
		k, b, err = msgp.ReadUint64Bytes(b)
		if err != nil {
			return nil, err
		}
		rest, err := f(k, b)
		if err != nil {
			return nil, err
		}
		if rest == nil {
			rest, err = msgp.Skip(b)
			if err != nil {
				return nil, err
			}
		}
		b = rest
	}
	return b, nil
}

func mpDecAddress(b []byte, a *message.Address) ([]byte, error) {
	return mpFields(b, func(k uint64, b []byte) (r []byte, err error) {
		switch k {
		case 1:
			a.Street, r, err = msgp.ReadStringBytes(b)
		case 2:
			a.City, r, err = msgp.ReadStringBytes(b)
		case 3:
			a.Zip, r, err = msgp.ReadStringBytes(b)
		case 4:
			a.Country, r, err = msgp.ReadStringBytes(b)
		}
		return
	})
}

func mpDecStrings(b []byte, ss *[]string) ([]byte, error) {
	if msgp.IsNil(b) {
		*ss = nil
		return b[1:], nil
	}
	n, b, err := msgp.ReadArrayHeaderBytes(b)
	if err != nil {
		return nil, err
	}
	if int(n) > len(b) {
		return nil, errWire
	}
	out := make([]string, n)
	for i := range out {
		out[i], b, err = msgp.ReadStringBytes(b)
		if err != nil {
			return nil, err
		}
	}
	*ss = out
	return b, nil
}

func mpDecProduct(b []byte, p *message.Product) ([]byte, error) {
	return mpFields(b, func(k uint64, b []byte) (r []byte, err error) {
		switch k {
		case 1:
			p.SKU, r, err = msgp.ReadStringBytes(b)
		case 2:
			p.Name, r, err = msgp.ReadStringBytes(b)
		case 3:
			p.Description, r, err = msgp.ReadStringBytes(b)
		case 4:
			p.PriceCents, r, err = msgp.ReadInt64Bytes(b)
		case 5:
			var n uint32
			n, r, err = msgp.ReadArrayHeaderBytes(b)
			for i := range n {
				if err != nil {
					break
				}
				var f float64
				f, r, err = msgp.ReadFloat64Bytes(r)
				if int(i) < len(p.Dimensions) {
					p.Dimensions[i] = f
				}
			}
		case 6:
			r, err = mpDecStrings(b, &p.Tags)
		}
		return
	})
}

func mpDecOrder(b []byte, o *message.Order) ([]byte, error) {
	return mpFields(b, func(k uint64, b []byte) (r []byte, err error) {
		switch k {
		case 1:
			o.ID, r, err = msgp.ReadStringBytes(b)
		case 2:
			c := &o.Customer
			r, err = mpFields(b, func(k uint64, b []byte) (r []byte, err error) {
				switch k {
				case 1:
					c.ID, r, err = msgp.ReadStringBytes(b)
				case 2:
					c.Name, r, err = msgp.ReadStringBytes(b)
				case 3:
					c.Email, r, err = msgp.ReadStringBytes(b)
				case 4:
					r, err = mpDecAddress(b, &c.Address)
				}
				return
			})
		case 3:
			if msgp.IsNil(b) {
				return b[1:], nil
			}
			var n uint32
			n, r, err = msgp.ReadArrayHeaderBytes(b)
			if err != nil || int(n) > len(r) {
				return nil, errWire
			}
			o.Items = make([]message.LineItem, n)
			for i := range o.Items {
				li := &o.Items[i]
				r, err = mpFields(r, func(k uint64, b []byte) (r []byte, err error) {
					switch k {
					case 1:
						li.SKU, r, err = msgp.ReadStringBytes(b)
					case 2:
						li.Quantity, r, err = msgp.ReadIntBytes(b)
					case 3:
						li.PriceCents, r, err = msgp.ReadInt64Bytes(b)
					case 4:
						r, err = mpDecStrings(b, &li.Tags)
					}
					return
				})
				if err != nil {
					return nil, err
				}
			}
		case 4:
			if msgp.IsNil(b) {
				return b[1:], nil
			}
			var n uint32
			n, r, err = msgp.ReadMapHeaderBytes(b)
			if err != nil || int(n) > len(r)/2 {
				return nil, errWire
			}
			o.Products = make(map[string]*message.Product, n)
			for range n {
				var key string
				key, r, err = msgp.ReadStringBytes(r)
				if err != nil {
					return nil, err
				}
				var p *message.Product
				if msgp.IsNil(r) {
					r = r[1:]
				} else {
					p = new(message.Product)
					if r, err = mpDecProduct(r, p); err != nil {
						return nil, err
					}
				}
				o.Products[key] = p
			}
		case 5:
			r, err = mpDecStrings(b, &o.Tags)
		case 6:
			if msgp.IsNil(b) {
				return b[1:], nil
			}
			var n uint32
			n, r, err = msgp.ReadMapHeaderBytes(b)
			if err != nil || int(n) > len(r)/2 {
				return nil, errWire
			}
			o.Attrs = make(map[string]string, n)
			for range n {
				var key, v string
				if key, r, err = msgp.ReadStringBytes(r); err != nil {
					return nil, err
				}
				if v, r, err = msgp.ReadStringBytes(r); err != nil {
					return nil, err
				}
				o.Attrs[key] = v
			}
		case 7:
			o.CreatedAt, r, err = msgp.ReadTimeBytes(b)
			o.CreatedAt = o.CreatedAt.UTC()
		case 8:
			if msgp.IsNil(b) {
				return b[1:], nil
			}
			o.Shipping = new(message.Address)
			r, err = mpDecAddress(b, o.Shipping)
		case 9:
			o.Note, r, err = msgp.ReadStringBytes(b)
		case 10:
			o.Total, r, err = msgp.ReadInt64Bytes(b)
		}
		return
	})
}

type wireCandidate struct {
	name   string
	encode func(b []byte, o *message.Order) []byte
	decode func(b []byte, o *message.Order) error
}

func wireCandidates() []wireCandidate {
	return []wireCandidate{
		{"protowire", pwOrder, pwDecOrder},
		{"generated", func(b []byte, o *message.Order) []byte {
			genEnc.Reset()
			return o.AppendIsolateWire(b, genEnc)
		}, func(b []byte, o *message.Order) error {
			genDec.Reset()
			rest, err := o.DecodeIsolateWire(b, genDec)
			if err == nil && len(rest) != 0 {
				err = errWire
			}
			return err
		}},
		{"msgp", mpOrder, func(b []byte, o *message.Order) error {
			rest, err := mpDecOrder(b, o)
			if err == nil && len(rest) != 0 {
				err = errWire
			}
			return err
		}},
	}
}

// genEnc and genDec are reused by the generated candidate, as package
// remote reuses them per subscription.
var (
	genEnc = runtime.NewWireEncoder(nil)
	genDec = runtime.NewWireDecoder(nil)
)

// TestWirePrimitives checks that both hand-written codecs round-trip the
// Order, so that the benchmark compares correct code.
func TestWirePrimitives(t *testing.T) {
	want := message.NewOrder()
	for _, c := range wireCandidates() {
		b := c.encode(nil, want)
		var got message.Order
		if err := c.decode(b, &got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if d := cmp.Diff(want, &got); d != "" {
			t.Errorf("%s: round trip differs (-want +got):\n%s", c.name, d)
		}
		t.Logf("%s: %d bytes", c.name, len(b))
	}
}

// BenchmarkWirePrimitives measures one encode and one decode of the Order
// with each candidate's primitives; the encode appends to a reused buffer,
// as the remote package does.
func BenchmarkWirePrimitives(b *testing.B) {
	o := message.NewOrder()
	for _, c := range wireCandidates() {
		b.Run("encode/"+c.name, func(b *testing.B) {
			buf := c.encode(nil, o)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf = c.encode(buf[:0], o)
			}
		})
		b.Run("decode/"+c.name, func(b *testing.B) {
			buf := c.encode(nil, o)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				var got message.Order
				if err := c.decode(buf, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
