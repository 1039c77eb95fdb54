package discord_test

import (
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// tentativeColour is the colour down the side of a tentative answer.
const tentativeColour = 0xCA6F1E

// An answer the engine is unsure of reaches Discord visibly apart, in
// the member's language: its own colour, a heading saying the bot is not
// sure, the closest fact alone, a footer of its own, Source and More.
func TestE2ETentativeAsk(t *testing.T) {
	t.Parallel()
	e := startBot(t, withConfidentThreshold(1)) // every answer tentative
	tests := []struct {
		name        string
		origin      discordfake.Origin
		question    string
		note        string
		footer      string
		source, mre string
	}{
		{"english", member(), "Where did the foreign ministers meet?",
			"I'm not sure this answers it; the closest fact I found:",
			", not enough to be sure · quoted word for word from the sources", "Source", "More"},
		{"spanish", spanishMember(), spanishQuestion,
			"No estoy seguro de que esto lo responda; el dato más cercano que encontré:\n" + spanishNote,
			", insuficiente para estar seguro · citado textualmente de las fuentes", "Fuente", "Más"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ask(tt.origin, tt.question)
			r := e.interact(t, q)
			first := answerText(t, r)
			em := r.Embeds[0]
			if em.Color != tentativeColour || em.Description != tt.note || len(em.Fields) != 1 || !strings.Contains(first, "Washington") {
				t.Errorf("colour %#x, description %q, %d fields; want %#x, %q, the closest fact: %s",
					em.Color, em.Description, len(em.Fields), tentativeColour, tt.note, embedsJSON(r.Embeds))
			}
			if em.Footer == nil || !strings.HasSuffix(em.Footer.Text, tt.footer) {
				t.Errorf("footer = %+v, want it to end %q", em.Footer, tt.footer)
			}
			labels := labelled(r.Components)
			if labels[tt.source] == "" || labels[tt.mre] == "" {
				t.Fatalf("buttons = %v, want %s and %s", keys(labels), tt.source, tt.mre)
			}
			msg, _ := e.f.OriginalResponse(q.ID)
			more := e.interact(t, discordfake.NewButtonInteraction(tt.origin, labels[tt.mre], msg))
			if len(more.Embeds) != 1 || len(more.Embeds[0].Fields) != 1 || !strings.HasPrefix(more.Embeds[0].Fields[0].Name, "2. ") ||
				more.Embeds[0].Color != tentativeColour {
				t.Errorf("%s = %q %s, want the next fact, tentative too", tt.mre, more.Content, embedsJSON(more.Embeds))
			}
			checkNoMentions(t, r.Mentions)
		})
	}
	if bad := e.f.FailedRequests(); len(bad) != 0 {
		t.Errorf("failed requests: %+v", bad)
	}
}

// The confident answer of the same question has none of that.
func TestE2EConfidentAskHasNoTentativeNote(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	r := e.interact(t, ask(member(), "Where did the foreign ministers meet?"))
	answerText(t, r)
	if em := r.Embeds[0]; em.Color == tentativeColour || strings.Contains(em.Description, "not sure") || len(em.Fields) < 2 {
		t.Errorf("confident answer: %s", embedsJSON(r.Embeds))
	}
}
