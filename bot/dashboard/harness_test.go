package dashboard

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/agreementbot/agreementbot/internal/syncbuf"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

// The users of the tests: an admin by id, a member with Manage Server on
// the bot's guild, one with it on another guild only, one without it.
const (
	adminID    = "4000000000000000001"
	managerID  = "4000000000000000002"
	outsiderID = "4000000000000000003"
	memberID   = "4000000000000000004"
	botGuild   = "5000000000000000001"
	otherGuild = "5000000000000000002"
	sessionKey = "test-session-key-of-at-least-32-bytes"
)

// env is a dashboard served over real facts, logging in against a fake
// Discord, with a clock the test moves.
type env struct {
	t    *testing.T
	fake *discordfake.Server
	lib  *library.Library
	d    *Dashboard
	ts   *httptest.Server
	log  *syncbuf.Buffer
	src  string
	act  *fakeActivity

	mu  sync.Mutex
	now time.Time
}

// newEnv starts the fake Discord, the library (its sources directory
// seeded with the article) and the dashboard, with the activity history
// e.act and the library's teaching; change alters its options.
func newEnv(t *testing.T, change ...func(*Options)) *env {
	t.Helper()
	e := &env{t: t, log: &syncbuf.Buffer{}, now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), act: &fakeActivity{}}
	e.fake = discordfake.New(discordfake.Options{})
	t.Cleanup(e.fake.Close)
	manage := func(guild string) []discordfake.OAuthGuild {
		return []discordfake.OAuthGuild{{ID: guild, Name: "g", Permissions: discordfake.PermissionManageGuild}}
	}
	e.fake.SetOAuthUser(discordfake.OAuthUser{ID: adminID, Username: "ada"})
	e.fake.SetOAuthUser(discordfake.OAuthUser{ID: managerID, Username: "manu", Guilds: manage(botGuild)})
	e.fake.SetOAuthUser(discordfake.OAuthUser{ID: outsiderID, Username: "otto", Guilds: manage(otherGuild)})
	e.fake.SetOAuthUser(discordfake.OAuthUser{ID: memberID, Username: "mia", Guilds: []discordfake.OAuthGuild{{ID: botGuild, Name: "g"}}})

	dir := t.TempDir()
	e.src = filepath.Join(dir, "sources")
	log := slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	e.lib, err = library.New(t.Context(), e.src, filepath.Join(dir, "facts.db"), library.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	h := bot.NewHandlers(e.lib, bot.HandlerOptions{AdminUsers: []string{adminID}, AdminGuilds: []string{botGuild}}, nil, log)
	var handler http.Handler
	e.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(e.ts.Close)
	opts := Options{
		ClientID: e.fake.Options().ApplicationID, ClientSecret: e.fake.ClientSecret(), PublicURL: e.ts.URL,
		SessionKey: []byte(sessionKey), APIURL: e.fake.APIURL(), AdminUsers: []string{adminID}, Guilds: []string{botGuild},
		Now: e.clock, Logger: log, Activity: e.act, Teacher: libraryTeacher{e.lib},
	}
	for _, c := range change {
		c(&opts)
	}
	e.d, err = New(opts, e.lib, h)
	if err != nil {
		t.Fatal(err)
	}
	handler = e.d.Handler()
	return e
}

// clock is the dashboard's clock.
func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// advance moves the clock on.
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// browser is a client with its own cookies, logged in to the fake
// Discord as userID ("" for nobody), following redirects unless told.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser(userID string, follow bool) *browser {
	jar, _ := cookiejar.New(nil)
	if userID != "" {
		u, _ := url.Parse(e.fake.URL())
		jar.SetCookies(u, []*http.Cookie{e.fake.LoginCookie(userID)})
	}
	c := &http.Client{Jar: jar}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return &browser{e: e, c: c}
}

// page is a response read whole.
type page struct {
	status int
	url    *url.URL
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.e.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, url: res.Request.URL, header: res.Header, body: string(body)}
}

