package bench

import (
	"testing"

	"github.com/go-isolate/isolate/bench/message"
)

// BenchmarkCopy measures one deep copy of each message by each copier. A
// copier is measured on a message only after it passed the checks of
// verify_test.go on it; otherwise the benchmark skips with the reason.
func BenchmarkCopy(b *testing.B) {
	b.Run("Order", func(b *testing.B) { benchCopiers(b, "Order", message.NewOrder, orderCopiers()) })
	b.Run("Basket", func(b *testing.B) { benchCopiers(b, "Basket", message.NewBasket, basketCopiers()) })
	b.Run("Ledger", func(b *testing.B) { benchCopiers(b, "Ledger", message.NewLedger, ledgerCopiers()) })
}

func benchCopiers[T any](b *testing.B, msg string, newMsg func() T, cs []copier[T]) {
	for _, c := range cs {
		b.Run(c.name, func(b *testing.B) {
			if v := verdictFor(msg, c.name); !v.ok {
				b.Skip("cannot: " + v.reason)
			}
			src := newMsg()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.copy(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
