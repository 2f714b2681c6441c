// Package service is the request/response service of the benchmarks: a
// Quote in, a Price out, with trivial work so that the call is what is
// measured. Every implementation (isolate, raw channels, protoactor-go)
// serves the same Pricer.
package service

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
