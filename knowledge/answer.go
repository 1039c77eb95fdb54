package knowledge

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuestionLength is the longest question, in characters, the engine
// accepts. Discord's own option limit is far higher, but no real question
// about one news story needs more, and a bound keeps every answer fast.
const MaxQuestionLength = 1000

// DefaultThreshold is the confidence below which the engine declines. The
// confidence is the probability that the first fact answers the question,
// fitted on development data by `agreementbot calibrate`, which chooses this
// threshold with it (so that at most about one answerable question in
// forty is declined); it must equal the threshold in
// knowledge/match/calibration.json.
const DefaultThreshold = 0.027

// DefaultConfidentThreshold is the confidence from which an answer is
// confident; between DefaultThreshold and it the answer is tentative (see
// Answer.Tentative). `agreementbot calibrate` chooses it so that about
// nineteen confident answers in twenty are right on development data; it
// must equal the confident threshold in knowledge/match/calibration.json.
const DefaultConfidentThreshold = 0.867

// DefaultTop is how many facts an answer gives when Options.Top is 0.
const DefaultTop = 3

// MaxTop is the most facts one answer returns, whatever Options.Top asks:
// a Discord reply shows at most 10 embeds.
const MaxTop = 10

// MaxOffset is how deep Options.Offset may page: facts ranked that low no
// longer answer anything.
const MaxOffset = 30

// Errors a question can be refused with.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionLength)
)

// Options tune one answer.
type Options struct {
	// Top is the most facts to return; 0 means DefaultTop, and more
	// than MaxTop means MaxTop.
	Top int
	// Threshold is the confidence needed to answer; 0 means DefaultThreshold.
	Threshold float64
	// ConfidentThreshold is the confidence needed to answer confidently
	// rather than tentatively; 0 means DefaultConfidentThreshold.
	ConfidentThreshold float64
	// Offset skips the first facts, to page through a long answer ("More");
	// it is bounded by MaxOffset.
	Offset int
	// Explain asks for each fact's Explanation: how it was matched and
	// what its confidence rests on.
	Explain bool
}

// Answer is the engine's reply to one question.
type Answer struct {
	Question string
	// Answered is false when no fact answers the question well enough; Facts
	// is then empty and Suggestions offers topics instead.
	Answered bool
	// Tentative is true for an answer the engine is unsure of (Answered is
	// true too): its confidence lies between the options' Threshold and
	// ConfidentThreshold, and the first fact is only the closest the
	// sources hold, to be shown as such.
	Tentative bool
	// Confidence in [0, 1]: the probability that the first fact answers the
	// question, from the calibrated model of the match (see
	// knowledge/match/calibration.json), rounded to three decimals.
	Confidence float64
	// Facts answer the question, best first.
	Facts []ScoredFact
	// Language is the language the question was asked in, as a BCP 47
	// base tag ("en", "es"), so that a reply can speak it.
	Language string
	// More is true when facts past these also answer the question: the
	// next page starts at the options' Offset plus len(Facts).
	More bool
	// Suggestions are "did you mean" topics, offered when abstaining.
	Suggestions []string
}

// ScoredFact is a fact with its relevance to a question.
type ScoredFact struct {
	Fact
	// Score is the fact's relevance in [0, 1]: the first fact's is the
	// answer's confidence, and the others' are scaled by their ranking
	// score relative to the first, so scores fall in the order given.
	Score float64
	// Explanation says why the fact was given, when Options.Explain asks.
	Explanation *Explanation `json:"explanation,omitempty"`
}

// Explanation says how a fact matched a question and what its confidence
// rests on, for tuning the engine and for admins asking why.
type Explanation struct {
	// Terms are the question's words and phrases, each with its weight and
	// how the fact matched it (0 when it did not).
	Terms []TermMatch `json:"terms"`
	// Wants is what the question asks for ("person", "date", "place",
	// "number", "reason", "organization"), or empty; Evidence the spans of the fact that
	// hold it.
	Wants    string   `json:"wants,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
	// Score is the ranking score.
	Score float64 `json:"score"`
	// Features are what the confidence is computed from, each with its
	// weight in the calibrated model.
	Features []Feature `json:"features"`
	// Translation is, for a fact matched through a machine translation,
	// the question translated into the fact's language, or the fact's
	// words translated into the question's: what Terms and Evidence were
	// read from. Empty for a fact matched as it is.
	Translation string `json:"translation,omitempty"`
}

// TermMatch is one word or phrase of a question and how a fact matched it.
type TermMatch struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"` // how much it counts in the question (its idf)
	Match  float64 `json:"match"`  // how directly the fact says it, 0 to 1
}

// Feature is one input of the confidence model.
type Feature struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
}

// CleanQuestion validates a question and normalises its spacing: control
// characters become spaces, invalid UTF-8 is replaced, runs of space are
// collapsed. It rejects empty and overlong questions.
func CleanQuestion(q string) (string, error) {
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, "\uFFFD")
	}
	q = strings.Join(strings.FieldsFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if q == "" {
		return "", ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > MaxQuestionLength {
		return "", ErrQuestionTooLong
	}
	return q, nil
}

// Normalize returns the options with every zero value replaced by its
// default and Top bounded by MaxTop: the one place those defaults are
// applied.
func (o Options) Normalize() Options {
	if o.Top <= 0 {
		o.Top = DefaultTop
	}
	o.Top = min(o.Top, MaxTop)
	o.Offset = max(0, min(o.Offset, MaxOffset))
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	if o.ConfidentThreshold <= 0 {
		o.ConfidentThreshold = DefaultConfidentThreshold
	}
	return o
}