// get GETs a path of the dashboard (or an absolute URL).
func (b *browser) get(path string, header ...string) page {
	if !strings.HasPrefix(path, "http") {
		path = b.e.ts.URL + path
	}
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

// post sends a form to a path of the dashboard.
func (b *browser) post(path string, form url.Values) page {
	req, _ := http.NewRequest(http.MethodPost, b.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload sends the upload form: fields, and a file when name is not "".
func (b *browser) upload(fields url.Values, name, content string) page {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("source", name)
		io.WriteString(fw, content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.ts.URL+Prefix+"sources/upload", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the forms of a page.
func (b *browser) csrf() string {
	b.e.t.Helper()
	p := b.get(Prefix + "test")
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on the test pane (%d):\n%s", p.status, p.body)
	}
	return m[1]
}

// login logs in through the fake Discord and returns the page it ends
// on.
func (b *browser) login() page {
	return b.get(LoginPath)
}

// loggedIn returns a browser logged in as userID, failing the test
// unless it lands on the overview.
func (e *env) loggedIn(userID string) *browser {
	e.t.Helper()
	b := e.browser(userID, true)
	if p := b.login(); p.status != http.StatusOK || p.url.Path != Prefix+"overview" {
		e.t.Fatalf("log-in as %s ended at %s with %d:\n%s", userID, p.url, p.status, p.body)
	}
	return b
}

type (
	discordfakeOAuthUser  = discordfake.OAuthUser
	discordfakeOAuthGuild = discordfake.OAuthGuild
)

// inputID matches the id of a form control other than a hidden field.
var inputID = regexp.MustCompile(`<(?:input|textarea|select) type="(?:text|file|radio)" id="([^"]+)"`)

// httptestRecord serves one request with h.
func httptestRecord(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// usedKey matches a catalogue key a template names.
var usedKey = regexp.MustCompile(`\{\{tf? "([a-z_.]+)"`)

// fakeActivity is an activity history of the questions and votes a test
// gives it.
type fakeActivity struct {
	mu        sync.Mutex
	questions []bot.ActivityQuestion
	votes     []bot.ActivityVote
	err       error
}

// add keeps questions and votes.
func (a *fakeActivity) add(qs []bot.ActivityQuestion, vs []bot.ActivityVote) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.questions = append(a.questions, qs...)
	a.votes = append(a.votes, vs...)
}

// fail makes Report fail with err.
func (a *fakeActivity) fail(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.err = err
}

// Report sums up the window as a store does.
func (a *fakeActivity) Report(_ context.Context, since, until time.Time) (*bot.ActivityReport, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return nil, a.err
	}
	r := bot.NewActivityReport(since, until)
	for _, q := range a.questions {
		r.AddQuestion(q)
	}
	for _, v := range a.votes {
		r.AddVote(v)
	}
	return r, nil
}

// libraryTeacher teaches through the library, as cmd/agreementbot wires
// it.
type libraryTeacher struct{ lib *library.Library }

func (l libraryTeacher) Teach(ctx context.Context, question, factID string) (Taught, error) {
	r, err := l.lib.Teach(ctx, question, factID)
	if refused := refusal(err); refused != nil {
		return Taught{}, refused
	}
	return Taught{Question: r.Question, Fact: r.Fact, Report: r.Report}, err
}

func (l libraryTeacher) Check(question, factID string) error {
	err := l.lib.CheckTeach(question, factID)
	if refused := refusal(err); refused != nil {
		return refused
	}
	return err
}

// refusal is err as a TeachRefused when the library refused, else nil.
func refusal(err error) *TeachRefused {
	switch {
	case errors.Is(err, library.ErrAlreadyTaught):
		return &TeachRefused{Reason: RefusedTaughtAlready, Err: err}
	case errors.Is(err, library.ErrUnknownFact):
		return &TeachRefused{Reason: RefusedUnknownFact, Err: err}
	}
	return nil
}
