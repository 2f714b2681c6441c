package runtime

import (
	"encoding/binary"
	"errors"
	"math"
)

// The few MessagePack primitives the runtime's own wire encodings need,
// written here rather than imported, so that a program that uses the
// runtime without the wire links no encoding library. They write what
// github.com/tinylib/msgp/msgp writes (the smallest form of each value)
// and read what it reads, so generated code may mix the two freely.

var errShort = errors.New("short value")

func mpNil(b []byte) []byte { return append(b, 0xc0) }

func mpIsNil(b []byte) bool { return len(b) > 0 && b[0] == 0xc0 }

func mpBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

func mpUint(b []byte, u uint64) []byte {
	switch {
	case u < 1<<7:
		return append(b, byte(u))
	case u < 1<<8:
		return append(b, 0xcc, byte(u))
	case u < 1<<16:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(u))
	case u < 1<<32:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(u))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcf), u)
}

func mpInt(b []byte, v int64) []byte {
	switch {
	case v >= 0:
		return mpUint(b, uint64(v))
	case v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8:
		return append(b, 0xd0, byte(v))
	case v >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(v))
	case v >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(v))
}

func mpFloat32(b []byte, f float32) []byte {
	return binary.BigEndian.AppendUint32(append(b, 0xca), math.Float32bits(f))
}

func mpFloat64(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
}

