// Package billing prices orders in an isolate of its own. Its annotations
// are a mix of right and wrong, as a codebase's are after a few refactors.
//
// The package follows the isolate: model of the rest of the service (this
// line is prose, not a directive).
package billing

import (
	"context"
	"io"
	"sync"
	"time"
)

//go:generate go run github.com/go-isolate/isolate/cmd/isolategen

// Invoice is copied to the mailer.
//
//isolate:message
type Invoice struct {
	ID    string
	Lines []Line
	Due   time.Time
}

// Line is one priced line of an invoice.
//
//isolate:message tree
type Line struct {
	SKU   string
	Cents int64
	Tags  map[string]string
}

// Lines, Totals and Window are named slice, map and array messages.
//
//isolate:message
type Lines []Line

//isolate:message
type Totals map[string]int64

//isolate:message
type Window [7]Lines

// Rates is shared by every isolate, behind its lock; the author vouches.
//
//isolate:unchecked
type Rates struct {
	mu    sync.Mutex
	byCur map[string]float64
}

// Source is unchecked too: every implementation is immutable.
//
//isolate:unchecked
type Source interface{ Rate(cur string) float64 }

// Cents is a plain number; unchecked on it says nothing new, but nothing wrong.
//
//isolate:unchecked
type Cents int64

// Pricer is the protocol of the pricing isolate.
//
//isolate:port
type Pricer interface {
	Price(ctx context.Context, inv Invoice) (Totals, error)
}

// current is shared on purpose and synchronized by its own lock.
//
//isolate:shared
var current = &Rates{byCur: map[string]float64{}}

// Serve runs as the pricing isolate's entry.
//
//isolate:entry
func Serve(ctx context.Context, inv Invoice) {
	// See isolate:message in the docs for what a copy shares; prose again.
	_ = inv
}

// Misspelt directives and options.

// want +2 `unknown directive //isolate:mesage: known are message, port, unchecked, shared, entry and ignore`
//
//isolate:mesage
type Refund struct{ Lines []Line }

// want +2 `unknown option "deep" of //isolate:message: the options are "tree" and "wire"`
//
//isolate:message deep
type Credit struct{ Lines []Line }

// want +1 `malformed directive "// isolate:message": remove the space after //`
// isolate:message
type Receipt struct{ Lines []Line }

// Memo is a note on an invoice.
type Memo struct{ Text []string }

// want +2 `//isolate:shared takes no options, found "always"`
//
//isolate:shared always
var fallback = &Rates{}

// Directives on the wrong kind of declaration.

// want +2 `//isolate:message on a func declaration: it belongs on a type declaration`
//
//isolate:message
func Total(inv Invoice) int64 { return 0 }

// want +2 `//isolate:port on Ledger, which is not an interface`
//
//isolate:port
type Ledger struct{ Entries []int64 }

// want +2 `//isolate:shared on a const declaration: it belongs on a package-level var declaration`
//
//isolate:shared
const currency = "EUR"

// want +2 `//isolate:entry on a type declaration: it belongs on a func declaration`
//
//isolate:entry
type Job struct{ ID string }

// want +2 `//isolate:message on alias InvoiceAlias: annotate the aliased type's own declaration`
//
//isolate:message
type InvoiceAlias = Invoice

// want +2 `//isolate:message on interface Notifier: an interface value has no fields to copy`
//
//isolate:message
type Notifier interface{ Notify(Invoice) }

// want +1 `//isolate:message documents no declaration`
//isolate:message

func audit(ctx context.Context) {
	// want +1 `malformed directive "//isolate:": a name must follow //isolate:`
	//isolate:
	// want +1 `//isolate:shared inside a function body annotates nothing`
	//isolate:shared
	var seen = map[string]bool{}
	_ = seen
	_ = ctx
}

// Message types that have nothing to copy, or cannot be copied.

// want +2 `//isolate:message on Celsius, whose values are sendable already \(its underlying type is float64\): remove the directive`
//
//isolate:message
type Celsius float64

// want +2 `//isolate:message on Callback, a func type, which cannot be copied`
//
//isolate:message
type Callback func(Invoice)

// want +2 `//isolate:message on InvoiceRef, a pointer type: annotate the type it points to instead`
//
//isolate:message
type InvoiceRef *Invoice

// want +2 `//isolate:message on Feed, a channel type, which cannot be copied`
//
//isolate:message
type Feed chan Invoice

// want +2 `//isolate:message on Stream, an interface type, which has no fields to copy`
//
//isolate:message
type Stream io.Reader

// want +3 `//isolate:message and //isolate:unchecked on Settings contradict each other`
//
//isolate:message
//isolate:unchecked
type Settings struct{ Limits map[string]int }
