package report

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"time"
)

// Options configure a run.
type Options struct {
	Dir       string        // the bench module's directory
	Bench     string        // -test.bench regexp
	Count     int           // samples per benchmark: full rounds of the suite
	Benchtime string        // -test.benchtime of each sample
	Warmup    string        // -test.benchtime of the discarded warm-up round
	Command   string        // how the run was started, for the record
	Log       io.Writer     // progress
	Timeout   time.Duration // for the whole run
	// Source names the isolate code measured (a commit); empty means ask
	// git, marking a work tree with uncommitted changes as such.
	Source string
	// Nice, when not 0, runs the benchmark rounds under nice -n Nice (a
	// negative value needs root): on a machine shared with other work it
	// keeps that work from taking the cores mid-measurement. It applies to
	// every implementation alike and is recorded with the results.
	Nice int
}

// Files of a run, relative to the bench module.
const (
	RawFile      = "results/raw.txt"
	VerdictsFile = "results/verdicts.txt"
	ResultsFile  = "RESULTS.md"
	ChartFile    = "results.svg"
	tmpDir       = "results/tmp" // the test binary; ignored by git
)

// generatedPackages hold code written by isolategen: what is measured must
// be what the generator writes today.
var generatedPackages = []string{"./message", "./service"}

// peerModules are the modules whose versions the results record.
var peerModules = []string{
	"github.com/asynkron/protoactor-go",
	"github.com/brunoga/deep",
	"github.com/huandu/go-clone",
	"github.com/mohae/deepcopy",
	"github.com/nats-io/nats.go",
	"github.com/nats-io/nats-server/v2",
	"google.golang.org/grpc",
	"google.golang.org/protobuf",
}

// notInstallable records the actor libraries that were tried for this
// module and could not be installed, and why (checked when the module was
// set up; see README.md).
const notInstallable = "github.com/tochemey/goakt (v2 and v3): the Go module proxy refuses it (403, \"not available\"); " +
	"ergo (ergo.services/ergo and github.com/ergo-services/ergo): the Go module proxy refuses it (403); " +
	"github.com/anthdm/hollywood: the Go module proxy refuses it (403, \"not available\")"

// Run builds the benchmarks once, checks the copiers, runs a warm-up round
// and then Count rounds of every benchmark (each round is one full pass,
// so that drift of the machine hits every implementation alike), and
// writes the raw output and verdicts under results/.
func Run(ctx context.Context, o Options) error {
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	if err := os.MkdirAll(filepath.Join(o.Dir, tmpDir), 0o755); err != nil {
		return err
	}
	bin, err := filepath.Abs(filepath.Join(o.Dir, tmpDir, "bench.test"))
	if err != nil {
		return err
	}
	fmt.Fprintln(o.Log, "checking that the generated code is current")
	if err := command(ctx, o.Dir, nil, "go", append([]string{"run", "github.com/go-isolate/isolate/cmd/isolategen", "-check"}, generatedPackages...)...).Run(); err != nil {
		return fmt.Errorf("isolategen -check: %w (run go generate ./... in bench, so that the code measured is what isolategen writes today)", err)
	}
	fmt.Fprintln(o.Log, "building the benchmarks")
	if err := command(ctx, o.Dir, nil, "go", "test", "-c", "-o", bin, ".").Run(); err != nil {
		return fmt.Errorf("go test -c: %w", err)
	}

	fmt.Fprintln(o.Log, "checking every copier on every message")
	var verdicts bytes.Buffer
	check := command(ctx, o.Dir, &verdicts, bin, "-test.run=^TestCopiers$", "-test.v")
	if err := check.Run(); err != nil {
		os.Stderr.Write(verdicts.Bytes())
		return fmt.Errorf("the copier checks failed: %w", err)
	}
	if err := os.WriteFile(filepath.Join(o.Dir, VerdictsFile), verdicts.Bytes(), 0o644); err != nil {
		return err
	}

	peers, err := output(ctx, o.Dir, "go", append([]string{"list", "-m", "-f", "{{.Path}} {{.Version}}"}, peerModules...)...)
	if err != nil {
		return err
	}
	flags := []string{"-test.run=^$", "-test.bench=" + o.Bench, "-test.benchmem", "-test.benchtime=" + o.Benchtime, "-test.count=1", "-test.timeout=30m"}
	var head strings.Builder
	fmt.Fprintf(&head, "date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&head, "go: %s\n", goruntime.Version())
	fmt.Fprintf(&head, "cores: %d\n", goruntime.NumCPU())
	fmt.Fprintf(&head, "gomaxprocs: %d\n", goruntime.GOMAXPROCS(0))
	fmt.Fprintf(&head, "command: %s\n", o.Command)
	fmt.Fprintf(&head, "source: %s\n", source(ctx, o))
	fmt.Fprintf(&head, "samples: %d\n", o.Count)
	niced := ""
	if o.Nice != 0 {
		niced = fmt.Sprintf(" under nice -n %d", o.Nice)
	}
	fmt.Fprintf(&head, "benchmark-flags: %s, %d rounds%s after a warm-up round at -test.benchtime=%s (as go test -run '^$' -bench '%s' -benchmem -benchtime %s -count %d, interleaved)\n",
		strings.Join(flags, " "), o.Count, niced, o.Warmup, o.Bench, o.Benchtime, o.Count)
	fmt.Fprintf(&head, "peers: %s\n", strings.Join(strings.Split(strings.TrimSpace(peers), "\n"), ", "))
	fmt.Fprintf(&head, "not-installable: %s\n", notInstallable)
	fmt.Fprintf(&head, "load-before: %s\n", loadAverage())

	fmt.Fprintf(o.Log, "warm-up round (-test.benchtime=%s)\n", o.Warmup)
	benchmarks := func(stdout io.Writer, flags []string) *exec.Cmd {
		if o.Nice != 0 {
			return command(ctx, o.Dir, stdout, "nice", append([]string{"-n", fmt.Sprint(o.Nice), bin}, flags...)...)
		}
		return command(ctx, o.Dir, stdout, bin, flags...)
	}
	warm := slicesReplace(flags, "-test.benchtime="+o.Benchtime, "-test.benchtime="+o.Warmup)
	if err := benchmarks(io.Discard, warm).Run(); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}

	var raw bytes.Buffer
	raw.WriteString(head.String())
	for r := 1; r <= o.Count; r++ {
		start := time.Now()
		fmt.Fprintf(o.Log, "round %d of %d", r, o.Count)
		if err := benchmarks(&raw, flags).Run(); err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
		fmt.Fprintf(o.Log, " (%s)\n", time.Since(start).Round(time.Second))
	}
	fmt.Fprintf(&raw, "load-after: %s\n", loadAverage())
	return os.WriteFile(filepath.Join(o.Dir, RawFile), raw.Bytes(), 0o644)
}

