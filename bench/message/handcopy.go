package message

// This file is the hand-written deep copy: what a careful engineer writes
// (and what Kubernetes-style generated code amounts to) when nothing writes
// it for them. It is the lower bound a generated copy should match. The
// functions are plain functions, not methods, so that they never collide
// with the generated ones.

// CopyOrder returns a deep copy of in: nothing mutable is shared, nil stays
// nil and empty stays empty. Order's values are trees, so no identity is
// tracked.
func CopyOrder(in *Order) *Order {
	if in == nil {
		return nil
	}
	out := new(Order)
	*out = *in // strings, Customer, CreatedAt, Note, Total: values
	if in.Items != nil {
		out.Items = make([]LineItem, len(in.Items))
		for i := range in.Items {
			copyLineItem(&in.Items[i], &out.Items[i])
		}
	}
	if in.Products != nil {
		out.Products = make(map[string]*Product, len(in.Products))
		for k, p := range in.Products {
			out.Products[k] = copyProduct(p)
		}
	}
	out.Tags = copyStrings(in.Tags)
	if in.Attrs != nil {
		out.Attrs = make(map[string]string, len(in.Attrs))
		for k, v := range in.Attrs {
			out.Attrs[k] = v
		}
	}
	if in.Shipping != nil {
		a := *in.Shipping
		out.Shipping = &a
	}
	return out
}

func copyLineItem(in, out *LineItem) {
	*out = *in
	out.Tags = copyStrings(in.Tags)
}

func copyProduct(in *Product) *Product {
	if in == nil {
		return nil
	}
	out := new(Product)
	*out = *in // the array is copied by value
	out.Tags = copyStrings(in.Tags)
	return out
}

func copyStrings(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	copy(out, in)
	return out
}

// CopyBasket returns a deep copy of in that keeps identity: a pointer
// reached twice in the original is one pointer in the copy, so cycles stay
// cycles.
func CopyBasket(in *Basket) *Basket {
	c := basketCopier{
		baskets:  map[*Basket]*Basket{},
		items:    map[*BasketItem]*BasketItem{},
		shoppers: map[*Shopper]*Shopper{},
		products: map[*Product]*Product{},
	}
	return c.basket(in)
}

type basketCopier struct {
	baskets  map[*Basket]*Basket
	items    map[*BasketItem]*BasketItem
	shoppers map[*Shopper]*Shopper
	products map[*Product]*Product
}

func (c *basketCopier) basket(in *Basket) *Basket {
	if in == nil {
		return nil
	}
	if out, ok := c.baskets[in]; ok {
		return out
	}
	out := new(Basket)
	c.baskets[in] = out // before recursing: the items point back here
	*out = *in
	out.Owner = c.shopper(in.Owner)
	if in.Items != nil {
		out.Items = make([]*BasketItem, len(in.Items))
		for i, it := range in.Items {
			out.Items[i] = c.item(it)
		}
	}
	out.Tags = copyStrings(in.Tags)
	return out
}

func (c *basketCopier) item(in *BasketItem) *BasketItem {
	if in == nil {
		return nil
	}
	if out, ok := c.items[in]; ok {
		return out
	}
	out := new(BasketItem)
	c.items[in] = out
	out.Basket = c.basket(in.Basket)
	out.Product = c.product(in.Product)
	out.Quantity = in.Quantity
	return out
}

func (c *basketCopier) shopper(in *Shopper) *Shopper {
	if in == nil {
		return nil
	}
	if out, ok := c.shoppers[in]; ok {
		return out
	}
	out := new(Shopper)
	c.shoppers[in] = out
	out.Name = in.Name
	if in.Baskets != nil {
		out.Baskets = make([]*Basket, len(in.Baskets))
		for i, b := range in.Baskets {
			out.Baskets[i] = c.basket(b)
		}
	}
	return out
}

func (c *basketCopier) product(in *Product) *Product {
	if in == nil {
		return nil
	}
	if out, ok := c.products[in]; ok {
		return out
	}
	out := copyProduct(in)
	c.products[in] = out
	return out
}

// CopyLedger returns a deep copy of in, unexported fields included.
func CopyLedger(in *Ledger) *Ledger {
	if in == nil {
		return nil
	}
	out := &Ledger{owner: in.owner}
	if in.entries != nil {
		out.entries = make([]int64, len(in.entries))
		copy(out.entries, in.entries)
	}
	if in.index != nil {
		out.index = make(map[string]int, len(in.index))
		for k, v := range in.index {
			out.index[k] = v
		}
	}
	return out
}
