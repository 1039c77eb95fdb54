package match

import (
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

func TestStripMarkup(t *testing.T) {
	for in, want := range map[string]string{
		"@everyone what did Blinken say? <@&123456789012345678>":      "  what did Blinken say?  ",
		"<@!1234> <@5678> <#42> where did they meet":                  "       where did they meet",
		"hi <:wave:1234567> <a:dance:99> </ask:123> <t:1700000000:R>": "hi         ",
		"see https://example.com/x?y=1 please":                        "see   please",
		"email me at a@heres.com":                                     "email me at a@heres.com",
		"plain question":                                              "plain question",
	} {
		if got := strings.Join(strings.Fields(stripMarkup(in)), " "); got != strings.Join(strings.Fields(want), " ") {
			t.Errorf("stripMarkup(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarkupDoesNotChangeAnswers asks a question with and without chat
// markup: the answers must be the same.
func TestMarkupDoesNotChangeAnswers(t *testing.T) {
	ix := articleIndex(t)
	plain, err := ix.Answer(t.Context(), "What did Blinken say about migration?", knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	marked, err := ix.Answer(t.Context(), "@everyone What did Blinken say about migration? <@&123456789012345678> <:wave:1234>", knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !plain.Answered || !marked.Answered || plain.Facts[0].ID != marked.Facts[0].ID || plain.Confidence != marked.Confidence {
		t.Errorf("with markup: answered %v, confidence %v; without: answered %v, confidence %v", marked.Answered, marked.Confidence, plain.Answered, plain.Confidence)
	}
}
