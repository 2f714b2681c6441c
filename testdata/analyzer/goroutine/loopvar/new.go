package loopvar

// From go1.22 each iteration has its own variables: the same code is fine.
func RangeNew(xs []int) {
	for _, x := range xs {
		go func() {
			use(x)
		}()
	}
	for i := 0; i < len(xs); i++ {
		go func() {
			use(i)
		}()
	}
}
