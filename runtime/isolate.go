package runtime

import (
	"context"
	"errors"
	goruntime "runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Priority says when Kill takes effect.
type Priority int

const (
	// Immediate kills at once: the isolate's context is cancelled, its ports
	// close, and its blocked receives return ErrKilled.
	Immediate Priority = iota
	// BeforeNextEvent lets the message in hand finish, with the isolate's
	// context still live, and kills at the isolate's next receive from one
	// of its own ports; messages still queued are not handled. An isolate
	// already blocked in such a receive is killed at once.
	BeforeNextEvent
)

// Capability is an unforgeable token, as returned by Isolate.Pause: only the
// holder of a capability can resume the pause it stands for. Capabilities are
// comparable and sendable; the zero Capability resumes nothing.
type Capability struct {
	t *capToken
}

type capToken struct{ _ byte } // not zero-sized, so every token has its own address

// Option configures Spawn and Run. Make one with WithName, WithPaused,
// WithErrorsFatal, WithOnExit or WithOnError.
type Option struct {
	apply func(*Isolate)
}

// WithName names the isolate, for Isolate.Name and RemoteError.Isolate. The
// default is "isolate-N", N a number unique in the process.
func WithName(name string) Option {
	return Option{func(o *Isolate) { o.setName(name) }}
}

// WithPaused starts the isolate paused: its entry does not run until the
// capability Isolate.PauseCapability returns is resumed (as Dart's
// Isolate.spawn(paused: true)). Run ignores it.
func WithPaused() Option {
	return Option{func(o *Isolate) { o.startPaused = true }}
}

// WithErrorsFatal sets whether an error caught by Guard ends the isolate
// (true, the default) or is only reported to the error listeners; see
// Isolate.SetErrorsFatal.
func WithErrorsFatal(fatal bool) Option {
	return Option{func(o *Isolate) { o.errorsNotFatal = !fatal }}
}

// WithOnExit adds an exit listener before the isolate starts, so that even an
// isolate that ends at once is seen to end; see Isolate.AddOnExitListener.
func WithOnExit(p SendPort[struct{}]) Option {
	return Option{func(o *Isolate) { o.more().addExitListener(p, exitNotice(p, struct{}{})) }}
}

// WithOnError adds an error listener before the isolate starts; see
// Isolate.AddErrorListener.
func WithOnError(p SendPort[*RemoteError]) Option {
	return Option{func(o *Isolate) { r := o.more(); r.errorListeners = appendNew(r.errorListeners, p) }}
}

// Isolate is a handle on a running (or ended) isolate: a goroutine that runs
// an entry function with a context of its own and owns the ports it makes. A
// *Isolate is sendable; its methods are safe for concurrent use and may be
// called after the isolate has ended.
type Isolate struct {
	// state holds, in its low bits, flagKill | flagPing | flagPaused:
	// something for the next receive to do, and the bits stateKilled,
	// stateNamed, madeDone and madeCtxDone; above them the number of
	// receives blocked now that are not listed as waiters of a port (see
	// setFlagUnlessBlocked). One word, so that a receive can block
	// without taking mu, and Kill and Ping (under mu) still see either
	// the receive blocked or their flag seen by it.
	state atomic.Uint64
	// mu guards the isolate's state, its context's (Done channel,
	// AfterFunc functions) included. It is held while the isolate's ports
	// close and the functions registered by AfterFunc run.
	mu sync.Mutex
	// running is held from the spawn until the isolate has ended: Wait and
	// Run wait on it without a channel. (A sync.Mutex, locked by the spawn
	// and unlocked by the end, is smaller, but a Lock that waits reads the
	// clock twice.)
	running sync.WaitGroup
	id      uint64
	parent  context.Context // what Spawn was given: the ctx's values and deadline
	// failure is the outcome (what Wait returns) when it is a
	// *RemoteError; outcomeKilled says when it is ErrKilled; else nil.
	failure *RemoteError
	// done is made by the first Done, under mu, and closed when the
	// isolate has ended; closedChan if it ended first. It is written
	// once, then madeDone set in state. (Here, not in rare: Wait with a
	// ctx that can end asks for it.)
	done  chan struct{}
	ports []ownedPort
	// rare is made on first need, under mu (or before the start), and
	// never replaced. Its fields that are published by a bit of state
	// (name, ctxDone: written once, then the bit set) may be read
	// without mu once the bit is seen.
	rare   *isolateRare
	ctxEnd atomic.Pointer[ctxCause] // set once, when the context is cancelled

	// Guarded by mu (the bools sit together, for the struct's size).
	killed         bool // ending: ports closed, ctx cancelled, no more events
	ended          bool // listeners taken; done is about to close
	outcomeSet     bool // the outcome is final
	outcomeKilled  bool // the outcome is ErrKilled
	errorsNotFatal bool // WithErrorsFatal(false), SetErrorsFatal(false)
	portsKilled    bool // the ports closed with ErrKilled, not ErrClosed
	doneClosed     bool // the isolate has ended: done is closed (or will be closedChan)
	startPaused    bool // set before the start, read-only then
}

// isolateRare is the state of an isolate that only some isolates need:
// a name, the context's Done channel and AfterFunc functions, pauses,
// pings, listeners, watches on cancellable contexts. Kept apart, it costs
// an isolate nothing until used: a spawn allocates only what every isolate
// needs (an Isolate is 120 bytes; with a Spawn's entry and a zero-sized
// message, the 128-byte size class).
type isolateRare struct {
	// name is WithName's, set before the start (then stateNamed).
	name string
	// ctxDone is the context's, made by its first Done and closed when
	// the context is cancelled; closedChan if it was first (then
	// madeCtxDone).
	ctxDone    chan struct{}
	afterFuncs map[*afterFunc]struct{}

	pendingErr     *RemoteError // Guard's fatal error, for the error listeners
	pauses         map[Capability]struct{}
	startCap       Capability
	unpaused       chan struct{} // closed when the last pause is resumed
	pings          []*ping
	exitListeners  []exitListener
	errorListeners []SendPort[*RemoteError]

	// watches kill the isolate when a context above it is cancelled (or
	// a deadline passes); stopped when it ends.
	watches []watch
	// cancels are the contexts whose cancellation kills this isolate and
	// the isolates spawned with its ctx (see cancelSourcesOf); set before
	// the isolate starts. An isolate without them has no watches either.
	cancels *cancelSource
}

// exitListener is one exit listener: its port, kept as a comparable key
// (a SendPort of any message type), and the notification it gets.
type exitListener struct {
	port   any
	notify func()
}

// exitNotice returns the notification that sends v on p, dropped if the port
// is closed; v is a copy the isolate holds, so it moves.
func exitNotice[T any](p SendPort[T], v T) func() {
	return func() { p.notifyListener(v) }
}

// addExitListener adds an exit listener on p, or replaces the notification
// of the one p already has (Dart: the last response wins); under mu.
func (r *isolateRare) addExitListener(p any, notify func()) {
	for i := range r.exitListeners {
		if r.exitListeners[i].port == p {
			r.exitListeners[i].notify = notify
			return
		}
	}
	r.exitListeners = append(r.exitListeners, exitListener{p, notify})
}

// watch is one watch on a cancellation: stop stops it, reporting whether
// it had not fired; done is closed when a watch that fired has finished.
type watch struct {
	stop func() bool
	done chan struct{}
}

// cancelSource is one context whose cancellation kills an isolate. An
// isolate's end does not end the isolates it spawned, as in Dart, so a
// context derived from an isolate's ctx (skip) counts only when it is
// cancelled for another reason than that isolate's end; the sources above
// skip (next) count in any case.
type cancelSource struct {
	ctx  context.Context
	skip *Isolate
	next *cancelSource
}

// cancelSourcesOf returns what kills an isolate spawned with ctx: ctx's
// cancellation, but not the end of an isolate that ctx belongs to. With the
// spawning isolate's own ctx, that is what killed the spawning isolate
// (ultimately, contexts that the program made outside isolates); with a
// context derived from it (context.WithTimeout(ctx, d)), that context too.
func cancelSourcesOf(ctx context.Context) *cancelSource {
	p := Current(ctx)
	switch {
	case p == nil:
		if ctx.Done() == nil {
			return nil
		}
		return &cancelSource{ctx: ctx}
	case ctx == p.context():
		return p.cancelSources()
	default:
		return &cancelSource{ctx: ctx, skip: p, next: p.cancelSources()}
	}
}

// cancelSources returns o's cancel sources (see isolateRare.cancels).
func (o *Isolate) cancelSources() *cancelSource {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.rare == nil {
		return nil
	}
	return o.rare.cancels
}

// endedBy reports whether ctx, derived from o's ctx, was cancelled by o's
// end rather than for a reason of its own: its cause is o's end's. The
// causes of an end are private values (errEnded), ErrKilled and
// *RemoteError, so the compare cannot panic.
func (o *Isolate) endedBy(ctx context.Context) bool {
	e := o.ctxEnd.Load()
	return e != nil && context.Cause(ctx) == context.Cause(e.ctx)
}

// watchLocked adds a watch to o unless it has ended; under mu.
func (o *Isolate) watchLocked(w watch) bool {
	if o.ended {
		return false
	}
	r := o.more()
	r.watches = append(r.watches, w)
	return true
}

// watchCancel kills o when ctx is cancelled, unless by skip's end (see
// cancelSource). A cancellation skipped leaves ctx's deadline, if it has
// one, still to kill o when it passes.
func (o *Isolate) watchCancel(ctx context.Context, skip *Isolate) {
	if ctx.Done() == nil {
		return
	}
	w := watch{done: make(chan struct{})}
	w.stop = context.AfterFunc(ctx, func() {
		defer close(w.done)
		if skip == nil || !skip.endedBy(ctx) {
			o.Kill(Immediate)
			return
		}
		if d, ok := ctx.Deadline(); ok {
			o.mu.Lock()
			defer o.mu.Unlock()
			if o.ended {
				return
			}
			t := watch{done: make(chan struct{})}
			t.stop = time.AfterFunc(time.Until(d), func() {
				defer close(t.done)
				o.Kill(Immediate)
			}).Stop
			o.watchLocked(t)
		}
	})
	// Under mu: a watch on a context that has already ended fires now.
	o.mu.Lock()
	o.watchLocked(w)
	o.mu.Unlock()
}

// setName names o (WithName); before the start.
func (o *Isolate) setName(name string) {
	if name == "" {
		o.state.And(^stateNamed)
		return
	}
	o.more().name = name
	o.state.Or(stateNamed)
}

// more returns o.rare, made if need be; call it under mu, or before the
// isolate starts.
func (o *Isolate) more() *isolateRare {
	if o.rare == nil {
		o.rare = new(isolateRare)
	}
	return o.rare
}

const (
	flagKill uint64 = 1 << iota
	flagPing
	flagPaused
	flagMask = flagKill | flagPing | flagPaused

	blockedOne = 1 << 8 // one blocked receive, in Isolate.state
)

// Bits of Isolate.state beside the flags: done or rare.ctxDone is set; killed is (a start need not lock to see it); rare.name is set.
const (
	madeDone    uint64 = 1 << 3
	madeCtxDone uint64 = 1 << 4
	stateKilled uint64 = 1 << 5
	stateNamed  uint64 = 1 << 6
)

// leaveBlocked undoes the count of a receive that waits under mu (paused).
func (o *Isolate) leaveBlocked() { o.state.Add(^uint64(blockedOne - 1)) }

// setFlagUnlessBlocked sets flag for the next receive and reports true,
// unless a receive is blocked now: then it reports false, and the flag is
// not left set. Called under mu.
//
// A receive waiting for a message is parked or listed on its port (under
// the port's lock, having seen no flag there); one that does so after the
// flag is set sees the flag. So a look at each port, under its lock, after
// setting the flag, finds every blocked receive, and a receive costs no
// count in the state word. A send may take a parked receive off without
// the lock: that receive then returns a message, as one that took it
// before the flag was set, and its next receive sees the flag. Receives that wait otherwise (paused) and idle
// pool members are counted there (blockedOne).
func (o *Isolate) setFlagUnlessBlocked(flag uint64) bool {
	for {
		s := o.state.Load()
		if s >= blockedOne {
			return false
		}
		if o.state.CompareAndSwap(s, s|flag) {
			break
		}
	}
	for _, p := range o.ports {
		if p.waiting() {
			if flag != flagPing || o.rare == nil || len(o.rare.pings) == 0 {
				o.state.And(^flag) // no earlier Ping waits for it
			}
			return false
		}
	}
	return true
}

// ping is one waiting Ping; ok is set, under mu, before c closes when the
// isolate answered rather than ended.
type ping struct {
	c  chan struct{}
	ok bool
}

// ownedPort is what an isolate needs of the ports it owns, whatever their
// message type.
type ownedPort interface {
	shut(err error)
	barrier()
	waiting() bool
	index() int
	setIndex(int)
}

var isolateIDs atomic.Uint64

// isolateContext is the Isolate seen as its own context, the one its entry
// runs with: the values and deadline of the context given to Spawn, without
// its cancellation (that arrives as a Kill, so that it closes the isolate's
// ports too), plus the isolate itself for Current. It is cancelled when the
// isolate is killed or ends. Being the Isolate, it costs a spawn nothing:
// no cancelCtx, no cancel func; a done channel (in isolateRare) only when
// Done is called.
type isolateContext Isolate

type isolateKey struct{}

// ctxCause is why an isolate's context ended, as context.Cause reports it:
// ctx is a cancelled context.WithCancelCause whose cause that is. Value
// answers from it first once the context has ended, so that context.Cause
// (which looks for the nearest cancelCtx by Value) finds it rather than
// one of the parent's.
type ctxCause struct{ ctx context.Context }

var (
	causeEnded  = newCtxCause(errEnded)
	causeKilled = newCtxCause(ErrKilled)
)

func newCtxCause(cause error) *ctxCause {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	return &ctxCause{ctx}
}

func (c *isolateContext) Deadline() (time.Time, bool) { return c.parent.Deadline() }

func (c *isolateContext) Done() <-chan struct{} {
	if c.state.Load()&madeCtxDone != 0 {
		return c.rare.ctxDone
	}
	o := (*Isolate)(c)
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.more()
	if r.ctxDone == nil {
		if o.ctxEnd.Load() != nil {
			r.ctxDone = closedChan // ended before anyone asked
		} else {
			r.ctxDone = make(chan struct{})
		}
		o.state.Or(madeCtxDone)
	}
	return r.ctxDone
}

func (c *isolateContext) Err() error {
	if c.ctxEnd.Load() != nil {
		return context.Canceled
	}
	return nil
}

func (c *isolateContext) Value(key any) any {
	if key == (isolateKey{}) {
		return (*Isolate)(c)
	}
	if e := c.ctxEnd.Load(); e != nil {
		if v := e.ctx.Value(key); v != nil {
			return v
		}
	}
	return c.parent.Value(key)
}

func (c *isolateContext) String() string { return "isolate " + (*Isolate)(c).Name() }

// afterFunc is one function registered by AfterFunc.
type afterFunc struct{ f func() }

// AfterFunc arranges to call f once the context is cancelled, and returns a
// func that stops that (reporting whether it did). The context package uses
// it for contexts derived from this one (context.WithCancel(ctx) and the
// like), which then need no goroutine to watch Done. f runs on the goroutine
// that cancels, as a cancelCtx cancels its children; if the context has
// already ended, f runs in a goroutine of its own, as context.AfterFunc
// would.
func (c *isolateContext) AfterFunc(f func()) (stop func() bool) {
	a := &afterFunc{f}
	o := (*Isolate)(c)
	o.mu.Lock()
	if o.ctxEnd.Load() != nil {
		o.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	r := o.more()
	if r.afterFuncs == nil {
		r.afterFuncs = make(map[*afterFunc]struct{})
	}
	r.afterFuncs[a] = struct{}{}
	o.mu.Unlock()
	return func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		_, ok := r.afterFuncs[a]
		delete(r.afterFuncs, a)
		return ok
	}
}

// cancelContextLocked ends the isolate's context with cause (nil: errEnded,
// which is a context.Canceled); under mu.
func (o *Isolate) cancelContextLocked(cause error) {
	end := causeEnded
	switch cause {
	case nil:
	case ErrKilled:
		end = causeKilled
	default:
		end = newCtxCause(cause)
	}
	if o.ctxEnd.Load() != nil {
		return
	}
	o.ctxEnd.Store(end)
	r := o.rare
	if r == nil {
		return // no Done, no AfterFunc
	}
	if r.ctxDone != nil {
		close(r.ctxDone)
	} // else Done, seeing ctxEnd, hands out closedChan
	afters := r.afterFuncs
	r.afterFuncs = nil
	for a := range afters {
		a.f()
	}
}

// context is the isolate's own context, the one its entry runs with.
func (o *Isolate) context() context.Context { return (*isolateContext)(o) }

// portErrLocked is what Receive on a port closed by the isolate's end
// returns; under mu, once killed.
func (o *Isolate) portErrLocked() error {
	if o.portsKilled {
		return ErrKilled
	}
	return ErrClosed
}

// Current returns the isolate that ctx belongs to: the innermost isolate
// whose entry (or Run function) received ctx or a context derived from it.
// It returns nil outside an isolate.
func Current(ctx context.Context) *Isolate {
	o, _ := ctx.Value(isolateKey{}).(*Isolate)
	return o
}

// initIsolate prepares o, allocated by the caller together with what its
// entry needs (one allocation per isolate, not several). mayPause: WithPaused
// applies. ofCaller: the isolate runs a call (Run) that its caller waits
// for, so the whole of the caller's ctx, its isolate's end included,
// cancels it.
func initIsolate(o *Isolate, parent context.Context, opts []Option, mayPause, ofCaller bool) error {
	if err := parent.Err(); err != nil {
		return err
	}
	o.id = isolateIDs.Add(1)
	o.running.Add(1)
	for _, opt := range opts {
		if opt.apply != nil {
			opt.apply(o)
		}
	}
	o.startPaused = o.startPaused && mayPause
	if o.startPaused {
		r := o.more()
		r.startCap = Capability{&capToken{}}
		r.pauses = map[Capability]struct{}{r.startCap: {}}
		r.unpaused = make(chan struct{})
		// Idle until resumed: Ping answers, BeforeNextEvent kills at once.
		o.state.Or(flagPaused | blockedOne)
	}
	o.parent = parent
	cancels := cancelSourcesOf(parent)
	if cancels != nil {
		o.more().cancels = cancels // before any watch: nothing else runs yet
	}
	if ofCaller {
		o.watchCancel(parent, nil)
	} else {
		for s := cancels; s != nil; s = s.next {
			o.watchCancel(s.ctx, s.skip)
		}
	}
	return nil
}

// entrant is an isolate together with the call its goroutine makes.
type entrant interface {
	isolate() *Isolate
	enter(ctx context.Context)
}

type spawned[M any] struct {
	Isolate
	msg   M // before entry: a zero-sized last field would be padded
	entry func(ctx context.Context, msg M)
}

func (s *spawned[M]) isolate() *Isolate         { return &s.Isolate }
func (s *spawned[M]) enter(ctx context.Context) { s.entry(ctx, s.msg) }

type running[R any] struct {
	Isolate
	fn       func(ctx context.Context) (R, error)
	res      R
	err      error
	returned bool
}

func (r *running[R]) isolate() *Isolate { return &r.Isolate }

// enter runs fn and settles the outcome as fn returns: an end that came
// first (a kill, a fatal error caught by Guard) decides it, and the result
// is dropped; otherwise the result stands, whatever happens after.
func (r *running[R]) enter(ctx context.Context) {
	res, err := r.fn(ctx)
	o := &r.Isolate
	o.mu.Lock()
	if !o.outcomeSet || o.outcomeLocked() == nil {
		o.outcomeSet = true
		r.res, r.err, r.returned = res, err, true
	}
	o.mu.Unlock()
}

// Spawn starts a new isolate that runs entry(ctx, msg) on a goroutine of its
// own and returns without waiting for it. msg is copied as by SendPort.Send,
// so the isolate shares no memory with its spawner; the entry's ctx belongs to
// the new isolate (Current(ctx) returns it). A message whose type has no
// generated deep copy and would share memory is refused with the error Send
// gives.
//
// The isolate ends when entry returns, calls Exit, or panics; Kill asks it to
// end (Go cannot preempt a goroutine: the entry must receive from its ports
// or watch ctx.Done()). Cancelling the ctx given to Spawn kills the isolate
// as Kill(Immediate) does; its values and deadline are inherited. Spawn fails
// when that ctx has already ended, or when msg is refused.
//
// An isolate spawned inside another, with that isolate's ctx, outlives it,
// as in Dart: the spawning isolate's end (return, Exit, Kill, panic) does not
// end it, nor drop the messages waiting in its ports. Cancellation of the
// contexts the program made still reaches every isolate below them: the new
// isolate is killed when the context its spawner was itself spawned with is
// cancelled (and so on up), or when a context derived from the spawner's ctx
// (context.WithCancel, WithTimeout) is cancelled or passes its deadline for
// a reason other than the spawner's end. To tie a child to its spawner's
// life, Kill it from the spawner (a deferred Kill, or an exit listener).
func Spawn[M any](ctx context.Context, entry func(ctx context.Context, msg M), msg M, opts ...Option) (*Isolate, error) {
	if entry == nil {
		return nil, errors.New("isolate: Spawn with a nil entry")
	}
	if c := copierFor[M](); c != nil {
		var err error
		if msg, err = c(msg); err != nil {
			return nil, err
		}
	}
	s := &spawned[M]{entry: entry, msg: msg}
	if err := initIsolate(&s.Isolate, ctx, opts, true, false); err != nil {
		return nil, err
	}
	go run(s)
	return &s.Isolate, nil
}

// Run runs fn in a new isolate and returns its result, as Dart's Isolate.run:
// the result is moved, not copied (the same pointer arrives). Run blocks until
// fn has returned, so no goroutine outlives it; cancelling ctx cancels fn's
// context (a kill), and fn should return promptly then. Unlike Spawn's, that
// includes the end of the isolate ctx belongs to: Run is a call its caller
// waits for, and a caller that is killed must not stay blocked in it.
// Isolates that fn spawns outlive it, as those of any isolate do (see Spawn).
//
// The error is the very value fn returned (==), never wrapped. A panic in fn
// becomes a *RemoteError. If the isolate was killed before fn returned (by
// ctx, or by fn itself with Current(ctx).Kill), the error is ErrKilled and
// the zero R is returned, whatever fn returned afterwards: as in Dart, a
// killed computation fails. Likewise a fatal error caught by Guard before fn
// returned is returned as its *RemoteError. WithPaused is ignored.
func Run[R any](ctx context.Context, fn func(ctx context.Context) (R, error), opts ...Option) (R, error) {
	var zero R
	if fn == nil {
		return zero, errors.New("isolate: Run with a nil function")
	}
	r := &running[R]{fn: fn}
	o := &r.Isolate
	if err := initIsolate(o, ctx, opts, false, true); err != nil {
		return zero, err
	}
	go run(r)
	goruntime.Gosched() // see Wait
	o.running.Wait()
	if r.returned {
		return r.res, r.err
	}
	o.mu.Lock()
	err := o.outcomeLocked()
	o.mu.Unlock()
	if err == nil {
		err = errRunExited
	}
	return zero, err
}

// Exit sends msg on port by Transfer (no copy: the same value arrives; if the
// port is closed the message is dropped) and ends the calling isolate, as
// Dart's Isolate.exit. It never returns: it ends the goroutine with
// runtime.Goexit, so deferred calls run. Wait then returns nil (unless the
// isolate had already been killed or had failed).
//
// Call it from the isolate's own goroutine, the one running its entry. Called
// on another goroutine of the isolate, it ends that goroutine and makes the
// isolate end (ctx cancelled, ports closed) once the entry returns. Outside an
// isolate it panics: there is nothing it could end.
func Exit[T any](ctx context.Context, port SendPort[T], msg T) {
	o := Current(ctx)
	if o == nil {
		panic("isolate: Exit called outside an isolate (ctx carries no isolate)")
	}
	_ = port.Transfer(msg)
	o.mu.Lock()
	o.killLocked(nil, ErrClosed)
	o.mu.Unlock()
	exitInlineCall() // in a RunOn call, end the call, not the caller's goroutine
	goruntime.Goexit()
}

// Guard runs fn as one event of the isolate that ctx belongs to and contains
// a panic in it: it recovers and returns a *RemoteError naming the isolate,
// with the panic value in Message and the stack (showing the panicking frame)
// in Stack. It is for code that serves one request per message, such as
// generated //isolate:port servers.
//
// If that isolate's errors are fatal (the default), the isolate is now ending
// with that error: its ctx is cancelled, its ports are closed, Wait will
// return the error and the error listeners will get it; fatal is true and the
// caller must return from its entry. Otherwise the error goes to the error
// listeners now, fatal is false and the isolate goes on. Outside an isolate
// Guard only recovers and returns the error, with fatal false.
//
// If the isolate was already ending (killed, exited, or ended by an earlier
// error), its outcome is decided: the error goes to no listener, and fatal
// is true, as the caller must return.
//
// Without a panic Guard returns nil, false. A runtime.Goexit (as by Exit)
// inside fn is not stopped.
func Guard(ctx context.Context, fn func()) (err *RemoteError, fatal bool) {
	o := Current(ctx)
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, exit := r.(exitCall); exit {
					panic(r) // Exit in a RunOn call: not an error, let it end the call
				}
				name := ""
				if o != nil {
					name = o.Name()
				}
				err = newRemoteError(name, r)
			}
		}()
		fn()
	}()
	if err == nil || o == nil {
		return err, false
	}
	o.mu.Lock()
	if o.killed {
		// Already ending (killed, or a fatal error before): the isolate's
		// outcome is decided, and this error is not reported.
		o.mu.Unlock()
		return err, true
	}
	if !o.errorsNotFatal {
		o.more().pendingErr = err
		o.killLocked(err, ErrClosed)
		o.mu.Unlock()
		return err, true
	}
	var listeners []SendPort[*RemoteError]
	if o.rare != nil {
		listeners = slices.Clone(o.rare.errorListeners)
	}
	o.mu.Unlock()
	for _, l := range listeners {
		l.notifyListener(err)
	}
	return err, false
}

