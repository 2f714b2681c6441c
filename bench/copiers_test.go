package bench

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/brunoga/deep"
	clone "github.com/huandu/go-clone"
	"github.com/mohae/deepcopy"

	"github.com/go-isolate/isolate/bench/message"
)

// copier is one way to deep-copy a value of type T.
type copier[T any] struct {
	name string
	copy func(T) (T, error)
}

// peerCopiers are the reflection libraries and the serialization baseline,
// in the order the table lists them. They are generic: every peer copies
// every message through the same function.
func peerCopiers[T any]() []copier[T] {
	return []copier[T]{
		{"mohae", mohaeCopy[T]},
		{"goclone", cloneCopy[T]},
		{"goclone-slowly", cloneSlowly[T]},
		{"brunoga", deep.Copy[T]},
		{"gob", gobCopy[T]},
	}
}

// orderCopiers, basketCopiers and ledgerCopiers add the copies written for
// each type: isolate's generated one and the hand-written one.
func orderCopiers() []copier[*message.Order] {
	return append([]copier[*message.Order]{
		{"handwritten", noErr(message.CopyOrder)},
	}, append(isolateOrderCopier(), peerCopiers[*message.Order]()...)...)
}

func basketCopiers() []copier[*message.Basket] {
	return append([]copier[*message.Basket]{
		{"handwritten", noErr(message.CopyBasket)},
	}, append(isolateBasketCopier(), peerCopiers[*message.Basket]()...)...)
}

func ledgerCopiers() []copier[*message.Ledger] {
	return append([]copier[*message.Ledger]{
		{"handwritten", noErr(message.CopyLedger)},
	}, append(isolateLedgerCopier(), peerCopiers[*message.Ledger]()...)...)
}

func noErr[T any](f func(T) T) func(T) (T, error) {
	return func(v T) (T, error) { return f(v), nil }
}

func mohaeCopy[T any](v T) (T, error) {
	return deepcopy.Copy(v).(T), nil
}

func cloneCopy[T any](v T) (T, error) {
	return clone.Clone(v).(T), nil
}

func cloneSlowly[T any](v T) (T, error) {
	return clone.Slowly(v).(T), nil
}

// gobCopy is a round trip through encoding/gob with a fresh encoder and
// decoder, as a single message sent over a wire would be.
func gobCopy[T any](v T) (T, error) {
	var buf bytes.Buffer
	var out T
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return out, fmt.Errorf("gob encode: %w", err)
	}
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		return out, fmt.Errorf("gob decode: %w", err)
	}
	return out, nil
}
