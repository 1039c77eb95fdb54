package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

func TestErrorReply(t *testing.T) {
	broken := knowledge.SourceErrors{
		{Path: "sources/a.md", Line: 2, Err: errors.New("front matter: bad date")},
		{Path: "sources/b.yaml", Line: 7, Err: errors.New("facts: empty text")},
	}.Err()
	tests := []struct {
		name   string
		err    error
		want   []string
		logged string // in the log, at the level given
	}{
		{"notice", refuse("error.no_question", nil), []string{"Please give a question, for example `/ask question: Where did the ministers meet?`"}, "level=INFO"},
		{"notice with a cause", &notice{msg: msg("error.download_failed", vars{"name": "x.md"}), cause: errors.New("download attachment: 403 Forbidden")},
			[]string{"I couldn't download x.md."}, "403"},
		{"empty question", fmt.Errorf("answer: %w", knowledge.ErrEmptyQuestion), []string{"can't answer that: the question is empty."}, "question refused"},
		{"long question", knowledge.ErrQuestionTooLong, []string{"can't answer that: the question is longer than"}, "question refused"},
		{"rate limited", &rateLimited{burst: 5, per: 10 * time.Second}, []string{"faster than I can keep up", "up to 5 questions every 10s"}, "rate limited"},
		{"reload", &reloadFailed{err: fmt.Errorf("reload: %w", broken)},
			[]string{"Reload failed (2 problems in the sources)", "previous facts", "sources/a.md:2: front matter: bad date", "sources/b.yaml:7: facts: empty text", "```"},
			"level=WARN"},
		{"reload, other failure", &reloadFailed{err: errors.New("reload: open store: disk full")},
			[]string{"Reload failed;", "disk full"}, "level=WARN"},
		{"reload, code fence", &reloadFailed{err: errors.New("x.md:1: ``` is not allowed")}, []string{"x.md:1: ''' is not allowed"}, "level=WARN"},
		{"unexpected", errors.New("store: database is locked"), []string{apology()}, "level=ERROR"},
		{"panic", errPanicked, []string{apology()}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			r := errorReply(slog.New(slog.NewTextHandler(&logs, nil)), Request{ID: "req-1", UserID: "u1"}, tt.err, english())
			if !r.Ephemeral || len(r.Embeds) != 0 || len(r.Buttons) != 0 {
				t.Errorf("reply = %+v, want a private note", r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Content, w) {
					t.Errorf("reply %q lacks %q", r.Content, w)
				}
			}
			if strings.Count(r.Content, "```") != 0 && strings.Count(r.Content, "```") != 2 {
				t.Errorf("unbalanced code block: %q", r.Content)
			}
			if tt.logged == "" {
				if logs.Len() != 0 {
					t.Errorf("logged again: %s", logs.String())
				}
				return
			}
			if !strings.Contains(logs.String(), tt.logged) || !strings.Contains(logs.String(), "req-1") {
				t.Errorf("log = %q, want %q and the request id", logs.String(), tt.logged)
			}
		})
	}
	// The details of an unexpected failure stay in the log.
	r := errorReply(slog.New(slog.DiscardHandler), Request{}, errors.New("secret detail"), english())
	if strings.Contains(r.Content, "secret detail") {
		t.Errorf("unexpected error shown to the user: %q", r.Content)
	}
}

func TestRecover(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h := Recover(HandlerFunc(func(context.Context, Request) Reply { panic("nil map in the renderer") }), log)
	r := h.Handle(t.Context(), Request{ID: "req-7", Kind: KindCommand, Command: cmdAsk})
	if r.Content != apology() || !r.Ephemeral {
		t.Errorf("reply = %+v, want the private apology", r)
	}
	for _, want := range []string{"panic in handler", "req-7", "nil map in the renderer", "stack="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q: %s", want, logs.String())
		}
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Errorf("a panic was logged %d times", n)
	}

	// A handler that does not panic is passed through.
	ok := Recover(HandlerFunc(func(context.Context, Request) Reply { return Reply{Content: "fine"} }), log)
	if r := ok.Handle(t.Context(), Request{}); r.Content != "fine" {
		t.Errorf("reply = %+v", r)
	}
}

// apology is the English apology for a failure that is not the user's.
func apology() string { return english().text("error.apology") }
