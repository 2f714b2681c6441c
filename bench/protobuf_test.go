package bench

import (
	"testing"
	"time"

	"github.com/go-isolate/isolate/bench/message"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// This file is the Order as a protobuf message for BenchmarkCodec. There is
// no protoc in this module's toolchain, so the message is described in Go
// (the descriptor protoc would write for the proto3 file below) and built
// with dynamicpb; proto.Marshal and proto.Unmarshal encode it as they
// encode any message.
//
//	message Address { string street = 1; string city = 2; string zip = 3; string country = 4; }
//	message Customer { string id = 1; string name = 2; string email = 3; Address address = 4; }
//	message LineItem { string sku = 1; int64 quantity = 2; int64 price_cents = 3; repeated string tags = 4; }
//	message Product { string sku = 1; string name = 2; string description = 3; int64 price_cents = 4;
//	                  repeated double dimensions = 5; repeated string tags = 6; }
//	message Timestamp { int64 seconds = 1; int32 nanos = 2; }
//	message Order { string id = 1; Customer customer = 2; repeated LineItem items = 3;
//	                map<string, Product> products = 4; repeated string tags = 5; map<string, string> attrs = 6;
//	                Timestamp created_at = 7; Address shipping = 8; string note = 9; int64 total = 10; }

// pbOrderDesc is the descriptor of the protobuf Order.
var pbOrderDesc = func() protoreflect.MessageDescriptor {
	type T = descriptorpb.FieldDescriptorProto_Type
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	rep := descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	str, i64, i32, dbl, msg := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), descriptorpb.FieldDescriptorProto_TYPE_INT64.Enum(),
		descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(), descriptorpb.FieldDescriptorProto_TYPE_DOUBLE.Enum(), descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum()
	field := func(name string, num int32, label *descriptorpb.FieldDescriptorProto_Label, typ *T, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: proto.String(name), JsonName: proto.String(name), Number: proto.Int32(num), Label: label, Type: typ}
		if typeName != "" {
			f.TypeName = proto.String(".bench." + typeName)
		}
		return f
	}
	message := func(name string, fields ...*descriptorpb.FieldDescriptorProto) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Field: fields}
	}
	entry := func(name, valueType string, value *T) *descriptorpb.DescriptorProto {
		m := message(name, field("key", 1, opt, str, ""), field("value", 2, opt, value, valueType))
		m.Options = &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)}
		return m
	}
	order := message("Order",
		field("id", 1, opt, str, ""),
		field("customer", 2, opt, msg, "Customer"),
		field("items", 3, rep, msg, "LineItem"),
		field("products", 4, rep, msg, "Order.ProductsEntry"),
		field("tags", 5, rep, str, ""),
		field("attrs", 6, rep, msg, "Order.AttrsEntry"),
		field("created_at", 7, opt, msg, "Timestamp"),
		field("shipping", 8, opt, msg, "Address"),
		field("note", 9, opt, str, ""),
		field("total", 10, opt, i64, ""),
	)
	order.NestedType = []*descriptorpb.DescriptorProto{entry("ProductsEntry", "Product", msg), entry("AttrsEntry", "", str)}
	file := &descriptorpb.FileDescriptorProto{
		Name: proto.String("bench/order.proto"), Package: proto.String("bench"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			message("Address", field("street", 1, opt, str, ""), field("city", 2, opt, str, ""), field("zip", 3, opt, str, ""), field("country", 4, opt, str, "")),
			message("Customer", field("id", 1, opt, str, ""), field("name", 2, opt, str, ""), field("email", 3, opt, str, ""), field("address", 4, opt, msg, "Address")),
			message("LineItem", field("sku", 1, opt, str, ""), field("quantity", 2, opt, i64, ""), field("price_cents", 3, opt, i64, ""), field("tags", 4, rep, str, "")),
			message("Product", field("sku", 1, opt, str, ""), field("name", 2, opt, str, ""), field("description", 3, opt, str, ""),
				field("price_cents", 4, opt, i64, ""), field("dimensions", 5, rep, dbl, ""), field("tags", 6, rep, str, "")),
			message("Timestamp", field("seconds", 1, opt, i64, ""), field("nanos", 2, opt, i32, "")),
			order,
		},
	}
	fd, err := protodesc.NewFile(file, nil)
	if err != nil {
		panic(err)
	}
	return fd.Messages().ByName("Order")
}()

