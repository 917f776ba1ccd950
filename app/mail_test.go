package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeMailsToTheLog starts serve with no mail configuration and
// checks that a password-reset request puts the message, with a link
// under --public-url, into the log at INFO.
func TestServeMailsToTheLog(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"TENANTRY_DATA": t.TempDir(), "TENANTRY_PUBLIC_URL": "https://tenantry.example.com/"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &logs)
	}()
	base := "http://" + addr
	post := func(path, body string) int {
		t.Helper()
		resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; ; i++ {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 100 {
			t.Fatalf("server never answered: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := post("/api/auth/signup", `{"email":"ann@example.com","password":"correct horse battery","name":"Ann"}`); got != 201 {
		t.Fatalf("signup: %d", got)
	}
	if got := post("/api/auth/password-reset", `{"email":"ann@example.com"}`); got != 202 {
		t.Fatalf("password-reset: %d", got)
	}
	line := regexp.MustCompile(`\{[^\n]*"level":"INFO"[^\n]*"to":"ann@example.com"[^\n]*https://tenantry\.example\.com/reset-password\?token=pr_[A-Za-z0-9_-]{43}[^\n]*\}`)
	for i := 0; !line.MatchString(logs.String()); i++ {
		if i == 100 {
			t.Fatalf("no INFO log line with the reset link:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

func TestMailFlags(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    string // the public URL
		wantErr string
	}{
		{"default from --addr", nil, []string{"--addr", ":9090"}, "http://localhost:9090", ""},
		{"env", map[string]string{"TENANTRY_PUBLIC_URL": "https://app.example.com/"}, nil, "https://app.example.com", ""},
		{"flag with path", nil, []string{"--public-url", "https://example.com/tenantry"}, "https://example.com/tenantry", ""},
		{"not http", nil, []string{"--public-url", "ftp://example.com"}, "", "--public-url"},
		{"no host", nil, []string{"--public-url", "https://"}, "", "--public-url"},
		{"query", nil, []string{"--public-url", "https://example.com/?a=b"}, "", "--public-url"},
		{"bad smtp url", nil, []string{"--smtp-url", "mail.example.com:25"}, "", "--smtp-url"},
		{"bad sender", nil, []string{"--smtp-url", "smtp://mail.example.com", "--mail-from", "nobody"}, "", "--smtp-url"},
		{"smtp", map[string]string{"TENANTRY_SMTP_URL": "smtps://u:p@mail.example.com"}, nil, "http://localhost:8080", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &environment{getenv: func(k string) string { return tt.env[k] }, stderr: io.Discard}
			c, err := env.parseServe(tt.args)
			if err != nil {
				t.Fatalf("parseServe: %v", err)
			}
			got, err := c.mail.resolvePublicURL(c.addr)
			if err == nil {
				_, err = c.mail.mailer(discardLogger())
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("public URL = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
