package redisstate_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// droppingServer is a Redis stand-in that confirms every SUBSCRIBE and
// then closes the connection at once, as a proxy that drops
// subscriptions would. It counts the connections made to it.
type droppingServer struct {
	ln    net.Listener
	conns atomic.Int64
}

func startDropping(t *testing.T) *droppingServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &droppingServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			go s.serve(c)
		}
	}()
	return s
}

// serve answers one connection's commands until its SUBSCRIBE, which it
// confirms before hanging up.
func (s *droppingServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		cmd, err := readCommand(r)
		if err != nil {
			return
		}
		switch strings.ToUpper(cmd[0]) {
		case "HELLO":
			io.WriteString(c, "-ERR unknown command 'HELLO'\r\n")
		case "SUBSCRIBE":
			ch := cmd[1]
			fmt.Fprintf(c, "*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n", len(ch), ch)
			return
		default:
			io.WriteString(c, "+OK\r\n")
		}
	}
}

// readCommand reads one command, an array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "*")))
	if err != nil || n < 1 {
		return nil, fmt.Errorf("not a command: %q", line)
	}
	out := make([]string, n)
	for i := range out {
		if _, err := r.ReadString('\n'); err != nil { // $length
			return nil, err
		}
		arg, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		out[i] = strings.TrimSuffix(arg, "\r\n")
	}
	return out, nil
}

// TestWatchPausesWhenDroppedAtOnce checks that a subscription that is
// dropped as soon as it is made is not made again at once, over and over:
// the watcher says it waits before the next round.
func TestWatchPausesWhenDroppedAtOnce(t *testing.T) {
	s := startDropping(t)
	w := watch(t, "redis://"+s.ln.Addr().String(), "replica-a")
	w.await(t, "subscribing again in a moment", 1)
	// go-redis dials once more as a subscription drops, to resubscribe:
	// two connections a round, not a stream of them.
	if n := s.conns.Load(); n > 2 {
		t.Errorf("%d connections before the watcher's pause, want at most 2", n)
	}
}
