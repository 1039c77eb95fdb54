package dashboard

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/knowledge"
)

// Paths of the dashboard. Everything it serves is under Prefix.
const (
	Prefix       = "/admin/"
	LoginPath    = Prefix + "login"
	CallbackPath = Prefix + "callback"
)

// Cookie names: the session, the log-in's state, the chosen language.
const (
	sessionCookie = "agreementbot_session"
	stateCookie   = "agreementbot_state"
	langCookie    = "agreementbot_lang"
)

// Defaults of Options.
const (
	// DefaultRecheck is how often a session's access is checked again
	// with Discord.
	DefaultRecheck = 5 * time.Minute
	// DefaultLifetime is how long a session lasts: well within the
	// Discord token's week.
	DefaultLifetime = 12 * time.Hour
	// stateLifetime bounds the time between leaving for Discord and
	// coming back.
	stateLifetime = 10 * time.Minute
)

// Options configure the dashboard.
type Options struct {
	// ClientID and ClientSecret are the application's OAuth2
	// credentials; without a ClientSecret the dashboard is off and
	// /admin/ says how to turn it on.
	ClientID, ClientSecret string
	// PublicURL is where browsers reach the bot, without a path: Discord
	// sends admins back to PublicURL/admin/callback. https makes the
	// cookies Secure.
	PublicURL string
	// SessionKey signs the session cookies (at least 32 bytes).
	SessionKey []byte
	// APIURL is discord.api_url, ending in "/": the OAuth2 endpoints and
	// the users/@me calls are under it.
	APIURL string
	// AdminUsers may use the dashboard; so may owners and members with
	// Manage Server or Administrator on one of Guilds.
	AdminUsers, Guilds []string
	// Answer are the answer settings the test pane asks with, as the bot
	// does (Top, Threshold, ConfidentThreshold).
	Answer knowledge.Options
	// Recheck is how often a session's access is checked again with
	// Discord (DefaultRecheck); Lifetime how long a session lasts
	// (DefaultLifetime).
	Recheck, Lifetime time.Duration
	// Activity is the activity history the overview and the unanswered
	// questions read; nil: those pages say none is kept.
	Activity ActivityReader
	// Teacher teaches a question as a phrasing of a fact; nil: the teach
	// page searches the facts but cannot teach.
	Teacher Teacher
	// MaxUpload bounds an uploaded source's size in bytes; the bot's
	// attachment limit applies too.
	MaxUpload int64
	// Client calls Discord; nil: a client with a 10-second timeout.
	Client *http.Client
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Logger logs log-ins, refusals and changes; nil: slog's default.
	Logger *slog.Logger
}

// Library is what the dashboard needs of the facts: the index serving
// now, removing a source, and the last reload's report.
// *library.Library is one.
type Library interface {
	Index() knowledge.Index
	RemoveSource(ctx context.Context, name string) (knowledge.ReloadReport, error)
	LastReload() (knowledge.ReloadReport, bool)
}

// Admin is the bot's path for changing the sources, which the dashboard
// takes as /reload does: *bot.Handlers is one.
type Admin interface {
	AddSource(ctx context.Context, req bot.Request, name string, data []byte) (knowledge.ReloadReport, error)
	ChangeSources(ctx context.Context, req bot.Request, change func(context.Context) (knowledge.ReloadReport, error)) (knowledge.ReloadReport, error)
	ErrorText(req bot.Request, err error) string
}

// Dashboard serves the admin pages. It is safe for concurrent use.
type Dashboard struct {
	opts   Options
	lib    Library
	admin  Admin
	oauth  *oauth2.Config
	seal   *sealer
	client *http.Client
	secure bool
	pages  *pages
	log    *slog.Logger
}

