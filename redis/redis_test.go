package redis_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/redis"
)

// redisURL returns TENANTRY_TEST_REDIS_URL, skipping the test when it is
// unset unless TENANTRY_TEST_REQUIRE_REDIS=1.
func redisURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("TENANTRY_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("TENANTRY_TEST_REQUIRE_REDIS") == "1" {
			t.Fatal("TENANTRY_TEST_REQUIRE_REDIS=1 but TENANTRY_TEST_REDIS_URL is unset")
		}
		t.Skip("TENANTRY_TEST_REDIS_URL not set")
	}
	return url
}

// open opens a client on url and closes it when the test ends.
func open(t *testing.T, url string) *goredis.Client {
	t.Helper()
	c, err := redis.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// prefix returns a key prefix no other test run uses.
func prefix(t *testing.T) string {
	return "test:" + tenantry.NewID() + ":"
}

// metric returns the value of the counter or gauge name in reg.
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}

// server is a redis-server process the test controls.
type server struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

// startServer starts redis-server on a free loopback port, skipping the
// test when redis-server is not installed (unless Redis is required).
func startServer(t *testing.T) *server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("TENANTRY_TEST_REQUIRE_REDIS") == "1" {
			t.Fatal("redis-server not on PATH")
		}
		t.Skip("redis-server not on PATH")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &server{t: t, port: port}
	s.start()
	t.Cleanup(s.kill)
	return s
}

// URL returns the server's redis:// URL.
func (s *server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

// start runs redis-server and waits up to 5s until it answers.
func (s *server) start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.t.TempDir())
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.port), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on port %d did not come up: %v", s.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the server at once (SIGKILL), as a crash would.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGCONT)
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// signal sends sig to the running server.
func (s *server) signal(sig os.Signal) {
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
}

func TestOpenAndPing(t *testing.T) {
	tests := []struct {
		name, url      string
		openOK, pingOK bool
	}{
		{"malformed", "http://nope", false, false},
		// Redis down at start is not an error of Open: the server starts
		// on its fallbacks and Ping says why.
		{"nothing listening", "redis://127.0.0.1:1/0", true, false},
	}
	if url := os.Getenv("TENANTRY_TEST_REDIS_URL"); url != "" {
		tests = append(tests, struct {
			name, url      string
			openOK, pingOK bool
		}{"reachable", url, true, true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := redis.Open(tt.url)
			if got, want := err == nil, tt.openOK; got != want {
				t.Fatalf("Open(%q): got err %v, want ok=%v", tt.url, err, want)
			}
			if c == nil {
				return
			}
			defer c.Close()
			err = redis.Ping(t.Context(), c)
			if got, want := err == nil, tt.pingOK; got != want {
				t.Fatalf("Ping(%q): got err %v, want ok=%v", tt.url, err, want)
			}
		})
	}
}

func TestLoggerWritesJSON(t *testing.T) {
	var buf bytes.Buffer
	l := redis.Logger{L: slog.New(slog.NewJSONHandler(&buf, nil))}
	l.Printf(t.Context(), "redis: %s failed", "dial")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line %q is not JSON: %v", buf.String(), err)
	}
	if got, want := line["msg"], "redis client: redis: dial failed"; got != want {
		t.Errorf("msg = %v, want %q", got, want)
	}
	if got, want := line["level"], "WARN"; got != want {
		t.Errorf("level = %v, want %q", got, want)
	}
}
