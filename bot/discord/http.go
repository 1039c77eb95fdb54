package discord

// The HTTP transport: Discord delivers each interaction as a signed POST
// to the application's Interactions Endpoint URL instead of over the
// gateway, and takes the HTTP response as the interaction's response.
// Endpoint verifies the signature, decodes the interaction with
// discordgo's JSON unmarshalling, turns it into a Request with the
// gateway adapter's requestFromInteraction, and answers through the same
// Recover-wrapped Handlers and the same response builders
// (messageResponse, autocompleteResponse, deferralResponse,
// errorResponse, sendDeferred), so the two transports cannot drift apart.

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
)

// The paths Endpoint serves.
const (
	InteractionsPath = "/interactions" // Discord's POSTs (the Interactions Endpoint URL)
	HealthPath       = "/healthz"      // 200 while the process is up
	ReadyPath        = "/readyz"       // 200 while interactions are being taken, else 503
)

// The headers Discord signs a request with: an Ed25519 signature, in hex,
// of the timestamp (Unix seconds) followed by the body.
const (
	headerSignature = "X-Signature-Ed25519"
	headerTimestamp = "X-Signature-Timestamp"
)

// Endpoint defaults.
const (
	// DefaultMaxBody bounds an interaction's body. Interactions are small,
	// but the message context menu carries the whole message it was used
	// on (up to 4,000 characters, 10 embeds, and a user object per
	// mention), which can exceed 64 KiB; 256 KiB leaves room for that
	// and still costs next to nothing to read and verify.
	DefaultMaxBody = 256 << 10
	// DefaultMaxSkew is how far a request's signed timestamp may be from
	// the clock: older requests are refused as replays.
	DefaultMaxSkew = 5 * time.Minute
	// DefaultHTTPDeferAfter is how long a handler may run before the
	// response is a deferral; Discord allows three seconds in all.
	DefaultHTTPDeferAfter = 2 * time.Second
	// DefaultReadHeaderTimeout, DefaultReadTimeout and DefaultIdleTimeout
	// bound how long Serve waits for a request's headers, for the whole
	// request, body included, and for the next request on a kept-alive
	// connection; a client slower than that is disconnected, so slow or
	// stalled clients cannot pile up connections.
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 10 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	// webhookWindow is how long after an interaction Discord accepts
	// edits and follow-ups through its webhook.
	webhookWindow = 15 * time.Minute
)

// EndpointOptions configure the HTTP interactions endpoint.
type EndpointOptions struct {
	// PublicKey is the application's Ed25519 public key: every request
	// must be signed with Discord's matching private key.
	PublicKey ed25519.PublicKey
	// AppID is the application id, which names the webhook deferred
	// replies are sent through; empty: the interaction's application_id.
	AppID string
	// APIURL is the REST base deferred replies are sent to; empty:
	// Discord's.
	APIURL string
	// DeferAfter is how long a handler may run before the response is a
	// deferral (default DefaultHTTPDeferAfter).
	DeferAfter time.Duration
	// MaxBody bounds a request's body, in bytes (default
	// DefaultMaxBody); a longer one is answered 413.
	MaxBody int64
	// MaxSkew is how far a request's signed timestamp may be from Now
	// (default DefaultMaxSkew); further is answered 401.
	MaxSkew time.Duration
	// ReadHeaderTimeout, ReadTimeout and IdleTimeout are Serve's bounds
	// on slow clients (defaults DefaultReadHeaderTimeout,
	// DefaultReadTimeout, DefaultIdleTimeout).
	ReadHeaderTimeout, ReadTimeout, IdleTimeout time.Duration
	// ShutdownDelay is how long Serve, once its context ends, keeps
	// answering with /readyz saying 503 before it closes its listener,
	// so that a load balancer stops sending it requests first; 0: it
	// closes the listener at once.
	ShutdownDelay time.Duration
	// ShutdownTimeout bounds Serve's wait, once its listener is closed,
	// for requests and deferred replies in flight (default 10 s).
	ShutdownTimeout time.Duration
	// HTTPClient, when set, carries the deferred replies (tests route it
	// to a fake).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Metrics, when set, is served at GET /metrics (MetricsPath).
	Metrics http.Handler
	// Pages are served beside the interactions, by http.ServeMux
	// pattern: the dashboard under /admin/.
	Pages map[string]http.Handler
	// Now is the clock timestamps are checked against; nil: time.Now.
	Now func() time.Time
}

