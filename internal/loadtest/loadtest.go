package loadtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"
)

// Env is what the load test tells the endpoint under test.
type Env struct {
	// PublicKey verifies the requests: they are signed with its private
	// half.
	PublicKey ed25519.PublicKey
	// AppID is the application id the interactions carry.
	AppID string
	// APIURL is the REST base of the fake interaction webhooks,
	// ending in "/", where deferred replies must be sent.
	APIURL string
}

// ServeFunc serves the endpoint under test on ln, answering POST
// /interactions, until ctx ends; it returns when it has shut down.
type ServeFunc func(ctx context.Context, ln net.Listener, env Env) error

// Options configure a load test. Zero values take the defaults.
type Options struct {
	// Serve serves the endpoint under test (required).
	Serve ServeFunc
	// Clients is how many clients send at once, each its next request as
	// soon as it has its reply (default 16).
	Clients int
	// Requests is how many requests each endpoint is sent, over all its
	// rounds (default 20,000), after a warm-up of a tenth as many (at
	// most 50 per client) that is not counted.
	Requests int
	// Rounds is how many rounds each endpoint gets (default 4).
	Rounds int
	// Duration bounds the whole run (default 60 s): the rounds share
	// it, a round's clients stop sending when its share is over, and
	// the report says when requests were left unsent.
	Duration time.Duration
	// Host is the loopback address everything listens on (default
	// 127.0.0.1); any other is refused.
	Host string
	// Questions are asked in turn (default DefaultQuestions).
	Questions []Question
	// Logger reports progress, a line per round (default: discarded).
	Logger *slog.Logger
}

// Defaults.
const (
	DefaultClients  = 16
	DefaultRequests = 20_000
	DefaultRounds   = 4
	DefaultDuration = 60 * time.Second
	DefaultHost     = "127.0.0.1"
)

// withDefaults fills in the options left zero and checks the others.
func (o Options) withDefaults() (Options, error) {
	o.Clients = orDefault(o.Clients, DefaultClients)
	o.Requests = orDefault(o.Requests, DefaultRequests)
	o.Rounds = orDefault(o.Rounds, DefaultRounds)
	o.Duration = orDefault(o.Duration, DefaultDuration)
	o.Host = orDefault(o.Host, DefaultHost)
	if o.Questions == nil {
		o.Questions = DefaultQuestions()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case o.Serve == nil:
		return o, errors.New("load test: no endpoint to test")
	case o.Clients < 0 || o.Requests < 0 || o.Rounds < 0 || o.Duration < 0:
		return o, errors.New("load test: clients, requests, rounds and duration must be positive")
	case o.Rounds > o.Requests:
		return o, fmt.Errorf("load test: %d rounds need at least as many requests, got %d", o.Rounds, o.Requests)
	case len(o.Questions) == 0:
		return o, errors.New("load test: no questions")
	}
	return o, CheckLoopback(o.Host)
}

// orDefault returns v, or def when v is zero.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// warmupRequests is how many requests warm each endpoint up.
func (o Options) warmupRequests() int { return min(o.Requests/10, 50*o.Clients) }

// Run runs a load test: it starts the fake webhooks, the bare endpoint
// and, through opts.Serve, the endpoint under test, each on a free
// loopback port, warms both up, sends them the same requests in
// alternating rounds, stops them and reports. It returns an error when
// the test could not be run (the endpoints did not start, or ctx ended
// before they did); requests that fail are counted in the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	hard, cancel := context.WithDeadline(ctx, start.Add(opts.Duration))
	defer cancel()
	reqs, err := newRequests(opts.Questions)
	if err != nil {
		return nil, err
	}
	f, err := startFixture(hard, opts)
	if err != nil {
		return nil, err
	}
	load, cancelLoad := context.WithDeadline(hard, start.Add(opts.Duration-shutdownReserve(opts.Duration)))
	defer cancelLoad()
	rep := f.drive(load, opts, reqs)
	rep.ExtraFollowUps = int(f.s.hooks.extra.Load())
	rep.judge()
	serveErr := f.stop(hard)
	rep.Elapsed = time.Since(start)
	if serveErr != nil {
		return rep, serveErr
	}
	return rep, nil
}

// shutdownReserve is the part of the run kept for stopping the endpoints.
func shutdownReserve(d time.Duration) time.Duration { return min(d/10, 3*time.Second) }

