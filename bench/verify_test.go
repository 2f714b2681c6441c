package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/go-isolate/isolate/bench/message"
)

// Every copier is checked on every message before it is measured on it:
// the copy must equal the original (go-cmp, unexported fields included), and
// share no mutable memory with it (no pointer, map or slice backing array of
// the original is reachable from the copy), and keep identity: a pointer the
// original reaches twice is one pointer in the copy, so a cycle stays a
// cycle. A copier that fails is not measured on that message: the benchmark
// skips with the reason and the table says "cannot".
//
// A copier that does not track identity recurses forever on a cycle, and
// Go's stack overflow is fatal, not a panic. So each check runs in a child
// process (this test binary again, told what to check through probeEnv): a
// crash there is a finding, not the end of the run.

const probeEnv = "ISOLATE_BENCH_PROBE" // "Message/copier"

// messages lists the messages and, for each, its copiers as checks.
var messages = []struct {
	name  string
	check func(copierName string) (found bool, err error)
}{
	{"Order", func(n string) (bool, error) { return checkNamed(n, message.NewOrder, orderCopiers()) }},
	{"Basket", func(n string) (bool, error) { return checkNamed(n, message.NewBasket, basketCopiers()) }},
	{"Ledger", func(n string) (bool, error) { return checkNamed(n, message.NewLedger, ledgerCopiers()) }},
}

func checkNamed[T any](name string, newMsg func() T, cs []copier[T]) (bool, error) {
	for _, c := range cs {
		if c.name == name {
			return true, checkCopier(newMsg, c)
		}
	}
	return false, nil
}

// checkCopier copies a fresh message and verifies the copy. A panic in the
// copier is reported as an error.
func checkCopier[T any](newMsg func() T, c copier[T]) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panics: %v", r)
		}
	}()
	orig := newMsg()
	cp, err := c.copy(orig)
	if err != nil {
		return err
	}
	// The original must be untouched by the copy, and equal to a fresh one.
	if d := cmp.Diff(newMsg(), orig, exportAll); d != "" {
		return fmt.Errorf("changes the original: %s", firstDiff(d))
	}
	return verifyCopy(orig, cp)
}

var exportAll = cmp.Exporter(func(reflect.Type) bool { return true })

// verifyCopy reports why cp is not a faithful deep copy of orig, or nil.
func verifyCopy(orig, cp any) error {
	if d := cmp.Diff(orig, cp, exportAll); d != "" {
		if strings.Contains(d, "{") && allUnexportedZero(cp) {
			return fmt.Errorf("loses unexported fields (zero in the copy)")
		}
		return fmt.Errorf("copy differs: %s", firstDiff(d))
	}
	w := aliasWalker{fwd: map[ptrKey]uintptr{}, back: map[ptrKey]uintptr{}}
	return w.walk(reflect.ValueOf(orig), reflect.ValueOf(cp), reflect.TypeOf(orig).String())
}

// allUnexportedZero tells whether every unexported field of the struct v
// points to is zero: the signature of a copier that skips them.
func allUnexportedZero(v any) bool {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return false
	}
	some := false
	for i := range rv.NumField() {
		if !rv.Type().Field(i).IsExported() {
			some = true
			if !rv.Field(i).IsZero() {
				return false
			}
		}
	}
	return some
}

// firstDiff shortens a go-cmp diff to its first changed line.
func firstDiff(d string) string {
	for _, l := range strings.Split(d, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
			return strings.Join(strings.Fields(l), " ")
		}
	}
	return strings.Join(strings.Fields(d), " ")
}

type ptrKey struct {
	p uintptr
	t reflect.Type
}

// aliasWalker walks an original and its copy in step. fwd maps each pointer
// (map, slice array) of the original to its counterpart in the copy, back
// the reverse; both must stay functions, or identity was lost or invented.
type aliasWalker struct {
	fwd, back map[ptrKey]uintptr
}

var timeType = reflect.TypeFor[time.Time]()

// visit records that o's address corresponds to c's and tells whether o was
// seen before (so the walk must not descend again: it may be a cycle).
func (w *aliasWalker) visit(o, c uintptr, t reflect.Type, path string) (seen bool, err error) {
	if o == c {
		return false, fmt.Errorf("shares memory with the original at %s", path)
	}
	ok, ck := ptrKey{o, t}, ptrKey{c, t}
	if prev, dup := w.fwd[ok]; dup {
		if prev != c {
			return true, fmt.Errorf("loses identity at %s: one pointer of the original became two in the copy", path)
		}
		return true, nil
	}
	if prev, dup := w.back[ck]; dup && prev != o {
		return true, fmt.Errorf("invents sharing at %s: two pointers of the original became one in the copy", path)
	}
	w.fwd[ok], w.back[ck] = c, o
	return false, nil
}

