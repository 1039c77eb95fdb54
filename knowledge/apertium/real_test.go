package apertium_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/internal/apytest"
	"github.com/agreementbot/agreementbot/knowledge/apertium"
)

// TestRealServer translates through a real apertium-apy: a batch of
// sentences comes back one translation each, in order, and a question
// both ways.
func TestRealServer(t *testing.T) {
	srv := apytest.Start(t)
	c, err := apertium.New(apertium.Options{URL: srv.URL, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	facts := []string{
		"Los ministros se reunieron en Washington.",
		"El grupo de trabajo abordará la migración irregular.",
		"",
		"México y Guatemala firmaron el acuerdo el 28 de febrero de 2024.",
	}
	got, err := c.Translate(t.Context(), facts, "es", "en")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Washington", "migration", "", "Guatemala"} {
		if !strings.Contains(got[i], want) || (want == "") != (got[i] == "") {
			t.Errorf("translation %d = %q, want it to say %q", i, got[i], want)
		}
	}
	q, err := c.Translate(t.Context(), []string{"Where did the ministers meet?"}, "en", "es")
	if err != nil || !strings.Contains(strings.ToLower(q[0]), "ministros") {
		t.Errorf("question: %q, %v; want it in Spanish", q, err)
	}
	if s := c.Stats(); s.Translated != 6 || s.Failures != 0 { // the warm-up's two words included
		t.Errorf("stats %+v, want 6 translated", s)
	}
}
