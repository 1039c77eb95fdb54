package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// TestRunThroughRESTProxy points discord.api_url at a reverse proxy in
// front of the fake Discord's REST API, as at a shared REST proxy
// (nirn-proxy): commands are registered and the answer sent through it.
func TestRunThroughRESTProxy(t *testing.T) {
	const token = "sekrit-token-value-1234"
	f := discordfake.New(discordfake.Options{Token: token, HeartbeatInterval: 500 * time.Millisecond})
	t.Cleanup(f.Close)
	target, _ := url.Parse(f.URL())
	var mu sync.Mutex
	var forwarded []string
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		forwarded = append(forwarded, r.Method+" "+r.URL.Path)
		mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	t.Setenv("DISCORD_TOKEN", token)
	t.Setenv("AGREEMENTBOT_API_URL", strings.Replace(f.APIURL(), f.URL(), proxy.URL, 1))
	t.Setenv("AGREEMENTBOT_GATEWAY_URL", f.GatewayURL())
	t.Setenv("AGREEMENTBOT_DB", t.TempDir()+"/facts.db")
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "")

	ctx, cancel := context.WithCancel(t.Context())
	var logs syncbuf.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"run"}, strings.NewReader(""), &logs, &logs) }()
	defer func() { cancel(); <-done }()

	wait, stop := context.WithTimeout(t.Context(), 20*time.Second)
	defer stop()
	if err := f.WaitFor(wait, func() bool { return len(f.Commands("")) > 0 }); err != nil {
		t.Fatalf("commands never registered: %v\n%s", err, logs.String())
	}
	i := discordfake.NewSlashInteraction(discordfake.InGuild("g1", "c1", discordfake.Member("u1", 0)), "ask",
		discordfake.StringOpt("question", "Where did the foreign ministers meet?"))
	if err := f.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WaitInteractionResponse(wait, i.ID); err != nil {
		t.Fatalf("no answer: %v\n%s", err, logs.String())
	}
	mu.Lock()
	got := strings.Join(forwarded, "\n")
	mu.Unlock()
	for _, want := range []string{"/commands", "/interactions/" + i.ID + "/"} {
		if !strings.Contains(got, want) {
			t.Errorf("the proxy forwarded no request to %q; it forwarded:\n%s", want, got)
		}
	}
}
