package dashboard

import (
	"errors"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot"
)

// someActivity is a history before the test clock (2024-03-01 12:00
// UTC): in the last hour, 3 answered (10, 20, 30 ms), 1 tentative (40
// ms), 2 declined "who won?" (50 ms) and 1 refused; yesterday, 1 declined
// "who won?" and 1 answered "where?" (10 ms) voted down twice and up
// once; 3 days ago 1 answered (10 ms); 40 days ago (out of the window),
// 5 answered.
func someActivity(now time.Time) ([]bot.ActivityQuestion, []bot.ActivityVote) {
	at := func(d time.Duration) time.Time { return now.Add(-d) }
	q := func(d time.Duration, text, outcome string, ms int) bot.ActivityQuestion {
		return bot.ActivityQuestion{At: at(d), Question: text, Check: "c-" + text, Outcome: outcome,
			Latency: time.Duration(ms) * time.Millisecond}
	}
	qs := []bot.ActivityQuestion{
		q(time.Minute, "where did they meet?", bot.OutcomeAnswered, 10),
		q(2*time.Minute, "where did they meet?", bot.OutcomeAnswered, 20),
		q(3*time.Minute, "when?", bot.OutcomeAnswered, 30),
		q(4*time.Minute, "who hosted?", bot.OutcomeTentative, 40),
		q(5*time.Minute, "who won?", bot.OutcomeAbstained, 50),
		q(6*time.Minute, "who won?", bot.OutcomeAbstained, 50),
		q(7*time.Minute, "", bot.OutcomeRefused, 0),
		q(25*time.Hour, "who won?", bot.OutcomeAbstained, 50),
		q(26*time.Hour, "where?", bot.OutcomeAnswered, 10),
		q(72*time.Hour, "when?", bot.OutcomeAnswered, 10),
	}
	for i := range 5 {
		qs = append(qs, q(40*24*time.Hour+time.Duration(i)*time.Minute, "old", bot.OutcomeAnswered, 900))
	}
	vote := func(up bool) bot.ActivityVote {
		return bot.ActivityVote{At: at(25 * time.Hour), Check: "c-where?", FactID: "f1", Up: up}
	}
	return qs, []bot.ActivityVote{vote(false), vote(false), vote(true)}
}

