package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/internal/apytest"
	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// A Spanish question the lexicon cannot answer, about an English fact.
const (
	farmsQuestion = "¿Qué cultivan en las tierras altas?"
	farmsAnswer   = "Farmers in the highlands grow avocados for export."
)

// farmsSources writes an English source of a few facts and returns its
// directory.
func farmsSources(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "sources")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	text := "# Farms\n\n" + farmsAnswer + "\n\nHeavy rain closed the mountain roads for a week.\n\nThe ministers met in Washington on Wednesday.\n"
	if err := os.WriteFile(filepath.Join(src, "farms.md"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

// askJSON asks q with args and returns the answer.
func askJSON(t *testing.T, q string, args ...string) (jsonAnswer, string) {
	t.Helper()
	code, out, errOut := runCLI(t, "", append(append([]string{"ask", "--json"}, args...), q)...)
	if code != 0 {
		t.Fatalf("ask %v: exit %d: %s", args, code, errOut)
	}
	var a jsonAnswer
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("ask %v: %v\n%s", args, err, out)
	}
	return a, errOut
}

// TestAskTranslatedThroughAPy asks a Spanish question of an English
// source through a real apertium-apy: the lexicon alone does not answer
// it; with the translation server (by --translate, or by
// AGREEMENTBOT_TRANSLATE_URL), from the sources and from a store ingest
// translated, the English fact answers it, quoted in English.
func TestAskTranslatedThroughAPy(t *testing.T) {
	srv := apytest.Start(t)
	src := farmsSources(t)
	if a, _ := askJSON(t, farmsQuestion, "--sources", src, "--translate", ""); a.Answered && a.Facts[0].Text == farmsAnswer {
		t.Fatalf("the lexicon alone answered %q: the test needs a question only a translation reaches", farmsQuestion)
	}
	if a, _ := askJSON(t, farmsQuestion, "--sources", src, "--translate", srv.URL); !a.Answered || a.Facts[0].Text != farmsAnswer {
		t.Errorf("from the sources, translated: %+v, want %q", a, farmsAnswer)
	}

	db := filepath.Join(t.TempDir(), "facts.db")
	code, out, errOut := runCLI(t, "", "ingest", "--sources", src, "--db", db, "--translate", srv.URL)
	if code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "machine translations") || !strings.Contains(errOut, "translated ") {
		t.Errorf("ingest says nothing of its translations:\n%s\n%s", out, errOut)
	}
	t.Setenv(translateEnv, srv.URL)
	a, _ := askJSON(t, farmsQuestion, "--db", db)
	if !a.Answered || a.Facts[0].Text != farmsAnswer {
		t.Errorf("from the store, translation server from %s: %+v, want %q", translateEnv, a, farmsAnswer)
	}
}

// TestAskTranslationServerDown checks that a translation server that
// does not answer leaves the question to the lexicon, said once on
// standard error, and the answer as without one.
func TestAskTranslationServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("http://%s", ln.Addr())
	ln.Close() // nothing listens there now
	const q = "¿Dónde se reunieron los cancilleres?"
	want, _ := askJSON(t, q, "--translate", "")
	got, errOut := askJSON(t, q, "--translate", dead)
	if !got.Answered || got.Facts[0].ID != want.Facts[0].ID || got.Confidence != want.Confidence {
		t.Errorf("with the server down: %+v, want the lexicon's %+v", got, want)
	}
	if n := strings.Count(errOut, "translation server not answering"); n != 1 {
		t.Errorf("%d lines about the server, want 1:\n%s", n, errOut)
	}
}

