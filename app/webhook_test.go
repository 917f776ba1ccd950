package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/webhook"
)

func TestWithWebhooks(t *testing.T) {
	notes := tenantry.Extension{Name: "notes", Tables: []string{"notes"}}
	names := func(exts []tenantry.Extension) string {
		var out []string
		for _, e := range exts {
			out = append(out, e.Name)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		in   []tenantry.Extension
		want string
	}{
		{nil, "webhooks"},
		{[]tenantry.Extension{notes}, "webhooks,notes"},
		{[]tenantry.Extension{notes, webhook.Extension()}, "notes,webhooks"},
	}
	for _, tt := range tests {
		if got := names(withWebhooks(tt.in)); got != tt.want {
			t.Errorf("withWebhooks(%s) = %s, want %s", names(tt.in), got, tt.want)
		}
	}
}

// TestServeServesWebhooks starts the server as cmd/tenantry does: the
// webhook routes are served and documented, an endpoint registers with its
// secret shown once, and the server (with its dispatcher) shuts down
// cleanly.
func TestServeServesWebhooks(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"TENANTRY_DATA": t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--webhook-allow-origins", "http://127.0.0.1:9"},
			func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &logs)
	}()
	base := "http://" + addr
	post := func(path, token, body string, out any) int {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if out != nil {
			json.NewDecoder(res.Body).Decode(out)
		}
		return res.StatusCode
	}
	var up bool
	for range 100 {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			up = true
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !up {
		t.Fatalf("server never answered:\n%s", logs.String())
	}
	var session struct {
		AccessToken string `json:"access_token"`
	}
	post("/api/auth/signup", "", `{"email":"ann@acme.test","password":"long enough","name":"Ann","tenant_name":"Acme","tenant_slug":"acme"}`, &session)
	var created webhook.Created
	if got := post("/api/webhooks", session.AccessToken, `{"url":"https://hooks.example.com/tenantry","events":["*"]}`, &created); got != 201 || !strings.HasPrefix(created.Secret, "whsec_") {
		t.Errorf("POST /api/webhooks: %d %+v, want 201 with the secret", got, created)
	}
	if got := post("/api/webhooks", session.AccessToken, `{"url":"http://127.0.0.1:9/in","events":["project.created"]}`, nil); got != 201 {
		t.Errorf("POST /api/webhooks on the allowed origin: %d, want 201", got)
	}
	res, err := http.Get(base + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`"/api/webhooks"`, `"/api/webhooks/{id}/deliveries"`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the served OpenAPI document lacks %s", want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not shut down within 25s")
	}
}
