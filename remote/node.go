package remote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-isolate/isolate/runtime"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"
)

// Subjects: a port exported by name, a port exported because it crossed the
// wire inside a message, and a service.
const (
	portPrefix    = "isolate.port."
	addrPrefix    = "isolate.addr."
	servicePrefix = "isolate.svc."
)

// Option configures Start.
type Option func(*config)

type config struct {
	url      string
	natsOpts []nats.Option
	server   *server.Options
	onError  func(error)
}

// WithURL joins an existing NATS server or cluster at url (a
// comma-separated list of URLs is accepted); opts are passed to
// nats.Connect after the node's own (a short reconnect wait, unlimited
// reconnects), so they may override them, and carry TLS and credentials.
func WithURL(url string, opts ...nats.Option) Option {
	return func(c *config) { c.url, c.natsOpts = url, opts }
}

// WithServer runs an embedded NATS server with opts, which listens as they
// say (Host, Port -1 for a random port, routes for a cluster, auth, TLS,
// JetStream with StoreDir), for other processes to join; the node itself
// connects in-process. Close stops it.
func WithServer(opts *server.Options) Option {
	return func(c *config) { c.server = opts }
}

// WithErrorHandler sets the function told about messages that arrive but
// cannot be delivered: undecodable bytes, a port that has closed. Without
// it they are dropped silently, as a send to a closed port is in Dart.
func WithErrorHandler(f func(error)) Option {
	return func(c *config) { c.onError = f }
}

// Node is one process's connection to the network of ports: what Export,
// Lookup and the services use. It is safe for concurrent use.
type Node struct {
	nc      *nats.Conn
	srv     *server.Server // an embedded server this node runs, or nil
	tmpDir  string         // JetStream store made by this node, removed by Close
	onError func(error)
	net     *wireNet

	ctx     context.Context // ends at Close
	cancel  context.CancelFunc
	stop    func() bool // stops Start's ctx watch
	wg      sync.WaitGroup
	drained chan struct{}

	mu      sync.Mutex
	closed  bool
	exports map[any]*nats.Subscription // ports exported because they crossed the wire
	js      nats.JetStreamContext
	streams map[string]streamKnown // subject → whether a stream keeps it
}

type streamKnown struct {
	durable bool
	at      time.Time
}

// Start connects a node: with WithURL to an existing server, with
// WithServer through an embedded server that listens, and with neither
// through an embedded server inside this process that opens no socket.
// Cancelling ctx closes the node, as Close does.
func Start(ctx context.Context, opts ...Option) (*Node, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	n := &Node{
		onError: c.onError,
		drained: make(chan struct{}),
		exports: make(map[any]*nats.Subscription),
		streams: make(map[string]streamKnown),
	}
	n.net = &wireNet{n}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	natsOpts := []nats.Option{
		nats.Name("isolate"),
		nats.ClosedHandler(func(*nats.Conn) { close(n.drained) }),
		nats.DrainTimeout(10 * time.Second),
	}
	var err error
	if c.url != "" {
		natsOpts = append(natsOpts, nats.ReconnectWait(100*time.Millisecond), nats.MaxReconnects(-1))
		natsOpts = append(natsOpts, c.natsOpts...)
		n.nc, err = nats.Connect(c.url, natsOpts...)
	} else {
		sopts := c.server
		if sopts == nil {
			// In this process only: no socket, and so no client URL to
			// advertise.
			sopts = &server.Options{DontListen: true, NoLog: true, NoSigs: true}
		}
		n.srv, err = server.NewServer(sopts)
		if err != nil {
			return nil, fmt.Errorf("remote: embedded server: %w", err)
		}
		n.srv.Start()
		if !n.srv.ReadyForConnections(10 * time.Second) {
			n.srv.Shutdown()
			n.srv.WaitForShutdown()
			return nil, errors.New("remote: embedded server did not start")
		}
		n.nc, err = nats.Connect("", append(natsOpts, nats.InProcessServer(n.srv))...)
	}
	if err != nil {
		if n.srv != nil {
			n.srv.Shutdown()
			n.srv.WaitForShutdown()
		}
		n.cancel()
		return nil, fmt.Errorf("remote: connect: %w", err)
	}
	n.stop = context.AfterFunc(ctx, func() { n.Close() })
	return n, nil
}

// Conn returns the node's NATS connection, for what this package does not
// cover; the node closes it.
func (n *Node) Conn() *nats.Conn { return n.nc }

// Close drains the node's subscriptions (messages already received are
// delivered), closes its connection, then stops an embedded server. Ports
// looked up on it return runtime.ErrClosed afterwards. A second Close is
// harmless.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		<-n.drained
		return nil
	}
	n.closed = true
	n.mu.Unlock()
	n.stop()
	n.cancel() // ends the watchers of exported ports and served calls
	n.wg.Wait()
	err := n.nc.Drain()
	if err != nil {
		n.nc.Close()
	}
	<-n.drained
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
	}
	if n.tmpDir != "" {
		os.RemoveAll(n.tmpDir)
	}
	if errors.Is(err, nats.ErrConnectionClosed) {
		err = nil
	}
	return err
}

func (n *Node) report(err error) {
	if n.onError != nil && err != nil {
		n.onError(err)
	}
}

// sendErr maps the connection's errors on the way out to the runtime's.
func sendErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, nats.ErrConnectionDraining),
		errors.Is(err, nats.ErrNoResponders):
		return runtime.ErrClosed
	}
	return fmt.Errorf("remote: %w", err)
}

