package dashboard

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLogin logs in through the fake Discord's OAuth2 endpoints: an admin
// by user id and a member with Manage Server on the bot's guild get in;
// Manage Server on another guild, or none, does not.
func TestLogin(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		user string
		in   bool
	}{{adminID, true}, {managerID, true}, {outsiderID, false}, {memberID, false}} {
		b := e.browser(tt.user, true)
		p := b.login()
		if tt.in {
			if p.status != http.StatusOK || p.url.Path != Prefix+"overview" || !strings.Contains(p.body, "Signed in as") {
				t.Errorf("%s: ended at %s with %d", tt.user, p.url, p.status)
			}
			continue
		}
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "Only the bot&#39;s admins") {
			t.Errorf("%s: not refused: %d at %s", tt.user, p.status, p.url)
		}
		if p := b.get(Prefix + "test"); p.url.Path == Prefix+"test" && p.status == http.StatusOK {
			t.Errorf("%s: refused, yet the test pane opens", tt.user)
		}
	}
}

// TestLoginState refuses a callback whose state is not the one the
// log-in kept: changed, or with no log-in begun in this browser.
func TestLoginState(t *testing.T) {
	e := newEnv(t)
	b := e.browser(adminID, false)
	p := b.get(LoginPath)
	auth, err := url.Parse(p.header.Get("Location"))
	if p.status != http.StatusFound || err != nil || auth.Query().Get("state") == "" {
		t.Fatalf("login: %d %q", p.status, p.header.Get("Location"))
	}
	if c := p.header.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("state cookie %q", c)
	}
	q := auth.Query()
	q.Set("state", q.Get("state")+"x")
	auth.RawQuery = q.Encode()
	back := b.get(auth.String()) // the fake Discord sends back the state it was given
	callback := back.header.Get("Location")
	if !strings.HasPrefix(callback, e.ts.URL+CallbackPath) {
		t.Fatalf("authorize redirected to %q", callback)
	}
	if p := b.get(callback); p.status != http.StatusBadRequest || strings.Contains(p.header.Get("Set-Cookie"), sessionCookie+"=") &&
		!strings.Contains(p.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("wrong state: %d, cookies %q", p.status, p.header.Values("Set-Cookie"))
	}
	if p := b.get(Prefix + "test"); p.status != http.StatusSeeOther {
		t.Errorf("after a wrong state, the test pane answers %d", p.status)
	}
	// A callback with the right state, in a browser that did not start
	// the log-in, is refused too.
	p = b.get(LoginPath)
	back = b.get(p.header.Get("Location"))
	other := e.browser(adminID, false)
	if p := other.get(back.header.Get("Location")); p.status != http.StatusBadRequest {
		t.Errorf("a callback in another browser: %d", p.status)
	}
	if p := b.get(back.header.Get("Location")); p.status != http.StatusSeeOther || p.header.Get("Location") != Prefix {
		t.Errorf("the right state: %d to %q", p.status, p.header.Get("Location"))
	}
}

// TestRecheck ends a session whose access is gone at the next check:
// Manage Server taken away, or the token revoked. Before the check is
// due the session goes on; after it, the cookie is gone.
func TestRecheck(t *testing.T) {
	e := newEnv(t)
	manager, admin := e.loggedIn(managerID), e.loggedIn(adminID)
	e.fake.SetOAuthUser(discordfakeUser(managerID, 0))
	e.fake.RevokeOAuth(adminID)
	for _, b := range []*browser{manager, admin} {
		if p := b.get(Prefix + "test"); p.status != http.StatusOK {
			t.Errorf("before the re-check is due: %d", p.status)
		}
	}
	e.advance(DefaultRecheck)
	for _, b := range []*browser{manager, admin} {
		if p := b.get(Prefix + "test"); p.status != http.StatusForbidden || !strings.Contains(p.body, "access to the dashboard is gone") {
			t.Errorf("after the re-check: %d\n%s", p.status, p.body)
		}
		if p := b.get(Prefix + "sources"); p.url.Path == Prefix+"sources" {
			t.Errorf("the session lives on: %d at %s", p.status, p.url)
		}
	}
	// A session still allowed is renewed by the check.
	b := e.loggedIn(adminID)
	e.advance(DefaultRecheck)
	if p := b.get(Prefix + "test"); p.status != http.StatusOK {
		t.Errorf("an admin still allowed: %d", p.status)
	}
	e.advance(DefaultRecheck / 2)
	if p := b.get(Prefix + "test"); p.status != http.StatusOK {
		t.Errorf("after the renewal: %d", p.status)
	}
	if !strings.Contains(e.log.String(), "dashboard session ended: access lost") {
		t.Errorf("the log does not say the sessions ended:\n%s", e.log.String())
	}
}

