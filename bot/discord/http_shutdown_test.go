package discord

// Serve's shutdown as a rolling restart sees it: not ready but still
// answering for the shutdown delay, then closed to new connections while
// the requests in progress are answered.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowRequest is a signed POST of an interaction whose body has only
// half arrived: the endpoint is reading it.
type slowRequest struct {
	conn net.Conn
	r    *bufio.Reader
	rest []byte // the body still to send
}

// askBody is the body of a signed /ask of q, as Discord sends it.
func askBody(t *testing.T, q string) []byte {
	t.Helper()
	i := httpAsk(httpMember(), q)
	fill(i)
	body, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// startSlowRequest sends the headers of a signed POST of body to addr
// and half the body, and returns once the endpoint has started reading
// the body (it asks for it with a 100 Continue).
func (env *httpEnv) startSlowRequest(t *testing.T, addr string, body []byte) *slowRequest {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(httpWait))
	var head bytes.Buffer
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n", InteractionsPath, addr, len(body))
	for k, v := range env.signed(body) {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v[0])
	}
	head.WriteString("\r\n")
	if _, err := conn.Write(head.Bytes()); err != nil {
		t.Fatal(err)
	}
	s := &slowRequest{conn: conn, r: bufio.NewReader(conn), rest: body[len(body)/2:]}
	if resp, err := http.ReadResponse(s.r, nil); err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("waiting for the endpoint to read the body: %v %v", resp, err)
	}
	if _, err := conn.Write(body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	return s
}

// finish sends the rest of the body and returns the response.
func (s *slowRequest) finish(t *testing.T) (*http.Response, httpResponse) {
	t.Helper()
	if _, err := s.conn.Write(s.rest); err != nil {
		t.Fatalf("sending the rest of the body: %v", err)
	}
	resp, err := http.ReadResponse(s.r, nil)
	if err != nil {
		t.Fatalf("no response to the slow request: %v", err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("slow request: status %d: %s", resp.StatusCode, out)
	}
	return resp, decodeResponse(t, out)
}

// awaitLog waits for the endpoint to log text.
func (env *httpEnv) awaitLog(t *testing.T, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), httpWait)
	defer cancel()
	if _, err := env.log.AwaitText(ctx, text, 1); err != nil {
		t.Fatalf("the endpoint never logged %q: %v", text, err)
	}
}

// TestHTTPShutdown stops Serve with and without a shutdown delay while a
// request's body is still arriving. With a delay, /readyz answers 503 at
// once while interactions are still answered (each response closing its
// connection, so the client's next one goes elsewhere), until the delay
// ends. Either way the request whose body was arriving is answered, not
// refused, and logged with its user, and then Serve returns.
func TestHTTPShutdown(t *testing.T) {
	for _, delay := range []time.Duration{0, time.Hour} {
		t.Run(fmt.Sprint("delay ", delay), func(t *testing.T) {
			env := newHTTPEnv(t, func(o *EndpointOptions, _ *gatedLibrary) { o.ShutdownDelay = delay })
			delayed, endDelay := make(chan time.Duration, 1), make(chan time.Time)
			env.e.after = func(d time.Duration) <-chan time.Time { delayed <- d; return endDelay }
			addr, cancel, served := serveLoopback(t, env.e)
			defer cancel()
			base := "http://" + addr
			if status := getStatus(t, base+ReadyPath); status != http.StatusOK {
				t.Fatalf("GET /readyz while serving: %d", status)
			}
			slow := env.startSlowRequest(t, addr, askBody(t, "Where did the foreign ministers meet?"))

			cancel()
			if delay > 0 {
				select {
				case d := <-delayed:
					if d != delay {
						t.Errorf("shutdown delayed by %v, want %v", d, delay)
					}
				case <-time.After(httpWait):
					t.Fatal("the shutdown was not delayed")
				}
				env.awaitLog(t, "still answering")
				checkStillAnswering(t, env, base)
				close(endDelay)
				env.awaitLog(t, "closed to new connections")
			} else {
				env.awaitLog(t, "shutting down")
			}
			resp, r := slow.finish(t)
			if !strings.Contains(r.firstField(t), "Washington") {
				t.Errorf("the request whose body arrived during the shutdown was not answered: %+v", r.Data)
			}
			if !resp.Close {
				t.Error("a response during the shutdown keeps its connection open")
			}
			waitServed(t, served)
			if !strings.Contains(env.log.String(), "msg=question id=") || !strings.Contains(env.log.String(), "user="+httpUser) {
				t.Errorf("the question is not logged with its user:\n%s", env.log.String())
			}
		})
	}
}

// checkStillAnswering checks, during the shutdown delay, that /readyz
// answers 503 and an interaction is answered, on a new connection.
func checkStillAnswering(t *testing.T, env *httpEnv, base string) {
	t.Helper()
	if status := getStatus(t, base+ReadyPath); status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz during the shutdown delay: %d, want 503", status)
	}
	body := askBody(t, "Where did the foreign ministers meet?")
	req, _ := http.NewRequest(http.MethodPost, base+InteractionsPath, bytes.NewReader(body))
	req.Header = env.signed(body)
	resp, err := newClient(t).Do(req)
	if err != nil {
		t.Fatalf("an interaction during the shutdown delay: %v", err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if r := decodeResponse(t, out); resp.StatusCode != http.StatusOK || !strings.Contains(r.firstField(t), "Washington") {
		t.Errorf("an interaction during the shutdown delay: %d %s", resp.StatusCode, out)
	}
	if !resp.Close {
		t.Error("a response during the shutdown delay keeps its connection open")
	}
}

// getStatus GETs url on a new connection and returns the status.
func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := newClient(t).Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// newClient is an HTTP client with connections of its own (kept alive
// unless the server says otherwise), closed when the test ends.
func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: httpWait}
}
