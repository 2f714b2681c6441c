package report

import (
	"fmt"
	"strings"
)

// Row is one implementation in a group.
type Row struct {
	Bench   string // benchmark name under the group's prefix, e.g. "isolate"
	Label   string // what the table shows
	Short   string // what the chart shows, when shorter than Label
	Isolate bool   // one of isolate's own
	// Pending says what has to land before this row can be measured; the
	// row shows as pending while it has no results.
	Pending string
}

// ShortLabel is the chart's label.
func (r Row) ShortLabel() string {
	if r.Short != "" {
		return r.Short
	}
	return r.Label
}

// Group is one comparison: one benchmark and its implementations.
type Group struct {
	Prefix string // benchmark name prefix, e.g. "Copy/Order"
	Title  string
	Op     string // what one op is
	Base   string // Bench of the row the ratios are against
	// Verdicts, for copy groups: the message name the copier verdicts
	// are filed under.
	Verdicts string
	Rows     []Row
}

// Groups is what the report shows, in order. Only the layout is written
// here; every number comes from the results.
var Groups = []Group{
	{
		Prefix: "Copy/Order", Verdicts: "Order", Base: "isolate",
		Title: "Deep copy, realistic message",
		Op:    "one deep copy of an Order: 12 line items (slice of structs), a map of 12 *Product, tags, attributes, a time.Time, strings",
		Rows:  copyRows,
	},
	{
		Prefix: "Copy/Basket", Verdicts: "Basket", Base: "isolate",
		Title: "Deep copy, cyclic message",
		Op:    "one deep copy of a Basket whose 12 items point back to it, whose shopper lists it, and whose items share products: identity and cycles must be kept",
		Rows:  copyRows,
	},
	{
		Prefix: "Copy/Ledger", Verdicts: "Ledger", Base: "isolate",
		Title: "Deep copy, unexported fields",
		Op:    "one deep copy of a Ledger whose fields (a string, a []int64, a map) are all unexported",
		Rows:  copyRows,
	},
	{
		Prefix: "Stream", Base: "isolate",
		Title: "Message passing, 1→1 stream",
		Op:    "one 16-byte message delivered; one sender, one receiver, sends never wait for the receiver (but the channel's, when its buffer of 1024 is full)",
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: SendPort.Send to an isolate's ReceivePort (unbounded, the default)", Short: "isolate: port, unbounded", Isolate: true},
			{Bench: "isolate-bounded", Label: "isolate: the same port made WithCapacity(1024)", Short: "isolate: port, capacity 1024", Isolate: true},
			{Bench: "chan", Label: "raw channel (buffer 1024), goroutine receiver", Short: "raw channel, buffer 1024"},
			{Bench: "protoactor", Label: "protoactor-go: Root.Send to an actor", Short: "protoactor-go Root.Send"},
		},
	},
	{
		Prefix: "PingPong", Base: "isolate",
		Title: "Message passing, ping-pong",
		Op:    "one round trip of a 16-byte message between two parties",
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: two ports, echo isolate", Short: "isolate: ports, echo isolate", Isolate: true},
			{Bench: "chan", Label: "raw channels, echo goroutine"},
			{Bench: "protoactor", Label: "protoactor-go: two actors, Request/Respond", Short: "protoactor-go: two actors"},
		},
	},
	{
		Prefix: "FanIn", Base: "isolate",
		Title: "Message passing, N→1 (4 senders)",
		Op:    "one 16-byte message delivered; 4 concurrent senders, one receiver",
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: 4 sender isolates, one ReceivePort (unbounded, the default)", Short: "isolate: 4 isolates → port", Isolate: true},
			{Bench: "isolate-bounded", Label: "isolate: the same port made WithCapacity(1024)", Short: "isolate: same, capacity 1024", Isolate: true},
			{Bench: "chan", Label: "raw channel (buffer 1024), 4 goroutines", Short: "raw channel, 4 goroutines"},
			{Bench: "protoactor", Label: "protoactor-go: 4 goroutines Root.Send to one actor", Short: "protoactor-go, 4 goroutines"},
		},
	},
	{
		Prefix: "Request", Base: "isolate",
		Title: "Request/response",
		Op:    "one call (a Quote in, a Price out) to a service on its own goroutine, waiting for the answer",
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: generated //isolate:port call", Short: "isolate: //isolate:port call", Isolate: true},
			{Bench: "chan", Label: "goroutine + channel service, reply channel per call", Short: "goroutine + channels"},
			{Bench: "chan-reuse", Label: "goroutine + channel service, caller reuses one reply channel", Short: "goroutine + channels, reused"},
			{Bench: "protoactor", Label: "protoactor-go: RequestFuture(...).Result()", Short: "protoactor-go RequestFuture"},
		},
	},
	{
		Prefix: "Spawn", Base: "isolate",
		Title: "Spawn",
		Op:    "start a unit of execution that does nothing, and wait until it has ended",
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: Spawn, entry returns, Wait", Isolate: true},
			{Bench: "isolate-run", Label: "isolate: Run (spawn, result back)", Isolate: true},
			{Bench: "go", Label: "go statement + WaitGroup"},
			{Bench: "protoactor", Label: "protoactor-go: Root.Spawn + StopFuture().Wait()", Short: "protoactor-go Spawn + Stop"},
		},
	}, poolGroup("Pool/64", "64"),
	poolGroup("Pool/procs", "GOMAXPROCS"),
	{
		Prefix: "Codec/Order", Base: "isolate",
		Title: "Wire codec, realistic message",
		Op:    "one encode (appending to a reused buffer) and one decode into a new Order of the realistic message",
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: generated wire codec (AppendIsolateWire, DecodeIsolateWire)", Short: "isolate: generated wire codec", Isolate: true},
			{Bench: "protobuf", Label: "proto.Marshal + proto.Unmarshal of an equivalent proto3 message, built with dynamicpb from a descriptor written in Go (no protoc here; generated protobuf code would be faster than dynamicpb)", Short: "proto.Marshal, dynamicpb"},
			{Bench: "protowire", Label: "hand-written codec on protobuf's protowire primitives (a format of its own, not a protobuf message)", Short: "protowire primitives, hand-written"},
			{Bench: "json", Label: "encoding/json Marshal, Unmarshal", Short: "encoding/json"},
			{Bench: "gob", Label: "encoding/gob, a new Encoder and Decoder per message", Short: "encoding/gob"},
		},
	},
	remoteGroup("Remote/embedded", "Remote call, embedded server",
		"one call (a Quote in, a Price out) from a node to a service on the same node's embedded NATS server, which opens no socket", false),
	remoteGroup("Remote/tcp", "Remote call, loopback TCP",
		"one call (a Quote in, a Price out) from a node joined over TCP (WithURL) to a service on a node serving on 127.0.0.1 (WithServer)", true),
	remoteGroup("Remote/concurrent64", "Remote calls, 64 concurrent callers, loopback TCP",
		"one call as Remote/tcp, made by 64 goroutines at once; time/op is the inverse of throughput", true),
}