// run is the isolate's goroutine.
func run(e entrant) {
	o := e.isolate()
	returned := false
	var rerr *RemoteError
	defer func() {
		if !returned {
			// A panic, or runtime.Goexit (Exit) when recover returns nil.
			if r := recover(); r != nil {
				rerr = newRemoteError(o.Name(), r)
			}
		}
		o.end(rerr)
	}()
	if o.start() {
		e.enter(o.context())
	}
	returned = true
}

// start holds the entry while the isolate was spawned paused; it reports
// whether the entry may run.
func (o *Isolate) start() bool {
	if !o.startPaused && o.state.Load()&(flagKill|stateKilled) == 0 {
		return true // neither killed nor asked to be: no need to lock
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.startPaused {
		for len(o.rare.pauses) > 0 && !o.killed {
			unpaused := o.rare.unpaused
			o.mu.Unlock()
			select {
			case <-unpaused:
			case <-o.context().Done():
			}
			o.mu.Lock()
		}
		o.leaveBlocked()
		o.answerPingsLocked()
	}
	if o.state.Load()&flagKill != 0 {
		o.killLocked(ErrKilled, ErrKilled)
	}
	return !o.killed
}

// betweenEventsLocked does what came for o while it handled an event, or
// waited for one: a BeforeNextEvent kill takes effect and pings are
// answered. It returns the flags it saw, flagPaused among them. Called
// with o.mu held, between two events of the isolate: a port's receive and
// a pool isolate's call both end and begin their events here.
func (o *Isolate) betweenEventsLocked() uint64 {
	f := o.state.Load() & flagMask
	if f&flagKill != 0 && !o.killed {
		o.killLocked(ErrKilled, ErrKilled)
	}
	if f&flagPing != 0 {
		o.answerPingsLocked()
	}
	return f
}

// killLocked makes the isolate end: the first cause (nil, ErrKilled or a
// *RemoteError) is the outcome Wait reports; its ports close with portErr;
// its ctx is cancelled.
func (o *Isolate) killLocked(outcome, portErr error) {
	if !o.outcomeSet {
		o.outcomeSet = true
		switch outcome {
		case nil:
		case ErrKilled:
			o.outcomeKilled = true
		default:
			o.failure = outcome.(*RemoteError) // a panic's, or Guard's
		}
	}
	if o.killed {
		return
	}
	o.killed = true
	o.portsKilled = portErr == ErrKilled
	o.state.Or(stateKilled)
	if o.state.Load()&flagKill != 0 {
		o.state.And(^flagKill)
	}
	for _, p := range o.ports {
		p.setIndex(-1)
		p.shut(portErr)
	}
	o.ports = nil
	if r := o.rare; r != nil {
		for _, c := range r.pings {
			close(c.c) // not ok: Ping reports ErrClosed
		}
		r.pings = nil
	}
	o.cancelContextLocked(outcome)
}

// end runs on the isolate's goroutine after its entry: it closes the ports,
// tells the listeners, then closes Done.
func (o *Isolate) end(rerr *RemoteError) {
	o.mu.Lock()
	var report *RemoteError
	if rerr != nil {
		o.killLocked(rerr, ErrClosed)
		if o.failure == rerr {
			// The panic ended the isolate. One after a kill or Exit did
			// not: the isolate was already ending, and listeners hear
			// only the error that Wait reports.
			report = rerr
		}
	} else {
		o.killLocked(nil, ErrClosed)
	}
	o.ended = true
	r := o.rare
	if r == nil {
		// No listener, no watch: nothing to do before done closes.
		o.closeDoneLocked()
		o.mu.Unlock()
		o.running.Done()
		return
	}
	if report == nil {
		report = r.pendingErr
	}
	r.pendingErr = nil
	exitListeners, errorListeners := r.exitListeners, r.errorListeners
	r.exitListeners, r.errorListeners = nil, nil
	watches := r.watches
	r.watches = nil
	o.mu.Unlock()
	for _, w := range watches {
		if !w.stop() {
			<-w.done // the watch fired: wait for it to finish
		}
	}
	if report != nil {
		for _, l := range errorListeners {
			l.notifyListener(report)
		}
	}
	for _, l := range exitListeners {
		l.notify()
	}
	o.mu.Lock()
	o.closeDoneLocked()
	o.mu.Unlock()
	o.running.Done()
}

func (o *Isolate) removePortLocked(p ownedPort) {
	i := p.index()
	if i < 0 {
		return
	}
	last := len(o.ports) - 1
	o.ports[i] = o.ports[last]
	o.ports[i].setIndex(i)
	o.ports[last] = nil
	o.ports = o.ports[:last]
	p.setIndex(-1)
}

func (o *Isolate) answerPingsLocked() {
	if r := o.rare; r != nil {
		for _, c := range r.pings {
			c.ok = true
			close(c.c)
		}
		r.pings = nil
	}
	o.state.And(^flagPing)
}

// Name returns the isolate's name (WithName, or "isolate-N").
func (o *Isolate) Name() string {
	if o.state.Load()&stateNamed != 0 {
		return o.rare.name
	}
	return "isolate-" + strconv.FormatUint(o.id, 10)
}

// Kill asks the isolate to end, with priority p (see Immediate and
// BeforeNextEvent). It returns promptly, without waiting for the isolate to
// end (use Wait or Done for that); it may be called any number of times, also
// on an isolate that has ended. Once the kill takes effect, the isolate's ctx
// is cancelled with cause ErrKilled, its ports are closed (Receive returns
// ErrKilled, Send ErrClosed) and Wait will return ErrKilled. The goroutine
// itself ends when its entry returns: Go cannot stop it from outside.
func (o *Isolate) Kill(p Priority) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.killed {
		return
	}
	if p == Immediate || !o.setFlagUnlessBlocked(flagKill) {
		o.killLocked(ErrKilled, ErrKilled)
	}
}

