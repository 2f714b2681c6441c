package report

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

const sampleRaw = `date: 2026-01-02 03:04 UTC
go: go1.26.0
cores: 2
goos: linux
goarch: amd64
pkg: github.com/go-isolate/isolate/bench
cpu: Test CPU
BenchmarkCopy/Order/isolate-2     	   10000	      1000 ns/op	    3976 B/op	      38 allocs/op
BenchmarkCopy/Order/goclone-2     	   10000	      4000 ns/op	    5560 B/op	      92 allocs/op
BenchmarkCopy/Order/isolate-2     	   10000	      1200 ns/op	    3976 B/op	      38 allocs/op
BenchmarkCopy/Order/goclone-2     	   10000	      4400 ns/op	    5560 B/op	      92 allocs/op
BenchmarkCopy/Order/isolate-2     	   10000	       900 ns/op	    3976 B/op	      38 allocs/op
BenchmarkCopy/Order/goclone-2     	   10000	      4200 ns/op	    5560 B/op	      92 allocs/op
BenchmarkStream/isolate-2         	 1000000	        50 ns/op	       0 B/op	       0 allocs/op
BenchmarkStream/protoactor-2      	 1000000	       150 ns/op	      24 B/op	       1 allocs/op
PASS
load-after: 0.10 0.20 0.30
`

const sampleVerdicts = `=== RUN   TestCopiers
    verify_test.go:1: verdict: Basket/mohae: cannot: crashes: endless recursion (fatal stack overflow)
    verify_test.go:1: verdict: Basket/isolate: ok
--- PASS: TestCopiers (1.00s)
`

func build(t *testing.T) []GroupResult {
	t.Helper()
	raw, err := ParseRaw(strings.NewReader(sampleRaw))
	if err != nil {
		t.Fatal(err)
	}
	v, err := ParseVerdicts(strings.NewReader(sampleVerdicts))
	if err != nil {
		t.Fatal(err)
	}
	// A layout in which isolate's request/response row has not landed.
	layout := make([]Group, len(Groups))
	for i, g := range Groups {
		g.Rows = append([]Row(nil), g.Rows...)
		for j := range g.Rows {
			if g.Prefix == "Request" && g.Rows[j].Bench == "isolate" {
				g.Rows[j].Pending = "the //isolate:port generator"
			}
		}
		layout[i] = g
	}
	return Build(layout, raw, v)
}

func TestParseAndSummarize(t *testing.T) {
	raw, err := ParseRaw(strings.NewReader(sampleRaw))
	if err != nil {
		t.Fatal(err)
	}
	st := Summarize(raw.Samples["Copy/Order/isolate"])
	if st.N != 3 || st.Median != 1000 || st.Min != 900 || st.Max != 1200 || st.AllocsPerOp != 38 || !st.HasMem {
		t.Errorf("Summarize = %+v", st)
	}
	if got := st.Spread(); got < 0.199 || got > 0.201 {
		t.Errorf("Spread = %v, want 0.2", got)
	}
	if raw.Config["cpu"] != "Test CPU" || raw.Config["load-after"] != "0.10 0.20 0.30" {
		t.Errorf("Config = %v", raw.Config)
	}
}

func TestTargetsAreComputed(t *testing.T) {
	ts := Targets(build(t))
	if len(ts) != 17 {
		t.Fatalf("%d targets, want 17", len(ts))
	}
	copyT, stream, fanIn, req := ts[0], ts[1], ts[2], ts[3]
	for _, pt := range ts[4:] {
		if pt.State == Measured {
			t.Errorf("target %q = %+v, want no result in a run without its benchmarks", pt.Claim, pt)
		}
	}
	if copyT.State != Measured || copyT.Got != 4.2 || copyT.Met() {
		t.Errorf("copy target = %+v, want 4.2× and missed", copyT)
	}
	if stream.State != Measured || stream.Got != 3 || !stream.Met() {
		t.Errorf("stream target = %+v, want 3× and met", stream)
	}
	if fanIn.State != Missing {
		t.Errorf("fan-in target = %+v, want no result", fanIn)
	}
	if req.State != Pending {
		t.Errorf("request target = %+v, want pending", req)
	}
}

