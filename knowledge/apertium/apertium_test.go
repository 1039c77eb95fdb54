package apertium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/outage"
	"github.com/agreementbot/agreementbot/internal/syncbuf"
)

// fakeAPy is an APy stand-in: it "translates" by upper-casing, records
// every request, and can be told to fail or to mangle its replies.
type fakeAPy struct {
	mu       sync.Mutex
	requests []request
	status   int                 // 0: 200
	mangle   func(string) string // applied to the translation, when set
}

type request struct{ pair, q, format, markUnknown string }

func (f *fakeAPy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.URL.Path != "/translate" || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	req := request{r.PostForm.Get("langpair"), r.PostForm.Get("q"), r.PostForm.Get("format"), r.PostForm.Get("markUnknown")}
	f.requests = append(f.requests, req)
	status, mangle := f.status, f.mangle
	f.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"responseData": nil, "responseDetails": "internal error", "responseStatus": status})
		return
	}
	out := strings.ToUpper(req.q)
	if mangle != nil {
		out = mangle(out)
	}
	json.NewEncoder(w).Encode(map[string]any{
		"responseData":    map[string]string{"translatedText": out},
		"responseDetails": nil, "responseStatus": 200,
	})
}

func (f *fakeAPy) sent() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.requests...)
}

func (f *fakeAPy) set(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = status
}

