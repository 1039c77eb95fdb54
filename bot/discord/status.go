package discord

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// MetricsPath is where the HTTP interactions endpoint (Endpoint), and the
// gateway bot's status server (Gateway.ServeStatus), serve the handler of
// metrics they are given.
const MetricsPath = "/metrics"

// statusShutdownTimeout bounds the wait for a scrape or health check in
// flight when the gateway bot's status server shuts down.
const statusShutdownTimeout = 5 * time.Second

// addStatus adds the status routes to mux: GET /healthz (200 while the
// process is up), GET /readyz (200 while ready says so, else 503) and,
// when metrics is not nil, GET /metrics; and pages, by pattern.
func addStatus(mux *http.ServeMux, ready func() bool, metrics http.Handler, pages map[string]http.Handler) {
	for pattern, h := range pages {
		mux.Handle(pattern, h)
	}
	mux.HandleFunc("GET "+HealthPath, func(w http.ResponseWriter, _ *http.Request) { plain(w, http.StatusOK, "ok") })
	mux.HandleFunc("GET "+ReadyPath, func(w http.ResponseWriter, _ *http.Request) {
		if !ready() {
			plain(w, http.StatusServiceUnavailable, "not ready")
			return
		}
		plain(w, http.StatusOK, "ready")
	})
	if metrics != nil {
		mux.Handle("GET "+MetricsPath, metrics)
	}
}

// Ready reports whether the bot is taking questions: Run is running and
// not shutting down, every gateway shard it runs is connected, and the
// library has an index to answer from.
func (b *Gateway) Ready() bool {
	if !b.running.Load() || !b.h.Ready() {
		return false
	}
	b.mu.Lock()
	shards := b.shards
	b.mu.Unlock()
	for _, sh := range shards {
		if !sh.connected.Load() {
			return false
		}
	}
	return len(shards) > 0
}

// StatusHandler serves the gateway bot's status: GET /healthz, GET
// /readyz (see Ready) and, when metrics is not nil, GET /metrics; and
// GatewayOptions.Pages.
func (b *Gateway) StatusHandler(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	addStatus(mux, b.Ready, metrics, b.opts.Pages)
	return mux
}

// ServeStatus serves StatusHandler(metrics) on ln, in plain HTTP with
// timeouts, until ctx ends; then it shuts down, waiting at most a few
// seconds for the requests in flight. It returns nil after a shutdown,
// else why it could not serve.
func (b *Gateway) ServeStatus(ctx context.Context, ln net.Listener, metrics http.Handler) error {
	srv := &http.Server{
		Handler:           b.StatusHandler(metrics),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve status: %w", err)
	case <-ctx.Done():
	}
	wait, cancel := context.WithTimeout(context.WithoutCancel(ctx), statusShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(wait); err != nil {
		srv.Close()
	}
	<-served // http.ErrServerClosed
	return nil
}