// TestOverview shows the window's figures, both charts as inline SVG
// with a title, a description and the numbers in a table, in English and
// in Spanish.
func TestOverview(t *testing.T) {
	e := newEnv(t)
	e.act.add(someActivity(e.clock()))
	b := e.loggedIn(adminID)
	p := b.get(Prefix + "overview")
	if p.status != http.StatusOK {
		t.Fatalf("overview: %d\n%s", p.status, p.body)
	}
	figure := func(name string) string {
		m := regexp.MustCompile(`<dt>` + name + `</dt><dd>(.*?)</dd>`).FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no figure %q:\n%s", name, p.body)
		}
		return m[1]
	}
	// 10 questions; answered 5 + tentative 1 of 9 not refused; the p95
	// of 10,10,10,20,30,40,50,50,50 ms is the 9th of 9: 50 ms.
	if got := figure("Questions"); got != "10" {
		t.Errorf("questions %q, want 10", got)
	}
	if got := figure("Answered"); got != "67%" {
		t.Errorf("share answered %q, want 67%%", got)
	}
	if got := figure("95th percentile latency"); got != "50 ms" {
		t.Errorf("p95 %q, want 50 ms", got)
	}
	if got := figure("Votes"); got != "1 up · 2 down" {
		t.Errorf("votes %q, want 1 up and 2 down", got)
	}
	for _, want := range []string{
		`<svg class="chart" viewBox=`, `role="img" aria-labelledby="hourly-title hourly-desc"`,
		`<title id="hourly-title">Questions per hour, last 48 hours</title>`,
		`<title id="daily-title">Questions per day, last 30 days</title>`,
		"9 questions in all: Answered 4, Tentative 1, Declined 3, Refused 1.",  // the last 48 hours, in the description
		"10 questions in all: Answered 5, Tentative 1, Declined 3, Refused 1.", // the last 30 days
		`<tr><th scope="row">2024-03-01 11:00</th><td>3</td><td>1</td><td>2</td><td>1</td><td>7</td></tr>`,
		`<tr><th scope="row">2024-02-27</th><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>`,
		`<tr><th scope="row">2024-02-29</th><td>1</td><td>0</td><td>1</td><td>0</td><td>2</td></tr>`,
		`<tr><th scope="row">2024-02-01</th><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if n := strings.Count(p.body, `<th scope="row">`); n != overviewHours+overviewDays {
		t.Errorf("%d rows in the tables, want %d", n, overviewHours+overviewDays)
	}
	// This hour's bar: four segments stacked from the baseline, their
	// heights in proportion to 3, 1, 2 and 1.
	bar := regexp.MustCompile(`<g><title>2024-03-01 11:00 ·[^<]*</title>\n((?:<rect[^>]*/>)+)`).FindStringSubmatch(p.body)
	if bar == nil {
		t.Fatalf("no bar for this hour:\n%s", p.body)
	}
	heights := regexp.MustCompile(`height="([0-9.]+)"`).FindAllStringSubmatch(bar[1], -1)
	if len(heights) != 4 || heights[0][1] != "52.5" || heights[1][1] != "17.5" || heights[2][1] != "35" || heights[3][1] != "17.5" {
		t.Errorf("this hour's segments %v, want heights 52.5 17.5 35 17.5 (axis to 8)", heights)
	}
	es := b.get(Prefix+"overview?lang=es", "Accept-Language", "es")
	for _, want := range []string{"Preguntas por hora, últimas 48 horas", "<dt>Respondidas</dt><dd>67%</dd>", "Declinadas 3"} {
		if !strings.Contains(es.body, want) {
			t.Errorf("Spanish overview lacks %q", want)
		}
	}
}

// TestActivityPagesWithoutHistory: without an activity store, the
// overview and the unanswered questions say none is kept; a store that
// fails is an apology, its error logged.
func TestActivityPagesWithoutHistory(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Activity = nil })
	b := e.loggedIn(adminID)
	for _, path := range []string{"overview", "unanswered"} {
		if p := b.get(Prefix + path); p.status != http.StatusOK || !strings.Contains(p.body, "No activity history is kept") {
			t.Errorf("%s without a history: %d\n%s", path, p.status, p.body)
		}
	}
	e = newEnv(t)
	b = e.loggedIn(adminID)
	e.act.fail(errors.New("disk on fire"))
	if p := b.get(Prefix + "unanswered"); p.status != http.StatusInternalServerError || strings.Contains(p.body, "disk on fire") {
		t.Errorf("failing history: %d\n%s", p.status, p.body)
	}
	if !strings.Contains(e.log.String(), "disk on fire") {
		t.Errorf("the failure is not logged:\n%s", e.log.String())
	}
}

// TestUnanswered lists the declined questions and those voted down, by
// normalized text, with their counts, when last asked, and a link that
// teaches each.
func TestUnanswered(t *testing.T) {
	e := newEnv(t)
	e.act.add(someActivity(e.clock()))
	b := e.loggedIn(managerID)
	p := b.get(Prefix + "unanswered")
	for _, want := range []string{
		`<tr><td>who won?</td><td>3</td><td>2024-03-01 11:55</td>`,
		`<a href="/admin/teach?q=who&#43;won%3F" aria-label="Teach: who won?">Teach</a>`,
		`<tr><td>where?</td><td>2</td><td>1</td><td>1</td><td>2024-02-29 10:00</td>`,
		`<a href="/admin/teach?q=where%3F" aria-label="Teach: where?">Teach</a>`,
	} {
		if p.status != http.StatusOK || !strings.Contains(p.body, want) {
			t.Errorf("unanswered page lacks %q (%d):\n%s", want, p.status, p.body)
		}
	}
	if strings.Contains(p.body, "<td>old</td>") || strings.Contains(p.body, "<td>when?</td>") {
		t.Errorf("lists questions neither declined nor voted down, or out of the window:\n%s", p.body)
	}
	e = newEnv(t)
	if p := e.loggedIn(adminID).get(Prefix + "unanswered"); !strings.Contains(p.body, "No question was declined") ||
		!strings.Contains(p.body, "No answer was voted down") {
		t.Errorf("an empty history:\n%s", p.body)
	}
}

// TestNiceCeiling: the chart's axis reaches the largest bar, evenly.
func TestNiceCeiling(t *testing.T) {
	for _, tt := range []struct{ most, want int }{{0, 2}, {1, 2}, {2, 2}, {3, 4}, {7, 8}, {10, 10}, {11, 20}, {21, 30}, {55, 60}, {61, 80}, {81, 100}, {101, 200}, {701, 800}, {801, 1000}, {math.MaxInt, math.MaxInt}, {8e18, 8e18}} {
		if got := niceCeiling(tt.most); got != tt.want {
			t.Errorf("niceCeiling(%d) = %d, want %d", tt.most, got, tt.want)
		}
	}
}
