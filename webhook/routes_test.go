package webhook_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/tenantrytest"
	"github.com/tenantry/tenantry/webhook"
)

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// TestRoutes registers, lists, reads, disables, enables and deletes
// endpoints through the API on both backends: the secret is shown once,
// members get 403, another tenant's endpoint does not exist, the plan
// limit holds, bad URLs and event types are refused, and every change is
// audited.
func TestRoutes(t *testing.T) {
	for _, b := range tenantrytest.Backends(webhook.Extension()) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			acme, globex := e.tenant(t, "acme"), e.tenant(t, "globex")

			var c webhook.Created
			if got := e.call(t, acme.Admin, "acme", "POST", "/api/webhooks", webhook.Input{URL: e.rc.URL + "/hook", Events: []string{"project.created", "member.removed", "project.created"}}, &c); got != 201 {
				t.Fatalf("create: %d", got)
			}
			if !strings.HasPrefix(c.Secret, webhook.SecretPrefix) || len(c.Secret) != len(webhook.SecretPrefix)+44 || !c.Enabled ||
				strings.Join(c.Events, ",") != "member.removed,project.created" {
				t.Errorf("create: got %+v, want a whsec_ secret of 32 bytes, enabled, the event types sorted once each", c)
			}

			for _, path := range []string{"/api/webhooks", "/api/webhooks/" + c.ID} {
				var raw map[string]any
				e.call(t, acme.Owner, "acme", "GET", path, nil, &raw)
				if s := strings.ToLower(strings.Join(flatten(raw), " ")); strings.Contains(s, "whsec_") || strings.Contains(s, "secret") {
					t.Errorf("GET %s shows the secret: %v", path, raw)
				}
			}
			var list struct {
				Items []webhook.Webhook `json:"items"`
			}
			if e.call(t, globex.Owner, "globex", "GET", "/api/webhooks", nil, &list); len(list.Items) != 0 {
				t.Errorf("globex lists %d endpoints, want none of acme's", len(list.Items))
			}

			cases := []struct {
				name, token, tenant, method, path string
				body                              any
				want                              int
				code, field                       string
			}{
				{"member may not list", acme.Member, "acme", "GET", "/api/webhooks", nil, 403, "forbidden", ""},
				{"member may not register", acme.Member, "acme", "POST", "/api/webhooks", webhook.Input{URL: e.rc.URL + "/m", Events: []string{"*"}}, 403, "forbidden", ""},
				{"member may not read deliveries", acme.Member, "acme", "GET", "/api/webhooks/" + c.ID + "/deliveries", nil, 403, "forbidden", ""},
				{"member may not delete", acme.Member, "acme", "DELETE", "/api/webhooks/" + c.ID, nil, 403, "forbidden", ""},
				{"another tenant's endpoint does not exist", globex.Owner, "globex", "GET", "/api/webhooks/" + c.ID, nil, 404, "not_found", ""},
				{"nor its deliveries", globex.Owner, "globex", "GET", "/api/webhooks/" + c.ID + "/deliveries", nil, 404, "not_found", ""},
				{"nor may it be disabled", globex.Owner, "globex", "PATCH", "/api/webhooks/" + c.ID, map[string]bool{"enabled": false}, 404, "not_found", ""},
				{"nor deleted", globex.Owner, "globex", "DELETE", "/api/webhooks/" + c.ID, nil, 404, "not_found", ""},
				{"not an id", acme.Owner, "acme", "GET", "/api/webhooks/nope", nil, 404, "not_found", ""},
				{"outsider", globex.Owner, "acme", "GET", "/api/webhooks", nil, 403, "not_a_member", ""},
				{"http to a public origin", acme.Owner, "acme", "POST", "/api/webhooks", webhook.Input{URL: "http://hooks.example.com/x", Events: []string{"*"}}, 422, "validation_failed", "url"},
				{"loopback refused at registration", acme.Owner, "acme", "POST", "/api/webhooks", webhook.Input{URL: "https://127.0.0.1:8443/x", Events: []string{"*"}}, 422, "validation_failed", "url"},
				{"metadata address refused", acme.Owner, "acme", "POST", "/api/webhooks", webhook.Input{URL: "https://169.254.169.254/latest", Events: []string{"*"}}, 422, "validation_failed", "url"},
				{"localhost refused", acme.Owner, "acme", "POST", "/api/webhooks", webhook.Input{URL: "https://localhost/x", Events: []string{"*"}}, 422, "validation_failed", "url"},
				{"no event types", acme.Owner, "acme", "POST", "/api/webhooks", webhook.Input{URL: "https://hooks.example.com/x"}, 422, "validation_failed", "events"},
				{"a bad event type", acme.Owner, "acme", "POST", "/api/webhooks", webhook.Input{URL: "https://hooks.example.com/x", Events: []string{"Project Created"}}, 422, "validation_failed", "events"},
				{"unknown field", acme.Owner, "acme", "POST", "/api/webhooks", map[string]any{"url": "https://hooks.example.com/x", "events": []string{"*"}, "secret": "mine"}, 422, "validation_failed", "secret"},
				{"patch without enabled", acme.Owner, "acme", "PATCH", "/api/webhooks/" + c.ID, map[string]any{}, 422, "validation_failed", "enabled"},
			}
			for _, tc := range cases {
				var got apiError
				if status := e.call(t, tc.token, tc.tenant, tc.method, tc.path, tc.body, &got); status != tc.want || got.Error.Code != tc.code || (tc.field != "" && got.Error.Fields[tc.field] == "") {
					t.Errorf("%s: got %d %+v, want %d %s (field %q)", tc.name, status, got.Error, tc.want, tc.code, tc.field)
				}
			}

			var wh webhook.Webhook
			if e.call(t, acme.Owner, "acme", "PATCH", "/api/webhooks/"+c.ID, map[string]bool{"enabled": false}, &wh); wh.Enabled || wh.DisabledAt == nil {
				t.Errorf("disable: got %+v", wh)
			}
			if e.call(t, acme.Owner, "acme", "PATCH", "/api/webhooks/"+c.ID, map[string]bool{"enabled": true}, &wh); !wh.Enabled || wh.DisabledAt != nil {
				t.Errorf("enable: got %+v", wh)
			}
			// The free plan's max_webhooks is 3.
			for i := 2; i <= 3; i++ {
				e.register(t, acme, "/more")
			}
			var refused apiError
			if got := e.call(t, acme.Owner, "acme", "POST", "/api/webhooks", webhook.Input{URL: e.rc.URL + "/fourth", Events: []string{"*"}}, &refused); got != 403 || refused.Error.Code != "plan_limit" {
				t.Errorf("fourth endpoint on free: got %d %+v, want 403 plan_limit", got, refused.Error)
			}
			if got := e.call(t, acme.Owner, "acme", "DELETE", "/api/webhooks/"+c.ID, nil, nil); got != http.StatusNoContent {
				t.Errorf("delete: got %d", got)
			}
			if got := e.call(t, acme.Owner, "acme", "GET", "/api/webhooks/"+c.ID, nil, nil); got != 404 {
				t.Errorf("get after delete: got %d, want 404", got)
			}

			for action, want := range map[string]int{"webhook.create": 3, "webhook.disable": 1, "webhook.enable": 1, "webhook.delete": 1} {
				evs, _, err := e.store.Tenant(acme.ID).AuditEvents(context.Background(), tenantry.AuditFilter{Action: action})
				if err != nil || len(evs) != want {
					t.Errorf("%s audit events: %d, %v; want %d", action, len(evs), err, want)
				}
			}
			evs, _, _ := e.store.Tenant(globex.ID).AuditEvents(context.Background(), tenantry.AuditFilter{Action: "webhook.delete"})
			if len(evs) != 0 {
				t.Errorf("globex's refused delete was audited: %d", len(evs))
			}
		})
	}
}

// flatten returns every key and string value of a decoded JSON value.
func flatten(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			out = append(out, k)
			out = append(out, flatten(val)...)
		}
	case []any:
		for _, val := range x {
			out = append(out, flatten(val)...)
		}
	case string:
		out = append(out, x)
	}
	return out
}