// requests makes the requests of a run, every one a new interaction
// from a new member, asking the questions in turn.
type requests []template

// newRequests encodes the questions' templates.
func newRequests(qs []Question) (requests, error) {
	ts := make(requests, len(qs))
	for i, q := range qs {
		var err error
		if ts[i], err = newTemplate(q); err != nil {
			return nil, fmt.Errorf("load test: %w", err)
		}
	}
	return ts, nil
}

// make returns requests from..to-1, or fewer when ctx ends.
func (rs requests) make(ctx context.Context, from, to int) []interaction {
	out := make([]interaction, 0, to-from)
	for n := from; n < to && ctx.Err() == nil; n++ {
		out = append(out, rs[n%len(rs)].interaction(n))
	}
	return out
}

// fixture is what a run starts: the fake webhooks and the two endpoints.
type fixture struct {
	s           sender
	bare, serve *target
	servers     []*server // the fake webhooks, the bare endpoint, the endpoint under test
}

// startFixture starts the servers, on loopback, and waits until both
// endpoints answer a signed PING.
func startFixture(ctx context.Context, opts Options) (*fixture, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("load test: make a key pair: %w", err)
	}
	f := &fixture{s: sender{priv: priv, hooks: newWebhooks()}}
	urls, err := f.listen(context.WithoutCancel(ctx), opts, pub)
	if err == nil {
		err = f.targets(opts, urls)
	}
	if err == nil {
		err = f.ready(ctx)
	}
	if err != nil {
		f.stop(ctx)
		return nil, err
	}
	return f, nil
}

// listen starts the fake webhooks, the bare endpoint and the endpoint
// under test, each on a free port of opts.Host, and returns their base
// URLs in that order.
func (f *fixture) listen(ctx context.Context, opts Options, pub ed25519.PublicKey) ([3]string, error) {
	var urls [3]string
	lns := make([]net.Listener, 3)
	for i := range lns {
		ln, err := listenLoopback(ctx, opts.Host)
		if err != nil {
			for _, l := range lns[:i] {
				l.Close()
			}
			return urls, fmt.Errorf("load test: %w", err)
		}
		lns[i], urls[i] = ln, "http://"+ln.Addr().String()
	}
	f.run(ctx, "the fake webhooks", func(ctx context.Context) error { return serveHTTP(ctx, lns[0], f.s.hooks) })
	f.run(ctx, "the bare endpoint", func(ctx context.Context) error { return serveHTTP(ctx, lns[1], Bare(pub)) })
	env := Env{PublicKey: pub, AppID: appID, APIURL: urls[0] + "/api/v10/"}
	f.run(ctx, "the endpoint under test", func(ctx context.Context) error { return opts.Serve(ctx, lns[2], env) })
	return urls, nil
}

// server is one of the servers a run starts.
type server struct {
	name string
	stop context.CancelFunc
	done chan struct{} // closed once it has stopped
	err  error         // why it stopped, set before done is closed
}

// run runs a server until ctx ends or it is stopped.
func (f *fixture) run(ctx context.Context, name string, serve func(context.Context) error) {
	ctx, stop := context.WithCancel(ctx)
	s := &server{name: name, stop: stop, done: make(chan struct{})}
	f.servers = append(f.servers, s)
	go func() {
		s.err = serve(ctx)
		close(s.done)
	}()
}

// targets makes the two targets, at the bare and serve URLs.
func (f *fixture) targets(opts Options, urls [3]string) error {
	var err error
	if f.bare, err = newTarget("bare", urls[1]+"/interactions", opts.Clients, checkBare); err != nil {
		return err
	}
	f.serve, err = newTarget("serve", urls[2]+"/interactions", opts.Clients, checkAnswer)
	return err
}

