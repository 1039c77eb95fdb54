package bot

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// ActivityReport sums up the activity history over a window of time, for
// the admins' dashboard: a store reads the questions and votes of the
// window into it ([ActivityReport.AddQuestion], [ActivityReport.AddVote]),
// so that every store sums them up the same way. It is not safe for
// concurrent use while being filled.
type ActivityReport struct {
	since, until time.Time
	questions    []ActivityQuestion
	votes        []ActivityVote
}

// NewActivityReport returns an empty report of the window [since, until).
func NewActivityReport(since, until time.Time) *ActivityReport {
	return &ActivityReport{since: since, until: until}
}

// Since and Until bound the report's window: from Since, before Until.
func (r *ActivityReport) Since() time.Time { return r.since }

// Until is the end of the report's window (excluded).
func (r *ActivityReport) Until() time.Time { return r.until }

// In reports whether t lies in the report's window.
func (r *ActivityReport) In(t time.Time) bool { return !t.Before(r.since) && t.Before(r.until) }

// AddQuestion counts a question, if it was asked in the window.
func (r *ActivityReport) AddQuestion(q ActivityQuestion) {
	if r.In(q.At) {
		r.questions = append(r.questions, q)
	}
}

// AddVote counts a vote, if it was cast (or last changed) in the window.
func (r *ActivityReport) AddVote(v ActivityVote) {
	if r.In(v.At) {
		r.votes = append(r.votes, v)
	}
}

// OutcomeCounts counts the questions of one period by how they ended.
type OutcomeCounts struct {
	// Start is when the period starts (UTC).
	Start     time.Time
	Answered  int // answered confidently
	Tentative int // answered with the closest fact only
	Declined  int // not answered: the sources do not answer it (OutcomeAbstained)
	Refused   int // the engine could not take it (empty, too long)
}

// add counts one question ending in outcome.
func (c *OutcomeCounts) add(outcome string) {
	switch outcome {
	case OutcomeAnswered:
		c.Answered++
	case OutcomeTentative:
		c.Tentative++
	case OutcomeAbstained:
		c.Declined++
	case OutcomeRefused:
		c.Refused++
	}
}

// ActivitySummary is the activity of a window at a glance.
type ActivitySummary struct {
	Since, Until time.Time
	// Hourly and Daily count the questions of each hour and each day
	// (UTC) the window touches, oldest first, including those with none.
	Hourly, Daily []OutcomeCounts
	// Total counts the questions of the whole window (Start: Since).
	Total OutcomeCounts
	// AnsweredShare is the share of the questions answered (confidently
	// or tentatively) among those answered or declined, in [0, 1]; 0
	// when there are none.
	AnsweredShare float64
	// P95Latency is the 95th percentile (nearest rank) of the engine's
	// time over the questions answered or declined; 0 when none.
	P95Latency time.Duration
	// Up and Down count the votes cast, or last changed, in the window.
	Up, Down int
}

// QuestionActivity is one question, by its normalized text, over a
// window.
type QuestionActivity struct {
	Question string
	// Asked counts the times it was asked in the window (for
	// Unanswered, the times it was declined), LastAsked the last.
	Asked     int
	LastAsked time.Time
	// Up and Down count the votes on its answers.
	Up, Down int
}

// FactVotes counts the votes on the answers a fact came first in.
type FactVotes struct {
	FactID   string
	Up, Down int
}

// Summary sums up the window.
func (r *ActivityReport) Summary() ActivitySummary {
	s := ActivitySummary{Since: r.since, Until: r.until, Total: OutcomeCounts{Start: r.since},
		Hourly: periods(r.since, r.until, hourStart, time.Hour), Daily: periods(r.since, r.until, dayStart, 24*time.Hour)}
	var latencies []time.Duration
	for _, q := range r.questions {
		s.Total.add(q.Outcome)
		s.Hourly[periodIndex(s.Hourly, hourStart(q.At))].add(q.Outcome)
		s.Daily[periodIndex(s.Daily, dayStart(q.At))].add(q.Outcome)
		if q.Outcome != OutcomeRefused {
			latencies = append(latencies, q.Latency)
		}
	}
	if n := s.Total.Answered + s.Total.Tentative + s.Total.Declined; n > 0 {
		s.AnsweredShare = float64(s.Total.Answered+s.Total.Tentative) / float64(n)
	}
	if len(latencies) > 0 {
		slices.Sort(latencies)
		s.P95Latency = latencies[int(math.Ceil(0.95*float64(len(latencies))))-1]
	}
	for _, v := range r.votes {
		if v.Up {
			s.Up++
		} else {
			s.Down++
		}
	}
	return s
}

