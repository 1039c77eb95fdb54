package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `agreementbot loadtest`, small, against serve's own stack: a JSON
// report of a complete run in which every request got the reply
// expected. (No timing is asserted: the machine is shared.)
func TestLoadtestCommand(t *testing.T) {
	questions := filepath.Join(t.TempDir(), "questions.txt")
	if err := os.WriteFile(questions, []byte("# two questions\nWhere did the foreign ministers meet?\n[es-ES] ¿Dónde se reunieron los cancilleres?\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "loadtest", "--clients", "4", "--requests", "80", "--rounds", "2",
		"--duration", "60s", "--questions", questions, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Complete  bool `json:"complete"`
		Questions int  `json:"questions"`
		Serve     struct {
			Requests int `json:"requests"`
			Errors   struct {
				First string `json:"first"`
			} `json:"errors"`
			Rounds []json.RawMessage `json:"rounds"`
		} `json:"serve"`
		Bare struct {
			Requests int `json:"requests"`
		} `json:"bare"`
		Ratio   float64 `json:"ratio"`
		Verdict struct {
			Errors bool `json:"errors"`
		} `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if !rep.Complete || !rep.Verdict.Errors || rep.Serve.Requests != 80 || rep.Bare.Requests != 80 ||
		len(rep.Serve.Rounds) != 2 || rep.Questions != 2 || rep.Ratio <= 0 {
		t.Errorf("want a complete run of 80 requests to each endpoint in 2 rounds without errors (first error %q):\n%s",
			rep.Serve.Errors.First, out)
	}
	if !strings.Contains(errOut, "msg=round") {
		t.Errorf("no progress on stderr:\n%s", errOut)
	}
}

// The load test refuses to listen anywhere but on loopback, and says why.
func TestLoadtestRefusesNonLoopback(t *testing.T) {
	for _, host := range []string{"0.0.0.0", "192.168.1.10", "example.org"} {
		code, out, errOut := runCLI(t, "", "loadtest", "--host", host, "--requests", "10")
		if code != 2 || !strings.Contains(errOut, "not a loopback address") || out != "" {
			t.Errorf("--host %s: exit %d, stdout %q, stderr %q; want it refused (2)", host, code, out, errOut)
		}
	}
}