// Endpoint is Discord's HTTP interactions endpoint, an http.Handler over
// the bot's Handlers: POST /interactions takes interactions, /healthz and
// /readyz answer health checks, and /metrics serves
// EndpointOptions.Metrics when set. It speaks plain HTTP; TLS is a
// reverse proxy's job. Serve runs it with timeouts and a graceful
// shutdown; tests can use it with httptest directly.
type Endpoint struct {
	opts EndpointOptions
	h    *bot.Handlers
	// serve is h wrapped in Recover: every interaction is answered
	// through it.
	serve bot.Handler
	// s sends deferred replies through the interactions' webhooks; it
	// has no bot token, which they do not need.
	s        *discordgo.Session
	log      *slog.Logger
	mux      *http.ServeMux
	serving  atomic.Bool // Serve is taking requests
	stopping atomic.Bool // Serve is shutting down: responses close their connection
	work     inflight    // interactions being answered, deferred replies being sent
	// after times the shutdown delay: time.After, or a test's own end
	// of the delay.
	after func(time.Duration) <-chan time.Time
}

// NewEndpoint returns the endpoint over h, verifying requests with
// opts.PublicKey.
func NewEndpoint(opts EndpointOptions, h *bot.Handlers) (*Endpoint, error) {
	if len(opts.PublicKey) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("interactions endpoint: the public key must be %d bytes, got %d (set discord.public_key)",
			ed25519.PublicKeySize, len(opts.PublicKey))
	}
	opts = endpointDefaults(opts)
	s, err := newSession(GatewayOptions{APIURL: opts.APIURL, HTTPClient: opts.HTTPClient})
	if err != nil {
		return nil, fmt.Errorf("interactions endpoint: %w", err)
	}
	// discordgo retries a 429 after its retry_after, and a 502 at once
	// (MaxRestRetries), but nothing else: webhookRetry retries 5xx,
	// with a backoff, in its place.
	s.MaxRestRetries = 0
	c := *s.Client
	c.Transport = webhookRetry{next: c.Transport}
	s.Client = &c
	e := &Endpoint{opts: opts, h: h, serve: bot.Recover(h, opts.Logger), s: s, log: opts.Logger, mux: http.NewServeMux(),
		after: time.After}
	e.mux.HandleFunc("POST "+InteractionsPath, e.interactions)
	addStatus(e.mux, e.Ready, opts.Metrics, opts.Pages)
	return e, nil
}