// checkName reports a name that is not a valid part of a subject.
func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n*>") || strings.HasPrefix(name, ".") ||
		strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return fmt.Errorf("remote: %q is not a port name: use letters, digits, '-', '_' and '.' between words", name)
	}
	return nil
}

// jetStream returns the JetStream context, enabling JetStream on an
// embedded server that runs without it (its store in a temporary
// directory, or the server options' StoreDir).
func (n *Node) jetStream() (nats.JetStreamContext, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, runtime.ErrClosed
	}
	if n.js != nil {
		return n.js, nil
	}
	if n.srv != nil && !n.srv.JetStreamEnabled() {
		dir, err := os.MkdirTemp("", "isolate-jetstream-")
		if err != nil {
			return nil, fmt.Errorf("remote: JetStream store: %w", err)
		}
		if err := n.srv.EnableJetStream(&server.JetStreamConfig{StoreDir: dir}); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("remote: enable JetStream: %w", err)
		}
		n.tmpDir = dir
	}
	js, err := n.nc.JetStream()
	if err != nil {
		return nil, fmt.Errorf("remote: JetStream: %w", err)
	}
	n.js = js
	return js, nil
}

// durable reports whether a JetStream stream keeps subj, asking the server
// at most once a second for a subject no stream kept when last asked.
func (n *Node) durable(subj string) bool {
	n.mu.Lock()
	k, ok := n.streams[subj]
	n.mu.Unlock()
	if ok && (k.durable || time.Since(k.at) < time.Second) {
		return k.durable
	}
	found := false
	if n.srv != nil && !n.srv.JetStreamEnabled() {
		// No stream can keep it, and asking would enable JetStream.
		return false
	}
	if !n.nc.IsConnected() {
		// Asking would wait for the server to come back, and a plain Send
		// does not wait: its message waits in the reconnect buffer, and a
		// stream that keeps subj still takes it then.
		return false
	}
	js, err := n.jetStream()
	if err == nil {
		_, err = js.StreamNameBySubject(subj, nats.MaxWait(2*time.Second))
		found = err == nil
	}
	n.mu.Lock()
	n.streams[subj] = streamKnown{found, time.Now()}
	n.mu.Unlock()
	return found
}

// wireNet is the node as the runtime's codec sees it: where ports inside
// messages are exported and published to.
type wireNet struct{ n *Node }

func (w *wireNet) ExportWirePort(key any, deliver func([]byte) error, done <-chan struct{}) (string, error) {
	n := w.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return "", runtime.ErrClosed
	}
	if sub, ok := n.exports[key]; ok {
		return sub.Subject, nil
	}
	subj := addrPrefix + nuid.Next()
	sub, err := n.nc.Subscribe(subj, func(m *nats.Msg) {
		if err := deliver(m.Data); err != nil && !errors.Is(err, runtime.ErrClosed) {
			n.report(fmt.Errorf("remote: port %s: %w", subj, err))
		}
	})
	if err != nil {
		return "", sendErr(err)
	}
	n.exports[key] = sub
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		select {
		case <-done:
		case <-n.ctx.Done():
			return // Close drains every subscription
		}
		n.mu.Lock()
		if n.exports[key] == sub {
			delete(n.exports, key)
		}
		n.mu.Unlock()
		sub.Unsubscribe()
	}()
	return subj, nil
}

func (w *wireNet) PublishWire(addr string, payload []byte) error {
	n := w.n
	if strings.HasPrefix(addr, portPrefix) && n.durable(addr) {
		return n.publishDurable(addr, payload)
	}
	return sendErr(n.nc.Publish(addr, payload))
}

// publishDurable stores payload in the stream that keeps addr and returns
// once the stream has acknowledged it; a publish whose acknowledgement is
// lost is retried with the same message id, which the stream drops as a
// duplicate if the first one arrived.
func (n *Node) publishDurable(addr string, payload []byte) error {
	js, err := n.jetStream()
	if err != nil {
		return err
	}
	m := nats.NewMsg(addr)
	m.Data = payload
	m.Header.Set(nats.MsgIdHdr, nuid.Next())
	for attempt := 0; ; attempt++ {
		_, err = js.PublishMsg(m, nats.AckWait(2*time.Second))
		if err == nil || attempt == 2 || !(errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrNoResponders)) {
			return sendErr(err)
		}
		select {
		case <-n.ctx.Done():
			return runtime.ErrClosed
		case <-time.After(100 * time.Millisecond << attempt):
		}
	}
}

// registered waits until the server knows sub, so that a node connected
// elsewhere finds an export as soon as Export returns (a send on this
// node's own connection needs no wait: the server reads it in order).
// exported finishes an export whose subscription err did or did not make:
// once the server has registered sub, it returns the unexport function.
func (n *Node) exported(sub *nats.Subscription, err error) (unexport func() error, _ error) {
	if err == nil {
		err = n.registered(sub)
	}
	if err != nil {
		return nil, sendErr(err)
	}
	return func() error {
		err := sub.Unsubscribe()
		if errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, nats.ErrBadSubscription) {
			err = nil // the node has closed: nothing left to undo
		}
		return err
	}, nil
}

func (n *Node) registered(sub *nats.Subscription) error {
	if err := n.nc.Flush(); err != nil {
		_ = sub.Unsubscribe()
		return err
	}
	return nil
}
