package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ingest counts in words: one source, not "1 sources".
func TestIngestCountsInWords(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "sources")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "notes.md"), []byte("# Notes\n\nThe harvest festival drew large crowds.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "ingest", "--sources", src, "--db", filepath.Join(dir, "facts.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{" 1 fact\n", ": 1 source, 1 fact, 1 paragraph ("} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
