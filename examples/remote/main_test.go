package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestTwoProcesses builds the command once, starts it as a server on a
// free port of 127.0.0.1 and runs it as a client against that server:
// two OS processes, one NATS server, the store's calls across them.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "remote")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	srv := exec.CommandContext(ctx, bin, "-serve", "-listen", "127.0.0.1:0")
	srv.Stderr = os.Stderr
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- srv.Wait()
	}()
	defer func() {
		// The server stops on an interrupt; kill it if it does not.
		srv.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("server exited with %v", err)
			}
		case <-time.After(20 * time.Second):
			srv.Process.Kill()
			<-exited
			t.Error("server did not stop within 20s of an interrupt")
		}
	}()

	var url string
	select {
	case line, ok := <-lines:
		if !ok || !strings.HasPrefix(line, "serving kvstore on nats://") {
			t.Fatalf("server said %q, want its URL", line)
		}
		url = strings.TrimPrefix(line, "serving kvstore on ")
	case <-time.After(30 * time.Second):
		t.Fatal("server did not report its URL within 30s")
	}

	for run := range 2 { // the second run finds the store as the first left it
		out, err := exec.CommandContext(ctx, bin, "-url", url, "-clients", "4", "-ops", "50", "-timeout", "40s").CombinedOutput()
		if err != nil {
			t.Fatalf("client run %d: %v\n%s", run, err, out)
		}
		want := "4 clients made 175 remote calls each\nhits: 200\nclient00 holds 25 keys\n"
		if string(out) != want {
			t.Errorf("client run %d said:\n%s\nwant:\n%s", run, out, want)
		}
	}
}

// TestNoServer: a client with no server to reach fails, and says so.
func TestNoServer(t *testing.T) {
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := runClient(ctx, "nats://127.0.0.1:1", 1, 1, &out); err == nil {
		t.Fatalf("runClient without a server succeeded: %s", out.String())
	}
}
