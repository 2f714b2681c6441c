// Package report builds daily reports in one isolate and hands them to
// another.
package report

import (
	"context"

	"github.com/go-isolate/isolate/runtime"
)

// Line is one row of a report.
type Line struct {
	SKU   string
	Units int
}

// Daily builds the totals and sends them; they are never used again, so
// moving them is safe.
func Daily(ctx context.Context, out runtime.SendPort[map[string]int], lines []Line) error {
	totals := make(map[string]int, len(lines))
	for _, l := range lines {
		totals[l.SKU] += l.Units
	}
	if len(totals) == 0 {
		return nil
	}
	return out.Send(totals) // want `cannot send map\[string\]int to another isolate: map\[string\]int is shared mutable memory; totals is made here and not used after the send: move it with Transfer`
}

// Rows sends the rows it collected.
func Rows(out runtime.SendPort[[]Line], lines []Line) error {
	var rows []Line
	for _, l := range lines {
		if l.Units > 0 {
			rows = append(rows, Line{SKU: l.SKU, Units: l.Units})
		}
	}
	err := out.Send(rows) // want `cannot send \[\]Line to another isolate: \[\]Line is shared mutable memory; rows is made here and not used after the send: move it with Transfer`
	return err
}

// Echo sends what it was given: the caller still holds it, so no fix.
func Echo(out runtime.SendPort[[]Line], lines []Line) error {
	return out.Send(lines) // want `cannot send \[\]Line to another isolate: \[\]Line is shared mutable memory; declare a named type for it \(type Lines \[\]Line\), annotate that //isolate:message and run go generate, or hand it over with Transfer if this isolate is done with it$`
}

// Keep uses the totals after sending them: no fix.
func Keep(out runtime.SendPort[map[string]int]) int {
	totals := map[string]int{"a": 1}
	_ = out.Send(totals) // want `cannot send map\[string\]int to another isolate: map\[string\]int is shared mutable memory; declare a named type for it \(type Table map\[string\]int\), annotate that //isolate:message and run go generate, or hand it over with Transfer if this isolate is done with it$`
	return len(totals)
}

// Repeat sends the same map on every round: no fix.
func Repeat(out runtime.SendPort[map[string]int]) {
	totals := map[string]int{}
	for i := range 3 {
		totals["round"] = i
		_ = out.Send(totals) // want `cannot send map\[string\]int to another isolate: map\[string\]int is shared mutable memory; declare a named type for it \(type Table map\[string\]int\), annotate that //isolate:message and run go generate, or hand it over with Transfer if this isolate is done with it$`
	}
}

// Shared stores the map elsewhere before sending it: no fix.
func Shared(out runtime.SendPort[map[string]int], registry map[string]map[string]int) {
	totals := map[string]int{}
	registry["today"] = totals
	_ = out.Send(totals) // want `cannot send map\[string\]int to another isolate: map\[string\]int is shared mutable memory; declare a named type for it \(type Table map\[string\]int\), annotate that //isolate:message and run go generate, or hand it over with Transfer if this isolate is done with it$`
}

// Fresh makes a new map on every round, so each can be moved.
func Fresh(out runtime.SendPort[map[string]int]) {
	for i := range 3 {
		totals := map[string]int{"round": i}
		_ = out.Send(totals) // want `totals is made here and not used after the send: move it with Transfer`
	}
}

// Moved already uses Transfer: nothing to report.
func Moved(out runtime.SendPort[map[string]int]) error {
	totals := map[string]int{"a": 1}
	return out.Transfer(totals)
}
