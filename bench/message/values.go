package message

import (
	"fmt"
	"time"
)

// OrderLines is the number of line items (and catalogue products) in the
// Order that NewOrder builds: a large but ordinary order.
const OrderLines = 12

// NewOrder returns the realistic message, the same value on every call.
func NewOrder() *Order {
	o := &Order{
		ID: "ord-2024-000417",
		Customer: Customer{
			ID:    "cus-88231",
			Name:  "Ada Lovelace",
			Email: "ada@example.com",
			Address: Address{
				Street: "12 St James's Square", City: "London",
				Zip: "SW1Y 4JH", Country: "GB",
			},
		},
		Items:    make([]LineItem, 0, OrderLines),
		Products: make(map[string]*Product, OrderLines),
		Tags:     []string{"priority", "gift", "eu-vat", "web"},
		Attrs: map[string]string{
			"channel": "web", "campaign": "spring-sale", "locale": "en-GB",
			"currency": "GBP", "device": "mobile", "ab": "checkout-v2",
		},
		CreatedAt: time.Date(2024, 3, 14, 15, 9, 26, 535897932, time.UTC),
		Shipping: &Address{
			Street: "1 Analytical Row", City: "Cambridge",
			Zip: "CB2 1TN", Country: "GB",
		},
		Note: "Leave with the porter if nobody answers.",
	}
	for i := range OrderLines {
		sku := fmt.Sprintf("SKU-%05d", 1000+i*7)
		p := &Product{
			SKU:         sku,
			Name:        fmt.Sprintf("Widget model %d", i),
			Description: "A sturdy widget for everyday use, made of recycled aluminium.",
			PriceCents:  int64(499 + 250*i),
			Dimensions:  [3]float64{10 + float64(i), 4.5, 2.25},
			Tags:        []string{"hardware", "widgets", fmt.Sprintf("series-%d", i%3)},
		}
		o.Products[sku] = p
		li := LineItem{SKU: sku, Quantity: 1 + i%4, PriceCents: p.PriceCents}
		if i%3 == 0 { // a third of the lines carry tags; the rest have none (nil)
			li.Tags = []string{"promo", "bundle"}
		}
		o.Items = append(o.Items, li)
		o.Total += int64(li.Quantity) * li.PriceCents
	}
	return o
}

// NewBasket returns the cyclic message: a basket with OrderLines items, each
// pointing back to it, owned by a shopper whose baskets include it. Items
// two apart share one product, so identity matters beyond the cycle too.
func NewBasket() *Basket {
	s := &Shopper{Name: "Ada Lovelace"}
	b := &Basket{
		ID:    "bsk-51",
		Owner: s,
		Tags:  []string{"saved", "mobile"},
		Saved: time.Date(2024, 3, 14, 15, 9, 26, 0, time.UTC),
	}
	old := &Basket{ID: "bsk-50", Owner: s, Saved: b.Saved.Add(-48 * time.Hour)}
	s.Baskets = []*Basket{old, b}
	products := make([]*Product, OrderLines/2)
	for i := range products {
		products[i] = &Product{
			SKU:        fmt.Sprintf("SKU-%05d", 1000+i*7),
			Name:       fmt.Sprintf("Widget model %d", i),
			PriceCents: int64(499 + 250*i),
			Dimensions: [3]float64{10 + float64(i), 4.5, 2.25},
			Tags:       []string{"hardware", "widgets"},
		}
	}
	for i := range OrderLines {
		b.Items = append(b.Items, &BasketItem{Basket: b, Product: products[i/2], Quantity: 1 + i%4})
	}
	return b
}