// pbSet sets the fields of m named in kv (name, value, name, value...),
// leaving zero values unset as proto3 does.
func pbSet(m *dynamicpb.Message, kv ...any) *dynamicpb.Message {
	fields := m.Descriptor().Fields()
	for i := 0; i < len(kv); i += 2 {
		f := fields.ByName(protoreflect.Name(kv[i].(string)))
		v := protoreflect.ValueOf(kv[i+1])
		if v.Equal(f.Default()) {
			continue
		}
		m.Set(f, v)
	}
	return m
}

// pbNew returns an empty message of the type of field name of parent.
func pbNew(parent protoreflect.MessageDescriptor, name string) *dynamicpb.Message {
	f := parent.Fields().ByName(protoreflect.Name(name))
	if f.IsMap() {
		return dynamicpb.NewMessage(f.MapValue().Message())
	}
	return dynamicpb.NewMessage(f.Message())
}

func pbStrings(m *dynamicpb.Message, name string, ss []string) {
	l := m.Mutable(m.Descriptor().Fields().ByName(protoreflect.Name(name))).List()
	for _, s := range ss {
		l.Append(protoreflect.ValueOfString(s))
	}
}

func pbAddress(d protoreflect.MessageDescriptor, name string, a *message.Address) *dynamicpb.Message {
	return pbSet(pbNew(d, name), "street", a.Street, "city", a.City, "zip", a.Zip, "country", a.Country)
}

// pbOrder builds the protobuf Order with the values of o.
func pbOrder(o *message.Order) *dynamicpb.Message {
	d := pbOrderDesc
	m := dynamicpb.NewMessage(d)
	c := &o.Customer
	cust := pbSet(pbNew(d, "customer"), "id", c.ID, "name", c.Name, "email", c.Email)
	cust.Set(cust.Descriptor().Fields().ByName("address"), protoreflect.ValueOfMessage(pbAddress(cust.Descriptor(), "address", &c.Address)))
	pbSet(m, "id", o.ID, "note", o.Note, "total", o.Total)
	m.Set(d.Fields().ByName("customer"), protoreflect.ValueOfMessage(cust))
	items := m.Mutable(d.Fields().ByName("items")).List()
	for i := range o.Items {
		li := &o.Items[i]
		it := pbSet(pbNew(d, "items"), "sku", li.SKU, "quantity", int64(li.Quantity), "price_cents", li.PriceCents)
		pbStrings(it, "tags", li.Tags)
		items.Append(protoreflect.ValueOfMessage(it))
	}
	products := m.Mutable(d.Fields().ByName("products")).Map()
	for k, p := range o.Products {
		pm := pbSet(pbNew(d, "products"), "sku", p.SKU, "name", p.Name, "description", p.Description, "price_cents", p.PriceCents)
		dims := pm.Mutable(pm.Descriptor().Fields().ByName("dimensions")).List()
		for _, f := range p.Dimensions {
			dims.Append(protoreflect.ValueOfFloat64(f))
		}
		pbStrings(pm, "tags", p.Tags)
		products.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfMessage(pm))
	}
	pbStrings(m, "tags", o.Tags)
	attrs := m.Mutable(d.Fields().ByName("attrs")).Map()
	for k, v := range o.Attrs {
		attrs.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfString(v))
	}
	if !o.CreatedAt.IsZero() {
		ts := pbSet(pbNew(d, "created_at"), "seconds", o.CreatedAt.Unix(), "nanos", int32(o.CreatedAt.Nanosecond()))
		m.Set(d.Fields().ByName("created_at"), protoreflect.ValueOfMessage(ts))
	}
	if o.Shipping != nil {
		m.Set(d.Fields().ByName("shipping"), protoreflect.ValueOfMessage(pbAddress(d, "shipping", o.Shipping)))
	}
	return m
}

