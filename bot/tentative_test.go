package bot

import (
	"strings"
	"testing"
)

// alwaysTentative is a confident threshold no answer reaches: every answer
// is tentative.
const alwaysTentative = 1

// A tentative answer looks apart from a confident one, in the member's
// language: its own colour, a heading saying the bot is not sure, the
// closest fact alone (with Source, and More for the next), its own footer.
func TestTentativeAnswerFrame(t *testing.T) {
	tests := []struct {
		name        string
		req         Request
		note        string
		footer      string
		source, mre string
	}{
		{"english", askRequest("Where did the foreign ministers meet?"),
			"I'm not sure this answers it; the closest fact I found:",
			", not enough to be sure · quoted word for word from the sources", "Source", "More"},
		{"spanish", inSpanish(askRequest(spanishQuestion)),
			"No estoy seguro de que esto lo responda; el dato más cercano que encontré:\n*Los datos se citan en inglés",
			", insuficiente para estar seguro · citado textualmente de las fuentes", "Fuente", "Más"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newTestHandlers(t, HandlerOptions{Top: 3, ConfidentThreshold: alwaysTentative})
			r := h.Handle(t.Context(), tt.req)
			if len(r.Embeds) != 1 {
				t.Fatalf("reply = %+v", r)
			}
			e := r.Embeds[0]
			if e.Color != colorTentative || !strings.HasPrefix(e.Description, tt.note) || len(e.Fields) != 1 ||
				!strings.HasPrefix(e.Fields[0].Name, "1. ") || !strings.Contains(e.Fields[0].Value, "Washington") ||
				!strings.HasSuffix(e.Footer, tt.footer) {
				t.Errorf("tentative answer: colour %#x, description %q, %d fields, footer %q; want %#x, %q, the closest fact, %q",
					e.Color, e.Description, len(e.Fields), e.Footer, colorTentative, tt.note, tt.footer)
			}
			ids := buttonIDs(r)
			if ids[tt.source] == "" || ids[tt.mre] == "" {
				t.Fatalf("buttons = %v, want %s and %s", ids, tt.source, tt.mre)
			}
			more := h.Handle(t.Context(), press(r, ids[tt.mre]))
			if len(more.Embeds) != 1 || len(more.Embeds[0].Fields) != 1 || !strings.HasPrefix(more.Embeds[0].Fields[0].Name, "2. ") ||
				more.Embeds[0].Color != colorTentative {
				t.Errorf("%s under a tentative answer: %+v, want the next fact, tentative too", tt.mre, more)
			}

			// The same question answered confidently: no note, the usual colour,
			// every fact.
			sure, _ := newTestHandlers(t, HandlerOptions{Top: 3})
			c := sure.Handle(t.Context(), tt.req).Embeds[0]
			if c.Color != colorAnswer || strings.Contains(c.Description, tt.note) || len(c.Fields) != 3 || strings.HasSuffix(c.Footer, tt.footer) {
				t.Errorf("confident answer: %+v", c)
			}
		})
	}
}

// A declined question stays declined whatever the confident threshold:
// tentative answers are only for questions above the decline threshold.
func TestTentativeDoesNotAnswerOffTopic(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{ConfidentThreshold: alwaysTentative})
	r := h.Handle(t.Context(), askRequest("What is the capital of France?"))
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 0 || r.Embeds[0].Color != colorAbstain || r.tentative {
		t.Errorf("off-topic question: %+v, want it declined", r)
	}
}

// Tentative answers are counted apart: by the Observer (outcome
// "tentative"), in the stats, and on /stats in both languages.
func TestTentativeCountedApart(t *testing.T) {
	h, _, rec := observed(t, HandlerOptions{ConfidentThreshold: alwaysTentative})
	h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	h.Handle(t.Context(), askRequest("Who wrote Hamlet?"))
	if got := rec.take(); len(got) != 2 || got[0] != "slash tentative" || got[1] != "slash abstained" {
		t.Errorf("observed %q, want a tentative and an abstained /ask", got)
	}
	if s := h.Stats().Snapshot(5); s.Tentative != 1 || s.Answered != 0 || s.Abstained != 1 || len(s.TopUnanswered) != 1 {
		t.Errorf("snapshot = %+v, want 1 tentative, 1 declined (the only one unanswered)", s)
	}
	admin := Request{Kind: KindCommand, Command: cmdStats, UserID: "u", GuildID: "g", ManageServer: true}
	for _, tt := range []struct {
		req  Request
		want string
	}{
		{admin, "Answered: **0** · Tentative: **1** · Not answered: **1**"},
		{inSpanish(admin), "Respondidas: **0** · Tentativas: **1** · Sin respuesta: **1**"},
	} {
		if r := h.Handle(t.Context(), tt.req); len(r.Embeds) != 1 || !strings.Contains(r.Embeds[0].Description, tt.want) {
			t.Errorf("/stats = %+v, want %q", r, tt.want)
		}
	}
}