func mpHead(b []byte, n int, fix, fixMax byte, c8, c16, c32 byte) []byte {
	switch {
	case fix != 0 && n <= int(fixMax):
		return append(b, fix|byte(n))
	case c8 != 0 && n < 1<<8:
		return append(b, c8, byte(n))
	case n < 1<<16:
		return binary.BigEndian.AppendUint16(append(b, c16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, c32), uint32(n))
}

func mpString(b []byte, s string) []byte {
	return append(mpHead(b, len(s), 0xa0, 31, 0xd9, 0xda, 0xdb), s...)
}

func mpBytes(b []byte, v []byte) []byte {
	return append(mpHead(b, len(v), 0, 0, 0xc4, 0xc5, 0xc6), v...)
}

func mpArrayHeader(b []byte, n int) []byte { return mpHead(b, n, 0x90, 15, 0, 0xdc, 0xdd) }

func mpMapHeader(b []byte, n int) []byte { return mpHead(b, n, 0x80, 15, 0, 0xde, 0xdf) }

// mpFixed returns the n bytes after the lead byte.
func mpFixed(b []byte, n int) ([]byte, []byte, error) {
	if len(b) < 1+n {
		return nil, b, errShort
	}
	return b[1 : 1+n], b[1+n:], nil
}

func mpReadUint(b []byte) (uint64, []byte, error) {
	if len(b) == 0 {
		return 0, b, errShort
	}
	switch lead := b[0]; {
	case lead < 0x80:
		return uint64(lead), b[1:], nil
	case lead >= 0xcc && lead <= 0xcf:
		v, rest, err := mpFixed(b, 1<<(lead-0xcc))
		if err != nil {
			return 0, b, err
		}
		return mpBig(v), rest, nil
	case lead >= 0xd0 && lead <= 0xd3 || lead >= 0xe0:
		i, rest, err := mpReadInt(b)
		if err == nil && i < 0 {
			err = errors.New("negative value for an unsigned integer")
		}
		return uint64(i), rest, err
	}
	return 0, b, errors.New("not an integer")
}

func mpReadInt(b []byte) (int64, []byte, error) {
	if len(b) == 0 {
		return 0, b, errShort
	}
	switch lead := b[0]; {
	case lead < 0x80:
		return int64(lead), b[1:], nil
	case lead >= 0xe0:
		return int64(int8(lead)), b[1:], nil
	case lead >= 0xd0 && lead <= 0xd3:
		v, rest, err := mpFixed(b, 1<<(lead-0xd0))
		if err != nil {
			return 0, b, err
		}
		u := mpBig(v)
		switch len(v) {
		case 1:
			return int64(int8(u)), rest, nil
		case 2:
			return int64(int16(u)), rest, nil
		case 4:
			return int64(int32(u)), rest, nil
		}
		return int64(u), rest, nil
	case lead >= 0xcc && lead <= 0xcf:
		u, rest, err := mpReadUint(b)
		if err == nil && u > math.MaxInt64 {
			err = errors.New("integer overflows int64")
		}
		return int64(u), rest, err
	}
	return 0, b, errors.New("not an integer")
}

// mpReadIntN reads a signed integer that must fit in bits.
func mpReadIntN(b []byte, bits int) (int64, []byte, error) {
	v, rest, err := mpReadInt(b)
	if err == nil && (v < -1<<(bits-1) || v > 1<<(bits-1)-1) {
		return 0, b, errors.New("integer overflows its type")
	}
	return v, rest, err
}

// mpReadUintN reads an unsigned integer that must fit in bits.
func mpReadUintN(b []byte, bits int) (uint64, []byte, error) {
	v, rest, err := mpReadUint(b)
	if err == nil && bits < 64 && v >= 1<<bits {
		return 0, b, errors.New("integer overflows its type")
	}
	return v, rest, err
}

func mpBig(v []byte) uint64 {
	var u uint64
	for _, c := range v {
		u = u<<8 | uint64(c)
	}
	return u
}

func mpReadFloat(b []byte) (float64, []byte, error) {
	if len(b) == 0 {
		return 0, b, errShort
	}
	switch b[0] {
	case 0xca:
		v, rest, err := mpFixed(b, 4)
		if err != nil {
			return 0, b, err
		}
		return float64(math.Float32frombits(uint32(mpBig(v)))), rest, nil
	case 0xcb:
		v, rest, err := mpFixed(b, 8)
		if err != nil {
			return 0, b, err
		}
		return math.Float64frombits(mpBig(v)), rest, nil
	}
	return 0, b, errors.New("not a float")
}

func mpReadBool(b []byte) (bool, []byte, error) {
	if len(b) == 0 {
		return false, b, errShort
	}
	switch b[0] {
	case 0xc2:
		return false, b[1:], nil
	case 0xc3:
		return true, b[1:], nil
	}
	return false, b, errors.New("not a bool")
}

// mpReadLen reads a length head: fixed form (lead&fixMask == fix), or one
// of the 8-, 16- and 32-bit forms (a zero code means none).
func mpReadLen(b []byte, fix, fixMask, c8, c16, c32 byte, what string) (int, []byte, error) {
	if len(b) == 0 {
		return 0, b, errShort
	}
	lead := b[0]
	var v []byte
	var rest []byte
	var err error
	switch {
	case fixMask != 0 && lead&fixMask == fix:
		return int(lead &^ fixMask), b[1:], nil
	case c8 != 0 && lead == c8:
		v, rest, err = mpFixed(b, 1)
	case lead == c16:
		v, rest, err = mpFixed(b, 2)
	case lead == c32:
		v, rest, err = mpFixed(b, 4)
	default:
		return 0, b, errors.New("not " + what)
	}
	if err != nil {
		return 0, b, err
	}
	return int(mpBig(v)), rest, nil
}

func mpReadStringBytes(b []byte) ([]byte, []byte, error) {
	n, rest, err := mpReadLen(b, 0xa0, 0xe0, 0xd9, 0xda, 0xdb, "a string")
	if err != nil {
		n, rest, err = mpReadLen(b, 0, 0, 0xc4, 0xc5, 0xc6, "a string")
	}
	if err != nil {
		return nil, b, err
	}
	if n > len(rest) {
		return nil, b, errShort
	}
	return rest[:n], rest[n:], nil
}

func mpReadString(b []byte) (string, []byte, error) {
	v, rest, err := mpReadStringBytes(b)
	return string(v), rest, err
}

func mpReadArrayHeader(b []byte) (int, []byte, error) {
	return mpReadLen(b, 0x90, 0xf0, 0, 0xdc, 0xdd, "an array")
}

func mpReadMapHeader(b []byte) (int, []byte, error) {
	return mpReadLen(b, 0x80, 0xf0, 0, 0xde, 0xdf, "a map")
}
