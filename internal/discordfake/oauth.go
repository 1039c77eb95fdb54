package discordfake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// DefaultClientSecret is the OAuth2 client secret of a [Server] whose
// [Options.ClientSecret] is empty.
const DefaultClientSecret = "test-client-secret"

// LoginCookie is the name of the cookie that says who is logged in to
// the fake Discord in a browser: the authorize page authorizes as the
// user whose ID it holds (see [Server.LoginCookie]).
const LoginCookie = "discordfake_user"

// OAuth2 permission bits the fake's tests care about, as in a guild's
// permissions on GET users/@me/guilds.
const (
	PermissionAdministrator int64 = 1 << 3
	PermissionManageGuild   int64 = 1 << 5
)

// OAuthUser is a Discord user who may log in to an application through
// the fake's OAuth2 authorization-code flow.
type OAuthUser struct {
	// ID and Username are the user's.
	ID, Username string
	// Guilds are the guilds GET users/@me/guilds lists for the user.
	Guilds []OAuthGuild
}

// OAuthGuild is a guild as GET users/@me/guilds lists it: with the
// user's permissions there.
type OAuthGuild struct {
	ID, Name    string
	Owner       bool
	Permissions int64
}

// grant is an authorization code not yet exchanged.
type grant struct {
	userID, redirectURI string
	scopes              []string
}

// oauthToken is an access token the fake issued.
type oauthToken struct {
	userID string
	scopes []string
}

// SetOAuthUser adds u as a user who may log in, or replaces the user of
// the same ID (their guilds and permissions change; tokens issued before
// stay valid).
func (f *Server) SetOAuthUser(u OAuthUser) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u.Guilds = slices.Clone(u.Guilds)
	f.oauthUsers[u.ID] = &u
	f.notify()
}

// RevokeOAuth revokes every access and refresh token issued to the user:
// their next request with one is refused with 401, as Discord refuses a
// token the user deauthorized.
func (f *Server) RevokeOAuth(userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, t := range f.tokens {
		if t.userID == userID {
			delete(f.tokens, k)
		}
	}
	for k, t := range f.refresh {
		if t.userID == userID {
			delete(f.refresh, k)
		}
	}
	f.notify()
}

// LoginCookie returns the cookie by which a browser is logged in to the
// fake Discord as the user of that ID: put it in a test client's cookie
// jar for [Server.URL] before following a redirect to the authorize page.
func (f *Server) LoginCookie(userID string) *http.Cookie {
	return &http.Cookie{Name: LoginCookie, Value: userID, Path: "/"}
}

// ClientSecret returns the OAuth2 client secret the fake expects.
func (f *Server) ClientSecret() string { return f.opts.ClientSecret }

// authorize serves GET oauth2/authorize: the page on which a user logged
// in to Discord (by [LoginCookie]) approves the application. The fake
// approves at once, redirecting to redirect_uri with a code and the
// state as it was given; a request that is not the application's, or of
// no logged-in user, is answered 400 or 401 without a redirect.
func (f *Server) authorize(c *call) response {
	q := c.r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("response_type") != "code" || q.Get("client_id") != f.opts.ApplicationID:
		return apiErr(http.StatusBadRequest, 0, "Invalid OAuth2 request")
	case err != nil || !redirect.IsAbs():
		return apiErr(http.StatusBadRequest, 0, "Invalid OAuth2 redirect_uri")
	}
	cookie, err := c.r.Cookie(LoginCookie)
	if err != nil || f.oauthUsers[cookie.Value] == nil {
		return apiErr(http.StatusUnauthorized, 0, "401: Unauthorized (not logged in to the fake Discord)")
	}
	code := randomHex(16)
	f.grants[code] = grant{userID: cookie.Value, redirectURI: redirect.String(), scopes: strings.Fields(q.Get("scope"))}
	v := redirect.Query()
	v.Set("code", code)
	if state := q.Get("state"); state != "" {
		v.Set("state", state)
	}
	redirect.RawQuery = v.Encode()
	return response{status: http.StatusFound, location: redirect.String()}
}

// token serves POST oauth2/token: an authorization code (once, with the
// redirect_uri it was issued for) or a refresh token exchanged for an
// access token, the client authenticated by HTTP Basic or by
// client_id and client_secret in the form.
func (f *Server) token(c *call) response {
	form := c.req.Form
	id, secret, basic := c.r.BasicAuth()
	if !basic {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id != f.opts.ApplicationID || secret != f.opts.ClientSecret {
		return response{status: http.StatusUnauthorized, body: map[string]string{"error": "invalid_client"}}
	}
	invalid := response{status: http.StatusBadRequest, body: map[string]string{"error": "invalid_grant"}}
	var t oauthToken
	switch form.Get("grant_type") {
	case "authorization_code":
		g, found := f.grants[form.Get("code")]
		delete(f.grants, form.Get("code"))
		if !found || g.redirectURI != form.Get("redirect_uri") {
			return invalid
		}
		t = oauthToken{userID: g.userID, scopes: g.scopes}
	case "refresh_token":
		old, found := f.refresh[form.Get("refresh_token")]
		delete(f.refresh, form.Get("refresh_token"))
		if !found {
			return invalid
		}
		t = old
	default:
		return response{status: http.StatusBadRequest, body: map[string]string{"error": "unsupported_grant_type"}}
	}
	access, refresh := randomHex(16), randomHex(16)
	f.tokens[access], f.refresh[refresh] = t, t
	return ok(map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 604800,
		"refresh_token": refresh, "scope": strings.Join(t.scopes, " ")})
}

// bearer returns the token of a request authorized with "Bearer
// <access token>" the fake issued, or false.
func (f *Server) bearer(r *http.Request) (oauthToken, bool) {
	access, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found {
		return oauthToken{}, false
	}
	t, found := f.tokens[access]
	return t, found
}

// getMe serves GET users/@me: the bot's user with the bot token, the
// user who authorized with an access token.
func (f *Server) getMe(c *call) response {
	if c.token == nil {
		return ok(f.botUser)
	}
	u := f.oauthUsers[c.token.userID]
	return ok(map[string]any{"id": u.ID, "username": u.Username, "discriminator": "0", "global_name": u.Username})
}

// getMyGuilds serves GET users/@me/guilds for an access token with the
// guilds scope: the user's guilds with their permissions there.
func (f *Server) getMyGuilds(c *call) response {
	if c.token == nil || !slices.Contains(c.token.scopes, "guilds") {
		return apiErr(http.StatusForbidden, codeMissingAccess, "Missing Access")
	}
	out := []map[string]any{}
	for _, g := range f.oauthUsers[c.token.userID].Guilds {
		out = append(out, map[string]any{"id": g.ID, "name": g.Name, "icon": nil, "owner": g.Owner,
			"permissions": strconv.FormatInt(g.Permissions, 10)})
	}
	return ok(out)
}
