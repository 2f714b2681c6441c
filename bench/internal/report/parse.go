// Package report turns the raw output of the bench module's benchmarks
// (go test -bench, benchstat's format) and the copier verdicts into the
// results table (markdown) and the chart (SVG). Every number it writes is
// computed from the parsed results; none is typed in.
package report

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Sample is one result line of one benchmark.
type Sample struct {
	NsPerOp     float64
	BytesPerOp  float64
	AllocsPerOp float64
	HasMem      bool // -benchmem columns were present
}

// Raw is a parsed benchmark output file.
type Raw struct {
	// Samples by benchmark name without the Benchmark prefix and the
	// -GOMAXPROCS suffix, e.g. "Copy/Order/isolate".
	Samples map[string][]Sample
	// Config holds the file's "key: value" lines (goos, cpu, and those the
	// report command writes: date, go, cores, command...). A key seen twice
	// keeps its first value, but for load-after, which keeps its last.
	Config map[string]string
}

var (
	benchLine  = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)
	configLine = regexp.MustCompile(`^([a-z][^\s:]*):\s*(.*)$`)
)

// ParseRaw reads go test -bench output.
func ParseRaw(r io.Reader) (*Raw, error) {
	raw := &Raw{Samples: map[string][]Sample{}, Config: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if m := benchLine.FindStringSubmatch(text); m != nil {
			s, err := parseMetrics(m[2])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			raw.Samples[m[1]] = append(raw.Samples[m[1]], s)
			continue
		}
		if m := configLine.FindStringSubmatch(text); m != nil {
			if _, seen := raw.Config[m[1]]; !seen || m[1] == "load-after" {
				raw.Config[m[1]] = strings.TrimSpace(m[2])
			}
		}
	}
	return raw, sc.Err()
}

// parseMetrics reads "123 ns/op  45 B/op  6 allocs/op".
func parseMetrics(s string) (Sample, error) {
	f := strings.Fields(s)
	var out Sample
	seenNs := false
	for i := 0; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return out, fmt.Errorf("bad value %q", f[i])
		}
		switch f[i+1] {
		case "ns/op":
			out.NsPerOp, seenNs = v, true
		case "B/op":
			out.BytesPerOp, out.HasMem = v, true
		case "allocs/op":
			out.AllocsPerOp = v
		}
	}
	if !seenNs {
		return out, fmt.Errorf("no ns/op in %q", s)
	}
	return out, nil
}

// Stat summarises the samples of one benchmark.
type Stat struct {
	N           int
	Median      float64 // ns/op
	Min, Max    float64 // ns/op
	BytesPerOp  float64 // median
	AllocsPerOp float64 // median
	HasMem      bool
}

// Spread is the largest distance from the median to a sample, relative to
// the median: the ± the table shows.
func (s Stat) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return max(s.Max-s.Median, s.Median-s.Min) / s.Median
}

// Summarize computes the median (and extremes) of samples.
func Summarize(samples []Sample) Stat {
	st := Stat{N: len(samples)}
	if len(samples) == 0 {
		return st
	}
	ns := make([]float64, len(samples))
	bs := make([]float64, len(samples))
	as := make([]float64, len(samples))
	for i, s := range samples {
		ns[i], bs[i], as[i] = s.NsPerOp, s.BytesPerOp, s.AllocsPerOp
		st.HasMem = st.HasMem || s.HasMem
	}
	st.Median, st.BytesPerOp, st.AllocsPerOp = median(ns), median(bs), median(as)
	st.Min, st.Max = slices.Min(ns), slices.Max(ns)
	return st
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Verdicts maps "Message/copier" to "ok", "pending" or "cannot: reason", as
// TestCopiers logs them ("verdict: Basket/mohae: cannot: ...").
type Verdicts map[string]string

// ParseVerdicts reads the -test.v output of TestCopiers.
func ParseVerdicts(r io.Reader) (Verdicts, error) {
	v := Verdicts{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		_, rest, ok := strings.Cut(sc.Text(), "verdict: ")
		if !ok {
			continue
		}
		key, val, ok := strings.Cut(rest, ": ")
		if ok {
			v[key] = strings.TrimSpace(val)
		}
	}
	return v, sc.Err()
}
