package remote_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-isolate/isolate/runtime"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/tinylib/msgp/msgp"
)

func newJob() *Job {
	return &Job{
		ID: "job-1",
		Items: []Item{
			{SKU: "A-1", Qty: 2, Tags: []string{"x", "y"}},
			{SKU: "B-2", Qty: 1},
			{SKU: "C-3", Tags: []string{}},
		},
		Attrs: map[string]string{"channel": "web", "locale": "en-GB"},
		At:    time.Date(2024, 3, 14, 15, 9, 26, 535897932, time.UTC),
		Wait:  1500 * time.Millisecond,
		Err:   errors.New("disk full"),
		Data:  []byte{0, 1, 2, 255},
		Score: 3.25,
		Ship:  &Address{City: "Cambridge"},
		Dims:  [2]int32{-7, 9},
	}
}

var jobCmp = cmp.Options{
	cmp.Comparer(func(a, b error) bool {
		if a == nil || b == nil {
			return a == b
		}
		return a.Error() == b.Error()
	}),
	cmpopts.IgnoreFields(Job{}, "Reply"),
}

func roundTrip[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	got, err := runtime.UnmarshalWire[T](b, runtime.NewWireDecoder(nil))
	if err != nil {
		t.Fatalf("unmarshal %T: %v", v, err)
	}
	return got
}

func TestWireRoundTrip(t *testing.T) {
	want := newJob()
	got := roundTrip(t, want)
	if d := cmp.Diff(want, got, jobCmp); d != "" {
		t.Errorf("round trip differs (-want +got):\n%s", d)
	}
	if got.Items[1].Tags != nil || got.Items[2].Tags == nil {
		t.Errorf("nil and empty slices must stay apart: %#v", got.Items)
	}
	// A value (not a pointer) and a zero value.
	if v := roundTrip(t, *want); v.ID != want.ID {
		t.Errorf("value round trip lost the ID: %q", v.ID)
	}
	if v := roundTrip(t, Job{}); !cmp.Equal(v, Job{}, jobCmp) {
		t.Errorf("zero Job arrived as %#v", v)
	}
	if v := roundTrip[*Job](t, nil); v != nil {
		t.Errorf("nil *Job arrived as %#v", v)
	}
}

func TestWireStandardTypes(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	at := time.Date(2024, 1, 2, 3, 4, 5, 6, zone)
	if got := roundTrip(t, at); !got.Equal(at) || got.Location().String() != "CET" {
		t.Errorf("time in a zone: got %v, want %v", got, at)
	}
	if got := roundTrip(t, time.Time{}); !got.IsZero() {
		t.Errorf("zero time arrived as %v", got)
	}
	if got := roundTrip(t, 90*time.Second); got != 90*time.Second {
		t.Errorf("duration: %v", got)
	}
	for _, e := range []error{runtime.ErrClosed, runtime.ErrKilled} {
		if got := roundTrip(t, e); got != e {
			t.Errorf("sentinel %v arrived as %v", e, got)
		}
	}
	re := &runtime.RemoteError{Isolate: "w", Message: "boom", Stack: "goroutine 1 [running]:\nmain.f()"}
	var asErr error = re
	got := roundTrip(t, asErr)
	var gre *runtime.RemoteError
	if !errors.As(got, &gre) || *gre != *re {
		t.Errorf("RemoteError arrived as %#v", got)
	}
	if got := roundTrip(t, "héllo"); got != "héllo" {
		t.Errorf("string: %q", got)
	}
	if got := roundTrip(t, struct{}{}); got != struct{}{} {
		t.Errorf("struct{}: %v", got)
	}
}

// TestWireCycles checks that sharing and cycles survive, as they survive
// DeepCopy.
func TestWireCycles(t *testing.T) {
	a := &Graph{Name: "a"}
	b := &Graph{Name: "b", Next: a}
	a.Next = b // a cycle
	a.Peers = []*Graph{a, b, b}
	b.Peers = a.Peers // a shared slice
	got := roundTrip(t, a)
	switch {
	case got.Name != "a" || got.Next.Name != "b":
		t.Fatalf("names lost: %+v", got)
	case got.Next.Next != got:
		t.Errorf("cycle a→b→a not kept")
	case got.Peers[0] != got || got.Peers[1] != got.Next || got.Peers[2] != got.Next:
		t.Errorf("shared pointers not kept: %v", got.Peers)
	case &got.Next.Peers[0] != &got.Peers[0]:
		t.Errorf("shared slice not kept")
	case got == a:
		t.Errorf("the decoded value is the original")
	}
}

