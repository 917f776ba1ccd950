// Package openai is a tenantry.Provider for any OpenAI-compatible chat
// completions endpoint (POST <base>/chat/completions), with a per-request
// timeout, retries with exponential backoff and jitter on 429 and 5xx
// answers (honouring Retry-After), a response size limit, no redirects
// followed, and upstream failures mapped to upstream_error (502) and
// upstream_timeout (504) with messages safe for clients.
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/netguard"
)

// Defaults of a Config.
const (
	DefaultBaseURL          = "https://api.openai.com/v1"
	DefaultTimeout          = 30 * time.Second
	DefaultMaxRetries       = 2
	DefaultMaxResponseBytes = 1 << 20
	DefaultBackoff          = 250 * time.Millisecond
	DefaultMaxBackoff       = 10 * time.Second
)

// Client-safe messages of upstream failures.
const (
	msgUpstream = "The assistant provider failed to answer."
	msgTimeout  = "The assistant provider did not answer in time."
)

// Config configures a Client. Zero fields take the defaults.
type Config struct {
	// BaseURL is the API root: "https://api.openai.com/v1" (default), or a
	// bare origin such as "http://127.0.0.1:8000", to which "/v1" is added.
	// Requests go to BaseURL + "/chat/completions".
	BaseURL string
	// APIKey is sent as a Bearer token when not empty.
	APIKey string
	// Timeout bounds each attempt (default 30s).
	Timeout time.Duration
	// MaxRetries is how many times a 429, 5xx or network failure is
	// retried (default 2; negative for none).
	MaxRetries int
	// HTTPClient sends the requests (default: a client of
	// http.DefaultTransport). Its CheckRedirect is replaced: a Client
	// follows no redirect, and a redirect answer is an upstream_error.
	HTTPClient *http.Client
	// MaxResponseBytes caps the response body (default 1 MiB).
	MaxResponseBytes int64
	// Backoff is the first retry delay, doubled each retry up to
	// MaxBackoff, with random jitter (defaults 250ms and 10s). A Retry-After
	// header longer than MaxBackoff is not waited for.
	Backoff    time.Duration
	MaxBackoff time.Duration
}

// Client is a chat completions client.
type Client struct {
	endpoint   string
	apiKey     string
	timeout    time.Duration
	maxRetries int
	httpClient *http.Client
	maxBytes   int64
	backoff    time.Duration
	maxBackoff time.Duration
}

var _ tenantry.Provider = (*Client)(nil)

// New returns a client for cfg. A BaseURL that is not an absolute http or
// https URL makes every Chat fail with upstream_error; use ValidBaseURL to
// check one first.
func New(cfg Config) *Client {
	c := &Client{
		endpoint:   endpoint(cfg.BaseURL),
		apiKey:     cfg.APIKey,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		httpClient: cfg.HTTPClient,
		maxBytes:   cfg.MaxResponseBytes,
		backoff:    cfg.Backoff,
		maxBackoff: cfg.MaxBackoff,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxRetries == 0 {
		c.maxRetries = DefaultMaxRetries
	} else if c.maxRetries < 0 {
		c.maxRetries = 0
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{CheckRedirect: netguard.NoRedirect}
	} else {
		hc := *c.httpClient // shares the transport and its connections
		hc.CheckRedirect = netguard.NoRedirect
		c.httpClient = &hc
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxResponseBytes
	}
	if c.backoff <= 0 {
		c.backoff = DefaultBackoff
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = DefaultMaxBackoff
	}
	return c
}

// ValidBaseURL reports whether s is an absolute http or https URL without
// user information, query or fragment.
func ValidBaseURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && u.RawQuery == "" && u.Fragment == ""
}

// endpoint returns the chat completions URL of base, or "" when base is
// not valid.
func endpoint(base string) string {
	if base == "" {
		base = DefaultBaseURL
	}
	if !ValidBaseURL(base) {
		return ""
	}
	base = strings.TrimRight(base, "/")
	if strings.HasSuffix(base, "/chat/completions") {
		return base
	}
	u, _ := url.Parse(base)
	if u.Path == "" {
		base += "/v1"
	}
	return base + "/chat/completions"
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model    string        `json:"model"`
	Messages []chatMessage `json:"messages"`
}

type chatResponse struct {
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
}

// attemptError is the outcome of one failed attempt.
type attemptError struct {
	err        error
	retry      bool
	retryAfter time.Duration // from a Retry-After header, or -1
}