// Pause holds delivery of messages to the isolate's ports until the returned
// capability, and every other one Pause handed out, is resumed. Pause has
// taken effect when it returns: no receive from the isolate's ports delivers
// a message after that (a receive already returning may complete). Sends to a
// paused isolate succeed and wait in the port. Each call returns a new
// capability. Pausing an ended isolate is harmless.
func (o *Isolate) Pause() Capability {
	c := Capability{&capToken{}}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.killed {
		return c
	}
	r := o.more()
	if len(r.pauses) == 0 {
		if r.pauses == nil {
			r.pauses = make(map[Capability]struct{})
		}
		r.unpaused = make(chan struct{})
		o.state.Or(flagPaused)
		for _, p := range o.ports {
			p.barrier()
		}
	}
	r.pauses[c] = struct{}{}
	return c
}

// Resume resumes the pause that c stands for. Delivery resumes once every
// capability handed out by Pause (and the one of WithPaused) is resumed.
// Resuming a capability twice, or one of another isolate, is harmless.
func (o *Isolate) Resume(c Capability) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.rare
	if r == nil {
		return
	}
	if _, ok := r.pauses[c]; !ok {
		return
	}
	delete(r.pauses, c)
	if len(r.pauses) == 0 {
		o.state.And(^flagPaused)
		close(r.unpaused)
		r.unpaused = nil
	}
}

