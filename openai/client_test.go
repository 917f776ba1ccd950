package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/openai"
)

const upstreamSecret = "internal upstream detail 42"

func okBody(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-test",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
	})
	return string(b)
}

func request() tenantry.ChatRequest {
	return tenantry.ChatRequest{
		Model:        "gpt-test",
		SystemPrompt: "Be brief.",
		Messages: []*tenantry.ChatMessage{
			{Role: tenantry.ChatRoleUser, Content: "hello"},
			{Role: tenantry.ChatRoleAssistant, Content: "hi"},
			{Role: tenantry.ChatRoleUser, Content: "how are you"},
		},
	}
}

// server answers attempt n (from 1) with handlers[min(n, len)-1].
func server(t *testing.T, handlers ...http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		handlers[min(i, len(handlers))-1](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func slow(w http.ResponseWriter, r *http.Request) {
	// Reading the body lets the server notice the client hanging up.
	io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestChatSuccess(t *testing.T) {
	var got struct {
		Model    string `json:"model"`
		Messages []struct {
			Role, Content string
		} `json:"messages"`
	}
	var auth, path string
	srv, n := server(t, func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.URL.Path
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Errorf("decode request: %v", err)
		}
		status(200, okBody("I am fine."))(w, r)
	})
	c := openai.New(openai.Config{BaseURL: srv.URL, APIKey: "sk-test"})
	reply, err := c.Chat(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	if reply.Content != "I am fine." || reply.Model != "gpt-test" {
		t.Errorf("reply = %+v, want content %q model %q", reply, "I am fine.", "gpt-test")
	}
	if got, want := path, "/v1/chat/completions"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	if got, want := auth, "Bearer sk-test"; got != want {
		t.Errorf("authorization = %q, want %q", got, want)
	}
	var roles []string
	for _, m := range got.Messages {
		roles = append(roles, m.Role+":"+m.Content)
	}
	if got, want := strings.Join(roles, "|"), "system:Be brief.|user:hello|assistant:hi|user:how are you"; got != want {
		t.Errorf("messages = %q, want %q", got, want)
	}
	if got.Model != "gpt-test" {
		t.Errorf("model = %q, want gpt-test", got.Model)
	}
	if got, want := n.Load(), int32(1); got != want {
		t.Errorf("attempts = %d, want %d", got, want)
	}
}

func TestChatFailures(t *testing.T) {
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		cfg      openai.Config
		code     string
		attempts int32
		minTime  time.Duration
	}{
		{name: "slow", handlers: []http.HandlerFunc{slow}, cfg: openai.Config{Timeout: 100 * time.Millisecond},
			code: tenantry.EUPSTREAMTIMEOUT, attempts: 1},
		{name: "500 then success", handlers: []http.HandlerFunc{status(500, upstreamSecret), status(200, okBody("ok"))},
			code: "", attempts: 2},
		{name: "502 503 then success", handlers: []http.HandlerFunc{status(502, ""), status(503, ""), status(200, okBody("ok"))},
			code: "", attempts: 3},
		{name: "persistent 500", handlers: []http.HandlerFunc{status(500, upstreamSecret)},
			code: tenantry.EUPSTREAM, attempts: 3},
		{name: "no retries", handlers: []http.HandlerFunc{status(500, upstreamSecret)}, cfg: openai.Config{MaxRetries: -1},
			code: tenantry.EUPSTREAM, attempts: 1},
		{name: "malformed json", handlers: []http.HandlerFunc{status(200, `{"choices": [`+upstreamSecret)},
			code: tenantry.EUPSTREAM, attempts: 1},
		{name: "no choices", handlers: []http.HandlerFunc{status(200, `{"choices": []}`)},
			code: tenantry.EUPSTREAM, attempts: 1},
		{name: "400 not retried", handlers: []http.HandlerFunc{status(400, `{"error":{"message":"`+upstreamSecret+`"}}`)},
			code: tenantry.EUPSTREAM, attempts: 1},
		{name: "429 retry-after then success", handlers: []http.HandlerFunc{status(429, upstreamSecret, "Retry-After", "1"), status(200, okBody("ok"))},
			code: "", attempts: 2, minTime: 900 * time.Millisecond},
		{name: "429 retry-after too long", handlers: []http.HandlerFunc{status(429, "", "Retry-After", "3600"), status(200, okBody("ok"))},
			code: tenantry.EUPSTREAM, attempts: 1},
		{name: "oversized body", handlers: []http.HandlerFunc{status(200, okBody(strings.Repeat("x", 4096)))}, cfg: openai.Config{MaxResponseBytes: 1024},
			code: tenantry.EUPSTREAM, attempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, n := server(t, tt.handlers...)
			cfg := tt.cfg
			cfg.BaseURL = srv.URL + "/v1"
			cfg.Backoff = time.Millisecond
			c := openai.New(cfg)
			start := time.Now()
			reply, err := c.Chat(context.Background(), request())
			elapsed := time.Since(start)
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if err == nil && reply.Content != "ok" {
				t.Errorf("reply = %q, want %q", reply.Content, "ok")
			}
			if err != nil {
				msg := tenantry.ErrorMessage(err)
				if strings.Contains(msg, upstreamSecret) || strings.Contains(err.Error(), upstreamSecret) {
					t.Errorf("error %q / %q echoes the upstream body", msg, err)
				}
			}
			if got := n.Load(); got != tt.attempts {
				t.Errorf("attempts = %d, want %d", got, tt.attempts)
			}
			if elapsed < tt.minTime {
				t.Errorf("elapsed = %v, want at least %v", elapsed, tt.minTime)
			}
			if tt.code == tenantry.EUPSTREAMTIMEOUT && elapsed > 2*time.Second {
				t.Errorf("elapsed = %v, want about the timeout", elapsed)
			}
		})
	}
}