// Chat sends req and returns the first choice (upstream_error,
// upstream_timeout). A cancelled ctx ends the call at once with ctx's
// error.
func (c *Client) Chat(ctx context.Context, req tenantry.ChatRequest) (*tenantry.ChatReply, error) {
	if c.endpoint == "" {
		return nil, fmt.Errorf("openai: base url is not valid: %w", tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream))
	}
	body, err := json.Marshal(toWire(req))
	if err != nil {
		return nil, fmt.Errorf("openai: encode request: %w", err)
	}
	for attempt := 0; ; attempt++ {
		reply, aerr := c.attempt(ctx, body)
		if aerr == nil {
			return reply, nil
		}
		if ctx.Err() != nil {
			return nil, ctxError(ctx)
		}
		if !aerr.retry || attempt >= c.maxRetries {
			return nil, aerr.err
		}
		wait := c.delay(attempt)
		if aerr.retryAfter >= 0 {
			if aerr.retryAfter > c.maxBackoff {
				return nil, aerr.err
			}
			wait = aerr.retryAfter
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, aerr.err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctxError(ctx)
		case <-t.C:
		}
	}
}

// delay returns the backoff before retry number attempt+1: a random
// duration between half and all of Backoff*2^attempt, capped at
// MaxBackoff.
func (c *Client) delay(attempt int) time.Duration {
	d := c.backoff << min(attempt, 20)
	if d <= 0 || d > c.maxBackoff {
		d = c.maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

func (c *Client) attempt(ctx context.Context, body []byte) (*tenantry.ChatReply, *attemptError) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, &attemptError{err: fmt.Errorf("openai: new request: %w", tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retryAfter: -1}
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	if c.apiKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.httpClient.Do(hreq)
	if err != nil {
		if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
			return nil, &attemptError{err: fmt.Errorf("openai: request timed out after %v: %w", c.timeout, tenantry.Errorf(tenantry.EUPSTREAMTIMEOUT, msgTimeout)), retryAfter: -1}
		}
		// A refused address stays refused: it is not retried.
		return nil, &attemptError{err: fmt.Errorf("openai: send request: %v: %w", redact(err), tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retry: !netguard.IsRefused(err), retryAfter: -1}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
			return nil, &attemptError{err: fmt.Errorf("openai: response timed out after %v: %w", c.timeout, tenantry.Errorf(tenantry.EUPSTREAMTIMEOUT, msgTimeout)), retryAfter: -1}
		}
		return nil, &attemptError{err: fmt.Errorf("openai: read response: %w", tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retry: true, retryAfter: -1}
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return nil, &attemptError{
			err:        fmt.Errorf("openai: status %d: %w", resp.StatusCode, tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)),
			retry:      true,
			retryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		return nil, &attemptError{err: fmt.Errorf("openai: status %d: redirect not followed: %w", resp.StatusCode, tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retryAfter: -1}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &attemptError{err: fmt.Errorf("openai: status %d: %w", resp.StatusCode, tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retryAfter: -1}
	}
	if int64(len(data)) > c.maxBytes {
		return nil, &attemptError{err: fmt.Errorf("openai: response larger than %d bytes: %w", c.maxBytes, tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retryAfter: -1}
	}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return nil, &attemptError{err: fmt.Errorf("openai: malformed response: %w", tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retryAfter: -1}
	}
	if len(cr.Choices) == 0 || cr.Choices[0].Message.Content == nil {
		return nil, &attemptError{err: fmt.Errorf("openai: response has no message: %w", tenantry.Errorf(tenantry.EUPSTREAM, msgUpstream)), retryAfter: -1}
	}
	return &tenantry.ChatReply{Content: *cr.Choices[0].Message.Content, Model: cr.Model}, nil
}

func toWire(req tenantry.ChatRequest) chatRequest {
	w := chatRequest{Model: req.Model, Messages: make([]chatMessage, 0, len(req.Messages)+1)}
	if req.SystemPrompt != "" {
		w.Messages = append(w.Messages, chatMessage{Role: "system", Content: req.SystemPrompt})
	}
	for _, m := range req.Messages {
		if m != nil {
			w.Messages = append(w.Messages, chatMessage{Role: m.Role, Content: m.Content})
		}
	}
	return w
}

// ctxError returns the error of a call whose ctx ended: upstream_timeout
// for a deadline, ctx's error for a cancellation.
func ctxError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("openai: %w: %w", ctx.Err(), tenantry.Errorf(tenantry.EUPSTREAMTIMEOUT, msgTimeout))
	}
	return fmt.Errorf("openai: %w", ctx.Err())
}

// retryAfter parses a Retry-After header (seconds or an HTTP date); it
// returns -1 when there is none or it does not parse.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return -1
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n < 0 || n > 86400 {
			return -1
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}

// redact returns the error text of a transport failure without the URL,
// which might carry credentials of a misconfigured base URL.
func redact(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}
