// Package shop holds one finding of each rule the plugin runs, each beside
// code the rules must accept, so that a false positive fails as surely as a
// missed finding.
package shop

import (
	"context"
	"net/http"
	"time"

	"github.com/go-isolate/isolate/runtime"
)

// Stock is shared mutable memory: a map cannot cross an isolate boundary.
type Stock map[string]int

// Price is a plain value: sendable.
type Price struct {
	SKU   string
	Cents int64
	At    time.Time
}

// Publish sends a price, which is fine, and the stock map, which is not.
func Publish(prices runtime.SendPort[Price], stock runtime.SendPort[Stock], s Stock) {
	_ = prices.Send(Price{SKU: "tea", Cents: 250, At: time.Now()})
	_ = stock.Send(s)
	_ = stock.Send(s) //isolate:ignore the receiver only reads it, before the next restock
}

// Fetch sends an *http.Client, sendable only because .golangci.yml lists
// net/http.Client under sendable: the setting reaches the analyzer.
func Fetch(ctx context.Context, clients runtime.SendPort[*http.Client]) {
	_ = clients.Send(http.DefaultClient)
}

// Basket is a message type whose deep copy was never generated.
//
//isolate:message
type Basket struct {
	Items []string
}

// Cart mentions isolate:message in prose only, which is no directive.
type Cart struct {
	Items []string
}

//isolate:ignore
var restocked = 0

// Restocked reads restocked so that it is used.
func Restocked() int { return restocked }