// New returns the dashboard over lib and admin. Without a client secret
// it serves only the page saying how to turn it on.
func New(opts Options, lib Library, admin Admin) (*Dashboard, error) {
	if opts.Recheck <= 0 {
		opts.Recheck = DefaultRecheck
	}
	if opts.Lifetime <= 0 {
		opts.Lifetime = DefaultLifetime
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 1 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	opts.PublicURL = strings.TrimSuffix(opts.PublicURL, "/")
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	d := &Dashboard{opts: opts, lib: lib, admin: admin, client: opts.Client, pages: p, log: opts.Logger,
		secure: isHTTPS(opts.PublicURL)}
	if !d.On() {
		return d, nil
	}
	if len(opts.SessionKey) < 32 {
		return nil, errors.New("dashboard: the session key must be at least 32 bytes")
	}
	if d.seal, err = newSealer(opts.SessionKey); err != nil {
		return nil, err
	}
	d.oauth = oauthConfig(opts)
	return d, nil
}

// On reports whether the dashboard is on: a client secret is set.
func (d *Dashboard) On() bool { return d.opts.ClientSecret != "" }

// Route is one route of the dashboard: a pattern of net/http's ServeMux
// ("GET /admin/test"), and either a public handler (the log-in and its
// callback only) or one that runs only with a session.
type Route struct {
	Pattern string
	// Public routes answer without a session; every other route
	// refuses a request without one, and a POST without the session's
	// CSRF token.
	Public bool
	public func(http.ResponseWriter, *http.Request)
	authed func(http.ResponseWriter, *http.Request, *session)
}

// Routes returns the dashboard's routes: what Handler serves, and all
// it serves. (Off, it serves the page saying how to turn it on.)
func (d *Dashboard) Routes() []Route {
	pub := func(pattern string, h func(http.ResponseWriter, *http.Request)) Route {
		return Route{Pattern: pattern, Public: true, public: h}
	}
	authed := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) Route {
		return Route{Pattern: pattern, authed: h}
	}
	return []Route{
		pub("GET "+LoginPath, d.login),
		pub("GET "+CallbackPath, d.callback),
		authed("GET "+Prefix+"{$}", d.home),
		authed("POST "+Prefix+"logout", d.logout),
		authed("GET "+Prefix+"overview", d.overview),
		authed("GET "+Prefix+"unanswered", d.unanswered),
		authed("GET "+Prefix+"teach", d.teachPage),
		authed("POST "+Prefix+"teach", d.teach),
		authed("GET "+Prefix+"test", d.testPage),
		authed("POST "+Prefix+"test", d.ask),
		authed("GET "+Prefix+"sources", d.sourcesPage),
		authed("POST "+Prefix+"sources/upload", d.upload),
		authed("GET "+Prefix+"sources/delete", d.confirmDelete),
		authed("POST "+Prefix+"sources/delete", d.remove),
	}
}

// Handler serves the dashboard under Prefix: Routes' routes, each
// without a session refused; anything else under Prefix is not found.
// Off, every path under Prefix says how to turn it on.
func (d *Dashboard) Handler() http.Handler {
	mux := http.NewServeMux()
	if !d.On() {
		mux.HandleFunc(Prefix, d.off)
		return d.headers(mux)
	}
	for _, rt := range d.Routes() {
		if rt.Public {
			mux.HandleFunc(rt.Pattern, rt.public)
		} else {
			mux.Handle(rt.Pattern, d.authenticated(rt.authed))
		}
	}
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		d.render(w, r, http.StatusNotFound, "message", pageData{Title: "notfound.title", Message: "notfound.text"})
	})
	return d.headers(mux)
}

