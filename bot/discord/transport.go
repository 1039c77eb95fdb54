package discord

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// endpointTransport routes discordgo's REST calls to a configured API base
// URL (a proxy in production, the fake in tests) and, when a gateway URL is
// configured, answers discordgo's gateway discovery (GET gateway) with it. discordgo
// builds its endpoints from package variables at init; rewriting requests
// per session is the way to point one session elsewhere without changing
// them for every session in the process.
type endpointTransport struct {
	next    http.RoundTripper
	from    string   // discordgo's own API base
	to      *url.URL // where REST calls go instead; nil: unchanged
	gateway string   // gateway URL to report; empty: ask the API
}

func newEndpointTransport(next http.RoundTripper, apiURL, gatewayURL string) (*endpointTransport, error) {
	if next == nil {
		next = http.DefaultTransport
	}
	t := &endpointTransport{next: next, from: discordgo.EndpointAPI, gateway: gatewayURL}
	if apiURL != "" && apiURL != discordgo.EndpointAPI {
		u, err := url.Parse(apiURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("discord.api_url %q is not an http(s) URL", apiURL)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		t.to = u
	}
	if gatewayURL != "" {
		u, err := url.Parse(gatewayURL)
		if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
			return nil, fmt.Errorf("discord.gateway_url %q is not a ws(s) URL", gatewayURL)
		}
	}
	return t, nil
}

// RoundTrip implements http.RoundTripper.
func (t *endpointTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	full := req.URL.String()
	rest, isAPI := strings.CutPrefix(full, t.from)
	if !isAPI {
		return t.next.RoundTrip(req)
	}
	path, _, _ := strings.Cut(rest, "?")
	// GET gateway/bot goes to the API even so: the bot asks it for the
	// shards to run, not for the URL (discordgo's Open asks GET gateway).
	if t.gateway != "" && req.Method == http.MethodGet && path == "gateway" {
		body, _ := json.Marshal(map[string]any{"url": t.gateway})
		return &http.Response{
			StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:  http.Header{"Content-Type": {"application/json"}},
			Body:    io.NopCloser(strings.NewReader(string(body))),
			Request: req, ContentLength: int64(len(body)),
		}, nil
	}
	if t.to == nil {
		return t.next.RoundTrip(req)
	}
	u, err := url.Parse(t.to.String() + rest)
	if err != nil {
		return nil, fmt.Errorf("rewrite %s: %w", path, err)
	}
	r2 := req.Clone(req.Context())
	r2.URL = u
	r2.Host = u.Host
	return t.next.RoundTrip(r2)
}
