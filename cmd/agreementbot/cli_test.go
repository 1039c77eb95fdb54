package main

import (
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Flags may follow the other arguments, as people type them; "--" ends
// them; a flag still needs its value; a command that takes no other
// arguments refuses them rather than ignoring them.
func TestFlagsAnywhere(t *testing.T) {
	const q = "Who hosted the foreign ministers?"
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout, or in stderr when code is not 0
	}{
		{"flags after the question", []string{"ask", q, "--json", "--top", "1"}, 0, `"question":"` + q + `"`},
		{"flags around the question", []string{"ask", "--json", "Who", "hosted", "--top=1", "the", "foreign", "ministers?"}, 0, `"question":"` + q + `"`},
		{"-- ends the flags", []string{"ask", "--json", "--", "--top", "1"}, 0, `"question":"--top 1"`},
		{"a flag without its value", []string{"ask", q, "--top"}, 2, "flag needs an argument: -top"},
		{"an unknown flag after the question", []string{"ask", q, "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{"a question's word read as a flag says how to give it", []string{"ask", "is", "-5", "below", "zero?"}, 2, `put the question after "--": agreementbot ask [flags] -- QUESTION`},
		{"config's flag before check", []string{"config", "--config", "../../config.example.yaml", "check"}, 0, "# from ../../config.example.yaml"},
		{"config's flag after check", []string{"config", "check", "--config", "../../config.example.yaml"}, 0, "# from ../../config.example.yaml"},
		{"config without check", []string{"config", "--config", "../../config.example.yaml"}, 2, "the one config command is check"},
		{"an argument facts does not take", []string{"facts", "extra", "--json"}, 2, `unexpected argument "extra"`},
		{"an argument eval does not take", []string{"eval", "--file", "x.jsonl", "--verbose", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			got := out
			if tt.code != 0 {
				got = errOut
			}
			if code != tt.code || !strings.Contains(got, tt.want) {
				t.Errorf("%q: exit %d, want %d with %q in:\n%s%s", tt.args, code, tt.code, tt.want, out, errOut)
			}
		})
	}
}

func TestSplitFlags(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Bool("json", false, "")
	fs.Int("top", 3, "")
	tests := []struct {
		args, flags, rest []string
	}{
		{[]string{"a", "--json", "b"}, []string{"--json"}, []string{"a", "b"}},
		{[]string{"a", "--top", "2", "b"}, []string{"--top", "2"}, []string{"a", "b"}},
		{[]string{"a", "-top=2", "--json=false"}, []string{"-top=2", "--json=false"}, []string{"a"}},
		{[]string{"--top", "--json"}, []string{"--top", "--json"}, nil}, // --top takes the next argument, as flag does
		{[]string{"a", "--top"}, []string{"--top"}, []string{"a"}},
		{[]string{"-", "--", "--json", "--"}, nil, []string{"-", "--json", "--"}},
		{[]string{"--unknown", "a"}, []string{"--unknown"}, []string{"a"}},
	}
	for _, tt := range tests {
		flags, rest := splitFlags(fs, tt.args)
		if !slices.Equal(flags, tt.flags) || !slices.Equal(rest, tt.rest) {
			t.Errorf("splitFlags(%q) = %q, %q; want %q, %q", tt.args, flags, rest, tt.flags, tt.rest)
		}
	}
}

// Every command's help exits 0 and its usage line names every flag it
// lists; the commands' summaries line up.
func TestHelp(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, c := range commands() {
		for _, args := range [][]string{{c.name, "-h"}, {c.name, "--help"}, {"help", c.name}} {
			code, _, errOut := runCLI(t, "", args...)
			usage, _, _ := strings.Cut(errOut, "\n")
			if code != 0 || !strings.HasPrefix(usage, "Usage: agreementbot "+c.name) {
				t.Errorf("%q: exit %d, want 0 and its usage:\n%s", args, code, errOut)
				continue
			}
			for _, m := range flagLine.FindAllStringSubmatch(errOut, -1) {
				if !strings.Contains(usage, "--"+m[1]) {
					t.Errorf("%q: the usage line lacks --%s: %s", args, m[1], usage)
				}
			}
		}
	}
	if _, _, errOut := runCLI(t, "", "ask", "-h"); !strings.Contains(errOut, "Exit status") || !strings.Contains(errOut, "refused") {
		t.Errorf("ask -h does not say what the exit status means when questions are refused:\n%s", errOut)
	}

	code, _, errOut := runCLI(t, "", "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	columns := map[int]bool{}
	for _, c := range commands() {
		i := strings.Index(errOut, "  "+c.name+" ")
		if i < 0 {
			t.Fatalf("help lacks %s:\n%s", c.name, errOut)
		}
		line := errOut[i:]
		line, _, _ = strings.Cut(line, "\n")
		columns[strings.Index(line, c.summary)] = true
	}
	if len(columns) != 1 {
		t.Errorf("the summaries start at %d different columns:\n%s", len(columns), errOut)
	}
}

// A terminal is a character device; a pipe, a file and the null device
// (a character device too) are not.
func TestIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.CreateTemp(t.TempDir(), "in")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, f := range []*os.File{r, null, file} {
		if isTerminal(f) {
			t.Errorf("%s is taken for a terminal", f.Name())
		}
	}
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to check against: %v", err)
	}
	defer pty.Close()
	if !isTerminal(pty) {
		t.Error("a pseudo-terminal is not taken for a terminal")
	}
}
