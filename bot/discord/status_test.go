package discord_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot/discord"
)

// gatewayRecorder is a bot.Observer that keeps the gateway reports.
type gatewayRecorder struct {
	mu     sync.Mutex
	seen   []bool
	shards []int // the shard of each report in seen
}

func (*gatewayRecorder) Question(string, string, time.Duration) {}
func (*gatewayRecorder) Reload(string, bool)                    {}
func (*gatewayRecorder) Loaded(int, int)                        {}
func (*gatewayRecorder) Vote(bool, string)                      {}
func (g *gatewayRecorder) Gateway(shard int, up bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seen = append(g.seen, up)
	g.shards = append(g.shards, shard)
}

// byShard returns the latest report of each shard reported.
func (g *gatewayRecorder) byShard() map[int]bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[int]bool{}
	for i, up := range g.seen {
		out[g.shards[i]] = up
	}
	return out
}

// reports returns a copy of the reports so far.
func (g *gatewayRecorder) reports() []bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]bool(nil), g.seen...)
}

// last returns the latest report and how many reports there were.
func (g *gatewayRecorder) last() (up bool, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.seen) == 0 {
		return false, 0
	}
	return g.seen[len(g.seen)-1], len(g.seen)
}

// get serves one GET through h and returns the status and body.
func get(h http.Handler, path string) (int, string) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(body)
}

// The gateway bot tells its Observer when the gateway connects, drops and
// resumes, and when it closes at shutdown; its status handler is ready
// only while it is connected and not shutting down, and serves the
// metrics it is given.
func TestE2EGatewayObservedAndReady(t *testing.T) {
	t.Parallel()
	rec := &gatewayRecorder{}
	e := startBot(t, withObserver(rec))
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "test_metric 1\n") })
	status := e.bot.StatusHandler(metrics)

	connected := func() bool { up, _ := rec.last(); return up && e.bot.Ready() }
	if err := e.f.WaitFor(waitCtx(t, e2eWait), connected); err != nil {
		t.Fatalf("never reported connected and ready: %v (reports %v)", err, rec.reports())
	}
	for path, want := range map[string]int{discord.HealthPath: 200, discord.ReadyPath: 200, discord.MetricsPath: 200} {
		if code, body := get(status, path); code != want {
			t.Errorf("GET %s: %d %q, want %d", path, code, body, want)
		}
	}
	if _, body := get(status, discord.MetricsPath); body != "test_metric 1\n" {
		t.Errorf("GET /metrics = %q, not the handler given", body)
	}
	if code, _ := get(e.bot.StatusHandler(nil), discord.MetricsPath); code != http.StatusNotFound {
		t.Errorf("GET /metrics without metrics: %d, want 404", code)
	}

	if err := e.f.WaitHeartbeat(waitCtx(t, e2eWait)); err != nil {
		t.Fatal(err)
	}
	_, before := rec.last()
	e.f.DropConnections()
	resumed := func() bool {
		after := rec.reports()[before:]
		return len(after) >= 2 && !after[0] && after[len(after)-1]
	}
	if err := e.f.WaitFor(waitCtx(t, e2eWait), resumed); err != nil {
		t.Errorf("a drop and resume was not reported as down then up: %v (reports %v)", err, rec.reports())
	}

	if err := e.stop(e2eWait); err != nil {
		t.Fatal(err)
	}
	if up, _ := rec.last(); up || e.bot.Ready() {
		t.Errorf("after shutdown: last report connected=%v, Ready=%v; want both false", up, e.bot.Ready())
	}
	if code, body := get(status, discord.ReadyPath); code != http.StatusServiceUnavailable || !strings.Contains(body, "not ready") {
		t.Errorf("GET /readyz after shutdown: %d %q, want 503", code, body)
	}
	if code, _ := get(status, discord.HealthPath); code != http.StatusOK {
		t.Errorf("GET /healthz after shutdown: %d, want 200 (the process is up)", code)
	}
}
