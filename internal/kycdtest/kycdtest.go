// Package kycdtest runs a real `kycd serve` process for end-to-end tests: the test binary itself
// acts as the kycd binary (Main in TestMain), so the process runs the code under test.
package kycdtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kycd/kycd/cli"
)

// Main is a test package's TestMain: a child started by Start (KYCD_E2E_MAIN=1) runs cli.Main on
// the arguments after "--", exactly as cmd/kycd does; otherwise the tests run.
func Main(m *testing.M) {
	if os.Getenv("KYCD_E2E_MAIN") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		os.Exit(cli.Main(context.Background(), cli.Env{Args: args, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

// Server is a real kycd process listening on a loopback port.
type Server struct {
	Addr string // host:port it listens on
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
}

// Start runs `kycd serve args...` with env added to the environment and waits until it listens.
// The process is killed when the test ends.
func Start(t testing.TB, env map[string]string, args ...string) *Server {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--", "serve"}, args...)...)
	cmd.Env = append(os.Environ(), "KYCD_E2E_MAIN=1", "KYCD_ADDR=127.0.0.1:0", "KYCD_JOBS_POLL_INTERVAL=50ms")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			s.mu.Lock()
			s.logs.Write(line)
			s.logs.WriteByte('\n')
			s.mu.Unlock()
			var m struct{ Msg, Addr string }
			if json.Unmarshal(line, &m) == nil && m.Msg == "listening" {
				addr <- m.Addr
			}
		}
		_ = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.Kill)
	select {
	case s.Addr = <-addr:
	case <-s.done:
		t.Fatalf("kycd exited before listening:\n%s", s.Log())
	case <-time.After(60 * time.Second):
		t.Fatalf("kycd did not start:\n%s", s.Log())
	}
	return s
}

// Log is everything the process wrote to stderr so far (its JSON log).
func (s *Server) Log() string { s.mu.Lock(); defer s.mu.Unlock(); return s.logs.String() }

// Kill sends SIGKILL and waits for the process to end.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// Stop sends SIGTERM and fails the test if the process has not ended within 30 s.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("kycd did not stop on SIGTERM")
	}
}