// headers sets what every page of the dashboard is sent with: no
// caching, no framing, no scripts, no referrer.
func (d *Dashboard) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// authenticated runs h only for a request with a valid session whose
// access is confirmed (checked again with Discord once Recheck has
// passed) and, for a POST, the session's CSRF token in its form field
// "csrf". Without a session, a GET is sent to log in and anything else
// is refused; a session whose access is gone ends.
func (d *Dashboard) authenticated(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, ok := d.session(r)
		if !ok {
			d.noSession(w, r)
			return
		}
		// Logging out needs no word from Discord: it must work while
		// Discord cannot be reached.
		if r.URL.Path != Prefix+"logout" && d.opts.Now().Sub(time.Unix(sess.Checked, 0)) >= d.opts.Recheck {
			if !d.recheck(w, r, &sess) {
				return
			}
		}
		if r.Method == http.MethodPost {
			if ok, tooLarge := d.csrfOK(w, r, &sess); tooLarge {
				d.render(w, r, http.StatusRequestEntityTooLarge, "message", pageData{Title: "large.title", Message: "large.text", Session: &sess})
				return
			} else if !ok {
				d.render(w, r, http.StatusForbidden, "message", pageData{Title: "csrf.title", Message: "csrf.text", Session: &sess})
				return
			}
		}
		h(w, r, &sess)
	})
}

// session returns the request's session, if its cookie is a valid one.
func (d *Dashboard) session(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	sess, err := d.seal.decodeSession(c.Value, d.opts.Now())
	return sess, err == nil
}

// noSession refuses a request without a session: a GET or HEAD is sent
// to log in, anything else is forbidden.
func (d *Dashboard) noSession(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, LoginPath, http.StatusSeeOther)
		return
	}
	d.render(w, r, http.StatusForbidden, "message", pageData{Title: "expired.title", Message: "expired.text", LoginLink: true})
}

// recheck asks Discord again whether the session's user may use the
// dashboard. Allowed, the session is renewed; no longer allowed, it
// ends; Discord unreachable, this request is refused and the session
// kept. It reports whether the request may go on.
func (d *Dashboard) recheck(w http.ResponseWriter, r *http.Request, sess *session) bool {
	token, err := d.seal.open(sess.Token)
	if err == nil {
		_, err = d.checkAccess(r.Context(), token)
	}
	switch {
	case errors.Is(err, errNoAccess), errors.Is(err, errBadCookie):
		d.log.Info("dashboard session ended: access lost", "user", sess.UserID)
		d.clearCookie(w, sessionCookie, Prefix)
		d.render(w, r, http.StatusForbidden, "message", pageData{Title: "denied.title", Message: "lost.text", LoginLink: true})
		return false
	case err != nil:
		d.log.Warn("dashboard: could not check access with Discord", "user", sess.UserID, "error", err)
		d.render(w, r, http.StatusServiceUnavailable, "message", pageData{Title: "unavailable.title", Message: "unavailable.text"})
		return false
	}
	sess.Checked = d.opts.Now().Unix()
	return d.setSession(w, r, *sess)
}

// csrfOK reports whether a POST carries the session's CSRF token. A
// multipart form is read (within the upload limit) to find it; tooLarge
// says the form was larger than that, and not read.
func (d *Dashboard) csrfOK(w http.ResponseWriter, r *http.Request, sess *session) (ok, tooLarge bool) {
	limit := d.opts.MaxUpload + 64<<10
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(limit)
	} else {
		err = r.ParseForm()
	}
	var big *http.MaxBytesError
	if errors.As(err, &big) {
		return false, true
	}
	got := r.PostFormValue("csrf")
	return err == nil && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1, false
}

// setSession writes the session's cookie; it reports false, having
// answered, when it cannot.
func (d *Dashboard) setSession(w http.ResponseWriter, r *http.Request, sess session) bool {
	v, err := d.seal.encodeSession(sess)
	if err != nil {
		d.fail(w, r, err)
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: v, Path: Prefix, MaxAge: int(sess.Expires - d.opts.Now().Unix()),
		HttpOnly: true, Secure: d.secure, SameSite: http.SameSiteLaxMode})
	return true
}

// clearCookie deletes a cookie of the dashboard's.
func (d *Dashboard) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: d.secure,
		SameSite: http.SameSiteLaxMode})
}