// remoteGroup is a remote call group; grpc says whether it has a gRPC row.
func remoteGroup(prefix, title, op string, grpc bool) Group {
	g := Group{
		Prefix: prefix, Base: "isolate", Title: title, Op: op,
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: generated //isolate:port call through remote.LookupService", Short: "isolate: remote //isolate:port call", Isolate: true},
			{Bench: "nats", Label: "hand-written nats.go Request of pre-encoded bytes, Respond with pre-encoded bytes, same server", Short: "hand-written nats.go request"},
		},
	}
	if grpc {
		g.Rows = append(g.Rows, Row{Bench: "grpc", Label: "gRPC unary call of the same pre-encoded bytes (raw-bytes codec), loopback", Short: "gRPC unary"})
	}
	return g
}

func poolGroup(prefix, size string) Group {
	return Group{
		Prefix: prefix, Base: "isolate",
		Title: "Pool of " + size,
		Op:    "100,000 tiny CPU tasks through a pool of " + size + " workers, waiting for all; one op is the whole batch",
		Rows: []Row{
			{Bench: "isolate", Label: "isolate: RunOn on a Pool, 2×size callers each calling RunOn in a loop (synchronous: result back per call)", Short: "isolate: RunOn", Isolate: true},
			{Bench: "workers", Label: "hand-written channel workers: size goroutines ranging over a buffered channel of task numbers", Short: "hand-written channel workers"},
			{Bench: "go", Label: "a goroutine per task + WaitGroup (unbounded)", Short: "goroutine per task"},
			{Bench: "ants", Label: "panjf2000/ants v2: Pool.Submit + WaitGroup", Short: "ants v2"},
			{Bench: "pond", Label: "alitto/pond v2: Pool.NewGroup, Submit, Wait", Short: "pond v2"},
			{Bench: "conc", Label: "sourcegraph/conc: pool.New().WithMaxGoroutines, Go, Wait", Short: "conc pool"},
			{Bench: "errgroup", Label: "golang.org/x/sync/errgroup: SetLimit, Go, Wait", Short: "errgroup.SetLimit"},
		},
	}
}

