package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// eval with no flags reports each dev set apart, with the figures eval
// gives for that set's file alone.
func TestEvalReportsEachDevSetApart(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(out, "\n\n") {
		name, body, _ := strings.Cut(part, ":\n")
		sections[name] = strings.TrimSuffix(body, "\n") + "\n"
	}
	for _, name := range devSets {
		_, alone, errOut := runCLI(t, "", "eval", "--file", filepath.Join("..", "..", "knowledge", "evaluation", "testdata", name))
		if alone == "" {
			t.Fatalf("eval --file %s: %s", name, errOut)
		}
		if sections[name] != alone {
			t.Errorf("eval's report of %s:\n%s\nwant what eval --file gives:\n%s", name, sections[name], alone)
		}
	}
}