// TestEveryRouteNeedsASession walks every route the dashboard serves
// (its route table, as Handler registers it) without a session: none
// but the log-in and its callback answers, and those two show nothing.
func TestEveryRouteNeedsASession(t *testing.T) {
	e := newEnv(t)
	owner := e.loggedIn(adminID) // a session exists, in another browser
	b := e.browser("", false)
	var public []string
	for _, rt := range e.d.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = strings.TrimSuffix(path, "{$}")
		if rt.Public {
			public = append(public, rt.Pattern)
			continue
		}
		req, _ := http.NewRequest(method, e.ts.URL+path+"?name=article.txt", strings.NewReader("csrf="+owner.csrf()+"&q=Where"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p := b.do(req)
		switch method {
		case http.MethodGet:
			if p.status != http.StatusSeeOther || p.header.Get("Location") != LoginPath {
				t.Errorf("%s without a session: %d to %q", rt.Pattern, p.status, p.header.Get("Location"))
			}
		default:
			if p.status != http.StatusForbidden {
				t.Errorf("%s without a session: %d", rt.Pattern, p.status)
			}
		}
		for _, data := range []string{"article", "Washington", "csrf", "ministers"} {
			if strings.Contains(p.body, data) {
				t.Errorf("%s without a session shows %q", rt.Pattern, data)
			}
		}
	}
	want := []string{"GET " + LoginPath, "GET " + CallbackPath}
	if !slices.Equal(public, want) {
		t.Errorf("public routes %v, want only %v", public, want)
	}
	if p := b.get(CallbackPath); p.status != http.StatusBadRequest {
		t.Errorf("the callback without a log-in: %d", p.status)
	}
	if len(e.d.Routes()) < 8 {
		t.Errorf("only %d routes: is the table whole?", len(e.d.Routes()))
	}
}

// TestEveryFormNeedsItsCSRFToken sends every POST route a form without
// the session's CSRF token, and with a wrong one: each is refused and
// changes nothing.
func TestEveryFormNeedsItsCSRFToken(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn(adminID)
	other := e.loggedIn(managerID).csrf() // a real token, of another session
	for _, rt := range e.d.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if method != http.MethodPost {
			continue
		}
		for _, token := range []string{"", "x", other} {
			form := url.Values{"q": {"Where did the ministers meet?"}, "name": {"trilateral-migration-2024-02-28.txt"}}
			if token != "" {
				form.Set("csrf", token)
			}
			for _, p := range []page{b.post(path, form), b.uploadTo(path, form)} {
				if p.status != http.StatusForbidden || strings.Contains(p.body, "Washington") {
					t.Errorf("%s with CSRF token %q: %d", rt.Pattern, token, p.status)
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(e.src, "trilateral-migration-2024-02-28.txt")); err != nil {
		t.Errorf("a refused form deleted the article: %v", err)
	}
	if p := b.get(Prefix + "test"); p.status != http.StatusOK {
		t.Errorf("the session was lost: %d", p.status)
	}
}

// uploadTo sends a multipart form with a file to path.
func (b *browser) uploadTo(path string, fields url.Values) page {
	if path != Prefix+"sources/upload" {
		return b.post(path, fields)
	}
	return b.upload(fields, "notes.txt", "The group met again in Mexico City on 5 March 2024.\n")
}

// TestTestPane asks through the test pane: a confident answer with its
// citation, confidence and explanation; a declined one with its best
// candidate; a refused one.
func TestTestPane(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn(managerID)
	csrf := b.csrf()
	p := b.post(Prefix+"test", url.Values{"csrf": {csrf}, "q": {"Where did the ministers meet?"}})
	for _, want := range []string{"Washington", "Confidence ", "ranking score", "feature ", "paragraph"} {
		if p.status != http.StatusOK || !strings.Contains(p.body, want) {
			t.Errorf("answer lacks %q (%d):\n%s", want, p.status, p.body)
		}
	}
	if !strings.Contains(p.body, `class="status">Confident<`) && !strings.Contains(p.body, `class="status">Tentative<`) {
		t.Errorf("the answer's tier is not shown:\n%s", p.body)
	}
	p = b.post(Prefix+"test", url.Values{"csrf": {csrf}, "q": {"What colour is the sky on Mars?"}})
	for _, want := range []string{"Declined", "I don&#39;t know", "Did you mean"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("declined answer lacks %q:\n%s", want, p.body)
		}
	}
	p = b.post(Prefix+"test", url.Values{"csrf": {csrf}, "q": {"   "}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "empty") {
		t.Errorf("empty question: %d\n%s", p.status, p.body)
	}
}

// TestUploadAndDelete uploads a source, sees it answered and in the last
// reload's diff, then deletes it; a broken one is refused with the
// library's words.
func TestUploadAndDelete(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn(adminID)
	csrf := url.Values{"csrf": {b.csrf()}}
	if p := b.get(Prefix + "sources"); !strings.Contains(p.body, "No reload since") || !strings.Contains(p.body, "trilateral-migration-2024-02-28.txt") {
		t.Errorf("sources page before:\n%s", p.body)
	}
	big := "---\ntitle: Big\n---\n" + strings.Repeat("The ministers met again. ", (1<<20+30<<10)/25)
	if p := b.upload(csrf, "big.md", big); p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload over the limit, within the form's slack: %d, want 413", p.status)
	}
	if _, err := os.Stat(filepath.Join(e.src, "big.md")); !os.IsNotExist(err) {
		t.Errorf("an upload over the limit was stored: %v", err)
	}
	p := b.upload(csrf, "broken.md", "---\ntitle: [\n---\nx\n")
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Reload failed") || !strings.Contains(p.body, "broken.md") {
		t.Errorf("broken upload: %d\n%s", p.status, p.body)
	}
	doc := "---\ntitle: Follow-up\ndate: 2024-03-10\n---\nThe ministers will meet again in Guatemala City in April.\n"
	p = b.upload(csrf, "follow-up.md", doc)
	for _, want := range []string{"Reloaded:", "follow-up.md", "Follow-up", "Added", "Guatemala City in April"} {
		if p.status != http.StatusOK || !strings.Contains(p.body, want) {
			t.Errorf("after the upload, the page lacks %q (%d):\n%s", want, p.status, p.body)
		}
	}
	ans := b.post(Prefix+"test", url.Values{"csrf": csrf["csrf"], "q": {"When will the ministers meet again in Guatemala City?"}})
	if !strings.Contains(ans.body, "April") {
		t.Errorf("the uploaded source does not answer:\n%s", ans.body)
	}
	confirm := b.get(Prefix + "sources/delete?name=follow-up.md")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Delete follow-up.md and reload") {
		t.Errorf("confirm page: %d\n%s", confirm.status, confirm.body)
	}
	p = b.post(Prefix+"sources/delete", url.Values{"csrf": csrf["csrf"], "name": {"follow-up.md"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Removed") || strings.Contains(p.body, "<td>follow-up.md</td>") {
		t.Errorf("after the delete: %d\n%s", p.status, p.body)
	}
	if _, err := os.Stat(filepath.Join(e.src, "follow-up.md")); !os.IsNotExist(err) {
		t.Errorf("the file is still there: %v", err)
	}
	p = b.post(Prefix+"sources/delete", url.Values{"csrf": csrf["csrf"], "name": {"../facts.db"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Errorf("deleting outside the sources: %d", p.status)
	}
	if p := b.get(Prefix + "sources/delete?name=nothing.md"); p.status != http.StatusNotFound {
		t.Errorf("confirming an unknown source: %d", p.status)
	}
}

// TestSecretsNeverLogged runs a log-in, a recheck and an upload, then
// looks for the secrets in the log: the client secret, the session key,
// the access tokens and the session cookie.
func TestSecretsNeverLogged(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn(adminID)
	b.upload(url.Values{"csrf": {b.csrf()}}, "notes.txt", "The group met again in Mexico City on 5 March 2024.\n")
	e.advance(DefaultRecheck)
	b.get(Prefix + "test")
	secrets := []string{e.fake.ClientSecret(), sessionKey}
	for _, r := range e.fake.Requests() {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(r.Response, &tok) == nil && tok.AccessToken != "" {
			secrets = append(secrets, tok.AccessToken)
		}
	}
	u, _ := url.Parse(e.ts.URL + Prefix)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			secrets = append(secrets, c.Value, strings.SplitN(c.Value, ".", 2)[0])
		}
	}
	if len(secrets) < 4 {
		t.Fatalf("found only %d secrets to look for", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(e.log.String(), s) {
			t.Errorf("the log holds a secret (%d characters):\n%s", len(s), e.log.String())
		}
	}
}

// TestCookies: the session cookie is HttpOnly and SameSite=Lax, Secure
// behind https.
func TestCookies(t *testing.T) {
	e := newEnv(t)
	b := e.browser(adminID, false)
	p := b.get(LoginPath)
	back := b.get(p.header.Get("Location"))
	p = b.get(back.header.Get("Location"))
	var c string
	for _, v := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, sessionCookie+"=") && !strings.Contains(v, "Max-Age=0") {
			c = v
		}
	}
	if !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") || strings.Contains(c, "Secure") {
		t.Errorf("session cookie over http: %q", c)
	}
	d, err := New(Options{ClientID: "1", ClientSecret: "s", PublicURL: "https://bot.example.org", SessionKey: []byte(sessionKey)}, e.lib, nil)
	if err != nil || !d.secure {
		t.Errorf("behind https the cookies are not Secure (%v)", err)
	}
}

