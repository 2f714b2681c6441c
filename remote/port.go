package remote

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-isolate/isolate/runtime"
	"github.com/nats-io/nats.go"
)

// ExportOption configures Export. Make one with Durable.
type ExportOption func(*exportConfig)

type exportConfig struct {
	durable bool
}

// Durable makes an export at-least-once: messages go through a JetStream
// stream that keeps them while no receiver runs; each is acknowledged once
// the receiving port took it, and redelivered otherwise; a sender's retry
// of one message is dropped as a duplicate by its message id. With the
// default embedded server, JetStream is enabled on first use, its store in
// a temporary directory that Close removes.
func Durable() ExportOption {
	return func(c *exportConfig) { c.durable = true }
}

// durableAckWait is how long a delivered, unacknowledged message waits
// before it is delivered again (to a restarted receiver, say).
const durableAckWait = 5 * time.Second

// Export makes the local port p reachable by name from every node on the
// same NATS network: each message sent to Lookup(name) there is decoded
// and transferred into p. unexport ends the export (messages already
// received are still delivered); a Durable export's stream and consumer
// stay, so that a later Export of the name goes on where this one stopped.
//
// T must have a wire codec (see the package documentation). Bytes that do
// not decode as a T are reported to the node's error handler and dropped
// (a Durable export terminates them: they are never redelivered).
func Export[T any](n *Node, name string, p runtime.SendPort[T], opts ...ExportOption) (unexport func() error, err error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	var c exportConfig
	for _, o := range opts {
		o(&c)
	}
	subj := portPrefix + name
	deliver := func(data []byte) error {
		v, err := runtime.UnmarshalWire[T](data, runtime.NewWireDecoder(n.net))
		if err != nil {
			return err
		}
		return p.Transfer(v)
	}
	var sub *nats.Subscription
	if !c.durable {
		sub, err = n.nc.Subscribe(subj, func(m *nats.Msg) {
			if err := deliver(m.Data); err != nil && !errors.Is(err, runtime.ErrClosed) {
				n.report(fmt.Errorf("remote: port %q: %w", name, err))
			}
		})
	} else {
		sub, err = n.exportDurable(name, subj, deliver)
	}
	return n.exported(sub, err)
}

func (n *Node) exportDurable(name, subj string, deliver func([]byte) error) (*nats.Subscription, error) {
	js, err := n.jetStream()
	if err != nil {
		return nil, err
	}
	stream := "ISOLATE_" + strings.ReplaceAll(name, ".", "_")
	cfg := &nats.StreamConfig{
		Name:       stream,
		Subjects:   []string{subj},
		Retention:  nats.WorkQueuePolicy, // a message acknowledged is gone
		Storage:    nats.FileStorage,
		Duplicates: 2 * time.Minute,
	}
	if _, err := js.AddStream(cfg); err != nil && !errors.Is(err, nats.ErrStreamNameAlreadyInUse) {
		return nil, fmt.Errorf("remote: stream for %q: %w", name, err)
	}
	consumer := "isolate"
	if _, err := js.ConsumerInfo(stream, consumer); err != nil {
		_, err = js.AddConsumer(stream, &nats.ConsumerConfig{
			Durable:        consumer,
			DeliverSubject: "isolate.deliver." + name,
			DeliverPolicy:  nats.DeliverAllPolicy,
			AckPolicy:      nats.AckExplicitPolicy,
			AckWait:        durableAckWait,
		})
		if err != nil && !errors.Is(err, nats.ErrConsumerNameAlreadyInUse) {
			return nil, fmt.Errorf("remote: consumer for %q: %w", name, err)
		}
	}
	n.mu.Lock()
	n.streams[subj] = streamKnown{durable: true, at: time.Now()}
	n.mu.Unlock()
	return js.Subscribe(subj, func(m *nats.Msg) {
		err := deliver(m.Data)
		switch {
		case err == nil:
			m.Ack()
		case errors.Is(err, runtime.ErrWire):
			m.Term()
			n.report(fmt.Errorf("remote: port %q: %w", name, err))
		default: // the port has closed: a later receiver will take it
			m.Nak()
		}
	}, nats.Bind(stream, consumer), nats.ManualAck())
}

// Lookup returns a SendPort to the port exported under name by any node on
// the same NATS network. It is an ordinary runtime.SendPort: Send encodes
// the message and publishes it. Without Durable on the export, delivery is
// at most once (a message to a name nobody exports is lost, a send never
// blocks on the receiver); with it, Send returns once the stream has kept
// the message. Send returns runtime.ErrClosed once the node is closed. Two
// Lookups of a name on one node compare equal.
//
// Lookup checks nothing: an invalid name gives a port whose sends fail.
func Lookup[T any](n *Node, name string) runtime.SendPort[T] {
	if checkName(name) != nil {
		return runtime.SendPort[T]{}
	}
	return runtime.WirePort[T](n.net, portPrefix+name)
}
