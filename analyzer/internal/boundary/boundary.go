// Package boundary recognises the places where values cross an isolate
// boundary: calls of the runtime's Spawn, Run, Exit, SendPort.Send and
// SendPort.Transfer. The analyzer knows the runtime by import path and names
// only, never by importing it.
package boundary

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/internal/sendable"
)

// Op is a runtime operation that crosses a boundary.
type Op int

// The operations.
const (
	None     Op = iota
	Spawn       // runtime.Spawn(ctx, entry, msg, opts...): msg is copied
	Run         // runtime.Run(ctx, fn, opts...): fn's result is moved back
	Exit        // runtime.Exit(ctx, port, msg): msg is moved
	Send        // SendPort[T].Send(msg): msg is copied
	Transfer    // SendPort[T].Transfer(msg): msg is moved
	RunOn       // runtime.RunOn(ctx, pool, fn): as Run, on a warm isolate of a pool
)

func (op Op) String() string {
	switch op {
	case Spawn:
		return "Spawn"
	case Run:
		return "Run"
	case Exit:
		return "Exit"
	case Send:
		return "Send"
	case Transfer:
		return "Transfer"
	case RunOn:
		return "RunOn"
	}
	return "none"
}

// Moves reports whether the operation moves its value (it need only be
// transferable) rather than copying it (sendable or copyable).
func (op Op) Moves() bool { return op == Run || op == RunOn || op == Exit || op == Transfer }

// Runs reports whether the operation runs a function in another isolate,
// its Entry: Spawn, Run or RunOn.
func (op Op) Runs() bool { return op == Spawn || op == Run || op == RunOn }

// Site is one boundary crossing.
type Site struct {
	Call *ast.CallExpr
	Op   Op
	// Value is the expression whose value crosses: the message of Send,
	// Transfer, Spawn and Exit; for Run, the function whose result crosses.
	Value ast.Expr
	// Type is the type judged: the value's own static type, before any
	// conversion to the parameter's type (DESIGN §7); for Run and RunOn,
	// the result type R.
	Type types.Type
	// Entry is the function that runs inside another isolate: Spawn's
	// entry, Run's or RunOn's fn; nil for the other operations.
	Entry ast.Expr
}

// OpOf returns which runtime operation call is, or None.
func OpOf(info *types.Info, call *ast.CallExpr) Op {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != sendable.RuntimePath {
		return None
	}
	sig := fn.Signature()
	if recv := sig.Recv(); recv != nil {
		if n, ok := types.Unalias(recv.Type()).(*types.Named); !ok || n.Obj().Name() != "SendPort" {
			return None
		}
		switch fn.Name() {
		case "Send":
			return Send
		case "Transfer":
			return Transfer
		}
		return None
	}
	switch fn.Name() {
	case "Spawn":
		return Spawn
	case "Run":
		return Run
	case "RunOn":
		return RunOn
	case "Exit":
		return Exit
	}
	return None
}

// SiteOf returns the boundary crossing at call, if it is one.
func SiteOf(info *types.Info, call *ast.CallExpr) (Site, bool) {
	op := OpOf(info, call)
	s := Site{Call: call, Op: op}
	arg := func(i int) ast.Expr {
		if i < len(call.Args) {
			return call.Args[i]
		}
		return nil
	}
	switch op {
	case Send, Transfer:
		s.Value = arg(0)
	case Spawn:
		s.Entry, s.Value = arg(1), arg(2)
	case Exit:
		s.Value = arg(2)
	case Run, RunOn:
		fn := 1
		if op == RunOn {
			fn = 2
		}
		s.Entry, s.Value = arg(fn), arg(fn)
		if sig, ok := info.TypeOf(call.Fun).(*types.Signature); ok && sig.Results().Len() > 0 {
			s.Type = sig.Results().At(0).Type()
		}
		return s, s.Value != nil && s.Type != nil
	default:
		return Site{}, false
	}
	if s.Value == nil {
		return Site{}, false
	}
	s.Type = info.TypeOf(s.Value)
	return s, s.Type != nil
}