func (w *aliasWalker) walk(o, c reflect.Value, path string) error {
	if o.Type() != c.Type() {
		return fmt.Errorf("changes the type at %s: %s to %s", path, o.Type(), c.Type())
	}
	if o.Type() == timeType {
		return nil // immutable and sendable: sharing its *Location is fine
	}
	switch o.Kind() {
	case reflect.Pointer:
		if o.IsNil() || c.IsNil() {
			return nil // nilness was compared by go-cmp
		}
		if seen, err := w.visit(o.Pointer(), c.Pointer(), o.Type(), path); seen || err != nil {
			return err
		}
		return w.walk(o.Elem(), c.Elem(), path)
	case reflect.Map:
		if o.IsNil() || c.IsNil() {
			return nil
		}
		if seen, err := w.visit(o.Pointer(), c.Pointer(), o.Type(), path); seen || err != nil {
			return err
		}
		for _, k := range o.MapKeys() {
			if err := w.walk(o.MapIndex(k), c.MapIndex(k), fmt.Sprintf("%s[%v]", path, k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if o.IsNil() || c.IsNil() {
			return nil
		}
		if o.Cap() > 0 && o.Type().Elem().Size() > 0 {
			if seen, err := w.visit(o.Pointer(), c.Pointer(), o.Type(), path); seen || err != nil {
				return err
			}
		}
		for i := range o.Len() {
			if err := w.walk(o.Index(i), c.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Array:
		for i := range o.Len() {
			if err := w.walk(o.Index(i), c.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
		for i := range o.NumField() {
			if err := w.walk(o.Field(i), c.Field(i), path+"."+o.Type().Field(i).Name); err != nil {
				return err
			}
		}
		return nil
	case reflect.Interface:
		if o.IsNil() || c.IsNil() {
			return nil
		}
		return w.walk(o.Elem(), c.Elem(), path)
	default:
		return nil // scalars and strings (immutable)
	}
}

// verdict is the outcome of checking one copier on one message.
type verdict struct {
	ok     bool
	reason string // why not, when !ok
}

var (
	verdictsMu sync.Mutex
	verdicts   = map[string]verdict{}
)

// verdictFor checks copier on msg in a child process, once per process.
func verdictFor(msg, copierName string) verdict {
	key := msg + "/" + copierName
	verdictsMu.Lock()
	defer verdictsMu.Unlock()
	if v, ok := verdicts[key]; ok {
		return v
	}
	v := probe(key)
	verdicts[key] = v
	return v
}

func probe(key string) verdict {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), probeEnv+"="+key)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := strings.TrimSpace(stdout.String())
	switch {
	case ctx.Err() != nil:
		return verdict{reason: "never finishes (killed after a minute)"}
	case err == nil && out == "ok":
		return verdict{ok: true}
	case err == nil && strings.HasPrefix(out, "cannot: "):
		return verdict{reason: strings.TrimPrefix(out, "cannot: ")}
	case strings.Contains(stderr.String(), "stack exceeds"):
		return verdict{reason: "crashes: endless recursion (fatal stack overflow)"}
	default:
		return verdict{reason: fmt.Sprintf("check crashed: %v: %s", err, firstLine(stderr.String()))}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// runProbe is the child's side of probe: check, print the verdict, exit.
func runProbe(key string) int {
	debug.SetMaxStack(64 << 20) // an endless recursion dies in well under a second
	msg, name, _ := strings.Cut(key, "/")
	for _, m := range messages {
		if m.name != msg {
			continue
		}
		found, err := m.check(name)
		switch {
		case !found:
			fmt.Printf("cannot: no copier %q for %s\n", name, msg)
		case err != nil:
			fmt.Printf("cannot: %v\n", err)
		default:
			fmt.Println("ok")
		}
		return 0
	}
	fmt.Printf("cannot: no message %q\n", msg)
	return 0
}

func TestMain(m *testing.M) {
	if key := os.Getenv(probeEnv); key != "" {
		os.Exit(runProbe(key))
	}
	os.Exit(m.Run())
}

// TestCopiers checks every copier on every message and logs the verdicts
// that the report puts in the table. The hand-written copy (and isolate's
// generated one) must pass everything; the peers' failures are findings.
func TestCopiers(t *testing.T) {
	names := []string{"handwritten", "isolate", "mohae", "goclone", "goclone-slowly", "brunoga", "gob"}
	for _, m := range messages {
		for _, n := range names {
			v := verdictFor(m.name, n)
			if !v.ok && strings.HasPrefix(v.reason, "no copier") {
				t.Logf("verdict: %s/%s: pending", m.name, n)
				continue
			}
			if v.ok {
				t.Logf("verdict: %s/%s: ok", m.name, n)
			} else {
				t.Logf("verdict: %s/%s: cannot: %s", m.name, n, v.reason)
			}
			if !v.ok && (n == "handwritten" || n == "isolate") {
				t.Errorf("%s/%s must be a faithful deep copy: %s", m.name, n, v.reason)
			}
		}
	}
}

// TestVerifyCatchesSharing makes sure the checker itself is not blind: a
// shallow copy, a copy that drops identity and a copy that differs must fail.
func TestVerifyCatchesSharing(t *testing.T) {
	o := message.NewOrder()
	shallow := *o
	if err := verifyCopy(o, &shallow); err == nil || !strings.Contains(err.Error(), "shares memory") {
		t.Errorf("shallow copy of Order: got %v, want a sharing error", err)
	}
	changed := message.CopyOrder(o)
	changed.Items[3].Tags[1] = "other"
	if err := verifyCopy(o, changed); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("changed copy: got %v, want a difference", err)
	}
	b := message.NewBasket()
	nb := message.CopyBasket(b)
	nb.Items[1].Product = message.CopyBasket(b).Items[1].Product // equal value, new pointer
	if err := verifyCopy(b, nb); err == nil || !strings.Contains(err.Error(), "identity") {
		t.Errorf("basket with a product duplicated: got %v, want an identity error", err)
	}
	l := message.NewLedger()
	if err := verifyCopy(l, &message.Ledger{}); err == nil || !strings.Contains(err.Error(), "unexported") {
		t.Errorf("empty ledger: got %v, want unexported fields lost", err)
	}
}