// endpointDefaults fills in the options left zero.
func endpointDefaults(opts EndpointOptions) EndpointOptions {
	opts.DeferAfter = positiveOr(opts.DeferAfter, DefaultHTTPDeferAfter)
	opts.MaxBody = positiveOr(opts.MaxBody, DefaultMaxBody)
	opts.MaxSkew = positiveOr(opts.MaxSkew, DefaultMaxSkew)
	opts.ReadHeaderTimeout = positiveOr(opts.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	opts.ReadTimeout = positiveOr(opts.ReadTimeout, DefaultReadTimeout)
	opts.IdleTimeout = positiveOr(opts.IdleTimeout, DefaultIdleTimeout)
	opts.ShutdownTimeout = positiveOr(opts.ShutdownTimeout, 10*time.Second)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return opts
}

// positiveOr returns v, or def when v is not above zero: what an option
// left unset (or set to nonsense) falls back to.
func positiveOr[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// ServeHTTP implements http.Handler. While Serve shuts down, each
// response closes its connection, so that a client's next request opens
// a new one, which the load balancer sends elsewhere.
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.stopping.Load() {
		w.Header().Set("Connection", "close")
	}
	e.mux.ServeHTTP(w, r)
}

// Ready reports whether the endpoint is taking interactions: Serve is
// serving, not shutting down, and the library has an index to answer
// from.
func (e *Endpoint) Ready() bool { return e.serving.Load() && e.h.Ready() }

// plain writes a one-line text response.
func plain(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	io.WriteString(w, text+"\n")
}

// Serve serves the endpoint on ln until ctx ends, with read, write and
// idle timeouts, then shuts down gracefully: /readyz turns 503 at once
// but interactions are still answered for ShutdownDelay, while a load
// balancer takes this replica out; then it closes the listener and waits,
// at most ShutdownTimeout, for the requests in flight (those whose body
// is still arriving included, which are answered, not refused) and the
// deferred replies still to be sent. It returns nil after a shutdown,
// else why it could not serve.
func (e *Endpoint) Serve(ctx context.Context, ln net.Listener) error {
	srv := e.server(ctx)
	served := make(chan error, 1)
	e.serving.Store(true)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		e.serving.Store(false)
		return fmt.Errorf("serve interactions: %w", err)
	case <-ctx.Done():
	}
	e.serving.Store(false)
	e.stopping.Store(true)
	if err := e.delayShutdown(served); err != nil {
		return err
	}
	e.log.Info("shutting down: closed to new connections, finishing requests and replies in flight")
	wait, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.opts.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(wait)
	e.work.stop() // after Shutdown: every request it waited for was answered
	e.log.Debug("shutting down: listener closed, requests answered; waiting for the deferred replies")
	if !e.work.wait(wait) || err != nil {
		e.log.Warn("shutdown timed out with requests or replies still in flight")
		srv.Close()
	}
	<-served // http.ErrServerClosed
	return nil
}

// delayShutdown keeps serving, not ready, for ShutdownDelay; it returns
// why the server stopped if it did meanwhile.
func (e *Endpoint) delayShutdown(served <-chan error) error {
	d := e.opts.ShutdownDelay
	if d <= 0 {
		return nil
	}
	e.log.Info("shutting down: not ready, still answering while load balancers take this replica out", "delay", d)
	select {
	case err := <-served:
		return fmt.Errorf("serve interactions: %w", err)
	case <-e.after(d):
		return nil
	}
}

// server is the http.Server Serve runs: the endpoint with its bounds on
// slow clients and large headers.
func (e *Endpoint) server(ctx context.Context) *http.Server {
	return &http.Server{
		Handler: e,
		// Requests carry ctx's values (not its end: a shutdown finishes
		// the requests in flight).
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ReadHeaderTimeout: e.opts.ReadHeaderTimeout,
		ReadTimeout:       e.opts.ReadTimeout,
		// Longer than DeferAfter, so that a response is always written.
		WriteTimeout:   e.opts.DeferAfter + 10*time.Second,
		IdleTimeout:    e.opts.IdleTimeout,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(e.log.Handler(), slog.LevelDebug),
	}
}

// interactions takes one POST from Discord: it checks the signature before
// anything else is made of the body, answers a PING with a PONG, and any
// other interaction through answer. A request that is not signed, or is
// too large, or is not an interaction, is refused with a 4xx and never
// reaches the handlers.
func (e *Endpoint) interactions(w http.ResponseWriter, r *http.Request) {
	defer e.recoverRequest(w)
	received := time.Now()
	body, status, why := e.readSigned(w, r)
	if status != http.StatusOK {
		e.refuse(w, r, status, why)
		return
	}
	i, err := decodeInteraction(body)
	if err != nil {
		e.refuse(w, r, http.StatusBadRequest, err.Error())
		return
	}
	switch i.Type {
	case discordgo.InteractionPing:
		writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete,
		discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		e.log.Debug("interaction", "id", i.ID, "type", i.Type.String())
		e.interact(r.Context(), w, i, received)
	default:
		e.refuse(w, r, http.StatusBadRequest, fmt.Sprintf("unknown interaction type %d", int(i.Type)))
	}
}