// PauseCapability returns the capability the isolate was started paused with
// (WithPaused), to give to Resume; the zero Capability otherwise.
func (o *Isolate) PauseCapability() Capability {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.rare == nil {
		return Capability{}
	}
	return o.rare.startCap
}

// Ping makes a round trip through the isolate's event queue: it returns nil
// once the isolate is blocked receiving from one of its ports, or reaches its
// next such receive (also when paused). It returns ErrClosed if the isolate
// has ended or ends first, and ctx.Err() if ctx ends first. An isolate that
// loops without receiving does not answer.
func (o *Isolate) Ping(ctx context.Context) error {
	o.mu.Lock()
	if o.killed {
		o.mu.Unlock()
		return ErrClosed
	}
	if !o.setFlagUnlessBlocked(flagPing) {
		o.mu.Unlock()
		return nil // blocked in a receive now
	}
	answer := &ping{c: make(chan struct{})}
	r := o.more()
	r.pings = append(r.pings, answer)
	o.mu.Unlock()
	select {
	case <-answer.c:
	case <-ctx.Done():
		o.mu.Lock()
		i := slices.Index(r.pings, answer)
		if i >= 0 {
			r.pings = slices.Delete(r.pings, i, i+1)
		}
		o.mu.Unlock()
		if i >= 0 {
			return ctx.Err()
		}
	}
	// answer.c is closed: ok was written before that.
	if !answer.ok {
		return ErrClosed
	}
	return nil
}