func TestChatContext(t *testing.T) {
	srv, _ := server(t, slow)
	c := openai.New(openai.Config{BaseURL: srv.URL, Timeout: 10 * time.Second})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.Chat(ctx, request())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}

	ctx, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	_, err = c.Chat(ctx, request())
	if got, want := tenantry.ErrorCode(err), tenantry.EUPSTREAMTIMEOUT; got != want {
		t.Errorf("deadline: code = %q, want %q (%v)", got, want, err)
	}
}

func TestChatNetworkErrorRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	c := openai.New(openai.Config{BaseURL: url, Backoff: time.Millisecond, APIKey: "sk-secret"})
	_, err := c.Chat(context.Background(), request())
	if got, want := tenantry.ErrorCode(err), tenantry.EUPSTREAM; got != want {
		t.Fatalf("code = %q, want %q", got, want)
	}
	if strings.Contains(err.Error(), "sk-secret") {
		t.Errorf("error %q contains the API key", err)
	}
}

func TestBaseURL(t *testing.T) {
	var path string
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		status(200, okBody("ok"))(w, r)
	})
	tests := []struct {
		base, path string
	}{
		{srv.URL, "/v1/chat/completions"},
		{srv.URL + "/", "/v1/chat/completions"},
		{srv.URL + "/v1", "/v1/chat/completions"},
		{srv.URL + "/openai/v1/", "/openai/v1/chat/completions"},
		{srv.URL + "/v1/chat/completions", "/v1/chat/completions"},
	}
	for _, tt := range tests {
		path = ""
		if _, err := openai.New(openai.Config{BaseURL: tt.base}).Chat(context.Background(), request()); err != nil {
			t.Errorf("%s: %v", tt.base, err)
		}
		if path != tt.path {
			t.Errorf("%s: path = %q, want %q", tt.base, path, tt.path)
		}
	}
	for _, bad := range []string{"ftp://x", "not a url", "http://user:pw@host", "/relative"} {
		if openai.ValidBaseURL(bad) {
			t.Errorf("ValidBaseURL(%q) = true", bad)
		}
		_, err := openai.New(openai.Config{BaseURL: bad}).Chat(context.Background(), request())
		if got, want := tenantry.ErrorCode(err), tenantry.EUPSTREAM; got != want {
			t.Errorf("%q: code = %q, want %q", bad, got, want)
		}
	}
}

func TestChatRedirectNotFollowed(t *testing.T) {
	target, hits := server(t, status(200, okBody("ok")))
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		hits.Store(0)
		srv, n := server(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/v1/chat/completions", code)
		})
		for _, hc := range []*http.Client{nil, {}} {
			_, err := openai.New(openai.Config{BaseURL: srv.URL, APIKey: "sk-secret", HTTPClient: hc}).Chat(context.Background(), request())
			if got, want := tenantry.ErrorCode(err), tenantry.EUPSTREAM; got != want {
				t.Errorf("%d: code = %q, want %q (%v)", code, got, want, err)
			}
		}
		if got := hits.Load(); got != 0 {
			t.Errorf("%d: redirect target received %d requests, want 0", code, got)
		}
		if got, want := n.Load(), int32(2); got != want {
			t.Errorf("%d: attempts = %d, want %d (one per client, not retried)", code, got, want)
		}
	}
}