// poolLibraries are the pool libraries the RunOn target is against.
var poolLibraries = []string{"ants", "pond", "conc", "errgroup"}

var copyRows = []Row{
	{Bench: "isolate", Label: "isolate: generated DeepCopy", Isolate: true},
	{Bench: "handwritten", Label: "hand-written copy"},
	{Bench: "goclone", Label: "huandu/go-clone Clone"},
	{Bench: "goclone-slowly", Label: "huandu/go-clone Slowly"},
	{Bench: "brunoga", Label: "brunoga/deep Copy"},
	{Bench: "mohae", Label: "mohae/deepcopy Copy"},
	{Bench: "gob", Label: "encoding/gob round trip"},
}

// reflectionCopiers are the reflection libraries the copy target is
// measured against (gob is the serialization baseline, not one of them).
var reflectionCopiers = []string{"goclone", "goclone-slowly", "brunoga", "mohae"}

// State is what a cell of the table holds.
type State int

const (
	Measured State = iota
	Cannot         // the implementation cannot do this (Reason says why)
	Pending        // not measurable yet (Reason says what must land)
	Missing        // no result and no explanation: the run was partial
)

// Cell is one row's outcome.
type Cell struct {
	Row    Row
	State  State
	Stat   Stat
	Reason string
}

// GroupResult is a group with its cells.
type GroupResult struct {
	Group
	Cells []Cell
}

// Base returns the cell the ratios are computed against.
func (g GroupResult) Base() (Cell, bool) {
	for _, c := range g.Cells {
		if c.Row.Bench == g.Group.Base {
			return c, c.State == Measured
		}
	}
	return Cell{}, false
}

// Cell returns the cell of the row named bench.
func (g GroupResult) Cell(bench string) (Cell, bool) {
	for _, c := range g.Cells {
		if c.Row.Bench == bench {
			return c, c.State == Measured
		}
	}
	return Cell{}, false
}

// Build pairs the layout (Groups, normally) with the results.
func Build(layout []Group, raw *Raw, verdicts Verdicts) []GroupResult {
	var out []GroupResult
	for _, g := range layout {
		gr := GroupResult{Group: g}
		for _, r := range g.Rows {
			c := Cell{Row: r}
			samples := raw.Samples[g.Prefix+"/"+r.Bench]
			v := verdicts[g.Verdicts+"/"+r.Bench]
			switch {
			case len(samples) > 0:
				c.State, c.Stat = Measured, Summarize(samples)
			case strings.HasPrefix(v, "cannot: "):
				c.State, c.Reason = Cannot, strings.TrimPrefix(v, "cannot: ")
			case r.Pending != "" || v == "pending":
				c.State, c.Reason = Pending, r.Pending
			default:
				c.State = Missing
			}
			gr.Cells = append(gr.Cells, c)
		}
		out = append(out, gr)
	}
	return out
}