// hourStart is the start of t's hour, in UTC.
func hourStart(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

// dayStart is the start of t's day, in UTC.
func dayStart(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// periods lists the periods of length step that [since, until) touches,
// each starting at start of a time in it.
func periods(since, until time.Time, start func(time.Time) time.Time, step time.Duration) []OutcomeCounts {
	var out []OutcomeCounts
	for t := start(since); t.Before(until); t = t.Add(step) {
		out = append(out, OutcomeCounts{Start: t})
	}
	return out
}

// periodIndex is the index of the period starting at start.
func periodIndex(ps []OutcomeCounts, start time.Time) int {
	i, _ := slices.BinarySearchFunc(ps, start, func(p OutcomeCounts, t time.Time) int { return p.Start.Compare(t) })
	return i
}

// Unanswered lists the n questions declined most often in the window, by
// normalized text: most often first, then most recently asked.
func (r *ActivityReport) Unanswered(n int) []QuestionActivity {
	by := map[string]*QuestionActivity{}
	for _, q := range r.questions {
		if q.Outcome == OutcomeAbstained {
			tally(by, q.Question).asked(q.At)
		}
	}
	out := values(by)
	slices.SortFunc(out, func(a, b QuestionActivity) int {
		return cmp.Or(cmp.Compare(b.Asked, a.Asked), b.LastAsked.Compare(a.LastAsked), cmp.Compare(a.Question, b.Question))
	})
	return out[:max(0, min(n, len(out)))]
}

// VotedDown lists the n questions whose answers got the most 👎 in the
// window, by normalized text, with the times they were asked in it and
// their 👍: most 👎 first, then fewest 👍, then most recently asked. A
// vote without its question's text takes it from the questions of the
// window with the same check; one whose question is not among them is
// left out.
func (r *ActivityReport) VotedDown(n int) []QuestionActivity {
	byCheck := map[string]string{}
	by := map[string]*QuestionActivity{}
	for _, q := range r.questions {
		byCheck[q.Check] = q.Question
		tally(by, q.Question).asked(q.At)
	}
	for _, v := range r.votes {
		text := v.Question
		if text == "" {
			text = byCheck[v.Check]
		}
		if text == "" {
			continue
		}
		a := tally(by, text)
		if v.Up {
			a.Up++
		} else {
			a.Down++
		}
	}
	out := slices.DeleteFunc(values(by), func(a QuestionActivity) bool { return a.Down == 0 })
	slices.SortFunc(out, func(a, b QuestionActivity) int {
		return cmp.Or(cmp.Compare(b.Down, a.Down), cmp.Compare(a.Up, b.Up), b.LastAsked.Compare(a.LastAsked), cmp.Compare(a.Question, b.Question))
	})
	return out[:max(0, min(n, len(out)))]
}

// FactVotes lists the votes on the n facts voted on most in the window:
// most 👎 first, then most 👍, then by id.
func (r *ActivityReport) FactVotes(n int) []FactVotes {
	by := map[string]*FactVotes{}
	for _, v := range r.votes {
		f := by[v.FactID]
		if f == nil {
			f = &FactVotes{FactID: v.FactID}
			by[v.FactID] = f
		}
		if v.Up {
			f.Up++
		} else {
			f.Down++
		}
	}
	out := make([]FactVotes, 0, len(by))
	for _, f := range by {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b FactVotes) int {
		return cmp.Or(cmp.Compare(b.Down, a.Down), cmp.Compare(b.Up, a.Up), cmp.Compare(a.FactID, b.FactID))
	})
	return out[:max(0, min(n, len(out)))]
}

// tally returns the entry of text in by, adding it.
func tally(by map[string]*QuestionActivity, text string) *QuestionActivity {
	a := by[text]
	if a == nil {
		a = &QuestionActivity{Question: text}
		by[text] = a
	}
	return a
}

// asked counts one asking at t.
func (a *QuestionActivity) asked(t time.Time) {
	a.Asked++
	if t.After(a.LastAsked) {
		a.LastAsked = t
	}
}

// values returns the entries of by.
func values(by map[string]*QuestionActivity) []QuestionActivity {
	out := make([]QuestionActivity, 0, len(by))
	for _, a := range by {
		out = append(out, *a)
	}
	return out
}