// AddOnExitListener makes the isolate send struct{}{} on p when it ends,
// whatever the cause (return, Exit, panic, kill), after its ports have closed
// and before Done closes. Each port hears once however often it is added. On
// an isolate that has ended, the message is sent at once. It is OnExit with
// the response struct{}{}.
func (o *Isolate) AddOnExitListener(p SendPort[struct{}]) {
	_ = OnExit(o, p, struct{}{})
}

// RemoveOnExitListener stops the exit listener on p, as Dart's
// removeOnExitListener: if the isolate has not yet begun to tell its
// listeners of its end, p hears nothing of it. Removing a port that is not a
// listener is harmless. It is RemoveOnExit for a SendPort[struct{}].
func (o *Isolate) RemoveOnExitListener(p SendPort[struct{}]) {
	RemoveOnExit(o, p)
}

// OnExit makes o send response on p when it ends, as AddOnExitListener sends
// struct{}{} (Dart's addOnExitListener with response:); being generic, it is
// a function, not a method. The response is copied now, as Send copies it,
// so later changes by the caller do not reach the listener; a response that
// Send would refuse is refused with the same error, and nothing is added.
//
// Each port hears once however often it is added, with the response of the
// last call (as in Dart). On an isolate that has ended, the response is sent
// at once. A notification is never held back by a full bounded port, and is
// dropped if p is closed.
func OnExit[T any](o *Isolate, p SendPort[T], response T) error {
	c := copierFor[T]()
	if p.p != nil {
		c = p.p.copy
	}
	if c != nil {
		var err error
		if response, err = c(response); err != nil {
			return err
		}
	}
	notify := exitNotice(p, response)
	o.mu.Lock()
	if o.ended {
		o.mu.Unlock()
		notify()
		return nil
	}
	o.more().addExitListener(p, notify)
	o.mu.Unlock()
	return nil
}

