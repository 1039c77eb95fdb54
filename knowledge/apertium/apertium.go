package apertium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agreementbot/agreementbot/internal/outage"
)

// Defaults of Options.
const (
	// DefaultTimeout bounds one request: a batch of facts takes APy a
	// second or so, a question some tens of milliseconds.
	DefaultTimeout = 60 * time.Second
	// DefaultCacheSize is how many translations of questions are kept.
	DefaultCacheSize = 4096
)

// maxBatchBytes is the most bytes of text one request carries. APy cuts
// a text into at most ten pieces of a few kilobytes (fewer under load)
// and drops what is left, so a request stays well below that; past about
// 4 kB a larger request was no faster.
const maxBatchBytes = 4000

// retryAfter is how long after a failed request the client fails at once
// instead of asking the server again.
const retryAfter = time.Second

// separator stands between the texts of one request. APy keeps blank
// lines where they were, and a text sent never holds one: its spacing is
// collapsed first.
const separator = "\n\n"

// ErrUnavailable is wrapped by the error of a translation not attempted
// because the server failed less than a second ago.
var ErrUnavailable = errors.New("the translation server is not answering")

// Options configure a Client.
type Options struct {
	// URL is APy's address, such as http://127.0.0.1:2737.
	URL string
	// Timeout bounds each request; 0 means DefaultTimeout. A caller that
	// cannot wait as long (a question) bounds its context instead.
	Timeout time.Duration
	// CacheSize is how many translations of single texts (questions) are
	// kept; 0 means DefaultCacheSize, and a negative size keeps none.
	CacheSize int
	// Log is where the server's going away and coming back are logged
	// (default: slog's default logger).
	Log *slog.Logger
	// HTTPClient makes the requests (default: one of the client's own).
	HTTPClient *http.Client
}

// Client translates texts through APy. It is safe for concurrent use.
type Client struct {
	endpoint string // the URL of /translate
	server   string // the URL as given, for logs
	timeout  time.Duration
	http     *http.Client
	log      *slog.Logger
	cache    *lru // nil: no cache

	outage *outage.Tracker // whether the server answers
	stats  counters
}

// counters are what Stats reports.
type counters struct {
	translated, hits, failures atomic.Uint64
}

// Stats are a client's counts since it was made.
type Stats struct {
	// Translated counts the texts the server translated.
	Translated uint64
	// CacheHits counts the texts found in the cache instead.
	CacheHits uint64
	// Failures counts the calls to Translate that failed, those refused
	// at once while the server was not answering included.
	Failures uint64
}

// New returns a client of the APy server at o.URL. It does not contact
// the server: see Warm.
func New(o Options) (*Client, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("translation server: %q is not an http:// or https:// URL such as http://127.0.0.1:2737", o.URL)
	}
	c := &Client{
		endpoint: strings.TrimSuffix(u.String(), "/") + "/translate",
		server:   u.Redacted(),
		timeout:  o.Timeout,
		http:     o.HTTPClient,
		log:      o.Log,
		outage:   outage.New(retryAfter, time.Now),
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	switch {
	case o.CacheSize == 0:
		c.cache = newLRU(DefaultCacheSize)
	case o.CacheSize > 0:
		c.cache = newLRU(o.CacheSize)
	}
	return c, nil
}

// Stats returns the client's counts so far.
func (c *Client) Stats() Stats {
	return Stats{Translated: c.stats.translated.Load(), CacheHits: c.stats.hits.Load(), Failures: c.stats.failures.Load()}
}

// Warm translates a word each way between English and Spanish, so that
// APy starts both pipelines (a second or so each) before the first
// question needs them. It returns the error of the first that failed.
func (c *Client) Warm(ctx context.Context) error {
	_, err := c.Translate(ctx, []string{"hola"}, "es", "en")
	if err == nil {
		_, err = c.Translate(ctx, []string{"hello"}, "en", "es")
	}
	return err
}

// Translate translates texts from one language to another, given as BCP
// 47 base tags ("en", "es"), in as few requests as it can; the
// translations come in the order of texts. A single text is looked up in
// the cache first and kept there. A text's spacing is collapsed, and the
// marks Apertium puts on words it could not translate are removed.
func (c *Client) Translate(ctx context.Context, texts []string, from, to string) ([]string, error) {
	out, err := c.translate(ctx, texts, from, to)
	if err != nil {
		c.stats.failures.Add(1)
		return nil, fmt.Errorf("translate %d texts from %s to %s: %w", len(texts), from, to, err)
	}
	return out, nil
}

