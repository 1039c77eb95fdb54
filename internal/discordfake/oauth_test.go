package discordfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// TestOAuthFlow walks the authorization-code flow against the fake: the
// authorize page redirects with a code and the state for the logged-in
// user, a code is exchanged once, the token reads the user and their
// guilds, and a revoked token is refused.
func TestOAuthFlow(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	t.Cleanup(f.Close)
	f.SetOAuthUser(discordfake.OAuthUser{ID: userID, Username: "ana", Guilds: []discordfake.OAuthGuild{
		{ID: guildID, Name: "club", Permissions: discordfake.PermissionManageGuild}}})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const redirect = "http://127.0.0.1:1/admin/callback"
	auth := f.APIURL() + "oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {f.Options().ApplicationID},
		"redirect_uri": {redirect}, "scope": {"identify guilds"}, "state": {"xyz"}}.Encode()

	get := func(u string, cookie *http.Cookie) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := get(auth, nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("authorize without a login: %d", res.StatusCode)
	}
	res := get(auth, f.LoginCookie(userID))
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	exchange := func(secret string) (int, map[string]any) {
		t.Helper()
		form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect}}
		req, _ := http.NewRequest("POST", f.APIURL()+"oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(f.Options().ApplicationID, secret)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	if code, _ := exchange("wrong"); code != http.StatusUnauthorized {
		t.Errorf("a wrong client secret: %d", code)
	}
	code, body := exchange(f.ClientSecret())
	token, _ := body["access_token"].(string)
	if code != http.StatusOK || token == "" {
		t.Fatalf("exchange: %d %v", code, body)
	}
	if code, _ := exchange(f.ClientSecret()); code != http.StatusBadRequest {
		t.Errorf("a code exchanged twice: %d", code)
	}
	bearer := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", f.APIURL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, me := bearer("users/@me"); code != http.StatusOK || !strings.Contains(me, `"id":"`+userID+`"`) {
		t.Errorf("users/@me: %d %s", code, me)
	}
	if code, guilds := bearer("users/@me/guilds"); code != http.StatusOK || !strings.Contains(guilds, `"permissions":"32"`) {
		t.Errorf("users/@me/guilds: %d %s", code, guilds)
	}
	f.RevokeOAuth(userID)
	if code, _ := bearer("users/@me"); code != http.StatusUnauthorized {
		t.Errorf("users/@me with a revoked token: %d", code)
	}
}
