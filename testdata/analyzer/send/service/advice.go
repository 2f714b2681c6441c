package service

import (
	"regexp"
	"sync"
	"unsafe"

	"github.com/go-isolate/isolate/runtime"
)

// Every finding ends with what to do. Where annotating the type and
// running go generate cannot help, because isolategen can never copy the
// part that is in the way, the finding says what to do instead.

// Item is one line of a shipment.
type Item struct{ SKU string }

// Counter is sendable by value.
type Counter struct{ N int }

// Handle holds memory the runtime cannot see into.
type Handle struct{ P unsafe.Pointer }

// Callback carries code.
type Callback struct{ Do func() }

// Payload holds anything.
type Payload struct{ V any }

// Guarded holds its own lock.
type Guarded struct {
	mu sync.Mutex
	n  int
}

func advice(items runtime.SendPort[[]*Item], counters runtime.SendPort[*Counter], handles runtime.SendPort[Handle],
	callbacks runtime.SendPort[Callback], payloads runtime.SendPort[Payload], guarded runtime.SendPort[*Guarded],
	patterns runtime.SendPort[*regexp.Regexp], shipment []*Item, c *Counter) {
	_ = items.Send(shipment)                  // want `^cannot send \[\]\*Item to another isolate: \[\]\*Item is shared mutable memory; declare a named type for it \(type Items \[\]\*Item\), annotate that //isolate:message and run go generate, or hand it over with Transfer if this isolate is done with it$`
	_ = counters.Send(c)                      // want `^cannot send \*Counter to another isolate: \*Counter is a pointer, so both isolates would share the Counter it points to; send a Counter value, or annotate Counter with //isolate:message and run go generate$`
	_ = handles.Send(Handle{})                // want `^cannot send Handle to another isolate: Handle.P is unsafe.Pointer \(an unsafe.Pointer\); an unsafe.Pointer cannot be copied: keep it out of the message, or mark Handle //isolate:unchecked if what it points to is immutable or synchronized$`
	_ = callbacks.Send(Callback{})            // want `^cannot send Callback to another isolate: Callback.Do is func\(\) \(a func\); a func cannot be copied: keep it out of the message, and send data that tells the receiving isolate what to do$`
	_ = payloads.Send(Payload{})              // want `^cannot send Payload to another isolate: Payload.V is any \(an interface, which may hold shared memory\); give Payload.V a concrete type that is sendable or an //isolate:message type$`
	_ = guarded.Send(&Guarded{})              // want `^cannot send \*Guarded to another isolate: Guarded.mu is sync.Mutex \(synchronization state, which must not be copied\); keep the lock out of the message: the receiving isolate owns its copy and needs no lock$`
	_ = patterns.Send(regexp.MustCompile("")) // want `^cannot send \*regexp.Regexp to another isolate: .*; if regexp.Regexp is safe to share \(immutable or synchronized\), allow it with -sendable=regexp.Regexp; else send the data it is made from$`
	_ = counters.Send(&Counter{N: 1})         // want `^cannot send \*Counter to another isolate: \*Counter is a pointer`
	_ = items.Transfer(shipment)
}
