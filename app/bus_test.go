package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
)

// maxPropagation is how soon a change made by the CLI must be enforced by
// a running server.
const maxPropagation = time.Second

// TestCLIChangesReachARunningServer runs a server on a SQLite data
// directory, without Redis and with the default cache TTL (a minute), and
// changes its tenant with "tenantry tenant" against the same directory:
// the server, which has just cached the tenant, must enforce each change
// within maxPropagation.
func TestCLIChangesReachARunningServer(t *testing.T) {
	const email, password = "root@example.com", "correct horse battery"
	c := newCLI(t)
	c.mustRun("admin", "create", "--email", email, "--password", password)
	c.mustRun("tenant", "create", "--name", "Acme", "--slug", "acme", "--owner-email", email)

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr}, func(k string) string { return c.env[k] },
			strings.NewReader(""), io.Discard, &logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(25 * time.Second):
			t.Error("serve did not shut down within 25s")
		}
		if t.Failed() {
			t.Logf("server logs:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	var err error
	for i := 0; i < 200; i++ {
		var resp *http.Response
		if resp, err = http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server never answered /healthz: %v", err)
	}

	resp, err := http.Post(base+"/api/auth/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if err != nil || login.AccessToken == "" {
		t.Fatalf("login: status %d, %v", resp.StatusCode, err)
	}
	// projects answers GET /api/projects of acme: its status and error code.
	projects := func() (int, string) {
		req, _ := http.NewRequest("GET", base+"/api/projects", nil)
		req.Header.Set("Authorization", "Bearer "+login.AccessToken)
		req.Header.Set("X-Tenant-ID", "acme")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Error.Code
	}

	tests := []struct {
		action     string
		wantStatus int
		wantCode   string
	}{
		{"suspend", http.StatusForbidden, tenantry.ETENANTSUSPENDED},
		{"activate", http.StatusOK, ""},
		{"archive", http.StatusForbidden, tenantry.ETENANTARCHIVED},
		{"activate", http.StatusOK, ""},
	}
	for _, tt := range tests {
		// The server caches the tenant as it is now.
		before, _ := projects()
		start := time.Now()
		c.mustRun("tenant", tt.action, "acme")
		for {
			status, code := projects()
			took := time.Since(start)
			if status == tt.wantStatus && code == tt.wantCode {
				t.Logf("tenant %s: enforced after %v (answer before: %d)", tt.action, took.Round(time.Millisecond), before)
				if took > maxPropagation {
					t.Errorf("tenant %s: took %v to reach the running server, want at most %v", tt.action, took, maxPropagation)
				}
				break
			}
			if took > 5*time.Second {
				t.Fatalf("tenant %s: server still answers %d %q after %v, want %d %q",
					tt.action, status, code, took, tt.wantStatus, tt.wantCode)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// failingBus is a Bus whose Publish always fails.
type failingBus struct{ *inmem.Bus }

func (failingBus) Publish(context.Context, tenantry.Invalidation) error {
	return errors.New("unreachable")
}

// TestFanout checks that a fanout publishes on every bus even when one
// fails, and that a subscriber hears every bus, one call at a time.
func TestFanout(t *testing.T) {
	a, b := inmem.NewBus(), inmem.NewBus()
	f := fanout{failingBus{inmem.NewBus()}, a, b}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu      sync.Mutex
		got     []string
		running int
		overlap bool
	)
	f.Subscribe(ctx, func(inv tenantry.Invalidation) {
		mu.Lock()
		running++
		overlap = overlap || running > 1
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		running--
		got = append(got, inv.Key)
		mu.Unlock()
	})
	const n = 20
	for i := range n {
		if err := f.Publish(ctx, tenantry.Invalidation{Kind: tenantry.InvAPIKey, Key: fmt.Sprint(i)}); err == nil {
			t.Fatal("Publish with a failing bus: got nil error, want it reported")
		}
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		l := len(got)
		mu.Unlock()
		if l >= 2*n {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2*n {
		t.Errorf("subscriber got %d invalidations, want %d (each of %d from both working buses)", len(got), 2*n, n)
	}
	if overlap {
		t.Error("the subscriber was called from two buses at once")
	}
}
