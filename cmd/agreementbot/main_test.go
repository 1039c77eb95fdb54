package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns its exit code and
// output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAskText(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "Where did the ministers meet?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"1. ", "Washington", "paragraph", "2024-02-28", "Confidence "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestAskAbstainsPlainly(t *testing.T) {
	code, out, _ := runCLI(t, "", "ask", "Who wrote Hamlet?")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "I don't know") || !strings.Contains(out, "Did you mean") {
		t.Errorf("abstention not plain:\n%s", out)
	}
}

func TestAskJSONBatch(t *testing.T) {
	in := "Where did the ministers meet?\n\nWho wrote Hamlet?\n   \n\x00\x01\n"
	code, out, errOut := runCLI(t, in, "ask", "--json", "--top", "2")
	if code != exitRefused { // the line of control characters
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3 (blank lines skipped):\n%s", len(lines), out)
	}
	var answers []jsonAnswer
	for _, l := range lines {
		var a jsonAnswer
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		answers = append(answers, a)
	}
	if a := answers[0]; !a.Answered || len(a.Facts) == 0 || len(a.Facts) > 2 || a.Facts[0].Citation.Paragraph == 0 {
		t.Errorf("first answer = %+v", a)
	}
	if a := answers[1]; a.Answered || len(a.Facts) != 0 || len(a.Suggestions) == 0 {
		t.Errorf("off-topic answer = %+v", a)
	}
	if a := answers[2]; a.Error == "" {
		t.Errorf("control characters only: want an error, got %+v", a)
	}
	// Facts is [] not null when abstaining, as documented.
	if !strings.Contains(lines[1], `"facts":[]`) {
		t.Errorf("abstention should carry an empty facts list: %s", lines[1])
	}
}

func TestFactsJSON(t *testing.T) {
	code, out, _ := runCLI(t, "", "facts", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			ID       string
			Text     string
			Citation struct{ Paragraph int }
		}
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		if f.ID == "" || f.Text == "" || f.Citation.Paragraph == 0 {
			t.Errorf("incomplete fact %s", l)
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d facts", n)
	}
}

func TestIngestAndAskFromStore(t *testing.T) {
	dir := t.TempDir()
	sources := filepath.Join(dir, "sources")
	os.Mkdir(sources, 0o755)
	raw, err := os.ReadFile("../../knowledge/source/default/sources/trilateral-migration-2024-02-28.txt")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(sources, "article.txt"), raw, 0o644)
	db := filepath.Join(dir, "facts.db")

	code, out, errOut := runCLI(t, "", "ingest", "--sources", sources, "--db", db)
	if code != 0 {
		t.Fatalf("ingest exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "1 source,") || !strings.Contains(out, "facts") {
		t.Errorf("ingest output: %s", out)
	}
	code, out, errOut = runCLI(t, "", "ask", "--db", db, "Who hosted the foreign ministers?")
	if code != 0 || !strings.Contains(out, "Blinken") {
		t.Fatalf("ask --db exit %d: %s%s", code, out, errOut)
	}

	// A broken source: ingest fails naming file and line; the store stays.
	before, _ := os.ReadFile(db)
	os.WriteFile(filepath.Join(sources, "broken.md"), []byte("---\ntitle: [unclosed\n---\nText.\n"), 0o644)
	code, _, errOut = runCLI(t, "", "ingest", "--sources", sources, "--db", db)
	if code == 0 {
		t.Fatal("ingest of a broken source succeeded")
	}
	if !strings.Contains(errOut, "broken.md:") || !strings.Contains(errOut, "not changed") {
		t.Errorf("error should name the file and line and say the store is unchanged: %s", errOut)
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(before, after) {
		t.Error("failed ingest changed the store")
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"ask", "--top", "0", "x"}, 1, "--top"},
		{[]string{"ask", "--sources", "x", "--db", "y", "q"}, 1, "not both"},
		{[]string{"ask", "--db", "/nonexistent/facts.db", "q"}, 1, "agreementbot ingest"},
		{[]string{"ingest", "--sources", "x"}, 2, "required"},
		{[]string{"ask", "--bogus"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d containing %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

func TestEval(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"top-1 hit rate", "top-3 hit rate", "false abstentions", "abstained"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q", want)
		}
	}
}

// An admin's Spanish source, ingested beside an English one, answers an
// English question through the lexicon, quoted in Spanish as it was
// written; and a Spanish question finds the English fact.
func TestAskAcrossLanguagesFromAStore(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "sources")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"notas.md": "# Notas\n\nLos cancilleres de los tres países acordaron reunirse de nuevo en la Ciudad de Guatemala en junio.\n\n" +
			"Las lluvias del verano dañaron varias carreteras del sur del país.\n",
		"notes.md": "# Notes\n\nThe harvest festival drew large crowds to the capital's main square.\n",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "facts.db")
	if code, _, errOut := runCLI(t, "", "ingest", "--sources", src, "--db", db); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	for q, want := range map[string]string{
		"Where will the foreign ministers meet again?": "acordaron reunirse de nuevo",
		"¿Qué atrajo el festival de la cosecha?":       "harvest festival drew large crowds",
	} {
		code, out, errOut := runCLI(t, "", "ask", "--db", db, "--json", q)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", q, code, errOut)
		}
		var a jsonAnswer
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("%q: %v\n%s", q, err, out)
		}
		if len(a.Facts) == 0 || !strings.Contains(a.Facts[0].Text, want) {
			t.Errorf("%q: first fact %+v, want the one saying %q", q, a.Facts, want)
		}
	}
}
