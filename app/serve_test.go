package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeStartsAndShutsDownGracefully(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{
		"TENANTRY_DATA":           t.TempDir(),
		"TENANTRY_ADMIN_EMAIL":    "root@example.com",
		"TENANTRY_ADMIN_PASSWORD": "correct horse battery",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	limitBefore := debug.SetMemoryLimit(-1)
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--seed", "../examples/tenants.jsonl"},
			func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &logs)
	}()

	base := "http://" + addr
	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ {
		if resp, err = http.Get(base + "/healthz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server never answered /healthz: %v\nlogs:\n%s", err, logs.String())
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Fatalf("/healthz status = %d, want %d", got, want)
	}
	for _, path := range []string{"/readyz", "/metrics", "/login", "/admin/", "/t/acme/login"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := resp.StatusCode, http.StatusOK; got != want {
			t.Errorf("%s status = %d, want %d", path, got, want)
		}
	}
	body := strings.NewReader(`{"email":"root@example.com","password":"correct horse battery"}`)
	resp, err = http.Post(base+"/api/auth/login", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Errorf("bootstrapped admin login status = %d, want %d", got, want)
	}
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("memory limit while serving = %s, want the default %s", formatBytes(got), formatBytes(defaultMemoryLimit))
	}
	if got := debug.SetGCPercent(defaultGCPercent); got != defaultGCPercent && os.Getenv("GOGC") == "" {
		t.Errorf("GC percent while serving = %d, want the default %d", got, defaultGCPercent)
	}
	for _, want := range []string{`"created platform admin"`, `"seeded tenants"`, `"created":3`,
		`"msg":"memory limit","limit":"48MiB","limit_bytes":50331648,"source":"default","gc_percent":"400","gc_source":"default","hash_slots":1,"collect_after_hash":true`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not shut down within 25s")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answering after shutdown")
	}
	if got := debug.SetMemoryLimit(-1); got != limitBefore {
		t.Errorf("memory limit after serve returned = %s, want %s as before", formatBytes(got), formatBytes(limitBefore))
	}
}

func TestParseServeCacheTTL(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want time.Duration
	}{
		{"default", nil, nil, time.Minute},
		{"with redis", nil, []string{"--redis-url", "redis://127.0.0.1:6379/0"}, time.Minute},
		{"flag", nil, []string{"--cache-ttl", "3s"}, 3 * time.Second},
		{"env", map[string]string{"TENANTRY_CACHE_TTL": "250ms"}, nil, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		env := &environment{getenv: func(k string) string { return tt.env[k] }, stderr: io.Discard}
		c, err := env.parseServe(tt.args)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c.cacheTTL != tt.want {
			t.Errorf("%s: cache TTL = %v, want %v", tt.name, c.cacheTTL, tt.want)
		}
	}
}

func TestParseServeSessionIdle(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want time.Duration
	}{
		{"default", nil, nil, 12 * time.Hour},
		{"flag", nil, []string{"--session-idle", "30m"}, 30 * time.Minute},
		{"env", map[string]string{"TENANTRY_SESSION_IDLE": "2h"}, nil, 2 * time.Hour},
	}
	for _, tt := range tests {
		env := &environment{getenv: func(k string) string { return tt.env[k] }, stderr: io.Discard}
		c, err := env.parseServe(tt.args)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c.sessionIdle != tt.want {
			t.Errorf("%s: session idle = %v, want %v", tt.name, c.sessionIdle, tt.want)
		}
	}
}

func TestServeRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"half admin", map[string]string{"TENANTRY_ADMIN_EMAIL": "a@example.com"}, nil},
		{"short jwt secret", map[string]string{"TENANTRY_JWT_SECRET": "short"}, nil},
		{"bad database url", nil, []string{"--database-url", "mysql://x"}},
		{"missing seed", nil, []string{"--seed", "/nonexistent/tenants.jsonl"}},
		{"bad log level", nil, []string{"--log-level", "loud"}},
		{"negative cache ttl", nil, []string{"--cache-ttl", "-1s"}},
		{"bad cache ttl env", map[string]string{"TENANTRY_CACHE_TTL": "soon"}, nil},
		{"tls cert without key", nil, []string{"--tls-cert", "cert.pem"}},
		{"tls key without cert", map[string]string{"TENANTRY_TLS_KEY": "key.pem"}, nil},
		{"missing tls files", nil, []string{"--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"}},
		{"bad trusted proxy", nil, []string{"--trusted-proxies", "10.0.0.0/8,proxy.internal"}},
		{"bad trusted proxy env", map[string]string{"TENANTRY_TRUSTED_PROXIES": "10.0.0.0/99"}, nil},
		{"allowed host with a port", map[string]string{"TENANTRY_OPENAI_ALLOWED_HOSTS": "api.example.com:8443"}, nil},
		{"bad openai base url", map[string]string{"TENANTRY_OPENAI_BASE_URL": "api.example.com"}, nil},
		{"negative session idle", nil, []string{"--session-idle", "-1s"}},
		{"bad session idle env", map[string]string{"TENANTRY_SESSION_IDLE": "soon"}, nil},
		{"webhook origin with a path", nil, []string{"--webhook-allow-origins", "https://hooks.example.com/in"}},
		{"bad webhook origin env", map[string]string{"TENANTRY_WEBHOOK_ALLOW_ORIGINS": "ftp://hooks.example.com"}, nil},
		{"negative webhook concurrency", nil, []string{"--webhook-concurrency", "-1"}},
		{"bad memory limit", nil, []string{"--memory-limit", "64MB"}},
		{"zero memory limit", nil, []string{"--memory-limit", "0"}},
		{"bad memory limit env", map[string]string{"TENANTRY_MEMORY_LIMIT": "lots"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"TENANTRY_DATA": t.TempDir()}
			for k, v := range tt.env {
				env[k] = v
			}
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
			if err == nil {
				t.Fatalf("serve %s: got nil error, want a configuration error", fmt.Sprint(tt.args))
			}
		})
	}
}