// TestOff: without a client secret every path under /admin/ says how to
// turn the dashboard on, and nothing else.
func TestOff(t *testing.T) {
	e := newEnv(t)
	d, err := New(Options{}, e.lib, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{Prefix, Prefix + "test", Prefix + "sources", LoginPath} {
		rec := httptestRecord(d.Handler(), http.MethodGet, path)
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "AGREEMENTBOT_CLIENT_SECRET") ||
			strings.Contains(rec.Body.String(), "Washington") {
			t.Errorf("%s, off: %d\n%s", path, rec.Code, rec.Body.String())
		}
	}
}

// TestLanguage picks Spanish from Accept-Language, English from ?lang=,
// and keeps the choice.
func TestLanguage(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn(adminID)
	if p := b.get(Prefix+"test", "Accept-Language", "es-MX,es;q=0.9,en;q=0.5"); !strings.Contains(p.body, `<html lang="es">`) ||
		!strings.Contains(p.body, "Panel de prueba") {
		t.Errorf("Accept-Language es: not Spanish")
	}
	if p := b.get(Prefix+"test?lang=en", "Accept-Language", "es"); !strings.Contains(p.body, `<html lang="en">`) {
		t.Errorf("?lang=en: not English")
	}
	if p := b.get(Prefix+"test", "Accept-Language", "es"); !strings.Contains(p.body, `<html lang="en">`) {
		t.Errorf("the ?lang= choice is not kept")
	}
	if p := b.get(Prefix+"test?lang=es", "Accept-Language", "fr"); !strings.Contains(p.body, "Cerrar sesión") {
		t.Errorf("?lang=es: not Spanish")
	}
}

