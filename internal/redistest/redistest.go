package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// startWait bounds the wait for a redis-server to say it is ready.
const startWait = 10 * time.Second

// Server is a redis-server started for one test.
type Server struct {
	// URL is where it listens: redis://127.0.0.1:PORT/0.
	URL string

	bin, dir string
	port     int
	mu       sync.Mutex
	cmd      *exec.Cmd // nil: stopped
}

// Start starts a redis-server on a free port in a temporary directory,
// without persistence, and returns once it says it accepts connections;
// it is stopped when the test ends. It skips the test, saying so, when
// there is no redis-server.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Skip("redis-server is not installed (apt-get install redis-server): skipping this test of state shared through Redis")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), bin: bin, dir: tb.TempDir(), port: port}
	tb.Cleanup(s.Stop)
	s.Restart(tb)
	return s
}

// Restart starts the server again, on the same port and with the same
// (empty) data, after Stop (or stops it first), and returns once it
// accepts connections.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, w, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(s.bin, "--port", fmt.Sprint(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "no")
	cmd.Stdout = w
	err = cmd.Start()
	w.Close() // the server holds its own copy: r ends when it exits
	if err != nil {
		r.Close()
		tb.Fatal(err)
	}
	s.cmd = cmd
	ready := make(chan bool, 1)
	go func() { ready <- awaitReady(r) }()
	select {
	case ok := <-ready:
		if !ok {
			tb.Fatalf("redis-server on port %d exited before accepting connections", s.port)
		}
	case <-time.After(startWait):
		tb.Fatalf("redis-server on port %d did not say it accepts connections within %s", s.port, startWait)
	}
}

// awaitReady reads redis-server's log until it says it accepts
// connections (true) or ends (false); then it reads the rest, so that the
// server never blocks on its log, and closes it once the server exits.
func awaitReady(log *os.File) bool {
	sc := bufio.NewScanner(log)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Ready to accept connections") {
			go func() {
				defer log.Close()
				for sc.Scan() {
				}
			}()
			return true
		}
	}
	log.Close()
	return false
}

// Stop stops the server, if it runs, and waits for it to exit.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}