// Render reads the raw output and verdicts of the last run and writes the
// table and the chart.
func Render(dir string) error {
	rf, err := os.Open(filepath.Join(dir, RawFile))
	if err != nil {
		return err
	}
	defer rf.Close()
	raw, err := ParseRaw(rf)
	if err != nil {
		return fmt.Errorf("%s: %w", RawFile, err)
	}
	vf, err := os.Open(filepath.Join(dir, VerdictsFile))
	if err != nil {
		return err
	}
	defer vf.Close()
	verdicts, err := ParseVerdicts(vf)
	if err != nil {
		return err
	}
	groups := Build(Groups, raw, verdicts)
	meta := MetaFrom(raw)
	var svg, md bytes.Buffer
	if err := SVG(&svg, meta, groups); err != nil {
		return err
	}
	if err := Markdown(&md, meta, groups, Targets(groups), ChartFile); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ChartFile), svg.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ResultsFile), md.Bytes(), 0o644)
}

func command(ctx context.Context, dir string, stdout io.Writer, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout = stdout
	if stdout == nil {
		cmd.Stdout = os.Stderr
	}
	cmd.Stderr = os.Stderr
	return cmd
}

func output(ctx context.Context, dir, name string, args ...string) (string, error) {
	var out bytes.Buffer
	if err := command(ctx, dir, &out, name, args...).Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out.String(), nil
}

// source names the code measured: o.Source, else the commit of the work
// tree the bench module is in, with "+ uncommitted changes" when it has any
// besides the files a run writes.
func source(ctx context.Context, o Options) string {
	if o.Source != "" {
		return o.Source
	}
	rev, err := output(ctx, o.Dir, "git", "rev-parse", "--short", "HEAD")
	if err != nil {
		return "unknown"
	}
	s := "commit " + strings.TrimSpace(rev)
	if st, err := output(ctx, o.Dir, "git", "status", "--porcelain", "--untracked-files=no", "--", "..",
		":(exclude)"+filepath.Dir(RawFile), ":(exclude)"+ResultsFile, ":(exclude)"+ChartFile); err == nil && strings.TrimSpace(st) != "" {
		s += " + uncommitted changes"
	}
	return s
}

// loadAverage is the machine's 1, 5 and 15 minute load, or "unknown".
func loadAverage() string {
	f, err := os.Open("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(line)
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

func slicesReplace(s []string, old, new string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		if v == old {
			v = new
		}
		out[i] = v
	}
	return out
}
