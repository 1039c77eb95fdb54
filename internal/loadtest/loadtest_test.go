package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/bot/discord"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

// slowLibrary makes every answer take a while, so that the endpoint
// defers its replies.
type slowLibrary struct {
	bot.Library
	delay time.Duration
}

func (s slowLibrary) Index() knowledge.Index {
	time.Sleep(s.delay)
	return s.Library.Index()
}

// botEndpoint serves the bot's HTTP endpoint over the embedded article,
// deferring replies not ready within deferAfter (0: the default); slow
// makes each answer take that long.
func botEndpoint(t *testing.T, deferAfter, slow time.Duration) ServeFunc {
	return func(ctx context.Context, ln net.Listener, env Env) error {
		lib, err := library.New(ctx, "", "")
		if err != nil {
			ln.Close()
			return err
		}
		var l bot.Library = lib
		if slow > 0 {
			l = slowLibrary{Library: lib, delay: slow}
		}
		h := bot.NewHandlers(l, bot.HandlerOptions{Top: 3, Threshold: knowledge.DefaultThreshold, RateCount: 5, RatePer: 10 * time.Second},
			discord.Download, slog.New(slog.DiscardHandler))
		e, err := discord.NewEndpoint(discord.EndpointOptions{PublicKey: env.PublicKey, AppID: env.AppID, APIURL: env.APIURL,
			DeferAfter: deferAfter, ShutdownTimeout: 2 * time.Second, Logger: slog.New(slog.DiscardHandler)}, h)
		if err != nil {
			ln.Close()
			return err
		}
		return e.Serve(ctx, ln)
	}
}

// small is a load test of a few requests.
func small(serve ServeFunc) Options {
	return Options{Serve: serve, Clients: 3, Requests: 60, Rounds: 2, Duration: 30 * time.Second}
}

// checkClean fails the test unless rep is a complete run without errors.
func checkClean(t *testing.T, rep *Report) {
	t.Helper()
	if !rep.Complete || !rep.Verdict.Errors {
		var b bytes.Buffer
		rep.WriteText(&b)
		t.Fatalf("want a complete run without errors:\n%s", b.String())
	}
	for _, res := range []Result{rep.Bare, rep.Serve} {
		if res.Requests != 60 || len(res.Rounds) != 2 || res.Warmup.Requests != 6 || res.Throughput <= 0 || res.Latency.P99 <= 0 {
			t.Errorf("%s: %+v", res.Target, res)
		}
	}
}