// TestServeTranslates runs serve with translate.url (from the
// environment) at a real apertium-apy: the sources are translated when
// the store is built, a Spanish /ask is answered from the English fact,
// and /metrics counts the translations; with the server stopped, serve
// stays ready, answers through the lexicon, logs it once and counts the
// failure.
func TestServeTranslates(t *testing.T) {
	srv := apytest.Start(t)
	t.Setenv("DISCORD_TOKEN", "")
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", "1000000000000000001")
	t.Setenv("AGREEMENTBOT_SOURCES", farmsSources(t))
	t.Setenv(translateEnv, srv.URL)
	s := startServe(t)
	defer s.shutdown(t)
	ask := func(id, q string) string {
		t.Helper()
		i := discordfake.NewSlashInteraction(discordfake.InGuild("2000000000000000001", "2000000000000000002",
			discordfake.Member("3000000000000000001", 0)), "ask", discordfake.StringOpt("question", q))
		i.ID, i.Token, i.AppID = id, "itok-"+id, "1000000000000000001"
		i.Locale = discordgo.SpanishES
		body, err := json.Marshal(i)
		if err != nil {
			t.Fatal(err)
		}
		status, out := s.post(t, body, true)
		if status != http.StatusOK {
			t.Fatalf("/ask %q: %d %s", q, status, out)
		}
		return string(out)
	}
	if out := ask("4000000000000000001", farmsQuestion); !strings.Contains(out, "avocados") {
		t.Errorf("/ask %q: %s; want the fact about avocados", farmsQuestion, out)
	}
	if v := metric(t, s.base, "agreementbot_translations_total"); v < 4 {
		t.Errorf("agreementbot_translations_total = %v, want the facts and the question", v)
	}

	srv.Stop()
	if out := ask("4000000000000000002", "¿Dónde se reunieron los ministros?"); !strings.Contains(out, "Washington") {
		t.Errorf("/ask with the translation server stopped: %s; want the lexicon's answer", out)
	}
	if status, _ := get(t, s.base+"/readyz"); status != http.StatusOK {
		t.Errorf("GET /readyz with the translation server stopped: %d, want 200", status)
	}
	if v := metric(t, s.base, "agreementbot_translation_failures_total"); v < 1 {
		t.Errorf("agreementbot_translation_failures_total = %v, want the failure counted", v)
	}
	if n := strings.Count(s.logs.String(), "translation server not answering"); n != 1 {
		t.Errorf("%d log lines about the translation server, want 1:\n%s", n, s.logs.String())
	}
}

// TestIngestRefusedAsksNoTranslation checks that ingest refuses a store
// path that is not a store before it asks the translation server
// anything: a refused build translates nothing, however many facts.
func TestIngestRefusedAsksNoTranslation(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.Error(w, "not a translation server", http.StatusTeapot)
	}))
	defer srv.Close()
	dir, club, notes := clubSources(t)
	for _, db := range []string{notes, club} {
		code, _, errOut := runCLI(t, "", "ingest", "--sources", dir, "--db", db, "--translate", srv.URL)
		if code == 0 || !strings.Contains(errOut, "refusing to write the fact store") {
			t.Errorf("ingest --db %s: exit %d, stderr %q; want a refusal", db, code, errOut)
		}
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("the translation server was asked %d times by refused builds, want none", n)
	}
	unchangedFile(t, notes, "my own notes\n")
	unchangedFile(t, club, clubRules)
}

// TestIngestTranslatesThroughConfig checks that ingest given the bot's
// configuration translates through its translate.url, as the bot reading
// it would, unless --translate says otherwise.
func TestIngestTranslatesThroughConfig(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.Error(w, "not a translation server", http.StatusTeapot)
	}))
	defer srv.Close()
	t.Setenv(translateEnv, "")
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, cfg, "translate:\n  url: "+srv.URL+"\n")
	src := farmsSources(t)
	for _, tt := range []struct {
		name  string
		args  []string
		asked bool
	}{
		{"--translate empty", []string{"--translate", ""}, false},
		{"translate.url", nil, true},
	} {
		asked.Store(0)
		db := filepath.Join(t.TempDir(), "facts.db")
		args := append([]string{"ingest", "--sources", src, "--db", db, "--config", cfg}, tt.args...)
		if code, _, errOut := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.name, code, errOut)
		}
		if got := asked.Load() > 0; got != tt.asked {
			t.Errorf("%s: the translation server was asked: %v, want %v", tt.name, got, tt.asked)
		}
	}
}
