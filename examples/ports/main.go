// Command ports shows long-lived two-way communication between isolates, as
// Dart's "sending multiple messages between isolates" example: the child
// first sends its own SendPort back to the parent, then the two exchange
// requests and replies until the parent closes the conversation.
//
//	go run ./examples/ports alpha beta gamma
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-isolate/isolate/runtime"
)

func main() {
	words := os.Args[1:]
	if len(words) == 0 {
		words = []string{"hello", "isolated", "world"}
	}
	if err := run(context.Background(), words, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ports:", err)
		os.Exit(1)
	}
}

// fromChild is what the parent hears: first the child's own port, then one
// reply per request.
type fromChild struct {
	Requests runtime.SendPort[request] // set in the first message only
	Reply    string
}

// request is what the child hears: a word to work on, or Close, which ends
// the conversation.
type request struct {
	Word  string
	Close bool
}

// child is the child isolate's entry: it makes its port, sends it to the
// parent, then answers each request until the parent closes.
func child(ctx context.Context, parent runtime.SendPort[fromChild]) {
	requests := runtime.NewReceivePort[request](ctx)
	if parent.Send(fromChild{Requests: requests.SendPort()}) != nil {
		return
	}
	for req := range requests.All(ctx) {
		if req.Close {
			return
		}
		reply := fmt.Sprintf("%s has %d letters, upper case %s", req.Word, len(req.Word), strings.ToUpper(req.Word))
		if parent.Send(fromChild{Reply: reply}) != nil {
			return // the parent is gone
		}
	}
}

func run(ctx context.Context, words []string, stdout io.Writer) error {
	fromKid := runtime.NewReceivePort[fromChild](ctx)
	defer fromKid.Close()
	kid, err := runtime.Spawn(ctx, child, fromKid.SendPort(), runtime.WithName("child"))
	if err != nil {
		return err
	}
	hello, err := fromKid.Receive(ctx)
	if err != nil {
		return err
	}
	requests := hello.Requests
	for _, w := range words {
		if err := requests.Send(request{Word: w}); err != nil {
			return err
		}
		m, err := fromKid.Receive(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, m.Reply)
	}
	if err := requests.Send(request{Close: true}); err != nil {
		return err
	}
	if err := kid.Wait(ctx); err != nil {
		return err
	}
	// The child has ended, so its port is closed: a late request fails
	// instead of vanishing.
	if err := requests.Send(request{Word: "late"}); !errors.Is(err, runtime.ErrClosed) {
		return fmt.Errorf("send after the child ended: %v, want ErrClosed", err)
	}
	fmt.Fprintln(stdout, "child closed")
	return nil
}