// A few clients and requests against the bot's endpoint and the bare
// one: every request answered as expected, and a report of it, as text
// and as JSON. (No timing is asserted: the machine is shared.)
func TestRunAgainstBothEndpoints(t *testing.T) {
	rep, err := Run(t.Context(), small(botEndpoint(t, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	checkClean(t, rep)
	if rep.Serve.Deferred != 0 || rep.Ratio <= 0 {
		t.Errorf("deferred %d, ratio %v", rep.Serve.Deferred, rep.Ratio)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"serve/bare throughput", "p99", "errors: 0"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Serve struct {
			Requests int                `json:"requests"`
			Latency  map[string]float64 `json:"latency"`
		} `json:"serve"`
		Verdict Verdict `json:"verdict"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Serve.Requests != 60 || back.Serve.Latency["p99_ms"] <= 0 || !back.Verdict.Errors {
		t.Errorf("JSON report %v:\n%s", err, js.String())
	}
}

// Replies the endpoint defers reach the fake webhooks, and are counted
// as deferred, timed to the deferred reply, without errors.
func TestRunDeferredReplies(t *testing.T) {
	rep, err := Run(t.Context(), small(botEndpoint(t, time.Millisecond, 20*time.Millisecond)))
	if err != nil {
		t.Fatal(err)
	}
	checkClean(t, rep)
	if rep.Serve.Deferred != rep.Serve.Requests || rep.Serve.Latency.Median < 20*time.Millisecond {
		t.Errorf("deferred %d of %d, median %v: want all deferred, timed to their reply (≥ 20ms)",
			rep.Serve.Deferred, rep.Serve.Requests, rep.Serve.Latency.Median)
	}
}

// Replies are checked: an endpoint that answers 500, or answers a
// message that is not an answer, has every request counted as an error.
func TestRunCountsWrongReplies(t *testing.T) {
	for name, h := range map[string]func(Env) http.Handler{
		"500": func(Env) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", 500) })
		},
		"not an answer": func(env Env) http.Handler { return Bare(env.PublicKey) },
	} {
		serve := func(ctx context.Context, ln net.Listener, env Env) error { return serveHTTP(ctx, ln, h(env)) }
		opts := small(serve)
		if name == "500" {
			opts.Serve = func(ctx context.Context, ln net.Listener, env Env) error {
				return serveHTTP(ctx, ln, pingThen(env, h(env)))
			}
		}
		rep, err := Run(t.Context(), opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rep.Verdict.Errors || rep.Verdict.Met || rep.Serve.Errors.Total() != rep.Serve.Requests || rep.Bare.allErrors() != 0 {
			t.Errorf("%s: serve errors %+v of %d, bare %+v", name, rep.Serve.Errors, rep.Serve.Requests, rep.Bare.Errors)
		}
	}
}

// pingThen answers the load test's readiness PING with the bare
// endpoint, and every other request with h.
func pingThen(env Env, h http.Handler) http.Handler {
	bare := Bare(env.PublicKey)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Signature-Timestamp") != "" && r.ContentLength == int64(len(pingBody)) {
			bare.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// The load test uses this machine only: it refuses to listen on, or send
// to, anything but a loopback address.
func TestNonLoopbackRefused(t *testing.T) {
	for _, host := range []string{"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "8.8.8.8", "example.org", "", "localhost.example.org"} {
		if err := CheckLoopback(host); err == nil {
			t.Errorf("CheckLoopback(%q) = nil, want it refused", host)
		}
	}
	for _, host := range []string{"127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"} {
		if err := CheckLoopback(host); err != nil {
			t.Errorf("CheckLoopback(%q) = %v, want nil", host, err)
		}
	}
	for _, url := range []string{"http://10.0.0.1:8080/interactions", "http://example.org/interactions", "http://0.0.0.0:80/"} {
		if err := checkURL(url); err == nil {
			t.Errorf("checkURL(%q) = nil, want it refused", url)
		}
	}
	if _, err := dialLoopback(t.Context(), "tcp", "192.0.2.1:80"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("dialLoopback to 192.0.2.1: %v, want it refused", err)
	}
	started := false
	opts := small(func(context.Context, net.Listener, Env) error { started = true; return nil })
	opts.Host = "0.0.0.0"
	if _, err := Run(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "loopback") || started {
		t.Errorf("Run on 0.0.0.0: %v (endpoint started: %v), want it refused", err, started)
	}
}

// A run ends by its Duration, whatever is left to send, and says so.
func TestRunBoundedByDuration(t *testing.T) {
	opts := small(botEndpoint(t, time.Millisecond, 10*time.Millisecond))
	opts.Requests, opts.Duration = 100_000, 2*time.Second
	start := time.Now()
	rep, err := Run(t.Context(), opts)
	if took := time.Since(start); took > opts.Duration+500*time.Millisecond {
		t.Errorf("the run took %v, over its %v", took, opts.Duration)
	}
	if err != nil {
		t.Fatal(err)
	}
	sent := rep.Bare.Warmup.Requests + rep.Bare.Requests + rep.Serve.Warmup.Requests + rep.Serve.Requests
	if rep.Complete || rep.Verdict.Met || sent == 0 {
		t.Errorf("complete %v, met %v, requests sent %d: want an incomplete run that sent some", rep.Complete, rep.Verdict.Met, sent)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "incomplete") {
		t.Errorf("the report does not say the run is incomplete:\n%s", text.String())
	}
}

// When the endpoint under test cannot start, the run says so at once
// rather than at the end of its Duration, and leaves nothing running.
func TestRunEndpointFailsToStart(t *testing.T) {
	before := runtime.NumGoroutine()
	failed := errors.New("cannot serve")
	opts := small(func(context.Context, net.Listener, Env) error { return failed })
	opts.Duration = 10 * time.Second
	start := time.Now()
	_, err := Run(t.Context(), opts)
	if !errors.Is(err, failed) {
		t.Fatalf("Run = %v, want it to say the endpoint stopped: %v", err, failed)
	}
	if took := time.Since(start); took > opts.Duration/2 {
		t.Errorf("Run took %v to notice the endpoint had stopped", took)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running, %d before the run", n, before)
	}
}
