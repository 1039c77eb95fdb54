package dashboard

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeSession feeds the session cookie's decoder what a browser
// may send: it never panics, and what it accepts is a whole, unexpired
// session that reads back the same (TestSessionCookie refuses other
// keys' cookies).
func FuzzDecodeSession(f *testing.F) {
	s, err := newSealer([]byte(sessionKey))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(1700000000, 0)
	good, _ := s.encodeSession(session{UserID: "1", Name: "n", CSRF: "c", Token: s.seal("tok"), Checked: now.Unix(), Expires: now.Unix() + 60})
	f.Add(good)
	f.Add(good + "x")
	f.Add(strings.Replace(good, ".", "..", 1))
	f.Add("")
	f.Add(".")
	f.Add("e30.")
	f.Fuzz(func(t *testing.T, cookie string) {
		sess, err := s.decodeSession(cookie, now)
		if err != nil {
			return
		}
		// Accepted: signed by this key (the seeds' mutations are not),
		// whole and unexpired; it reads back the same once signed again.
		if sess.UserID == "" || sess.CSRF == "" || sess.Expires <= now.Unix() {
			t.Errorf("accepted an incomplete or expired session: %+v", sess)
		}
		again, _ := s.encodeSession(sess)
		if back, err := s.decodeSession(again, now); err != nil || back != sess {
			t.Errorf("signed again, the session reads %+v, %v", back, err)
		}
	})
}

// TestSessionCookie: a cookie signed by another key, an expired one, and
// one of another cookie's name are refused; a sealed token does not
// read in the clear.
func TestSessionCookie(t *testing.T) {
	s, _ := newSealer([]byte(sessionKey))
	other, _ := newSealer([]byte(sessionKey + "!"))
	now := time.Unix(1700000000, 0)
	sess := session{UserID: "1", CSRF: "c", Token: s.seal("the-access-token"), Expires: now.Unix() + 60}
	v, _ := s.encodeSession(sess)
	if _, err := s.decodeSession(v, now); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v, "the-access-token") {
		t.Error("the token is in the cookie in the clear")
	}
	w, _ := other.encodeSession(sess)
	if _, err := s.decodeSession(w, now); err == nil {
		t.Error("a cookie of another key was accepted")
	}
	if _, err := s.decodeSession(v, now.Add(time.Minute)); err == nil {
		t.Error("an expired session was accepted")
	}
	state := s.sign(stateCookie, []byte(`{"u":"1","c":"c","t":"x","e":9999999999}`))
	if _, err := s.decodeSession(state, now); err == nil {
		t.Error("a state cookie was accepted as a session")
	}
}

// TestCatalogues: every key in every language, with the same
// placeholders, and every key the templates use in English.
func TestCatalogues(t *testing.T) {
	cats, err := loadCatalogues(files)
	if err != nil {
		t.Fatal(err)
	}
	en := cats[defaultLanguage]
	if len(cats) < 2 {
		t.Fatalf("languages: %v", slices.Collect(maps.Keys(cats)))
	}
	for code, c := range cats {
		for key, text := range en.Messages {
			got, ok := c.Messages[key]
			if !ok {
				t.Errorf("%s lacks %s", code, key)
				continue
			}
			if a, b := placeholder.FindAllString(text, -1), placeholder.FindAllString(got, -1); !slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))) {
				t.Errorf("%s %s: placeholders %v, English has %v", code, key, b, a)
			}
		}
		for key := range c.Messages {
			if _, ok := en.Messages[key]; !ok {
				t.Errorf("%s has %s, English does not", code, key)
			}
		}
	}
	tmpl, _ := files.ReadFile("templates/layout.html")
	for _, name := range []string{"test", "sources", "delete"} {
		b, _ := files.ReadFile("templates/" + name + ".html")
		tmpl = append(tmpl, b...)
	}
	for _, m := range usedKey.FindAllStringSubmatch(string(tmpl), -1) {
		if _, ok := en.Messages[m[1]]; !ok {
			t.Errorf("the templates use %s, which English lacks", m[1])
		}
	}
	for _, key := range []string{"test.confident", "test.tentative", "test.declined", "off.title", "off.text"} {
		if _, ok := en.Messages[key]; !ok {
			t.Errorf("English lacks %s", key)
		}
	}
	var raw map[string]any
	b, _ := files.ReadFile("locales/es.json")
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Error(err)
	}
}