// readSigned reads the request's body, at most MaxBody bytes, and checks
// its signature: the headers before the body is read, the signature over
// it after. It returns the body and 200, or the status to refuse the
// request with (401, 413, 400) and why, for the debug log.
func (e *Endpoint) readSigned(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	sig, ts := r.Header.Get(headerSignature), r.Header.Get(headerTimestamp)
	now := e.opts.Now()
	if _, err := signatureHeaders(sig, ts, now, e.opts.MaxSkew); err != nil {
		return nil, http.StatusUnauthorized, err.Error()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, e.opts.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", tooLarge.Limit)
	case err != nil:
		return nil, http.StatusBadRequest, fmt.Sprintf("reading the body: %v", err)
	}
	if err := verifySignature(e.opts.PublicKey, sig, ts, body, now, e.opts.MaxSkew); err != nil {
		return nil, http.StatusUnauthorized, err.Error()
	}
	return body, http.StatusOK, ""
}

// refuse answers a request the endpoint will not process, logging why at
// debug level (Discord sends badly signed requests on purpose, to check
// that they are refused). Neither the body nor the headers are logged.
func (e *Endpoint) refuse(w http.ResponseWriter, r *http.Request, status int, why string) {
	e.log.Debug("interaction request refused", "status", status, "reason", why, "remote", r.RemoteAddr)
	plain(w, status, http.StatusText(status))
}

// recoverRequest, deferred at the top of a request, keeps a panic in the
// endpoint's own code (the handlers have Recover) from reaching net/http:
// it is logged and the request refused as bad.
func (e *Endpoint) recoverRequest(w http.ResponseWriter) {
	if p := recover(); p != nil {
		bot.LogPanic(e.log, "interactions endpoint", "", p)
		plain(w, http.StatusBadRequest, http.StatusText(http.StatusBadRequest))
	}
}

// Signature problems, for the debug log.
var (
	errNoSignature  = errors.New("no signature or timestamp")
	errBadSignature = errors.New("signature does not verify")
)

// signatureHeaders checks a request's signature headers, before its body
// is read: the signature must be an Ed25519 signature in hex, the
// timestamp Unix seconds within maxSkew of now. It returns the signature.
func signatureHeaders(signature, timestamp string, now time.Time, maxSkew time.Duration) ([]byte, error) {
	if signature == "" || timestamp == "" {
		return nil, errNoSignature
	}
	sig, err := hex.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, errors.New("malformed signature")
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return nil, errors.New("malformed timestamp")
	}
	// Compared in seconds: a difference of durations could overflow.
	if skew := now.Unix() - secs; skew > int64(maxSkew/time.Second) || skew < -int64(maxSkew/time.Second) {
		return nil, fmt.Errorf("timestamp more than %s from the clock", maxSkew)
	}
	return sig, nil
}

// verifySignature checks a request the way Discord signs it: signature,
// in hex, is the Ed25519 signature by key's private half of timestamp
// followed by body, and timestamp is within maxSkew of now.
func verifySignature(key ed25519.PublicKey, signature, timestamp string, body []byte, now time.Time, maxSkew time.Duration) error {
	sig, err := signatureHeaders(signature, timestamp, now, maxSkew)
	if err != nil {
		return err
	}
	signed := make([]byte, 0, len(timestamp)+len(body))
	signed = append(append(signed, timestamp...), body...)
	if !ed25519.Verify(key, signed, sig) {
		return errBadSignature
	}
	return nil
}

// decodeInteraction parses a verified body with discordgo's JSON
// unmarshalling, which reads data by the interaction's type; its errors
// (and any panic in it) say the body is not an interaction.
func decodeInteraction(body []byte) (i *discordgo.Interaction, err error) {
	defer func() {
		if p := recover(); p != nil {
			i, err = nil, fmt.Errorf("not an interaction: %v", p)
		}
	}()
	i = &discordgo.Interaction{}
	// Its own UnmarshalJSON, called directly: through json.Unmarshal the
	// body would be scanned once more, to no purpose, since it checks
	// the whole body's syntax itself (json.Unmarshal inside).
	if err := i.UnmarshalJSON(body); err != nil {
		return nil, fmt.Errorf("not an interaction: %w", err)
	}
	if i.Type == 0 {
		return nil, errors.New("not an interaction: no type")
	}
	return i, nil
}

