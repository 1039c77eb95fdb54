package loadtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// target is one endpoint under load.
type target struct {
	name   string // "bare", "serve"
	url    string // its /interactions
	client *http.Client
	// check checks a 200 response's body: whether it is a deferral,
	// or why it is not a reply to the /ask.
	check func(body []byte) (deferred bool, err error)
}

// newTarget returns the target at url (which must be on loopback), whose
// replies are checked by check, with a connection pool for clients.
func newTarget(name, url string, clients int, check func([]byte) (bool, error)) (*target, error) {
	if err := checkURL(url); err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy: nil, DialContext: dialLoopback, MaxIdleConns: clients, MaxIdleConnsPerHost: clients,
		IdleConnTimeout: time.Minute, DisableCompression: true,
	}
	return &target{name: name, url: url, client: &http.Client{Transport: tr}, check: check}, nil
}

// close closes the target's idle connections.
func (t *target) close() { t.client.CloseIdleConnections() }

// The kinds of error a request can end in.
const (
	errNone      = iota
	errStatus    // the endpoint answered other than 200
	errBody      // it answered 200 with something other than the reply expected
	errTransport // no answer: connection refused or reset, no deferred reply
	cutOff       // not an error: the run's time was up before the reply came
)

// outcome is how one request went.
type outcome struct {
	latency  time.Duration // from sending to the reply (the deferred one, when deferred)
	deferred bool
	kind     int // an err... constant
	err      error
}

// sender sends requests, signed with priv, and waits for deferred replies
// at hooks.
type sender struct {
	priv  ed25519.PrivateKey
	hooks *webhooks
}

// send signs body with the current time, as Discord does, posts it to t
// and checks the reply.
func (s sender) send(ctx context.Context, t *target, in interaction) outcome {
	req, err := s.signed(ctx, t.url, in.body)
	if err != nil {
		return outcome{kind: errTransport, err: err}
	}
	start := time.Now()
	status, body, err := do(t.client, req)
	switch {
	case err != nil && ctx.Err() != nil:
		return outcome{kind: cutOff}
	case err != nil:
		return outcome{kind: errTransport, err: err}
	case status != http.StatusOK:
		return outcome{kind: errStatus, err: fmt.Errorf("status %d: %.200s", status, body)}
	}
	deferred, err := t.check(body)
	if err != nil {
		return outcome{kind: errBody, err: err}
	}
	if !deferred {
		return outcome{latency: time.Since(start)}
	}
	return s.followUp(ctx, in.token, start)
}

// followUp waits for the reply to a deferred interaction, started at
// start, at the fake webhooks.
func (s sender) followUp(ctx context.Context, token string, start time.Time) outcome {
	f, err := s.hooks.wait(ctx, token)
	switch {
	case err != nil && ctx.Err() != nil:
		return outcome{deferred: true, kind: cutOff}
	case err != nil:
		return outcome{deferred: true, kind: errTransport, err: err}
	case !f.ok:
		return outcome{deferred: true, kind: errBody, err: errors.New("the deferred reply is not a message")}
	}
	return outcome{latency: f.at.Sub(start), deferred: true}
}

// signed makes a POST of body to url signed as Discord signs: the
// Ed25519 signature, in hex, of the Unix time followed by the body.
func (s sender) signed(ctx context.Context, url string, body []byte) (*http.Request, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("make the request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(s.priv, msg)))
	return req, nil
}

// do sends req and reads the response.
func do(c *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("read the response: %w", err)
	}
	return resp.StatusCode, body, nil
}

// checkBare checks a reply of the bare endpoint: its fixed message.
func checkBare(body []byte) (bool, error) {
	if string(bytes.TrimSpace(body)) != bareReply {
		return false, fmt.Errorf("not the bare endpoint's reply: %.200s", body)
	}
	return false, nil
}

// Discord's interaction response types the load test expects.
const (
	responseMessage  = 4 // CHANNEL_MESSAGE_WITH_SOURCE
	responseDeferred = 5 // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
)

// checkAnswer checks serve's reply to an /ask: an answer (a message with
// an embed, as the bot answers and declines questions), or a deferral
// whose reply comes through the webhook. A message with words only is a
// notice (rate limited, an error), not an answer.
func checkAnswer(body []byte) (bool, error) {
	var r struct {
		Type int `json:"type"`
		Data struct {
			Content string            `json:"content"`
			Embeds  []json.RawMessage `json:"embeds"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return false, fmt.Errorf("not an interaction response: %w", err)
	}
	switch {
	case r.Type == responseDeferred:
		return true, nil
	case r.Type != responseMessage:
		return false, fmt.Errorf("interaction response of type %d, want %d or %d", r.Type, responseMessage, responseDeferred)
	case len(r.Data.Embeds) == 0 && r.Data.Content != "":
		return false, fmt.Errorf("a notice, not an answer: %.200q", r.Data.Content)
	case len(r.Data.Embeds) == 0:
		return false, errors.New("a message with neither words nor an embed")
	}
	return false, nil
}

// round is a number of requests sent to one target by a number of
// clients at once.
type round struct {
	t       *target
	s       sender
	reqs    []interaction
	clients int
	// stopAt is when clients stop sending: the requests not sent by
	// then are not sent (those in flight are waited for).
	stopAt time.Time
}

// run sends the round's requests, each client sending its next one as
// soon as it has its reply, and collects how they went.
func (r round) run(ctx context.Context) RoundResult {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		per  = make([][]outcome, r.clients)
	)
	start, cpu := time.Now(), processCPU()
	for c := range r.clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(r.reqs) || ctx.Err() != nil || time.Now().After(r.stopAt) {
					return
				}
				per[c] = append(per[c], r.s.send(ctx, r.t, r.reqs[i]))
			}
		})
	}
	wg.Wait()
	rr := newRoundResult(r.t.name, len(r.reqs), time.Since(start), per)
	rr.CPU = processCPU() - cpu
	return rr
}
