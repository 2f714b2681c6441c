package bench

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"testing"

	"github.com/go-isolate/isolate/bench/message"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
)

// codec is one way to put an Order on the wire and take it off again.
type codec struct {
	name   string
	encode func(b []byte, o *message.Order) ([]byte, error)
	decode func(b []byte, o *message.Order) error
	// decoded, when not nil, returns what the last decode read as an
	// Order: the protobuf codec decodes into its own message.
	decoded func() *message.Order
}

// codecs are the candidates of BenchmarkCodec. "isolate" is the generated
// wire codec; "protobuf" is proto.Marshal of the Order as a protobuf
// message and proto.Unmarshal into a new one (protobuf_test.go: built with
// dynamicpb, as there is no protoc here; the message is built once, and
// is not converted from or to an Order in the loop); "protowire" is the
// Order written and read by hand with protobuf's protowire primitives
// (wirecodec_test.go: a format of its own on them, not a protobuf message);
// gob uses a new Encoder and Decoder per message, as one message sent
// alone does.
func codecs() []codec {
	cands := wireCandidates()
	byName := func(name string) wireCandidate {
		for _, c := range cands {
			if c.name == name {
				return c
			}
		}
		panic(name)
	}
	gen, pw := byName("generated"), byName("protowire")
	var gobBuf bytes.Buffer
	var (
		pbFrom *message.Order
		pbMsg  *dynamicpb.Message
		pbLast *dynamicpb.Message
	)
	return []codec{
		{"isolate", func(b []byte, o *message.Order) ([]byte, error) { return gen.encode(b, o), nil }, gen.decode, nil},
		{"json", func(b []byte, o *message.Order) ([]byte, error) {
			j, err := json.Marshal(o)
			return append(b, j...), err
		}, func(b []byte, o *message.Order) error { return json.Unmarshal(b, o) }, nil},
		{"gob", func(b []byte, o *message.Order) ([]byte, error) {
			gobBuf.Reset()
			err := gob.NewEncoder(&gobBuf).Encode(o)
			return append(b, gobBuf.Bytes()...), err
		}, func(b []byte, o *message.Order) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(o) }, nil},
		{name: "protobuf", encode: func(b []byte, o *message.Order) ([]byte, error) {
			if o != pbFrom {
				pbFrom, pbMsg = o, pbOrder(o)
			}
			return proto.MarshalOptions{}.MarshalAppend(b, pbMsg)
		}, decode: func(b []byte, _ *message.Order) error {
			pbLast = dynamicpb.NewMessage(pbOrderDesc)
			return proto.Unmarshal(b, pbLast)
		}, decoded: func() *message.Order { return pbToOrder(pbLast) }},
		{"protowire", func(b []byte, o *message.Order) ([]byte, error) { return pw.encode(b, o), nil }, pw.decode, nil},
	}
}

// TestCodecs checks that every codec of BenchmarkCodec round-trips the
// Order, so that the benchmark compares codecs that work.
func TestCodecs(t *testing.T) {
	want := message.NewOrder()
	for _, c := range codecs() {
		b, err := c.encode(nil, want)
		if err != nil {
			t.Fatalf("%s: encode: %v", c.name, err)
		}
		var got message.Order
		if err := c.decode(b, &got); err != nil {
			t.Fatalf("%s: decode: %v", c.name, err)
		}
		have, opts := &got, []cmp.Option(nil)
		if c.decoded != nil {
			// proto3 does not tell an empty list from none.
			have, opts = c.decoded(), []cmp.Option{cmpopts.EquateEmpty()}
		}
		if d := cmp.Diff(want, have, opts...); d != "" {
			t.Errorf("%s: round trip differs (-want +got):\n%s", c.name, d)
		}
	}
}

// BenchmarkCodec measures one encode and one decode of the Order (into a
// new Order) with each codec; encodes append to a reused buffer.
func BenchmarkCodec(b *testing.B) {
	o := message.NewOrder()
	for _, c := range codecs() {
		b.Run("Order/"+c.name, func(b *testing.B) {
			buf, err := c.encode(nil, o)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf, err = c.encode(buf[:0], o)
				if err != nil {
					b.Fatal(err)
				}
				var got message.Order
				if err := c.decode(buf, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
