package main

// The first hour's data-loss traps (issue 13): no command writes a fact
// store over a file that is not one, nor over a source, and none writes
// anything before its settings are known to be complete.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const clubRules = "# Club rules\n\nMembers meet on Tuesdays at the library.\n"

// clubSources makes a sources directory holding club.md, and a notes.txt
// beside it; it returns their paths.
func clubSources(t *testing.T) (dir, club, notes string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "s")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	club, notes = filepath.Join(dir, "club.md"), filepath.Join(root, "notes.txt")
	writeFile(t, club, clubRules)
	writeFile(t, notes, "my own notes\n")
	return dir, club, notes
}

// unchangedFile fails the test when the file at path no longer holds want.
func unchangedFile(t *testing.T, path, want string) {
	t.Helper()
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Errorf("%s was changed (%v): now %d bytes", path, err, len(got))
	}
}

func TestIngestNeverOverwritesOtherFiles(t *testing.T) {
	dir, club, notes := clubSources(t)
	for _, tt := range []struct{ db, want string }{
		{club, "not a SQLite database"},
		{notes, "not a SQLite database"},
		{filepath.Join(dir, "new.md"), "would be read as a source"},
		{dir, "a directory"},
	} {
		code, _, errOut := runCLI(t, "", "ingest", "--sources", dir, "--db", tt.db)
		if code == 0 || !strings.Contains(errOut, tt.want) || !strings.Contains(errOut, tt.db) {
			t.Errorf("ingest --db %s: exit %d, stderr %q; want a refusal saying %q", tt.db, code, errOut, tt.want)
		}
	}
	unchangedFile(t, club, clubRules)
	unchangedFile(t, notes, "my own notes\n")
	if _, err := os.Stat(filepath.Join(dir, "new.md")); err == nil {
		t.Error("a refused store was written into the sources directory")
	}
}

// ask --db on a document explains, and offers no command that would
// write over it.
func TestAskOnADocumentOffersNothingDestructive(t *testing.T) {
	_, club, _ := clubSources(t)
	code, _, errOut := runCLI(t, "", "ask", "--db", club, "When do members meet?")
	if code == 0 || !strings.Contains(errOut, "not a SQLite database") {
		t.Errorf("exit %d, stderr %q; want it to say the file is not a store", code, errOut)
	}
	if strings.Contains(errOut, "--db "+club) {
		t.Errorf("it suggests a command that would write over the document: %s", errOut)
	}
	unchangedFile(t, club, clubRules)
}

// run and serve, given a document as their store, refuse to start and
// leave it alone, with or without a sources directory.
func TestBotsRefuseADocumentAsStore(t *testing.T) {
	dir, club, notes := clubSources(t)
	t.Setenv("DISCORD_TOKEN", "test-token")
	t.Setenv("AGREEMENTBOT_PUBLIC_KEY", strings.Repeat("ab", 32))
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", "1000000000000000001")
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("AGREEMENTBOT_REDIS_URL", "")
	for _, cmd := range []string{"run", "serve"} {
		for _, sources := range []string{dir, ""} {
			for _, db := range []string{club, notes} {
				t.Setenv("AGREEMENTBOT_SOURCES", sources)
				t.Setenv("AGREEMENTBOT_DB", db)
				code, _, errOut := runCLI(t, "", cmd)
				if code == 0 || !strings.Contains(errOut, "refusing to write the fact store over "+db) {
					t.Errorf("%s, sources %q, db %s: exit %d, stderr %q; want a refusal", cmd, sources, db, code, errOut)
				}
			}
		}
	}
	unchangedFile(t, club, clubRules)
	unchangedFile(t, notes, "my own notes\n")
}

// run without a token says so before writing anything: no store appears
// in the working directory (the default database, agreementbot.db).
func TestRunWithoutTokenWritesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("DISCORD_TOKEN", "")
	t.Setenv("AGREEMENTBOT_DB", "")
	t.Setenv("AGREEMENTBOT_SOURCES", "")
	code, _, errOut := runCLI(t, "", "run")
	if code == 0 || !strings.Contains(errOut, "DISCORD_TOKEN") {
		t.Errorf("exit %d, stderr %q; want it to ask for the token", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("run without a token wrote %s in the working directory", entries[0].Name())
	}
}

// ingest names each file of the sources directory it did not read, and
// why, and reads every documented extension.
func TestIngestNamesSkippedFiles(t *testing.T) {
	dir, _, _ := clubSources(t)
	writeFile(t, filepath.Join(dir, "photo.jpg"), "\xff\xd8\xff")
	writeFile(t, filepath.Join(dir, "more.markdown"), "Guests are welcome on the first Tuesday.\n")
	writeFile(t, filepath.Join(dir, "facts.yml"), "facts:\n  - text: The club was founded in 1990.\n")
	if err := os.Mkdir(filepath.Join(dir, "archive"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "ingest", "--sources", dir, "--db", filepath.Join(t.TempDir(), "club.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"skipped photo.jpg: not a source type", "skipped archive: a directory", "more.markdown", "facts.yml", "3 sources"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
