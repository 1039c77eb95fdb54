package discord

// Fault tests of the HTTP endpoint as Serve runs it, on a real listener
// with its real http.Server: clients too slow or stalled are disconnected
// within the server's timeouts, bodies and headers over the bounds are
// refused, and nothing is left running afterwards.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Bounds of the slow-client test, short so that it runs in about a
// second; slack is how much later than its timeout a connection may be
// closed on a busy machine.
const (
	slowHeaderTimeout = 300 * time.Millisecond
	slowReadTimeout   = 700 * time.Millisecond
	slowIdleTimeout   = 700 * time.Millisecond
	slowSlack         = 3 * time.Second
)

// TestEndpointServerTimeouts checks the bounds Serve's http.Server is
// given by default, and that options change them.
func TestEndpointServerTimeouts(t *testing.T) {
	srv := newHTTPEnv(t, nil).e.server(t.Context())
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.ReadTimeout != DefaultReadTimeout ||
		srv.IdleTimeout != DefaultIdleTimeout || srv.WriteTimeout <= DefaultHTTPDeferAfter || srv.MaxHeaderBytes != 64<<10 {
		t.Errorf("default server: header %s, read %s, write %s, idle %s, max header %d", srv.ReadHeaderTimeout,
			srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	if DefaultReadHeaderTimeout <= 0 || DefaultReadTimeout < DefaultReadHeaderTimeout || DefaultIdleTimeout <= 0 {
		t.Errorf("defaults: header %s, read %s, idle %s", DefaultReadHeaderTimeout, DefaultReadTimeout, DefaultIdleTimeout)
	}
	srv = slowEnv(t).e.server(t.Context())
	if srv.ReadHeaderTimeout != slowHeaderTimeout || srv.ReadTimeout != slowReadTimeout || srv.IdleTimeout != slowIdleTimeout {
		t.Errorf("options not applied: header %s, read %s, idle %s", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout)
	}
}

// slowEnv is an endpoint with the slow-client test's short timeouts and a
// small body bound.
func slowEnv(t *testing.T) *httpEnv {
	return newHTTPEnv(t, func(o *EndpointOptions, _ *gatedLibrary) {
		o.ReadHeaderTimeout, o.ReadTimeout, o.IdleTimeout = slowHeaderTimeout, slowReadTimeout, slowIdleTimeout
		o.MaxBody = 8 << 10
		o.Now = time.Now // the raw clients sign with the real clock
	})
}

// slowClient is one misbehaving client: it talks to the server over conn
// in its own way (run), and the server must have closed the connection
// within limit of the dial; status is the response it must get first, if
// any (0: none expected, or any).
type slowClient struct {
	name   string
	limit  time.Duration
	status int
	run    func(ctx context.Context, conn net.Conn)
}

// TestHTTPSlowClients runs Serve with short timeouts and sends it clients
// that send their headers or body byte by byte, stall half-way, send
// nothing, stay idle after a request, or send headers or a body over the
// bounds. Each connection must be closed by the server within its
// timeout (with generous slack), the bounded ones answered 431 or 413,
// the handlers never reached; a slow client within the bounds is still
// answered; and once they are gone, and again once Serve has returned,
// the goroutines are back to what they were.
func TestHTTPSlowClients(t *testing.T) {
	env := slowEnv(t)
	before := runtime.NumGoroutine()
	addr, cancel, served := serveLoopback(t, env.e)
	defer cancel()
	if got := rawRequest(t, addr, "GET "+ReadyPath+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); got != http.StatusOK {
		t.Fatalf("GET /readyz: %d", got)
	}
	// Serving adds two: Serve, and the http.Server's accept loop.
	serving := settledGoroutines(before + 2)
	calls := env.lib.calls.Load() // /readyz asks the library

	ping := []byte(`{"type":1}`)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	signed := fmt.Sprintf("X-Signature-Ed25519: %s\r\nX-Signature-Timestamp: %s\r\n", env.sig.signature(ts, ping), ts)
	post := func(length int64, extra string) string {
		return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s%s\r\n",
			InteractionsPath, length, signed, extra)
	}
	clients := []slowClient{
		{name: "sends nothing", limit: slowHeaderTimeout, run: func(ctx context.Context, _ net.Conn) { <-ctx.Done() }},
		{name: "headers byte by byte", limit: slowHeaderTimeout, run: func(ctx context.Context, c net.Conn) {
			trickle(ctx, c, post(int64(len(ping)), "")+string(ping), 50*time.Millisecond)
		}},
		{name: "body byte by byte", limit: slowReadTimeout, run: func(ctx context.Context, c net.Conn) {
			io.WriteString(c, post(1000, ""))
			trickle(ctx, c, strings.Repeat(" ", 1000), 50*time.Millisecond)
		}},
		{name: "body never finished", limit: slowReadTimeout, run: func(ctx context.Context, c net.Conn) {
			io.WriteString(c, post(100, "")+`{"type":`)
			<-ctx.Done()
		}},
		{name: "idle after a request", limit: slowIdleTimeout + slowReadTimeout, status: http.StatusOK, run: func(ctx context.Context, c net.Conn) {
			io.WriteString(c, "GET "+HealthPath+" HTTP/1.1\r\nHost: x\r\n\r\n")
			<-ctx.Done()
		}},
		{name: "body over the bound", limit: slowReadTimeout, status: http.StatusRequestEntityTooLarge, run: func(ctx context.Context, c net.Conn) {
			io.WriteString(c, post(64<<20, ""))
			chunk := bytes.Repeat([]byte("x"), 32<<10)
			for ctx.Err() == nil {
				if _, err := c.Write(chunk); err != nil {
					return // the server stopped reading
				}
			}
		}},
		{name: "headers over the bound", limit: slowReadTimeout, status: http.StatusRequestHeaderFieldsTooLarge, run: func(ctx context.Context, c net.Conn) {
			io.WriteString(c, post(int64(len(ping)), "X-Padding: "+strings.Repeat("x", 128<<10)+"\r\n")+string(ping))
			<-ctx.Done()
		}},
		{name: "slow but within the bounds", limit: slowReadTimeout, status: http.StatusOK, run: func(ctx context.Context, c net.Conn) {
			req := post(int64(len(ping)), "Connection: close\r\n") + string(ping)
			for _, part := range []string{req[:20], req[20 : len(req)-5], req[len(req)-5:]} { // well within the bounds
				io.WriteString(c, part)
				time.Sleep(50 * time.Millisecond)
			}
			<-ctx.Done()
		}},
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			if err := c.check(t.Context(), addr); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		})
	}
	wg.Wait()
	if n := env.lib.calls.Load() - calls; n != 0 {
		t.Errorf("the handlers ran %d times for clients that never sent an interaction", n)
	}
	if n := settledGoroutines(serving); n > serving {
		t.Errorf("%d goroutines after the slow clients were disconnected, %d before they came", n, serving)
	}

	cancel()
	waitServed(t, served)
	if n := settledGoroutines(before); n > before {
		t.Errorf("%d goroutines after Serve returned, %d before it started", n, before)
	}
}

