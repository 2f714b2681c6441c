// Package service is the request/response service of the benchmarks: a
// Quote in, a Price out, with trivial work so that the call is what is
// measured. Every implementation (isolate, raw channels, protoactor-go)
// computes the same PriceOf.
package service

//go:generate go run github.com/go-isolate/isolate/cmd/isolategen

import "context"

// Pricer is the service as an //isolate:port: isolategen writes PricerPort,
// which implements it by calling into an isolate, and SpawnPricer.
//
//isolate:port
type Pricer interface {
	Price(ctx context.Context, q Quote) (Price, error)
}

// Desk is the Pricer served inside the isolate.
type Desk struct{}

// Price implements Pricer.
func (Desk) Price(_ context.Context, q Quote) (Price, error) {
	return PriceOf(q), nil
}

// Quote asks for the price of a quantity of one product.
type Quote struct {
	SKU      string
	Quantity int
}

// Price answers a Quote.
type Price struct {
	Cents int64
}

// PriceOf is the service's work.
func PriceOf(q Quote) Price {
	return Price{Cents: int64(q.Quantity)*499 + int64(len(q.SKU))}
}
