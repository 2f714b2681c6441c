// Package remote carries isolate ports across processes and machines, over
// NATS.
//
// A Node is one process's connection. By default (Start with no option) it
// runs a NATS server inside the process that opens no socket: ports
// exported and looked up on it reach each other, and nothing else can.
// WithServer runs an embedded server that listens, for other processes to
// join with WithURL, which also joins any existing NATS server or cluster.
//
//	node, err := remote.Start(ctx, remote.WithURL("nats://10.0.0.5:4222"))
//	...
//	defer node.Close()
//	unexport, err := remote.Export(node, "orders", orders.SendPort())
//	...
//	to := remote.Lookup[*Order](otherNode, "orders") // a runtime.SendPort[*Order]
//	err = to.Send(order)
//
// Lookup returns an ordinary runtime.SendPort: the code that sends, the
// generated ports and the vet check do not care whether a port is local.
// The message crosses as bytes written by its generated wire codec (no
// reflection): isolategen emits it for every //isolate:message type and
// //isolate:port interface that can cross, and the wire option
// (//isolate:message wire) makes a type that cannot an error at generate
// time; sending a type without a codec fails at Send with "T has no wire
// codec". So the receiver shares nothing with the sender, by
// construction; sharing and cycles inside the message survive, as they
// survive DeepCopy. A SendPort inside a message arrives as a working
// SendPort back to the sender's port, so request/reply works across nodes
// as it does between isolates. Fields are numbered, so an unknown field is
// skipped and a missing one is zero: nodes of two versions talk during a
// rolling deploy. The format and what isolategen emits for it are in
// wire.md, beside this file.
//
// Generated //isolate:port services cross nodes with one call on each
// side: ExportService serves an IPort under a name, LookupService returns
// an IPort whose calls are NATS requests to it.
//
// # Delivery
//
// Send on a remote port is at most once, Dart's own promise: a message to
// a name nobody exports, or lost with a node, is gone, and Send never waits
// for the receiver. With Durable on the export, it is at least once: the
// message goes through a JetStream stream, Send returns once the stream
// kept it, the receiving node acknowledges it after its port took it, and
// a message a receiver did not acknowledge (it died) is delivered again to
// the next receiver; a sender's retry of one message is dropped by its
// message id. A call to a service nobody serves returns runtime.ErrClosed
// at once; a call whose ctx ends returns ctx.Err(); a panic in the remote
// implementation returns *runtime.RemoteError with the remote stack.
//
// Bytes from the network that are not a valid encoding are an error
// (reported to WithErrorHandler and dropped), never a panic, and never make
// the decoder allocate more than the bytes justify.
//
// An isolate is a correctness boundary, not a security one; NATS
// authentication, authorization and TLS (set through WithURL's nats.Option
// values or WithServer's server.Options) decide who may send to a port.
package remote
