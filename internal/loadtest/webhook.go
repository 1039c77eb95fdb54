package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// followUp is a deferred reply as the fake webhooks received it.
type followUp struct {
	at time.Time // when it arrived
	ok bool      // it is a message with content or embeds
}

// webhooks fakes Discord's interaction webhooks, on loopback: the
// endpoint under test sends there the replies it deferred (an edit of the
// "thinking" response, or a follow-up message), and the client that got
// the deferral waits for its reply there.
type webhooks struct {
	mu      sync.Mutex
	byToken map[string]chan followUp // the reply for each interaction token, when deferred
	extra   atomic.Int64             // replies nobody waits for: a second one for a token
}

func newWebhooks() *webhooks { return &webhooks{byToken: map[string]chan followUp{}} }

// ServeHTTP takes the calls discordgo makes to an interaction's webhook
// (under .../webhooks/{application}/{token}): PATCH
// messages/@original edits the deferred response in, POST sends a
// follow-up message, DELETE drops the deferred response (a private
// follow-up comes next).
func (h *webhooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token := webhookToken(r.URL.Path)
	body, err := io.ReadAll(io.LimitReader(r.Body, bareMaxBody))
	if token == "" || err != nil {
		http.NotFound(w, r)
		return
	}
	if r.Method == http.MethodDelete {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	select {
	case h.channel(token) <- followUp{at: time.Now(), ok: isMessage(body)}:
	default:
		h.extra.Add(1)
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"id":"1600000000000000001","channel_id":"`+channelID+`","content":""}`)
}

// webhookToken returns the interaction token in a webhook path, "" when
// it is not one.
func webhookToken(path string) string {
	_, rest, ok := strings.Cut(path, "/webhooks/")
	if !ok {
		return ""
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 2 || parts[0] != appID {
		return ""
	}
	return parts[1]
}

// isMessage reports whether body is a message with words or embeds.
func isMessage(body []byte) bool {
	var m struct {
		Content string            `json:"content"`
		Embeds  []json.RawMessage `json:"embeds"`
	}
	return json.Unmarshal(body, &m) == nil && (m.Content != "" || len(m.Embeds) > 0)
}

// channel returns the channel token's reply is delivered on, made by
// whichever of the webhook call and the waiting client comes first.
func (h *webhooks) channel(token string) chan followUp {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch, ok := h.byToken[token]
	if !ok {
		ch = make(chan followUp, 1)
		h.byToken[token] = ch
	}
	return ch
}

// wait returns the deferred reply to the interaction with token, waiting
// for it until ctx ends.
func (h *webhooks) wait(ctx context.Context, token string) (followUp, error) {
	ch := h.channel(token)
	defer func() {
		h.mu.Lock()
		delete(h.byToken, token)
		h.mu.Unlock()
	}()
	select {
	case f := <-ch:
		return f, nil
	case <-ctx.Done():
		return followUp{}, fmt.Errorf("waiting for a deferred reply: %w", ctx.Err())
	}
}
