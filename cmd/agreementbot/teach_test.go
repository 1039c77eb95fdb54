package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// teach, end to end: the question goes into the sources' taught.yaml and
// the store, and is answered by the fact from both; what cannot be
// taught is refused with why, and a mistake on the command line says how
// to use it.
func TestTeach(t *testing.T) {
	dir := t.TempDir()
	src, db := filepath.Join(dir, "club"), filepath.Join(dir, "club.db")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	const notes = "---\ntitle: Club notes\n---\nMembers pay their dues in January. The club meets every Tuesday at 7 pm.\n"
	if err := os.WriteFile(filepath.Join(src, "notes.md"), []byte(notes), 0o644); err != nil {
		t.Fatal(err)
	}
	const q = "Is there a weekly gathering?"
	id := knowledge.FactID("notes", "The club meets every Tuesday at 7 pm.", 0)
	before, _ := askJSON(t, q, "--sources", src)

	code, out, errOut := runCLI(t, "", "teach", q, "--db", db, id, "--sources", src)
	if code != 0 {
		t.Fatalf("teach: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`taught "` + q + `" to ` + id + " (Club notes · paragraph 1, sentence 2):\n  The club meets every Tuesday at 7 pm.\n",
		"reloaded: 1 source, 2 facts, written to " + db + "\n",
		"now answered by this fact, first",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("teach's output lacks %q:\n%s", want, out)
		}
	}
	raw, err := os.ReadFile(filepath.Join(src, source.TaughtFile))
	if err != nil || !strings.Contains(string(raw), "- "+q+"\n") {
		t.Errorf("taught.yaml (%v):\n%s\nwant the question in it", err, raw)
	}
	for _, from := range [][]string{{"--db", db}, {"--sources", src}} {
		after, _ := askJSON(t, q, from...)
		if !after.Answered || after.Facts[0].ID != id || after.Confidence <= before.Confidence {
			t.Errorf("ask %s after teaching: %+v, want %s first, more confident than before (%.3f)", from, after, id, before.Confidence)
		}
	}

	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"taught already", []string{"teach", "--sources", src, "is there a WEEKLY gathering?", id}, 1, "the question is taught already"},
		{"unknown fact", []string{"teach", "--sources", src, q, "f00000000000"}, 1, `no fact of the sources directory has that id: "f00000000000"`},
		{"no sources", []string{"teach", q, id}, 2, "--sources is required"},
		{"no fact id", []string{"teach", "--sources", src, q}, 2, "want a question and the id of the fact"},
		{"sources not a directory", []string{"teach", "--sources", filepath.Join(src, "notes.md"), q, id}, 1, "is not a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, want %d with %q in:\n%s", code, tt.code, tt.want, errOut)
			}
		})
	}
	if after, _ := os.ReadFile(filepath.Join(src, source.TaughtFile)); string(after) != string(raw) {
		t.Errorf("a refused teach changed taught.yaml:\n%s", after)
	}
}

// ingest builds a store though a taught question's fact is gone, and says
// so with the entry's line.
func TestIngestWarnsOfGoneTaughtFact(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "club")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"notes.md": "Members pay their dues in January.\n",
		source.TaughtFile: "taught:\n  - fact: f0b762598b77\n    source: notes.md\n" +
			"    text: The club meets every Tuesday at 7 pm.\n    questions: [\"Is there a weekly gathering?\"]\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, "", "ingest", "--sources", src, "--db", filepath.Join(dir, "club.db"))
	if code != 0 || !strings.Contains(out, "warning taught.yaml:2: the fact it was taught for is gone (f0b762598b77") {
		t.Errorf("exit %d, want 0 and the gone fact named:\n%s%s", code, out, errOut)
	}
}
