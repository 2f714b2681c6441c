package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// lockedBuffer is written by run and read by the test at the same time.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// wantOutput checks that out is exactly the banner, the prompt, the welcome
// lines counting 1, 2, 3, ... (at least min of them), the closing banner and
// the goodbye, in that order.
func wantOutput(t *testing.T, out string, min int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	bad := func(why string) {
		t.Helper()
		t.Errorf("%s; output:\n%s", why, out)
	}
	if !strings.HasSuffix(out, "\n") || len(lines) < 4+min {
		bad(fmt.Sprintf("want at least %d lines, each ending in a newline", 4+min))
		return
	}
	head := []string{
		"--------------Starting Geek Isolate--------------",
		"Press enter key to quit",
	}
	tail := []string{
		"--------------Stopping Geek Isolate--------------",
		"GoodBye Geek!",
	}
	if !slices.Equal(lines[:2], head) {
		bad(fmt.Sprintf("want it to start with %q", head))
	}
	if !slices.Equal(lines[len(lines)-2:], tail) {
		bad(fmt.Sprintf("want it to end with %q", tail))
	}
	for i, line := range lines[2 : len(lines)-2] {
		if want := fmt.Sprintf("Welcome to GeeksForGeeks %d", i+1); line != want {
			bad(fmt.Sprintf("line %d is %q, want %q", i+3, line, want))
			return
		}
	}
}

func TestTickerStopsOnEnter(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	var out lockedBuffer
	errc := make(chan error)
	go func() { errc <- run(context.Background(), stdinR, &out, 5*time.Millisecond) }()

	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Welcome to GeeksForGeeks 3\n") {
		if time.Now().After(deadline) {
			t.Fatalf("no third welcome line; output:\n%s", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	stdinW.Write([]byte("\n"))
	if err := <-errc; err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	wantOutput(t, got, 3)
	time.Sleep(20 * time.Millisecond)
	if out.String() != got {
		t.Error("the ticker still prints after run returned")
	}
}

func TestTickerStopsAtEndOfInput(t *testing.T) {
	var out lockedBuffer
	if err := run(context.Background(), strings.NewReader(""), &out, time.Hour); err != nil {
		t.Fatalf("run: %v", err)
	}
	want := "--------------Starting Geek Isolate--------------\n" +
		"Press enter key to quit\n" +
		"--------------Stopping Geek Isolate--------------\n" +
		"GoodBye Geek!\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestTickerRejectsBadInterval(t *testing.T) {
	if err := run(context.Background(), strings.NewReader(""), io.Discard, 0); err == nil {
		t.Error("run with a zero interval succeeded")
	}
}
