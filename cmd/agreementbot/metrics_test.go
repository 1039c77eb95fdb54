package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// metricValue finds the sample of the series name{labels} in a Prometheus
// text exposition: labels are name, value pairs, and must be all the
// series has.
func metricValue(text, name string, labels ...string) (float64, bool) {
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, line := range strings.Split(text, "\n") {
		series, value, ok := cutLast(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		n, rest, _ := strings.Cut(series, "{")
		if n != name || !sameLabels(strings.TrimSuffix(rest, "}"), want) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		return v, err == nil
	}
	return 0, false
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// sameLabels reports whether `a="x",b="y"` is exactly want.
func sameLabels(list string, want map[string]string) bool {
	got := map[string]string{}
	for _, pair := range strings.Split(list, ",") {
		if k, v, ok := strings.Cut(pair, "="); ok {
			got[k] = strings.Trim(v, `"`)
		}
	}
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// metric scrapes base's /metrics for one series, failing the test when
// the series is missing.
func metric(t *testing.T, base, name string, labels ...string) float64 {
	t.Helper()
	status, text := get(t, base+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", status, text)
	}
	v, ok := metricValue(text, name, labels...)
	if !ok {
		t.Fatalf("/metrics lacks %s%v:\n%s", name, labels, text)
	}
	return v
}

// answeredSlash are the labels of the /ask questions answered.
func answeredSlash(transport string) []string {
	return []string{"entry", "slash", "outcome", "answered", "transport", transport}
}

// With http.addr set (here in the environment), run serves /metrics,
// /healthz and /readyz beside the gateway: ready once connected, the
// question counter moving with a question asked over the gateway, and the
// reload counter with a SIGHUP.
func TestRunServesMetricsWhenHTTPAddrSet(t *testing.T) {
	const token = "sekrit-token-metrics-42"
	f := fakeDiscordEnv(t, token)
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "127.0.0.1:0")

	r := startRun(t)
	base := r.statusBase(t)
	r.await(t, "that it registered the commands", func(logs string) bool { return strings.Contains(logs, "registered commands") })
	if status, _ := get(t, base+"/readyz"); status != http.StatusOK {
		t.Errorf("GET /readyz once connected: %d", status)
	}
	if status, _ := get(t, base+"/healthz"); status != http.StatusOK {
		t.Errorf("GET /healthz: %d", status)
	}
	if v := metric(t, base, "agreementbot_questions_total", answeredSlash("gateway")...); v != 0 {
		t.Errorf("questions answered before any was asked: %v", v)
	}
	if v := metric(t, base, "agreementbot_gateway_connected", "shard", "0"); v != 1 {
		t.Errorf(`agreementbot_gateway_connected{shard="0"} = %v, want 1`, v)
	}
	if v := metric(t, base, "agreementbot_facts_loaded"); v < 20 {
		t.Errorf("agreementbot_facts_loaded = %v, want the article's facts", v)
	}

	i := discordfake.NewSlashInteraction(discordfake.InGuild("g1", "c1", discordfake.Member("u1", 0)), "ask",
		discordfake.StringOpt("question", "Where did the foreign ministers meet?"))
	if err := f.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	wait, stop := context.WithTimeout(t.Context(), 20*time.Second)
	defer stop()
	if _, err := f.WaitInteractionResponse(wait, i.ID); err != nil {
		t.Fatalf("no answer: %v\n%s", err, r.logs.String())
	}
	if v := metric(t, base, "agreementbot_questions_total", answeredSlash("gateway")...); v != 1 {
		t.Errorf("questions answered after one /ask = %v, want 1", v)
	}
	if v := metric(t, base, "agreementbot_answer_duration_seconds_count", "entry", "slash"); v != 1 {
		t.Errorf("answers timed after one /ask = %v, want 1", v)
	}
	// SIGHUP reloads (run has been watching for it since before it said
	// where it serves), counted by its trigger before it is logged.
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	r.await(t, "the reload on SIGHUP", func(logs string) bool { return strings.Contains(logs, "trigger=SIGHUP") })
	if v := metric(t, base, "agreementbot_reloads_total", "trigger", "signal"); v != 1 {
		t.Errorf("reloads by signal after SIGHUP: %v, want 1", v)
	}

	r.stop(t)
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the status server still answers after run returned")
	}
}

// An http.addr run cannot listen on fails run at start, naming the
// setting and where it was set.
func TestRunHTTPAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("DISCORD_TOKEN", "some-token")
	t.Setenv("AGREEMENTBOT_DB", t.TempDir()+"/facts.db")
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", ln.Addr().String())
	code, _, errOut := runCLI(t, "", "run")
	if code == 0 || !strings.Contains(errOut, "http.addr (from AGREEMENTBOT_HTTP_ADDR)") {
		t.Errorf("exit %d, stderr %q; want a failure naming http.addr and AGREEMENTBOT_HTTP_ADDR", code, errOut)
	}
}
