package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
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

func TestTickerStopsOnEnter(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	var out lockedBuffer
	errc := make(chan error)
	go func() { errc <- run(context.Background(), stdinR, &out, 5*time.Millisecond) }()

	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Welcome 3\n") {
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
	if !strings.HasPrefix(got, "Press Enter to quit.\nWelcome 1\nWelcome 2\nWelcome 3\n") {
		t.Errorf("output starts wrong:\n%s", got)
	}
	if !strings.HasSuffix(got, "Goodbye!\n") {
		t.Errorf("output does not end with the goodbye:\n%s", got)
	}
	n := strings.Count(got, "Welcome")
	time.Sleep(20 * time.Millisecond)
	if strings.Count(out.String(), "Welcome") != n {
		t.Error("the ticker still prints after run returned")
	}
}

func TestTickerStopsAtEndOfInput(t *testing.T) {
	var out lockedBuffer
	if err := run(context.Background(), strings.NewReader(""), &out, time.Hour); err != nil {
		t.Fatalf("run: %v", err)
	}
	if got := out.String(); got != "Press Enter to quit.\nGoodbye!\n" {
		t.Errorf("output:\n%s", got)
	}
}

func TestTickerRejectsBadInterval(t *testing.T) {
	if err := run(context.Background(), strings.NewReader(""), io.Discard, 0); err == nil {
		t.Error("run with a zero interval succeeded")
	}
}