// login sends the browser to Discord's authorize page with a fresh
// state, kept in a signed cookie for the callback to compare.
func (d *Dashboard) login(w http.ResponseWriter, r *http.Request) {
	state := randomToken()
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: d.seal.sign(stateCookie, []byte(state)), Path: CallbackPath,
		MaxAge: int(stateLifetime / time.Second), HttpOnly: true, Secure: d.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, d.oauth.AuthCodeURL(state), http.StatusFound)
}

// callback is where Discord sends the browser back: the state must be
// the one login kept, the code is exchanged for a token, and the user's
// access checked before a session begins.
func (d *Dashboard) callback(w http.ResponseWriter, r *http.Request) {
	d.clearCookie(w, stateCookie, CallbackPath)
	q := r.URL.Query()
	c, err := r.Cookie(stateCookie)
	var want []byte
	if err == nil {
		want, err = d.seal.verify(stateCookie, c.Value)
	}
	if err != nil || q.Get("state") == "" || subtle.ConstantTimeCompare(want, []byte(q.Get("state"))) != 1 {
		d.log.Info("dashboard log-in refused: wrong or missing state")
		d.render(w, r, http.StatusBadRequest, "message", pageData{Title: "state.title", Message: "state.text", LoginLink: true})
		return
	}
	if q.Get("code") == "" {
		d.render(w, r, http.StatusForbidden, "message", pageData{Title: "denied.title", Message: "cancelled.text", LoginLink: true})
		return
	}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, d.client)
	tok, err := d.oauth.Exchange(ctx, q.Get("code"))
	if err != nil {
		d.log.Warn("dashboard log-in failed: the code was not exchanged", "error", err)
		d.render(w, r, http.StatusBadGateway, "message", pageData{Title: "unavailable.title", Message: "exchange.text", LoginLink: true})
		return
	}
	u, err := d.checkAccess(r.Context(), tok.AccessToken)
	switch {
	case errors.Is(err, errNoAccess):
		d.log.Info("dashboard log-in refused: not an admin", "user", u.ID)
		d.render(w, r, http.StatusForbidden, "message", pageData{Title: "denied.title", Message: "denied.text"})
		return
	case err != nil:
		d.log.Warn("dashboard log-in failed: could not check access with Discord", "error", err)
		d.render(w, r, http.StatusServiceUnavailable, "message", pageData{Title: "unavailable.title", Message: "unavailable.text", LoginLink: true})
		return
	}
	now := d.opts.Now()
	sess := session{UserID: u.ID, Name: displayName(u), CSRF: randomToken(), Token: d.seal.seal(tok.AccessToken),
		Checked: now.Unix(), Expires: now.Add(d.opts.Lifetime).Unix()}
	if d.setSession(w, r, sess) {
		d.log.Info("dashboard log-in", "user", u.ID)
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
	}
}

// displayName is the name the pages greet a user by.
func displayName(u discordUser) string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

// home is the dashboard's first page: the overview.
func (d *Dashboard) home(w http.ResponseWriter, r *http.Request, _ *session) {
	http.Redirect(w, r, Prefix+"overview", http.StatusSeeOther)
}

// isHTTPS reports whether u is an https address, its scheme in any case
// ("HTTPS://" too: URLs' schemes are case-blind).
func isHTTPS(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "https"
}

// logout ends the session.
func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	d.clearCookie(w, sessionCookie, Prefix)
	d.log.Info("dashboard log-out", "user", sess.UserID)
	d.render(w, r, http.StatusOK, "message", pageData{Title: "logout.title", Message: "logout.text", LoginLink: true})
}

// off says the dashboard is off and how to turn it on.
func (d *Dashboard) off(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusServiceUnavailable, "message", pageData{Title: "off.title", Message: "off.text"})
}

// fail answers an unexpected failure with an apology, its details kept
// for the log.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, err error) {
	d.log.Error("dashboard request failed", "path", r.URL.Path, "error", err)
	d.render(w, r, http.StatusInternalServerError, "message", pageData{Title: "error.title", Message: "error.text"})
}