// TestAccessible checks what keyboard and screen-reader users rely on,
// on every page: a skip link to the main content, a label for every
// control, visible focus.
func TestAccessible(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn(adminID)
	e.act.add(someActivity(e.clock()))
	for _, path := range []string{Prefix + "test", Prefix + "sources", Prefix + "sources/delete?name=trilateral-migration-2024-02-28.txt",
		Prefix + "overview", Prefix + "unanswered", Prefix + "teach?q=Who+hosted+the+meeting%3F"} {
		p := b.get(path)
		if !strings.Contains(p.body, `<a class="skip" href="#main">`) || !strings.Contains(p.body, `<main id="main"`) ||
			!strings.Contains(p.body, ":focus-visible") {
			t.Errorf("%s: no skip link or focus style", path)
		}
		for _, m := range inputID.FindAllStringSubmatch(p.body, -1) {
			if !strings.Contains(p.body, `<label for="`+m[1]+`">`) {
				t.Errorf("%s: control %q has no label", path, m[1])
			}
		}
		if strings.Contains(p.body, "<script") {
			t.Errorf("%s: a script", path)
		}
	}
}

// discordfakeUser is a user with permissions perms on the bot's guild.
func discordfakeUser(id string, perms int64) discordfakeOAuthUser {
	return discordfakeOAuthUser{ID: id, Username: "u" + id, Guilds: []discordfakeOAuthGuild{{ID: botGuild, Name: "g", Permissions: perms}}}
}

// TestLogoutWithoutDiscord checks that logging out ends the session
// even when the access re-check is due and Discord cannot be reached.
func TestLogoutWithoutDiscord(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn(adminID)
	csrf := b.csrf()
	e.advance(DefaultRecheck)
	e.fake.Close()
	if p := b.post(Prefix+"logout", url.Values{"csrf": {csrf}}); p.status != http.StatusOK {
		t.Errorf("log-out while Discord is away: %d\n%s", p.status, p.body)
	}
	b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if p := b.get(Prefix + "test"); p.status != http.StatusSeeOther || p.header.Get("Location") != LoginPath {
		t.Errorf("after logging out: %d to %q; want sent to log in", p.status, p.header.Get("Location"))
	}
}

// TestSecureCookiesBehindHTTPS checks that an https public URL, its scheme
// written in any case, makes the cookies Secure.
func TestSecureCookiesBehindHTTPS(t *testing.T) {
	for u, want := range map[string]bool{"https://bot.example.org": true, "HTTPS://bot.example.org": true, "http://127.0.0.1:8080": false} {
		if got := isHTTPS(u); got != want {
			t.Errorf("isHTTPS(%q) = %v, want %v", u, got, want)
		}
	}
}
