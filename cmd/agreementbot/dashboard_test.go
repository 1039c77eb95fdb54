package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// TestServeDashboard: serve answers /admin/ on http.addr: off without a
// client secret, saying how to turn it on; with one, the log-in leaves
// for the authorize page of the Discord that discord.api_url names, and
// the secrets stay out of the log.
func TestServeDashboard(t *testing.T) {
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, string) {
		t.Helper()
		res, err := noRedirect.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	priv := serveEnv(t)
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", "1000000000000000001")
	s := launchServe(t, priv)
	if res, body := get(s.base + "/admin/"); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "AGREEMENTBOT_CLIENT_SECRET") {
		t.Errorf("off: %d\n%s", res.StatusCode, body)
	}
	s.shutdown(t)

	fake := discordfake.New(discordfake.Options{})
	t.Cleanup(fake.Close)
	const key = "a-session-key-of-at-least-32-characters"
	priv = serveEnv(t)
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", fake.Options().ApplicationID)
	t.Setenv("AGREEMENTBOT_API_URL", fake.APIURL())
	t.Setenv("AGREEMENTBOT_CLIENT_SECRET", fake.ClientSecret())
	t.Setenv("AGREEMENTBOT_PUBLIC_URL", "http://127.0.0.1:1")
	t.Setenv("AGREEMENTBOT_SESSION_KEY", key)
	s = launchServe(t, priv)
	res, _ := get(s.base + "/admin/login")
	auth, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(auth.String(), fake.APIURL()+"oauth2/authorize") ||
		auth.Query().Get("redirect_uri") != "http://127.0.0.1:1/admin/callback" || auth.Query().Get("state") == "" {
		t.Errorf("log-in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := get(s.base + "/admin/sources"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sources without a session: %d", res.StatusCode)
	}
	s.shutdown(t)
	for _, secret := range []string{fake.ClientSecret(), key} {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("the log holds a secret:\n%s", s.logs.String())
		}
	}
}
