package dispatch

import (
	"context"
	"log"

	"github.com/go-isolate/isolate/runtime"

	"example.com/transfer/orders"
)

// Finish hands the result back and ends the isolate.
func Finish(ctx context.Context, out runtime.SendPort[*orders.Order], id string) {
	o := orders.New(id)
	o.Note = "done"
	runtime.Exit(ctx, out, o)
}

// FinishLogged logs in a deferred call, which runs after Exit moved the
// order.
func FinishLogged(ctx context.Context, out runtime.SendPort[*orders.Order], id string) {
	o := orders.New(id)
	defer func() { // want `deferred call uses o after its ownership was transferred to another isolate`
		log.Printf("finished %s", o.ID)
	}()
	defer log.Printf("finishing %s", id)
	runtime.Exit(ctx, out, o)
}

// Handoff moves the order, then returns: its deferred call runs after.
func Handoff(out runtime.SendPort[*orders.Order], o *orders.Order) {
	defer audit(o) // want `deferred call uses o after its ownership was transferred to another isolate`
	_ = out.Transfer(o)
}

func audit(o *orders.Order) { log.Print(o.ID) }
