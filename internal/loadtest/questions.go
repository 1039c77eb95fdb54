package loadtest

import (
	"bufio"
	_ "embed" // the default questions
	"errors"
	"fmt"
	"io"
	"strings"
)

// Question is one question the load test asks, as a member with Locale
// would.
type Question struct {
	Text   string `json:"text"`
	Locale string `json:"locale"`
}

// defaultLocale is the locale of a question whose line names none.
const defaultLocale = "en-US"

//go:embed questions.txt
var defaultQuestions string

// DefaultQuestions returns the questions asked when none are given: about
// the embedded article, in English and Spanish, and a few off-topic ones.
func DefaultQuestions() []Question {
	qs, err := ParseQuestions(strings.NewReader(defaultQuestions))
	if err != nil { // the file is part of the package
		panic(fmt.Sprintf("loadtest: the default questions: %v", err))
	}
	return qs
}

// ParseQuestions reads questions, one a line. A line may start with the
// member's locale in brackets ("[es-ES] ¿Dónde…?"); without one it is
// en-US. Blank lines and lines starting with # are skipped.
func ParseQuestions(r io.Reader) ([]Question, error) {
	var qs []Question
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, err := parseQuestion(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the questions: %w", err)
	}
	if len(qs) == 0 {
		return nil, errors.New("no questions")
	}
	return qs, nil
}

// parseQuestion reads one line that is neither blank nor a comment.
func parseQuestion(line string) (Question, error) {
	if !strings.HasPrefix(line, "[") {
		return Question{Text: line, Locale: defaultLocale}, nil
	}
	locale, text, ok := strings.Cut(line[1:], "]")
	locale, text = strings.TrimSpace(locale), strings.TrimSpace(text)
	if !ok || locale == "" || strings.ContainsAny(locale, " \t") {
		return Question{}, errors.New(`a locale is written "[es-ES] question"`)
	}
	if text == "" {
		return Question{}, errors.New("a locale without a question")
	}
	return Question{Text: text, Locale: locale}, nil
}