// find returns the group with prefix.
func find(groups []GroupResult, prefix string) (GroupResult, bool) {
	for _, g := range groups {
		if g.Prefix == prefix {
			return g, true
		}
	}
	return GroupResult{}, false
}

// Target is a claim the project makes, checked against the run.
type Target struct {
	Claim   string
	Want    float64 // the claimed factor
	Got     float64 // the measured factor (valid when State == Measured)
	State   State
	Against string // what isolate was compared with
	Notes   []string
}

// Met tells whether the measured factor reaches the claim.
func (t Target) Met() bool { return t.State == Measured && t.Got >= t.Want }

// Targets computes the project's claimed ratios from the results.
func Targets(groups []GroupResult) []Target {
	var ts []Target

	// Generated copy vs the fastest reflection library, realistic message.
	t := Target{Claim: "generated copy ≥ 10× faster than the fastest reflection library on the realistic message", Want: 10, State: Missing}
	if g, ok := find(groups, "Copy/Order"); ok {
		iso, isoOK := g.Base()
		var fastest Cell
		for _, name := range reflectionCopiers {
			if c, ok := g.Cell(name); ok && (fastest.Row.Bench == "" || c.Stat.Median < fastest.Stat.Median) {
				fastest = c
			}
		}
		switch {
		case !isoOK:
			t.State = Pending
		case fastest.Row.Bench == "":
			t.State = Missing
		default:
			t.State, t.Got, t.Against = Measured, fastest.Stat.Median/iso.Stat.Median, fastest.Row.Label
			if hand, ok := g.Cell("handwritten"); ok {
				t.Notes = append(t.Notes, fmt.Sprintf(
					"The hand-written copy is %s faster than %s; isolate's generated copy takes %s of the hand-written copy's time. Allocations per copy: isolate %s, hand-written %s, %s %s.",
					times(fastest.Stat.Median/hand.Stat.Median), fastest.Row.Label,
					times(iso.Stat.Median/hand.Stat.Median),
					num(iso.Stat.AllocsPerOp), num(hand.Stat.AllocsPerOp), fastest.Row.Label, num(fastest.Stat.AllocsPerOp)))
				if handRatio := fastest.Stat.Median / hand.Stat.Median; handRatio < t.Want && iso.Stat.AllocsPerOp >= hand.Stat.AllocsPerOp {
					t.Notes = append(t.Notes, fmt.Sprintf(
						"Why: even the hand-written copy, which uses no reflection at all, is only %s faster than %s. What costs is the copy itself: a faithful copy of this message allocates what it copies (%s objects here), and a CPU profile of the generated copy (go test -bench Copy/Order/isolate -cpuprofile) is dominated by allocation and garbage collection, so no copy making these allocations reaches %s. Getting there would take fewer, larger allocations (one slab for all the products, say), which hand-written code could do as well.",
						times(handRatio), fastest.Row.Label, num(hand.Stat.AllocsPerOp), times(t.Want)))
				}
			}
		}
	}
	ts = append(ts, t)

	// Ports vs protoactor-go, throughput.
	for _, p := range []struct{ prefix, claim string }{
		{"Stream", "ports ≥ 2× protoactor-go throughput, 1→1"},
		{"FanIn", "ports ≥ 2× protoactor-go throughput, N→1"},
	} {
		t := Target{Claim: p.claim, Want: 2}
		ratio(groups, p.prefix, "protoactor", &t)
		if g, ok := find(groups, p.prefix); ok && t.State == Measured {
			if ch, ok := g.Cell("chan"); ok {
				iso, _ := g.Base()
				t.Notes = append(t.Notes, fmt.Sprintf("A raw channel delivers a message in %s, isolate in %s (%s of the channel's time), protoactor-go in %s.",
					Duration(ch.Stat.Median), Duration(iso.Stat.Median), times(iso.Stat.Median/ch.Stat.Median),
					Duration(mustCell(g, "protoactor").Stat.Median)))
			}
			if bounded, ok := g.Cell("isolate-bounded"); ok {
				pa := mustCell(g, "protoactor")
				unbounded := mustCell(g, "isolate")
				t.Notes = append(t.Notes, fmt.Sprintf("The same port bounded to the channel's 1024 messages delivers in %s, %s of protoactor-go's throughput, allocating %.0f B/op against %.0f unbounded.",
					Duration(bounded.Stat.Median), times(pa.Stat.Median/bounded.Stat.Median), bounded.Stat.BytesPerOp, unbounded.Stat.BytesPerOp))
			}
		}
		ts = append(ts, t)
	}

	// Port request/response vs RequestFuture.
	t = Target{Claim: "port request/response ≥ 3× faster than protoactor-go's RequestFuture", Want: 3}
	ratio(groups, "Request", "protoactor", &t)
	if g, ok := find(groups, "Request"); ok && t.State == Measured {
		iso, _ := g.Base()
		if ch, ok := g.Cell("chan-reuse"); ok {
			t.Notes = append(t.Notes, fmt.Sprintf("A raw goroutine + channel service whose caller reuses its reply channel answers in %s, the generated port call in %s (%s of its time), protoactor-go's RequestFuture in %s.",
				Duration(ch.Stat.Median), Duration(iso.Stat.Median), times(iso.Stat.Median/ch.Stat.Median), Duration(mustCell(g, "protoactor").Stat.Median)))
		}
	}
	ts = append(ts, t)

	// RunOn vs the pool libraries and hand-written workers.
	for _, g := range []struct{ prefix, size string }{{"Pool/64", "64"}, {"Pool/procs", "GOMAXPROCS"}} {
		t := Target{Claim: "RunOn ≥ 2× the throughput of the fastest pool library, pool of " + g.size, Want: 2, State: Missing}
		w := Target{Claim: "RunOn within 1.3× of hand-written channel workers (their time over RunOn's ≥ 0.77), pool of " + g.size, Want: 1 / 1.3, State: Missing}
		if gr, ok := find(groups, g.prefix); ok {
			iso, isoOK := gr.Base()
			var fastest Cell
			for _, name := range poolLibraries {
				if c, ok := gr.Cell(name); ok && (fastest.Row.Bench == "" || c.Stat.Median < fastest.Stat.Median) {
					fastest = c
				}
			}
			switch {
			case !isoOK:
				t.State, w.State = Pending, Pending
			default:
				if fastest.Row.Bench != "" {
					t.State, t.Got, t.Against = Measured, fastest.Stat.Median/iso.Stat.Median, fastest.Row.Label
				}
				if hw, ok := gr.Cell("workers"); ok {
					w.State, w.Got, w.Against = Measured, hw.Stat.Median/iso.Stat.Median, hw.Row.Label
				}
			}
		}
		ts = append(ts, t, w)
	}

	// The wire codec vs encoding/json and protobuf.
	t = Target{Claim: "wire codec ≥ 5× faster than encoding/json (encode+decode of the Order)", Want: 5}
	ratio(groups, "Codec/Order", "json", &t)
	ts = append(ts, t)
	t = Target{Claim: "wire codec not slower than protobuf (its time over isolate's ≥ 1)", Want: 1}
	ratio(groups, "Codec/Order", "protobuf", &t)
	if g, ok := find(groups, "Codec/Order"); ok && t.State == Measured {
		if pw, ok := g.Cell("protowire"); ok {
			iso, _ := g.Base()
			t.Notes = append(t.Notes, fmt.Sprintf("proto.Marshal here runs on dynamicpb, slower than the code protoc would generate. A codec written by hand on protobuf's protowire primitives, the floor of what generated protobuf code can do, takes %s, the generated wire codec %s (%s of its time).",
				Duration(pw.Stat.Median), Duration(iso.Stat.Median), times(iso.Stat.Median/pw.Stat.Median)))
		}
	}
	ts = append(ts, t)

	// A remote call vs the hand-written NATS request, and vs gRPC under load.
	for _, p := range []struct{ prefix, where string }{{"Remote/embedded", "embedded server"}, {"Remote/tcp", "loopback TCP"}} {
		t := Target{Claim: "remote call ≤ 1.2× the time of a hand-written nats.go request (its time over isolate's ≥ 0.83), " + p.where, Want: 1 / 1.2}
		ratio(groups, p.prefix, "nats", &t)
		if g, ok := find(groups, p.prefix); ok && t.State == Measured {
			iso, n := mustCell(g, "isolate"), mustCell(g, "nats")
			t.Notes = append(t.Notes, fmt.Sprintf("The generated call takes %s (%s allocations), the hand-written request %s (%s), which encodes and decodes nothing and answers on the NATS callback itself; the generated call also encodes the call, decodes it, and serves it in the service's isolate, two more goroutine hand-offs, each a wake-up whose latency grows with the machine's load.",
				Duration(iso.Stat.Median), num(iso.Stat.AllocsPerOp), Duration(n.Stat.Median), num(n.Stat.AllocsPerOp)))
		}
		ts = append(ts, t)
	}
	t = Target{Claim: "64 concurrent callers over loopback TCP: remote call throughput ≥ gRPC's", Want: 1}
	ratio(groups, "Remote/concurrent64", "grpc", &t)
	if g, ok := find(groups, "Remote/concurrent64"); ok && t.State == Measured {
		if n, ok := g.Cell("nats"); ok {
			iso, _ := g.Base()
			t.Notes = append(t.Notes, fmt.Sprintf("With 64 callers a call completes every %s with isolate, every %s with hand-written nats.go requests, every %s with gRPC.",
				Duration(iso.Stat.Median), Duration(n.Stat.Median), Duration(mustCell(g, "grpc").Stat.Median)))
		}
	}
	ts = append(ts, t)

	// Ports and spawns against raw channels and goroutines.
	for _, p := range []struct {
		prefix, other, claim string
		within               float64
	}{
		{"Stream", "chan", "ports within 1.1× of a raw buffered channel's time, 1→1 (its time over isolate's ≥ 0.91)", 1.1},
		{"FanIn", "chan", "ports within 1.1× of a raw buffered channel's time, N→1 (its time over isolate's ≥ 0.91)", 1.1},
		{"PingPong", "chan", "ping-pong within 1.2× of raw channels' round trip (their time over isolate's ≥ 0.83)", 1.2},
		{"Spawn", "go", "Spawn+exit+Wait within 1.5× of a go statement + WaitGroup (its time over isolate's ≥ 0.67)", 1.5},
	} {
		t := Target{Claim: p.claim, Want: 1 / p.within}
		ratio(groups, p.prefix, p.other, &t)
		if g, ok := find(groups, p.prefix); ok && t.State == Measured {
			iso, _ := g.Base()
			t.Notes = append(t.Notes, fmt.Sprintf("isolate takes %s of %s's time (%s against %s), allocating %s times per op.",
				times(1/t.Got), t.Against, Duration(iso.Stat.Median), Duration(mustCell(g, p.other).Stat.Median), num(iso.Stat.AllocsPerOp)))
		}
		ts = append(ts, t)
	}
	return ts
}

func mustCell(g GroupResult, bench string) Cell {
	c, _ := g.Cell(bench)
	return c
}

// ratio fills t with other's time over isolate's in group prefix.
func ratio(groups []GroupResult, prefix, other string, t *Target) {
	g, ok := find(groups, prefix)
	if !ok {
		t.State = Missing
		return
	}
	iso, isoOK := g.Base()
	o, oOK := g.Cell(other)
	switch {
	case !isoOK && iso.State == Pending:
		t.State = Pending
	case !isoOK || !oOK:
		t.State = Missing
	default:
		t.State, t.Got, t.Against = Measured, o.Stat.Median/iso.Stat.Median, o.Row.Label
	}
}
