package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// screenshotsEnv names a directory the browser test saves its
// screenshots in; unset, they go to the test's temporary directory.
const screenshotsEnv = "AGREEMENTBOT_SCREENSHOTS"

// chromium returns the path of a Chromium or Chrome to drive, skipping
// the test when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("no chromium found: install Debian's chromium (as .ci/run does) to run the dashboard in a browser")
	return ""
}

// browserTab starts a headless Chromium, logged in to the fake Discord
// f as userID, and returns a tab of it.
func browserTab(t *testing.T, f *discordfake.Server, userID string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.WindowSize(1100, 900),
		chromedp.Flag("lang", "en-US"), chromedp.UserDataDir(t.TempDir()))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	login := f.LoginCookie(userID)
	err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: login.Name, Value: login.Value, URL: f.URL(), Path: "/"})
		return err
	}))
	if err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return tab
}

// screenshot saves the page shown in tab as name.png.
func screenshot(t *testing.T, tab context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// TestDashboardInBrowser runs `agreementbot run` against a fake Discord,
// behind a reverse proxy as in production, with the dashboard on, and
// drives its pages in a real Chromium as an admin would: log in through
// Discord's OAuth2 (the fake's); see a question a member asked, which the
// bot declined, on the unanswered page, and another whose answer a member
// voted 👎 in Discord; teach the first by keyboard (the teach link, the
// fact, the form sent with Enter); and the member asking again gets the
// taught fact. Each page is saved as a screenshot.
func TestDashboardInBrowser(t *testing.T) {
	chromium(t)
	const (
		adminID  = "3300000000000000001"
		memberID = "3300000000000000002"
		declined = "Which diplomat welcomed the visitors?"
		wrong    = "When was the wall built?"
		taughtTo = "fd6a32386239" // Blinken received his counterparts
	)
	shots := os.Getenv(screenshotsEnv)
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	f := fakeDiscordEnv(t, "browser-token")
	f.SetOAuthUser(discordfake.OAuthUser{ID: adminID, Username: "ada"})
	var target atomic.Pointer[url.URL]
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httputil.NewSingleHostReverseProxy(target.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	t.Setenv("AGREEMENTBOT_LOG_LEVEL", "debug")
	t.Setenv("AGREEMENTBOT_SOURCES", filepath.Join(t.TempDir(), "sources"))
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", f.Options().ApplicationID)
	t.Setenv("AGREEMENTBOT_CLIENT_SECRET", f.ClientSecret())
	t.Setenv("AGREEMENTBOT_PUBLIC_URL", proxy.URL)
	t.Setenv("AGREEMENTBOT_SESSION_KEY", "a-session-key-of-at-least-32-characters")
	t.Setenv("AGREEMENTBOT_ADMIN_USER_IDS", adminID)
	b := startRunReady(t, f)
	bot, err := url.Parse(b.statusBase(t))
	if err != nil {
		t.Fatal(err)
	}
	target.Store(bot)
	tab := browserTab(t, f, adminID)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		wait, cancel := context.WithTimeout(tab, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(wait, steps...); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, b.logs.String())
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	// Log in: /admin/ sends the browser to Discord and back.
	do("log in", chromedp.Navigate(proxy.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS(`nav a[aria-current="page"]`)))
	if loc, _ := chromedp.Run(tab, chromedp.Location()); loc != proxy.URL+"/admin/overview" {
		t.Fatalf("logged in at %s", loc)
	}
	if who := text(".who"); !strings.Contains(who, "Signed in as ada") {
		t.Errorf("header says %q", who)
	}

	// A member asks one question the sources do not answer, and another
	// whose answer they vote down.
	member := discordfake.InGuild("g1", "c1", discordfake.Member(memberID, 0))
	ask := func(q string) (*discordgo.Interaction, *discordgo.Message) {
		i := discordfake.NewSlashInteraction(member, "ask", discordfake.StringOpt("question", q))
		m, _ := interactRun(t, f, b, i)
		return i, m
	}
	if _, m := ask(declined); !strings.Contains(messageText(m), "I don't know") {
		t.Fatalf("%q was answered: %s", declined, messageText(m))
	}
	i, m := ask(wrong)
	msg, ok := f.OriginalResponse(i.ID)
	if ids := buttonIDs(m); !ok || ids["👎"] == "" {
		t.Fatalf("no 👎 under the answer to %q: %v", wrong, ids)
	}
	if r, _ := interactRun(t, f, b, discordfake.NewButtonInteraction(member, buttonIDs(m)["👎"], msg)); !strings.Contains(r.Content, "counted") {
		t.Errorf("the 👎: %q", r.Content)
	}
	b.await(t, "that both questions are recorded", func(logs string) bool { return strings.Count(logs, "activity recorded") >= 2 })

	do("open the unanswered questions", chromedp.Navigate(proxy.URL+"/admin/unanswered"), chromedp.WaitVisible(chromedp.ID("voted")))
	page := text("main")
	for _, want := range []string{strings.ToLower(declined), strings.ToLower(wrong)} {
		if !strings.Contains(page, want) {
			t.Errorf("the unanswered page lacks %q:\n%s", want, page)
		}
	}
	screenshot(t, tab, shots, "unanswered")

	// Teach it, by keyboard: the row's link, then the fact, then Enter.
	link := chromedp.CSS(`a[aria-label="Teach: ` + strings.ToLower(declined) + `"]`)
	do("follow the teach link", chromedp.Focus(link), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("pick")))
	if now := text("section[aria-labelledby=now]"); !strings.Contains(now, "Declined") {
		t.Errorf("the teach page's answer now: %q", now)
	}
	screenshot(t, tab, shots, "teach")
	radio := chromedp.ID("fact-" + taughtTo)
	do("pick the fact and send the form", chromedp.Focus(radio), chromedp.KeyEvent(" "), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.ID("done")))
	if done := text("#done"); done != "Taught: the question is now answered by this fact" {
		t.Errorf("after teaching: %q\n%s", done, text("main"))
	}
	screenshot(t, tab, shots, "taught")

	// The member asks again, and gets the fact.
	if _, m := ask(declined); !strings.Contains(messageText(m), "Antony Blinken") {
		t.Errorf("asked again after teaching: %s", messageText(m))
	}
	b.await(t, "that the questions are recorded", func(logs string) bool { return strings.Count(logs, "activity recorded") >= 3 })
	do("open the overview", chromedp.Navigate(proxy.URL+"/admin/overview"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	if figures := text(".figures"); !strings.Contains(figures, "Questions\n3") && !strings.Contains(figures, "Questions 3") {
		t.Errorf("overview figures: %q", figures)
	}
	screenshot(t, tab, shots, "overview")
	do("open the overview in Spanish", chromedp.Navigate(proxy.URL+"/admin/overview?lang=es"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	screenshot(t, tab, shots, "overview-es")
	do("open the test pane in English", chromedp.Navigate(proxy.URL+"/admin/test?lang=en"), chromedp.WaitVisible(chromedp.ID("q")))
	do("ask the test pane", chromedp.Focus(chromedp.ID("q")), chromedp.KeyEvent(declined+kb.Enter), chromedp.WaitVisible(chromedp.ID("result")))
	if result := text("main"); !strings.Contains(result, "Antony Blinken") || !strings.Contains(result, "Confident") {
		t.Errorf("the test pane, after teaching:\n%s", result)
	}
	screenshot(t, tab, shots, "test")
	t.Logf("screenshots in %s", shots)
}

// messageText is everything a member reads in m: its content and its
// embeds' titles, descriptions and fields.
func messageText(m *discordgo.Message) string {
	parts := []string{m.Content}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title, e.Description)
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
	}
	return strings.Join(parts, "\n")
}