func TestMarkdownSaysWhatIsMissing(t *testing.T) {
	groups := build(t)
	var b strings.Builder
	if err := Markdown(&b, Meta{Date: "d"}, groups, Targets(groups), "results.svg"); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| huandu/go-clone Clone | 4.20 µs | 5% | 3 | 5560 | 92 | isolate 4.2× faster |",
		"| mohae/deepcopy Copy | cannot: crashes: endless recursion (fatal stack overflow) |",
		"pending: waits for the //isolate:port generator",
		"**missed**: 4.2× of the 10× claimed",
		"| ports ≥ 2× protoactor-go throughput, 1→1 | 3.0× |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	var b strings.Builder
	if err := SVG(&b, Meta{Date: "d & <e>"}, build(t)); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(strings.NewReader(b.String()))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
	}
	for _, want := range []string{">1.00 µs<", ">4.20 µs<", "cannot: crashes", "pending: waits for"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("svg lacks %q", want)
		}
	}
}

const wireRaw = `cores: 2
BenchmarkCodec/Order/isolate-2     	   10000	     10000 ns/op	    6000 B/op	     171 allocs/op
BenchmarkCodec/Order/json-2        	   10000	     60000 ns/op	   14000 B/op	     262 allocs/op
BenchmarkCodec/Order/protobuf-2    	   10000	     12000 ns/op	    6000 B/op	     171 allocs/op
BenchmarkRemote/embedded/isolate-2 	   10000	     30000 ns/op	    2000 B/op	      38 allocs/op
BenchmarkRemote/embedded/nats-2    	   10000	     20000 ns/op	    1700 B/op	      29 allocs/op
BenchmarkRemote/concurrent64/isolate-2 	   10000	     20000 ns/op	    1600 B/op	      25 allocs/op
BenchmarkRemote/concurrent64/nats-2    	   10000	     30000 ns/op	    1200 B/op	      17 allocs/op
BenchmarkRemote/concurrent64/grpc-2    	   10000	     70000 ns/op	    9000 B/op	     165 allocs/op
`

func TestWireTargets(t *testing.T) {
	raw, err := ParseRaw(strings.NewReader(wireRaw))
	if err != nil {
		t.Fatal(err)
	}
	ts := Targets(Build(Groups, raw, nil))
	json, proto := ts[8], ts[9]
	embedded, tcp, conc := ts[10], ts[11], ts[12]
	if json.State != Measured || json.Got != 6 || !json.Met() {
		t.Errorf("json target = %+v, want 6× and met", json)
	}
	if proto.State != Measured || proto.Got != 1.2 || !proto.Met() {
		t.Errorf("protobuf target = %+v, want 1.2× and met", proto)
	}
	if embedded.State != Measured || embedded.Met() {
		t.Errorf("embedded target = %+v, want 1.5× the NATS time: missed", embedded)
	}
	if tcp.State != Missing {
		t.Errorf("tcp target = %+v, want no result", tcp)
	}
	if conc.State != Measured || conc.Got != 3.5 || !conc.Met() || len(conc.Notes) != 1 {
		t.Errorf("concurrent target = %+v, want 3.5× and met, with a note", conc)
	}
}

const channelRaw = `date: 2026-01-02 03:04 UTC
BenchmarkStream/isolate-2     	 1000000	        50 ns/op	       0 B/op	       0 allocs/op
BenchmarkStream/chan-2        	 1000000	        60 ns/op	       0 B/op	       0 allocs/op
BenchmarkPingPong/isolate-2   	 1000000	       400 ns/op	       0 B/op	       0 allocs/op
BenchmarkPingPong/chan-2      	 1000000	       300 ns/op	       0 B/op	       0 allocs/op
BenchmarkSpawn/isolate-2      	 1000000	       700 ns/op	     152 B/op	       2 allocs/op
BenchmarkSpawn/go-2           	 1000000	       500 ns/op	      24 B/op	       1 allocs/op
`

func TestChannelTargets(t *testing.T) {
	raw, err := ParseRaw(strings.NewReader(channelRaw))
	if err != nil {
		t.Fatal(err)
	}
	ts := Targets(Build(Groups, raw, nil))
	stream, fanIn, pingPong, spawn := ts[13], ts[14], ts[15], ts[16]
	if stream.State != Measured || stream.Got != 1.2 || !stream.Met() || len(stream.Notes) != 1 {
		t.Errorf("stream target = %+v, want 1.2 and met, with a note", stream)
	}
	if fanIn.State != Missing {
		t.Errorf("fan-in target = %+v, want no result", fanIn)
	}
	if pingPong.State != Measured || pingPong.Got != 0.75 || pingPong.Met() {
		t.Errorf("ping-pong target = %+v, want 0.75: 1.33× the channels' time, missed", pingPong)
	}
	if spawn.State != Measured || !spawn.Met() {
		t.Errorf("spawn target = %+v, want 1.4× the go statement's time: met", spawn)
	}
}
