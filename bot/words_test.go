package bot

import (
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Another front end gets the bot's own words: in the language asked for,
// English for one the bot does not speak.
func TestWordsFor(t *testing.T) {
	cite := knowledge.Citation{Title: "Trilateral migration", Date: "2024-02-28", Paragraph: 3, Sentence: 2}
	tests := []struct {
		code                                             string
		lang, unknown, footer, reference, place, refused string
	}{
		{"en", "en", "I don't know", "Confidence 0.42 ·", "fact f1, score 0.42", "paragraph 3, sentence 2", "longer than 1000 characters"},
		{"es", "es", "No lo sé", "Confianza 0.42 ·", "dato f1, puntuación 0.42", "párrafo 3, oración 2", "más de 1000 caracteres"},
		{"fr", "en", "I don't know", "Confidence 0.42 ·", "fact f1, score 0.42", "paragraph 3, sentence 2", "longer than 1000 characters"},
	}
	for _, tt := range tests {
		w := WordsFor(tt.code)
		for _, c := range []struct{ got, want string }{
			{w.Language(), tt.lang},
			{w.Unknown(), tt.unknown},
			{w.Confidence(0.42, true), tt.footer},
			{w.FactReference("f1", 0.42), tt.reference},
			{w.Place(cite), tt.place},
			{w.Refusal(knowledge.ErrQuestionTooLong), tt.refused},
		} {
			if !strings.Contains(c.got, c.want) {
				t.Errorf("%s: %q lacks %q", tt.code, c.got, c.want)
			}
		}
	}
}