// interact answers an interaction other than a PING, as the gateway
// adapter does (onInteraction): refused politely while shutting down or
// when malformed, else through answer.
func (e *Endpoint) interact(ctx context.Context, w http.ResponseWriter, i *discordgo.Interaction, received time.Time) {
	if e.opts.AppID != "" {
		i.AppID = e.opts.AppID // the webhook deferred replies go through
	}
	req, err := requestFromInteraction(i)
	if !e.work.begin() {
		writeResponse(w, errorResponse(e.log, i, req, bot.ErrRestarting))
		return
	}
	if err != nil {
		e.work.done()
		writeResponse(w, errorResponse(e.log, i, req, bot.Malformed(err)))
		return
	}
	e.answer(context.WithoutCancel(ctx), w, i, req, received)
}

// answer runs the handler and, if its reply is ready within DeferAfter,
// makes it the HTTP response. Otherwise it responds with a deferral (with
// the reply's visibility) and leaves followUp to send the reply through
// the interaction's webhook when ready; an autocomplete, which cannot be
// deferred, gets no choices. It counts the work out when nothing is left
// to send.
func (e *Endpoint) answer(base context.Context, w http.ResponseWriter, i *discordgo.Interaction, req bot.Request, received time.Time) {
	replies := make(chan bot.Reply, 1)
	go func() {
		ctx, cancel := context.WithTimeout(base, interactionDeadline)
		defer cancel()
		replies <- e.serve.Handle(ctx, req)
	}()
	timer := time.NewTimer(e.opts.DeferAfter)
	defer timer.Stop()
	select {
	case r := <-replies:
		defer e.work.done()
		if req.Kind == bot.KindAutocomplete {
			writeResponse(w, autocompleteResponse(r))
			return
		}
		writeResponse(w, messageResponse(r))
		return
	case <-timer.C:
	}
	if req.Kind == bot.KindAutocomplete {
		writeResponse(w, autocompleteResponse(bot.Reply{}))
		go func() { defer e.work.done(); <-replies }()
		return
	}
	ephemeral := e.h.Ephemeral(req)
	writeResponse(w, deferralResponse(ephemeral))
	_ = http.NewResponseController(w).Flush() // the deferral first, then the edit
	go e.followUp(base, i, replies, ephemeral, received)
}

// followUp waits for a deferred reply and sends it through the
// interaction's webhook while Discord still accepts it (15 minutes from
// the interaction), as the gateway adapter does (sendDeferred).
func (e *Endpoint) followUp(base context.Context, i *discordgo.Interaction, replies <-chan bot.Reply, ephemeral bool, received time.Time) {
	defer e.work.done()
	defer recoverEvent(e.log, "follow-up", i.ID)
	r := <-replies
	ctx, cancel := context.WithDeadline(base, received.Add(webhookWindow))
	defer cancel()
	sendDeferred(ctx, e.s, e.log, i, r, ephemeral)
}

// writeResponse writes an interaction response as the HTTP response.
func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	body, err := json.Marshal(resp)
	if err != nil { // the bot's own types always encode
		panic(fmt.Sprintf("encode interaction response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// Deferred replies' retries of a 5xx: webhookAttempts in all, waiting
// webhookBackoff, then twice as long each time.
const (
	webhookAttempts = 4
	webhookBackoff  = 100 * time.Millisecond
)

// webhookRetry sends a request again, a bounded number of times with a
// backoff, while Discord answers it with a server error. A POST (a
// follow-up message, which must not be sent twice) is retried only when
// Discord cannot have taken it (502, 503). Other answers, 429 included
// (discordgo waits for its retry_after), pass through.
type webhookRetry struct{ next http.RoundTripper }

func (t webhookRetry) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	wait := webhookBackoff
	for attempt := 1; ; attempt++ {
		resp, err := next.RoundTrip(req)
		if err != nil || attempt == webhookAttempts || !retryable(req.Method, resp.StatusCode) ||
			(req.Body != nil && req.GetBody == nil) {
			return resp, err
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(wait):
		}
		wait *= 2
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}

// retryable reports whether a request answered with status is worth
// sending again.
func retryable(method string, status int) bool {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		return true
	case http.StatusInternalServerError, http.StatusGatewayTimeout:
		return method != http.MethodPost
	}
	return false
}
