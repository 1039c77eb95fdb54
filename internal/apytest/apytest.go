package apytest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ModesDir is where Debian's apertium-eng-spa installs the pair's modes.
const ModesDir = "/usr/share/apertium/modes"

// Server is an apertium-apy started for one test.
type Server struct {
	// URL is where it answers: http://127.0.0.1:PORT.
	URL  string
	cmd  *exec.Cmd
	once sync.Once
}

// Start starts apertium-apy on a free port, serving the pairs in
// ModesDir, and waits until it answers; it is stopped when the test ends.
// It skips the test, saying so, when apertium-apy or the English–Spanish
// pair is not installed.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("apertium-apy")
	if err != nil {
		tb.Skip("apertium-apy is not installed (apt-get install apertium-apy apertium-eng-spa): skipping this test of machine translation")
	}
	for _, mode := range []string{"eng-spa.mode", "spa-eng.mode"} {
		if _, err := os.Stat(filepath.Join(ModesDir, mode)); err != nil {
			tb.Skipf("the English–Spanish pair is not installed (%v; apt-get install apertium-eng-spa): skipping this test of machine translation", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	dir := tb.TempDir()
	s.cmd = exec.Command(bin, "--port", fmt.Sprint(port), ModesDir)
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	// Its own process group, so that Stop ends the pipelines it starts
	// (a process per step of a translation) with it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := s.ping()
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			tb.Fatalf("apertium-apy did not start answering: %v", err)
		}
	}
}

// ping asks the server which pairs it has.
func (s *Server) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/listPairs", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/listPairs: %s", resp.Status)
	}
	return nil
}

// Stop stops the server and its pipelines (once) and waits for it to
// exit.
func (s *Server) Stop() {
	s.once.Do(func() {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		_ = s.cmd.Wait()
	})
}