// RemoveOnExit stops the exit listener on p added by OnExit (or, for a
// SendPort[struct{}], by AddOnExitListener or WithOnExit): if o has not yet
// begun to tell its listeners of its end, p hears nothing of it. Removing a
// port that is not a listener is harmless.
func RemoveOnExit[T any](o *Isolate, p SendPort[T]) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r := o.rare; r != nil {
		key := any(p)
		r.exitListeners = slices.DeleteFunc(r.exitListeners, func(l exitListener) bool { return l.port == key })
	}
}

// AddErrorListener makes the isolate send each uncaught error on p: the panic
// that ends it, and errors caught by Guard while errors are not fatal. Each
// port hears each error once however often it is added. Errors before the
// call are not repeated.
//
// Listeners and Wait agree: the error that ended the isolate is the one Wait
// returns. A panic after the isolate was killed (Kill, also by itself, or
// cancellation of the context it was spawned with) or had called Exit did not
// end it, as it was ending already; it is not reported, and Wait returns
// ErrKilled (or nil after Exit).
func (o *Isolate) AddErrorListener(p SendPort[*RemoteError]) {
	o.mu.Lock()
	if !o.ended {
		r := o.more()
		r.errorListeners = appendNew(r.errorListeners, p)
	}
	o.mu.Unlock()
}