// newClient returns a client of a new fake APy, logging to log (nil:
// nowhere).
func newClient(t *testing.T, o Options) (*Client, *fakeAPy) {
	t.Helper()
	f := &fakeAPy{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	o.URL = srv.URL
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

// TestTranslateBatches checks that many texts go in few requests, none
// over the bound, each text's spacing collapsed, and that the
// translations come back in order, empty texts as empty.
func TestTranslateBatches(t *testing.T) {
	c, f := newClient(t, Options{})
	var texts, want []string
	for i := range 300 {
		texts = append(texts, fmt.Sprintf("fact  number\n\n%d\tsays something about the border and its crossings", i))
		want = append(want, fmt.Sprintf("FACT NUMBER %d SAYS SOMETHING ABOUT THE BORDER AND ITS CROSSINGS", i))
	}
	texts[7], want[7] = " \n ", ""
	got, err := c.Translate(t.Context(), texts, "es", "en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("translations differ:\n got %q\nwant %q", got[:3], want[:3])
	}
	reqs := f.sent()
	if len(reqs) < 2 || len(reqs) > 10 {
		t.Errorf("%d requests for 300 texts of about 60 bytes, want a few of at most %d bytes", len(reqs), maxBatchBytes)
	}
	for _, r := range reqs {
		if len(r.q) > maxBatchBytes || r.pair != "spa|eng" || r.format != "txt" || r.markUnknown != "no" {
			t.Errorf("request %d bytes, pair %q, format %q, markUnknown %q", len(r.q), r.pair, r.format, r.markUnknown)
		}
	}
	if s := c.Stats(); s.Translated != 299 || s.CacheHits != 0 || s.Failures != 0 {
		t.Errorf("stats %+v, want 299 translated", s)
	}
}

// TestTranslateSplitsBack checks that a reply that does not split back
// into as many translations as texts (the server merged two) is asked
// again in halves, and that the marks Apertium leaves on words are
// removed.
func TestTranslateSplitsBack(t *testing.T) {
	c, f := newClient(t, Options{})
	f.mangle = func(s string) string {
		s = strings.ReplaceAll(s, "ONE\n\nTWO", "ONE TWO") // merges the first two of four
		return strings.ReplaceAll(s, "WORD", "@WORD #WORDS  *X")
	}
	got, err := c.Translate(t.Context(), []string{"one", "two", "three word", "four"}, "en", "es")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ONE", "TWO", "THREE WORD WORDS *X", "FOUR"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTranslateCache checks that a single text is translated once and
// then found in the cache, that batches bypass it, and that the cache
// drops the least recently used translation when full.
func TestTranslateCache(t *testing.T) {
	c, f := newClient(t, Options{CacheSize: 2})
	ask := func(q string) {
		t.Helper()
		if _, err := c.Translate(t.Context(), []string{q}, "es", "en"); err != nil {
			t.Fatal(err)
		}
	}
	ask("a")
	ask("a")
	ask("b")
	ask("a") // a is now the most recently used
	ask("c") // drops b
	ask("a")
	ask("b")
	if n := len(f.sent()); n != 4 {
		t.Errorf("%d requests, want 4 (a, b, c, b again)", n)
	}
	if s := c.Stats(); s.CacheHits != 3 || s.Translated != 4 {
		t.Errorf("stats %+v, want 3 cache hits and 4 translated", s)
	}
	if _, err := c.Translate(t.Context(), []string{"a", "b"}, "es", "en"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.sent()); n != 5 {
		t.Errorf("%d requests after a batch, want 5: batches are not cached", n)
	}
	if c.cache.len() != 2 {
		t.Errorf("cache holds %d, want 2", c.cache.len())
	}
}

// TestTranslateDown checks that a server that fails is logged once, that
// calls then fail at once without asking it for a second, and that it is
// asked again after that, logged once when it answers.
func TestTranslateDown(t *testing.T) {
	log := &syncbuf.Buffer{}
	c, f := newClient(t, Options{CacheSize: -1, Log: slog.New(slog.NewTextHandler(log, nil))})
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	c.outage = outage.New(retryAfter, func() time.Time { return now })
	f.set(http.StatusServiceUnavailable)
	for range 3 {
		if _, err := c.Translate(t.Context(), []string{"hola"}, "es", "en"); err == nil {
			t.Fatal("a failing server gave a translation")
		}
	}
	if n := len(f.sent()); n != 1 {
		t.Errorf("%d requests while down, want 1: the rest fail at once", n)
	}
	_, err := c.Translate(t.Context(), []string{"hola"}, "es", "en")
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("error %v, want ErrUnavailable", err)
	}
	if s := c.Stats(); s.Failures != 4 {
		t.Errorf("stats %+v, want 4 failures", s)
	}
	f.set(0)
	now = now.Add(retryAfter)
	got, err := c.Translate(t.Context(), []string{"hola"}, "es", "en")
	if err != nil || got[0] != "HOLA" {
		t.Fatalf("after the server is back: %q, %v", got, err)
	}
	out := log.String()
	if strings.Count(out, "translation server not answering") != 1 || strings.Count(out, "translation server answering again") != 1 {
		t.Errorf("log, want one line when it stops answering and one when it is back:\n%s", out)
	}
}

// TestTranslateCallerGivesUp checks that a call its caller cancels fails
// without counting the server as down.
func TestTranslateCallerGivesUp(t *testing.T) {
	c, _ := newClient(t, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Translate(ctx, []string{"hola"}, "es", "en"); err == nil {
		t.Fatal("a cancelled call gave a translation")
	}
	if _, err := c.Translate(t.Context(), []string{"hola"}, "es", "en"); err != nil {
		t.Errorf("the next call: %v, want a translation: the server never failed", err)
	}
}

// TestTranslateCallerOutOfTime checks that a call whose caller's own
// deadline passes (a question waits less than a batch of facts takes)
// fails without counting the server as down, so the next call, a
// reload's say, still goes to the server.
func TestTranslateCallerOutOfTime(t *testing.T) {
	c, _ := newClient(t, Options{})
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := c.Translate(ctx, []string{"hola"}, "es", "en"); err == nil {
		t.Fatal("a call out of time gave a translation")
	}
	if _, err := c.Translate(t.Context(), []string{"hola"}, "es", "en"); err != nil {
		t.Errorf("the next call: %v, want a translation: the server never failed", err)
	}
}

// TestTranslateRefuses checks the languages and URLs refused.
func TestTranslateRefuses(t *testing.T) {
	c, f := newClient(t, Options{})
	for _, pair := range [][2]string{{"en", "en"}, {"fr", "en"}, {"es", ""}} {
		if _, err := c.Translate(t.Context(), []string{"x"}, pair[0], pair[1]); err == nil {
			t.Errorf("%s to %s: no error", pair[0], pair[1])
		}
	}
	if len(f.sent()) != 0 {
		t.Error("a request for a pair it cannot translate")
	}
	for _, u := range []string{"", "ftp://h:1", "http://", "http://h:1/?x=1", "127.0.0.1:2737"} {
		if _, err := New(Options{URL: u}); err == nil {
			t.Errorf("New(%q): no error", u)
		}
	}
}

// FuzzReply feeds the client arbitrary replies: it must give as many
// translations as texts, or an error, and never panic.
func FuzzReply(f *testing.F) {
	f.Add(`{"responseData": {"translatedText": "A\n\nB"}, "responseStatus": 200}`, 200, 2)
	f.Add(`{"responseData": {"translatedText": "A"}, "responseStatus": 200}`, 200, 3)
	f.Add(`{"responseData": null, "responseStatus": 503}`, 503, 1)
	f.Add(`not json`, 200, 1)
	f.Fuzz(func(t *testing.T, body string, status, n int) {
		if n < 1 || n > 20 || status < 100 || status > 599 {
			return
		}
		c, err := New(Options{URL: "http://apy.invalid", Log: slog.New(slog.DiscardHandler), HTTPClient: &http.Client{Transport: replyTransport{status, body}}})
		if err != nil {
			t.Fatal(err)
		}
		texts := make([]string, n)
		for i := range texts {
			texts[i] = fmt.Sprint("text ", i)
		}
		got, err := c.Translate(t.Context(), texts, "en", "es")
		if err == nil && len(got) != n {
			t.Errorf("%d translations of %d texts", len(got), n)
		}
	})
}

// replyTransport answers every request with status and body.
type replyTransport struct {
	status int
	body   string
}

func (r replyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: r.status, Status: fmt.Sprint(r.status), Header: http.Header{},
		Body: io.NopCloser(strings.NewReader(r.body)), Request: req}, nil
}

// BenchmarkTranslateQuestion measures translating one question, without
// a cache, through a stand-in for APy on loopback that answers at once:
// the client's own cost of a question (the request, the reply), beside
// the server's time.
func BenchmarkTranslateQuestion(b *testing.B) {
	f := &fakeAPy{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c, err := New(Options{URL: srv.URL, CacheSize: -1, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.mu.Lock()
		f.requests = f.requests[:0]
		f.mu.Unlock()
		if _, err := c.Translate(b.Context(), []string{"¿Dónde se reunieron los cancilleres?"}, "es", "en"); err != nil {
			b.Fatal(err)
		}
	}
}
