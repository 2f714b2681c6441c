package bench

import "github.com/go-isolate/isolate/bench/message"

// isolateOrderCopier and its siblings return isolate's generated copy
// (message/isolate_gen.go, written by isolategen): the DeepCopy method that
// SendPort.Send calls for these types.
func isolateOrderCopier() []copier[*message.Order] {
	return []copier[*message.Order]{{"isolate", noErr((*message.Order).DeepCopy)}}
}

func isolateBasketCopier() []copier[*message.Basket] {
	return []copier[*message.Basket]{{"isolate", noErr((*message.Basket).DeepCopy)}}
}

func isolateLedgerCopier() []copier[*message.Ledger] {
	return []copier[*message.Ledger]{{"isolate", noErr((*message.Ledger).DeepCopy)}}
}