// pbGet returns the value of field name of m.
func pbGet(m protoreflect.Message, name string) protoreflect.Value {
	return m.Get(m.Descriptor().Fields().ByName(protoreflect.Name(name)))
}

func pbGetStrings(m protoreflect.Message, name string) []string {
	l := pbGet(m, name).List()
	var ss []string
	for i := range l.Len() {
		ss = append(ss, l.Get(i).String())
	}
	return ss
}

func pbGetAddress(m protoreflect.Message) message.Address {
	return message.Address{Street: pbGet(m, "street").String(), City: pbGet(m, "city").String(), Zip: pbGet(m, "zip").String(), Country: pbGet(m, "country").String()}
}

// pbToOrder reads an Order back from the protobuf Order, so that the test
// can check that the message carries all of it.
func pbToOrder(m protoreflect.Message) *message.Order {
	o := &message.Order{ID: pbGet(m, "id").String(), Note: pbGet(m, "note").String(), Total: pbGet(m, "total").Int()}
	c := pbGet(m, "customer").Message()
	o.Customer = message.Customer{ID: pbGet(c, "id").String(), Name: pbGet(c, "name").String(), Email: pbGet(c, "email").String(), Address: pbGetAddress(pbGet(c, "address").Message())}
	items := pbGet(m, "items").List()
	for i := range items.Len() {
		it := items.Get(i).Message()
		o.Items = append(o.Items, message.LineItem{SKU: pbGet(it, "sku").String(), Quantity: int(pbGet(it, "quantity").Int()), PriceCents: pbGet(it, "price_cents").Int(), Tags: pbGetStrings(it, "tags")})
	}
	pbGet(m, "products").Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		pm := v.Message()
		p := &message.Product{SKU: pbGet(pm, "sku").String(), Name: pbGet(pm, "name").String(), Description: pbGet(pm, "description").String(), PriceCents: pbGet(pm, "price_cents").Int(), Tags: pbGetStrings(pm, "tags")}
		dims := pbGet(pm, "dimensions").List()
		for i := range min(dims.Len(), len(p.Dimensions)) {
			p.Dimensions[i] = dims.Get(i).Float()
		}
		if o.Products == nil {
			o.Products = map[string]*message.Product{}
		}
		o.Products[k.String()] = p
		return true
	})
	o.Tags = pbGetStrings(m, "tags")
	pbGet(m, "attrs").Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		if o.Attrs == nil {
			o.Attrs = map[string]string{}
		}
		o.Attrs[k.String()] = v.String()
		return true
	})
	if ts := pbGet(m, "created_at").Message(); ts.IsValid() {
		o.CreatedAt = time.Unix(pbGet(ts, "seconds").Int(), int64(pbGet(ts, "nanos").Int())).UTC()
	}
	if s := pbGet(m, "shipping").Message(); s.IsValid() {
		a := pbGetAddress(s)
		o.Shipping = &a
	}
	return o
}

// TestProtobufOrder checks that the protobuf Order carries the whole Order
// through proto.Marshal and proto.Unmarshal (proto3 does not tell an empty
// list from none, so empty and nil compare equal).
func TestProtobufOrder(t *testing.T) {
	want := message.NewOrder()
	b, err := proto.Marshal(pbOrder(want))
	if err != nil {
		t.Fatal(err)
	}
	got := dynamicpb.NewMessage(pbOrderDesc)
	if err := proto.Unmarshal(b, got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, pbToOrder(got), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("round trip differs (-want +got):\n%s", d)
	}
	t.Logf("%d bytes", len(b))
}
