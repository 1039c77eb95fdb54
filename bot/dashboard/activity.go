package dashboard

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/agreementbot/agreementbot/bot"
)

// ActivityReader reads the activity history (the questions asked and the
// votes on the answers) over a window of time, for the overview and the
// unanswered questions. The bot's stores (bot/activitydb, bot/redisstate)
// are ones.
type ActivityReader interface {
	Report(ctx context.Context, since, until time.Time) (*bot.ActivityReport, error)
}

// The windows the activity pages show.
const (
	// overviewDays is how many days, today included, the daily chart and
	// the figures cover; overviewHours how many hours, this one
	// included, the hourly chart does.
	overviewDays  = 30
	overviewHours = 48
	// questionsShown bounds each list of the unanswered page.
	questionsShown = 50
)

// overviewView is the overview page: the figures of the last days and
// the two charts.
type overviewView struct {
	Since, Until  string
	Total         int
	Counts        []labelled // the questions by outcome
	Share, P95    string
	Up, Down      int
	Hourly, Daily *chart
	Outcomes      []string // catalogue keys, in the charts' order
}

// labelled is a number with the catalogue key of what it counts, and
// its colour's CSS class.
type labelled struct {
	Key, Class string
	Value      int
}

// questionsView is the unanswered page: the questions declined, and
// those whose answers were voted down, in the window.
type questionsView struct {
	Since, Until          string
	Unanswered, VotedDown []questionRow
}

// questionRow is one question, by its normalized text, with its counts
// and where to teach it.
type questionRow struct {
	Question, LastAsked, Teach string
	Asked, Up, Down            int
}

// minuteLayout shows a time to the minute.
const minuteLayout = "2006-01-02 15:04"

// window is the window of the activity pages at now: from the start of
// the day overviewDays-1 days ago (UTC) until now.
func window(now time.Time) (since, until time.Time) {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1-overviewDays), now
}

// report reads the activity of the pages' window, or says on the page
// that there is no history (nil, having answered).
func (d *Dashboard) report(w http.ResponseWriter, r *http.Request, sess *session, title, nav string) *bot.ActivityReport {
	if d.opts.Activity == nil {
		d.render(w, r, http.StatusOK, "message", pageData{Title: title, Message: "activity.none", Nav: nav, Session: sess})
		return nil
	}
	since, until := window(d.opts.Now())
	rep, err := d.opts.Activity.Report(r.Context(), since, until)
	if err != nil {
		d.fail(w, r, fmt.Errorf("read the activity history: %w", err))
		return nil
	}
	return rep
}

// overview shows the activity at a glance: questions per hour and per
// day by outcome, the share answered, the 95th percentile of the
// engine's time and the votes.
func (d *Dashboard) overview(w http.ResponseWriter, r *http.Request, sess *session) {
	rep := d.report(w, r, sess, "overview.title", "overview")
	if rep == nil {
		return
	}
	lang := d.pages.lang(w, r)
	s := rep.Summary()
	hourly := s.Hourly[max(0, len(s.Hourly)-overviewHours):]
	v := &overviewView{Since: s.Since.UTC().Format(minuteLayout), Until: s.Until.UTC().Format(minuteLayout),
		Total: sum(counts(s.Total)), Up: s.Up, Down: s.Down,
		Share: fmt.Sprintf("%d%%", int(math.Round(100*s.AnsweredShare))), P95: latency(s.P95Latency)}
	for i, o := range outcomes {
		v.Counts = append(v.Counts, labelled{Key: "overview." + o, Class: o, Value: counts(s.Total)[i]})
	}
	text := func(key string) string { return d.pages.text(lang, key) }
	tooltip := func(period string, n []int) string {
		parts := []string{period}
		for i, o := range outcomes {
			parts = append(parts, fmt.Sprintf("%s %d", text("overview."+o), n[i]))
		}
		return strings.Join(parts, " · ")
	}
	v.Hourly = newChart("hourly", text("overview.hourly"), d.chartDesc(lang, hourly), hourly,
		func(p bot.OutcomeCounts) string { return p.Start.Format("2006-01-02 15:00") },
		func(p bot.OutcomeCounts) string { return p.Start.Format("15h") }, 6, tooltip)
	v.Daily = newChart("daily", text("overview.daily"), d.chartDesc(lang, s.Daily), s.Daily,
		func(p bot.OutcomeCounts) string { return p.Start.Format(time.DateOnly) },
		func(p bot.OutcomeCounts) string { return p.Start.Format("01-02") }, 5, tooltip)
	d.render(w, r, http.StatusOK, "overview", pageData{Title: "overview.title", Nav: "overview", Session: sess, Overview: v})
}

// chartDesc says in words what a chart shows: how many questions its
// periods hold, by outcome.
func (d *Dashboard) chartDesc(lang string, periods []bot.OutcomeCounts) string {
	var total bot.OutcomeCounts
	for _, p := range periods {
		total.Answered += p.Answered
		total.Tentative += p.Tentative
		total.Declined += p.Declined
		total.Refused += p.Refused
	}
	n := counts(total)
	parts := make([]string, len(outcomes))
	for i, o := range outcomes {
		parts[i] = fmt.Sprintf("%s %d", d.pages.text(lang, "overview."+o), n[i])
	}
	desc := strings.NewReplacer("{count}", fmt.Sprint(sum(n)), "{periods}", fmt.Sprint(len(periods))).
		Replace(d.pages.text(lang, "overview.chart_desc"))
	return desc + " " + strings.Join(parts, ", ") + "."
}

// latency words the engine's time: milliseconds, a tenth when short.
func latency(t time.Duration) string {
	if t < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(t)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", t.Round(time.Millisecond).Milliseconds())
}

// unanswered lists the questions the bot declined, and those whose
// answers were voted down, each with a link to teach it.
func (d *Dashboard) unanswered(w http.ResponseWriter, r *http.Request, sess *session) {
	rep := d.report(w, r, sess, "unanswered.title", "unanswered")
	if rep == nil {
		return
	}
	v := &questionsView{Since: rep.Since().UTC().Format(minuteLayout), Until: rep.Until().UTC().Format(minuteLayout)}
	for _, q := range rep.Unanswered(questionsShown) {
		v.Unanswered = append(v.Unanswered, questionRowOf(q))
	}
	for _, q := range rep.VotedDown(questionsShown) {
		v.VotedDown = append(v.VotedDown, questionRowOf(q))
	}
	d.render(w, r, http.StatusOK, "unanswered", pageData{Title: "unanswered.title", Nav: "unanswered", Session: sess, Questions: v})
}

// questionRowOf is a question's row, its teach link asking for it.
func questionRowOf(q bot.QuestionActivity) questionRow {
	return questionRow{Question: q.Question, Asked: q.Asked, Up: q.Up, Down: q.Down,
		LastAsked: q.LastAsked.UTC().Format(minuteLayout), Teach: Prefix + "teach?" + url.Values{"q": {q.Question}}.Encode()}
}
