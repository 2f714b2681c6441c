// Command report runs the bench module's benchmarks and renders the
// results: results/raw.txt (go test -bench output, for benchstat),
// results/verdicts.txt (what each copier can and cannot copy), RESULTS.md
// (the table) and results.svg (the chart).
//
// Run it from the bench directory:
//
//	go run ./cmd/report            # measure and render (about 4 minutes on 2 cores)
//	go run ./cmd/report -render    # render again from the last results
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/go-isolate/isolate/bench/internal/report"
)

func main() {
	var (
		render    = flag.Bool("render", false, "only render RESULTS.md and results.svg from the last results")
		bench     = flag.String("bench", ".", "which benchmarks to run (a -bench regexp)")
		count     = flag.Int("count", 8, "samples per benchmark, each from a full round of the suite")
		benchtime = flag.String("benchtime", "400ms", "-benchtime of each sample")
		warmup    = flag.String("warmup", "100ms", "-benchtime of the discarded warm-up round")
		source    = flag.String("source", "", "what code is measured, for the record (default: the git commit of the work tree)")
		nice      = flag.Int("nice", 0, "run the rounds under nice -n `N` (e.g. -10 as root on a machine shared with other work); recorded with the results")
	)
	flag.Parse()
	if err := run(*render, *bench, *count, *benchtime, *warmup, *source, *nice); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(renderOnly bool, bench string, count int, benchtime, warmup, source string, nice int) error {
	if data, err := os.ReadFile("go.mod"); err != nil || !strings.Contains(string(data), "module github.com/go-isolate/isolate/bench\n") {
		return fmt.Errorf("run me from the bench directory: cd bench && go run ./cmd/report")
	}
	if !renderOnly {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		cmd := "cd bench && go run ./cmd/report"
		if len(os.Args) > 1 {
			cmd += " " + strings.Join(os.Args[1:], " ")
		}
		err := report.Run(ctx, report.Options{
			Dir: ".", Bench: bench, Count: count, Benchtime: benchtime, Warmup: warmup,
			Command: cmd, Log: os.Stderr, Timeout: 30 * time.Minute, Nice: nice, Source: source,
		})
		if err != nil {
			return err
		}
	}
	if err := report.Render("."); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s, %s, %s and %s\n", report.RawFile, report.VerdictsFile, report.ResultsFile, report.ChartFile)
	return nil
}