func (c *Client) translate(ctx context.Context, texts []string, from, to string) ([]string, error) {
	pair, err := langPair(from, to)
	if err != nil {
		return nil, err
	}
	clean := make([]string, len(texts))
	for i, t := range texts {
		clean[i] = strings.Join(strings.Fields(t), " ")
	}
	if len(clean) == 1 && c.cache != nil {
		if s, ok := c.cache.get(pair + "\x00" + clean[0]); ok {
			c.stats.hits.Add(1)
			return []string{s}, nil
		}
	}
	if err := c.available(); err != nil {
		return nil, err
	}
	out := make([]string, len(clean))
	for start := 0; start < len(clean); {
		end := batchEnd(clean, start)
		if err := c.batch(ctx, pair, clean[start:end], out[start:end]); err != nil {
			return nil, err
		}
		start = end
	}
	if len(clean) == 1 && c.cache != nil {
		c.cache.put(pair+"\x00"+clean[0], out[0])
	}
	return out, nil
}

// langPair returns APy's name of a pair of languages: "spa|eng".
func langPair(from, to string) (string, error) {
	codes := map[string]string{"en": "eng", "es": "spa"}
	f, okF := codes[from]
	t, okT := codes[to]
	if !okF || !okT || f == t {
		return "", fmt.Errorf("no translation from %q to %q (English and Spanish only)", from, to)
	}
	return f + "|" + t, nil
}

// batchEnd returns where the batch of texts starting at start ends: as
// many texts as fit in maxBatchBytes, one at least.
func batchEnd(texts []string, start int) int {
	n := 0
	for i := start; i < len(texts); i++ {
		n += len(texts[i]) + len(separator)
		if n > maxBatchBytes && i > start {
			return i
		}
	}
	return len(texts)
}

// batch translates texts in one request into out, or, when the reply
// does not split back into as many translations, in two halves. Empty
// texts are not sent.
func (c *Client) batch(ctx context.Context, pair string, texts, out []string) error {
	var send []string
	var at []int
	for i, t := range texts {
		if t != "" {
			send = append(send, t)
			at = append(at, i)
		}
	}
	if len(send) == 0 {
		return nil
	}
	translated, err := c.request(ctx, pair, strings.Join(send, separator))
	if err != nil {
		return err
	}
	parts := strings.Split(strings.TrimSpace(translated), separator)
	if len(parts) != len(send) {
		if len(send) == 1 {
			parts = []string{translated}
		} else {
			half := len(texts) / 2
			if err := c.batch(ctx, pair, texts[:half], out[:half]); err != nil {
				return err
			}
			return c.batch(ctx, pair, texts[half:], out[half:])
		}
	}
	for k, p := range parts {
		out[at[k]] = unmark(p)
	}
	c.stats.translated.Add(uint64(len(send)))
	return nil
}

// reply is APy's answer to /translate.
type reply struct {
	ResponseData struct {
		TranslatedText string `json:"translatedText"`
	} `json:"responseData"`
	ResponseDetails any `json:"responseDetails"`
	ResponseStatus  int `json:"responseStatus"`
}

// maxReply bounds the reply read: a translation is about as long as
// what was sent.
const maxReply = 1 << 20

// request sends one text to APy and returns its translation, noting
// whether the server answered.
func (c *Client) request(caller context.Context, pair, text string) (string, error) {
	ctx, cancel := context.WithTimeout(caller, c.timeout)
	defer cancel()
	form := url.Values{"langpair": {pair}, "q": {text}, "format": {"txt"}, "markUnknown": {"no"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s, err := c.do(req)
	if err != nil && caller.Err() != nil {
		// The caller gave up, cancelled or out of its own time (a
		// question waits less than a batch of facts takes): that says
		// nothing of the server. Only the client's own timeout does.
		return "", err
	}
	c.note(err)
	return s, err
}

// do sends req and reads the translation from the reply.
func (c *Client) do(req *http.Request) (string, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return "", fmt.Errorf("read the reply: %w", err)
	}
	var r reply
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("the server answered %s, not a translation", resp.Status)
	}
	if resp.StatusCode != http.StatusOK || r.ResponseStatus != http.StatusOK {
		return "", fmt.Errorf("the server answered %s: %v", resp.Status, r.ResponseDetails)
	}
	return r.ResponseData.TranslatedText, nil
}

// available returns ErrUnavailable while the last request failed less
// than retryAfter ago.
func (c *Client) available() error {
	if !c.outage.Usable() {
		return fmt.Errorf("%w (%s)", ErrUnavailable, c.server)
	}
	return nil
}

// note records whether a request succeeded, logging when the server
// stops answering and when it is back.
func (c *Client) note(err error) {
	switch {
	case err != nil:
		if c.outage.Failed() {
			c.log.Warn("translation server not answering: questions are matched through the lexicon alone until it answers",
				"server", c.server, "error", err)
		}
	case c.outage.Recovered():
		c.log.Info("translation server answering again", "server", c.server)
	}
}

// unmark removes the marks Apertium leaves on words it could not
// translate or inflect (@word, #word) and the doubled spaces it leaves
// where it dropped one.
func unmark(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.TrimLeft(w, "@#")
	}
	return strings.Join(words, " ")
}