// TestWireVersions checks that two versions of a type talk: an unknown
// field is skipped, a missing one is zero.
func TestWireVersions(t *testing.T) {
	b, err := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), UserV1{Name: "ada", Age: 36})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := runtime.UnmarshalWire[UserV2](b, runtime.NewWireDecoder(nil))
	if err != nil || v2 != (UserV2{Name: "ada"}) {
		t.Errorf("v1 → v2: %+v, %v", v2, err)
	}
	b, err = runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), UserV2{Name: "ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := runtime.UnmarshalWire[UserV1](b, runtime.NewWireDecoder(nil))
	if err != nil || v1 != (UserV1{Name: "ada"}) {
		t.Errorf("v2 → v1: %+v, %v", v1, err)
	}
	// A newer Job with a field this version does not know, holding nested
	// values: skipped whole.
	b, _ = runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), &Job{ID: "j"})
	n, rest, _ := msgp.ReadMapHeaderBytes(b)
	nb := msgp.AppendMapHeader(nil, n+1)
	nb = msgp.AppendUint(nb, 99)
	nb = msgp.AppendArrayHeader(nb, 2)
	nb = msgp.AppendMapHeader(nb, 1)
	nb = msgp.AppendString(nb, "k")
	nb = msgp.AppendArrayHeader(nb, 0)
	nb = msgp.AppendTime(nb, time.Now())
	nb = append(nb, rest...)
	j, err := runtime.UnmarshalWire[*Job](nb, runtime.NewWireDecoder(nil))
	if err != nil || j.ID != "j" {
		t.Errorf("unknown nested field: %+v, %v", j, err)
	}
}

// TestWireBadBytes feeds truncated and corrupted encodings to the decoder:
// each is an error or a value, never a panic.
func TestWireBadBytes(t *testing.T) {
	a := &Graph{Name: "a"}
	a.Next, a.Peers = a, []*Graph{a}
	seeds := [][]byte{}
	for _, v := range []any{newJob(), a} {
		var b []byte
		var err error
		switch v := v.(type) {
		case *Job:
			b, err = runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), v)
		case *Graph:
			b, err = runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), v)
		}
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, seed := range seeds {
		for i := range seed {
			decodeAny(seed[:i]) // every truncation
		}
		for range 3000 {
			b := bytes.Clone(seed)
			for range 1 + r.IntN(4) {
				b[r.IntN(len(b))] = byte(r.Uint32())
			}
			decodeAny(b)
		}
	}
	// Lengths that the bytes do not justify are refused before anything
	// is made.
	huge := msgp.AppendMapHeader(nil, 1)
	huge = msgp.AppendUint(huge, 2)
	huge = append(huge, 0xdd, 0x7f, 0xff, 0xff, 0xff) // array32 of 2^31-1 items
	if _, err := runtime.UnmarshalWire[Job](huge, runtime.NewWireDecoder(nil)); !errors.Is(err, runtime.ErrWire) {
		t.Errorf("huge array: err = %v, want ErrWire", err)
	}
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	for range 10 {
		_, _ = runtime.UnmarshalWire[Job](huge, runtime.NewWireDecoder(nil))
	}
	goruntime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("10 decodes of a huge array header allocated %d bytes", n)
	}
	// Deep nesting ends in an error, not a stack overflow.
	deep := []byte{}
	for range 100000 {
		deep = msgp.AppendMapHeader(deep, 1)
		deep = msgp.AppendUint(deep, 2)
	}
	deep = msgp.AppendNil(deep)
	if _, err := runtime.UnmarshalWire[*Graph](deep, runtime.NewWireDecoder(nil)); !errors.Is(err, runtime.ErrWire) {
		t.Errorf("deep nesting: err = %v, want ErrWire", err)
	}
	if _, err := runtime.SkipWire(bytes.Repeat([]byte{0x91}, 1<<20)); !errors.Is(err, runtime.ErrWire) {
		t.Errorf("skip of a deep array: err = %v, want ErrWire", err)
	}
	// A back-reference to an object not decoded yet.
	bad := msgp.AppendMapHeader(nil, 1)
	bad = msgp.AppendUint(bad, 2)
	bad = runtime.AppendWireRef(bad, 7)
	if _, err := runtime.UnmarshalWire[*Graph](bad, runtime.NewWireDecoder(nil)); err == nil || !strings.Contains(err.Error(), "reference") {
		t.Errorf("dangling reference: err = %v", err)
	}
}

func decodeAny(b []byte) {
	_, _ = runtime.UnmarshalWire[*Job](b, runtime.NewWireDecoder(nil))
	_, _ = runtime.UnmarshalWire[*Graph](b, runtime.NewWireDecoder(nil))
	_, _ = runtime.SkipWire(b)
}

// FuzzDecode: no input makes a decoder panic (go test -fuzz FuzzDecode).
func FuzzDecode(f *testing.F) {
	b, _ := runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), newJob())
	f.Add(b)
	g := &Graph{Name: "g"}
	g.Next, g.Peers = g, []*Graph{g, g}
	b, _ = runtime.MarshalWire(nil, runtime.NewWireEncoder(nil), g)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeAny(b)
	})
}

func cmp_Diff(want, got *Job) string { return cmp.Diff(want, got, jobCmp) }