// check dials addr, runs the client, and reports whether the server
// answered as expected and closed the connection within c.limit plus
// slack.
func (c slowClient) check(ctx context.Context, addr string) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	start := time.Now()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go c.run(ctx, conn)
	conn.SetReadDeadline(start.Add(c.limit + slowSlack))
	r := bufio.NewReader(conn)
	if c.status != 0 {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			return fmt.Errorf("no response: %w", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			return fmt.Errorf("status %d, want %d", resp.StatusCode, c.status)
		}
	}
	_, err = io.Copy(io.Discard, r) // whatever else the server says, until it closes
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("the connection was still open after %s (limit %s)", time.Since(start).Round(time.Millisecond), c.limit)
	case err != nil && !isConnReset(err):
		return fmt.Errorf("reading: %w", err)
	}
	return nil
}

// isConnReset reports whether err is the connection being reset, which is
// how a server closing with unread data behind it shows.
func isConnReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset by peer")
}

// trickle writes s to c a byte at a time, every, until it is all written,
// the write fails or ctx ends.
func trickle(ctx context.Context, c net.Conn, s string, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for i := range len(s) {
		if _, err := c.Write([]byte{s[i]}); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
	<-ctx.Done()
}

// rawRequest sends req over a new connection to addr and returns the
// response's status.
func rawRequest(t *testing.T, addr, req string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(httpWait))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// settledGoroutines waits, at most a few seconds, for the goroutine count
// to fall to want or below, and returns it.
func settledGoroutines(want int) int {
	deadline := time.Now().Add(5 * time.Second)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}
