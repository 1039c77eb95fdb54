package bot

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

// maxTrackedUnanswered bounds the distinct unanswered questions kept for
// /stats, so a flood of random questions cannot grow memory without limit.
const maxTrackedUnanswered = 10_000

// Stats counts the questions answered (confidently or tentatively) and
// not answered since start, and which unanswered questions come up most,
// so admins know what facts to add.
type Stats struct {
	mu         sync.Mutex
	since      time.Time
	answered   int
	tentative  int
	abstained  int
	unanswered map[string]*unanswered // by folded question
}

type unanswered struct {
	question string
	count    int
}

// NewStats starts counting now.
func NewStats() *Stats {
	return &Stats{since: time.Now(), unanswered: map[string]*unanswered{}}
}

func (s *Stats) record(ans knowledge.Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case ans.Tentative:
		s.tentative++
		return
	case ans.Answered:
		s.answered++
		return
	}
	s.abstained++
	key := unansweredKey(ans.Question)
	if u, ok := s.unanswered[key]; ok {
		u.count++
	} else if len(s.unanswered) < maxTrackedUnanswered {
		s.unanswered[key] = &unanswered{question: ans.Question, count: 1}
	}
}

// unansweredKey is the form under which an unanswered question is
// counted: folded, its white space collapsed, so that "Who wrote Hamlet?"
// and "who  wrote hamlet?" count as one.
func unansweredKey(question string) string {
	return strings.Join(strings.Fields(fold.String(question)), " ")
}

// StatsSnapshot is a copy of the counters at one moment.
type StatsSnapshot struct {
	Since time.Time
	// Answered counts the questions answered confidently, Tentative those
	// answered with the closest fact only, Abstained those declined.
	Answered      int
	Tentative     int
	Abstained     int
	TopUnanswered []UnansweredCount
}

// UnansweredCount is one unanswered question and how often it was asked.
type UnansweredCount struct {
	Question string
	Count    int
}

// Snapshot returns the counters and the n most frequent unanswered
// questions.
func (s *Stats) Snapshot(n int) StatsSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := StatsSnapshot{Since: s.since, Answered: s.answered, Tentative: s.tentative, Abstained: s.abstained}
	for _, u := range s.unanswered {
		out.TopUnanswered = append(out.TopUnanswered, UnansweredCount{u.question, u.count})
	}
	slices.SortFunc(out.TopUnanswered, func(a, b UnansweredCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Question, b.Question))
	})
	if len(out.TopUnanswered) > n {
		out.TopUnanswered = out.TopUnanswered[:n]
	}
	return out
}
