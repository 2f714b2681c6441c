// Command ticker is the seed program of the isolate runtime, the Go port of
// the classic Dart isolate example: an isolate sends "Welcome to
// GeeksForGeeks N" every interval while the main goroutine waits for Enter;
// then main kills the ticker with Kill(Immediate) and says goodbye. It also
// stops cleanly at the end of input. It prints, in this order:
//
//	--------------Starting Geek Isolate--------------
//	Press enter key to quit
//	Welcome to GeeksForGeeks 1
//	Welcome to GeeksForGeeks 2
//	--------------Stopping Geek Isolate--------------
//	GoodBye Geek!
//
// The ticker does not write to stdout itself: stdout belongs to main, so the
// ticker sends its lines to main, which prints them. That is the isolate
// model: share nothing, talk through ports.
//
//	go run ./examples/ticker -interval 1s
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/go-isolate/isolate/runtime"
)

func main() {
	interval := flag.Duration("interval", 2*time.Second, "time between two welcome lines")
	flag.Parse()
	if err := run(context.Background(), os.Stdin, os.Stdout, *interval); err != nil {
		fmt.Fprintln(os.Stderr, "ticker:", err)
		os.Exit(1)
	}
}

// event is what main hears: a line from the ticker, or the end of waiting
// for Enter.
type event struct {
	Line  string
	Enter bool // Enter was pressed, or the input ended
}

// The lines of the Dart program this example ports, word for word.
const (
	startBanner = "--------------Starting Geek Isolate--------------"
	prompt      = "Press enter key to quit"
	welcome     = "Welcome to GeeksForGeeks "
	stopBanner  = "--------------Stopping Geek Isolate--------------"
	goodbye     = "GoodBye Geek!"
)

// tickerArgs is the ticker isolate's start message.
type tickerArgs struct {
	Events   runtime.SendPort[event]
	Interval time.Duration
}

// tick is the ticker isolate's entry. It does not receive from a port, so it
// watches ctx.Done(): that is how Kill reaches a loop in Go.
func tick(ctx context.Context, a tickerArgs) {
	t := time.NewTicker(a.Interval)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if a.Events.Send(event{Line: welcome + strconv.Itoa(n)}) != nil {
			return
		}
	}
}

// run prints the ticker's lines on stdout until a line (or the end) of
// stdin, then stops the ticker and says goodbye.
func run(ctx context.Context, stdin io.Reader, stdout io.Writer, interval time.Duration) error {
	if interval <= 0 {
		return fmt.Errorf("interval must be positive, not %v", interval)
	}
	fmt.Fprintln(stdout, startBanner)
	events := runtime.NewReceivePort[event](ctx)
	defer events.Close()

	ticker, err := runtime.Spawn(ctx, tick, tickerArgs{Events: events.SendPort(), Interval: interval}, runtime.WithName("ticker"))
	if err != nil {
		return err
	}
	// Reading stdin cannot be interrupted, so it runs on a goroutine of
	// main's own; its last act is to report Enter (or the end of input).
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		bufio.NewReader(stdin).ReadString('\n')
		events.SendPort().Send(event{Enter: true})
	}()

	fmt.Fprintln(stdout, prompt)
	for {
		e, err := events.Receive(ctx)
		if err != nil {
			ticker.Kill(runtime.Immediate)
			<-ticker.Done()
			return err
		}
		if e.Enter {
			break
		}
		fmt.Fprintln(stdout, e.Line)
	}
	fmt.Fprintln(stdout, stopBanner)
	ticker.Kill(runtime.Immediate)
	<-ticker.Done()
	<-readDone
	fmt.Fprintln(stdout, goodbye)
	return nil
}