// RemoveErrorListener stops the error listener on p, as Dart's
// removeErrorListener: errors from now on are not sent to it (an error
// already being told to the listeners may still arrive). Removing a port
// that is not a listener is harmless.
func (o *Isolate) RemoveErrorListener(p SendPort[*RemoteError]) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r := o.rare; r != nil {
		r.errorListeners = slices.DeleteFunc(r.errorListeners, func(l SendPort[*RemoteError]) bool { return l == p })
	}
}

// SetErrorsFatal sets whether an error caught by Guard ends the isolate
// (true, the default) or is only reported to the error listeners. A panic
// that unwinds the entry always ends the isolate: there is nothing left to
// run.
func (o *Isolate) SetErrorsFatal(fatal bool) {
	o.mu.Lock()
	o.errorsNotFatal = !fatal
	o.mu.Unlock()
}

// Done returns a channel that is closed when the isolate has ended: its entry
// has returned, its ports are closed and its listeners notified.
func (o *Isolate) Done() <-chan struct{} {
	if o.state.Load()&madeDone != 0 {
		return o.done
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done == nil {
		if o.doneClosed {
			o.done = closedChan // ended before anyone asked
		} else {
			o.done = make(chan struct{})
		}
		o.state.Or(madeDone)
	}
	return o.done
}

// closeDoneLocked closes done, or notes it closed if nobody asked for it
// yet; under mu.
func (o *Isolate) closeDoneLocked() {
	o.doneClosed = true
	if o.done != nil {
		close(o.done)
	}
}

// Wait blocks until the isolate has ended and returns how: nil after a normal
// return or Exit, a *RemoteError after a panic (or a fatal error caught by
// Guard), ErrKilled after a kill. Whichever came first decides. It returns
// ctx.Err() if ctx ends first.
func (o *Isolate) Wait(ctx context.Context) error {
	// Each way of waiting yields once before it blocks: an isolate just
	// spawned is runnable on this processor, and a short one then ends
	// before its waiter would have parked.
	if ctxDone := ctx.Done(); ctxDone == nil {
		goruntime.Gosched()
		o.running.Wait()
	} else {
		done := o.Done()
		select {
		case <-done:
		default:
			goruntime.Gosched()
			select {
			case <-done:
			case <-ctxDone:
				return ctx.Err()
			}
		}
	}
	// Final once the isolate has ended, and written before it did.
	return o.outcomeLocked()
}

// outcomeLocked is what Wait returns (nil until the outcome is set);
// under mu, or once the isolate has ended.
func (o *Isolate) outcomeLocked() error {
	switch {
	case o.failure != nil:
		return o.failure
	case o.outcomeKilled:
		return ErrKilled
	}
	return nil
}

func appendNew[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