// ready waits until both endpoints answer a signed PING with a 200, or
// one of the servers stops, or ctx ends.
func (f *fixture) ready(ctx context.Context) error {
	for _, t := range []*target{f.bare, f.serve} {
		for {
			ok, err := f.pinged(ctx, t)
			if err != nil {
				return err
			}
			if ok {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("load test: the %s endpoint never answered: %w", t.name, ctx.Err())
			case <-f.servers[2].done:
				return fmt.Errorf("load test: the endpoint under test stopped: %w", f.servers[2].err)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}

// pingWait bounds one PING of ready: an endpoint that accepted the
// connection but stopped (its listener still open) never answers.
const pingWait = time.Second

// pinged reports whether t answers a signed PING with a 200 within
// pingWait; the error is one of making the request.
func (f *fixture) pinged(ctx context.Context, t *target) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, pingWait)
	defer cancel()
	req, err := f.s.signed(ctx, t.url, []byte(pingBody))
	if err != nil {
		return false, err
	}
	status, _, err := do(t.client, req)
	return err == nil && status == http.StatusOK, nil
}

// stop stops the endpoint under test, then (its deferred replies sent)
// the bare endpoint and the fake webhooks, waiting for each until ctx
// ends, when it tells the rest to stop without waiting; it returns why
// the endpoint under test failed, if it did.
func (f *fixture) stop(ctx context.Context) error {
	for _, t := range []*target{f.bare, f.serve} {
		if t != nil {
			t.close()
		}
	}
	var errs []error
	for i := len(f.servers) - 1; i >= 0; i-- {
		s := f.servers[i]
		s.stop()
		select {
		case <-s.done:
			if s.err != nil && s.name == "the endpoint under test" {
				errs = append(errs, fmt.Errorf("load test: %s: %w", s.name, s.err))
			}
		case <-ctx.Done():
			for _, rest := range f.servers[:i] {
				rest.stop()
			}
			return fmt.Errorf("load test: %s did not stop within --duration", s.name)
		}
	}
	return errors.Join(errs...)
}

// serveHTTP serves h on ln until ctx ends.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// drive warms both endpoints up, then sends them the same requests in
// alternating rounds, all ending by ctx's deadline, and reports. Each
// round's requests are made before it starts, so their making is not
// timed; measured requests are numbered from 0, warm-up ones after them.
func (f *fixture) drive(ctx context.Context, opts Options, reqs requests) *Report {
	loadEnd, _ := ctx.Deadline()
	warm := reqs.make(ctx, opts.Requests, opts.Requests+opts.warmupRequests())
	rep := &Report{Clients: opts.Clients, Requests: opts.Requests, Rounds: opts.Rounds, Warmup: len(warm),
		Questions: len(opts.Questions), CPUs: runtime.GOMAXPROCS(0)}
	targets := []*target{f.bare, f.serve}
	slots := 2 * (opts.Rounds + 1) // the warm-ups count as a round each
	warmups := make([]RoundResult, 2)
	for i, t := range targets {
		warmups[i] = f.round(ctx, opts, t, warm, share(loadEnd, slots-i))
		opts.Logger.Info("warm-up", "endpoint", t.name, "requests", warmups[i].Requests)
	}
	rounds := make([][]RoundResult, 2)
	sent := 0
	for k := range opts.Rounds {
		part := reqs.make(ctx, k*opts.Requests/opts.Rounds, (k+1)*opts.Requests/opts.Rounds)
		for i, t := range targets {
			rd := f.round(ctx, opts, t, part, share(loadEnd, slots-2-2*k-i))
			rounds[i] = append(rounds[i], rd)
			sent += rd.Requests
			opts.Logger.Info("round", "n", k+1, "endpoint", t.name, "requests", rd.Requests, "errors", rd.Errors.Total(),
				"throughput", fmt.Sprintf("%.0f/s", rd.Throughput), "p99", rd.Latency.P99)
		}
	}
	rep.Bare = newResult("bare", warmups[0], rounds[0])
	rep.Serve = newResult("serve", warmups[1], rounds[1])
	rep.Complete = sent == 2*opts.Requests && warmups[0].Requests == opts.warmupRequests() &&
		warmups[1].Requests == opts.warmupRequests()
	return rep
}

// share is when a round should stop sending, when it and the rounds
// after it, left in all, share the time until end equally.
func share(end time.Time, left int) time.Time {
	return time.Now().Add(time.Until(end) / time.Duration(max(left, 1)))
}

// round runs one round of reqs against t.
func (f *fixture) round(ctx context.Context, opts Options, t *target, reqs []interaction, stopAt time.Time) RoundResult {
	return round{t: t, s: f.s, reqs: reqs, clients: opts.Clients, stopAt: stopAt}.run(ctx)
}
