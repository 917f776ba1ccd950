package http

import (
	"net/http"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestAPIKeyNeverActsAboveItsCreator(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t), longCache)
			f := e.newFixture(t, "acme", "pro")
			adminKey := e.apiKey(t, f.Admin, tenantry.RoleAdmin)
			// A key minted by the admin's key is bound to the admin too.
			childKey := e.apiKey(t, adminKey, tenantry.RoleAdmin)
			for _, k := range []caller{adminKey, childKey} {
				e.must(t, k, "GET", "/api/api-keys", nil, http.StatusOK, nil) // cached as admin
			}

			// Demoted to member: the admin keys act as members at once.
			e.must(t, f.Owner, "PATCH", "/api/members/"+f.Admin.UserID, map[string]any{"role": "member"}, http.StatusOK, nil)
			for name, k := range map[string]caller{"admin key": adminKey, "key minted by it": childKey} {
				if r := e.do(t, k, "GET", "/api/api-keys", nil); r.Status != http.StatusForbidden || r.errCode() != tenantry.EFORBIDDEN {
					t.Errorf("%s after its creator's demotion: got %d %s, want 403 forbidden", name, r.Status, r.Body)
				}
				e.must(t, k, "GET", "/api/projects", nil, http.StatusOK, nil)
			}

			// Removed: the keys stop.
			e.must(t, f.Owner, "DELETE", "/api/members/"+f.Admin.UserID, nil, http.StatusNoContent, nil)
			for name, k := range map[string]caller{"admin key": adminKey, "key minted by it": childKey} {
				if r := e.do(t, k, "GET", "/api/projects", nil); r.Status != http.StatusUnauthorized || r.errCode() != tenantry.EUNAUTHENTICATED {
					t.Errorf("%s after its creator left: got %d %s, want 401 unauthenticated", name, r.Status, r.Body)
				}
			}
			// The owner's keys are not affected.
			e.must(t, e.apiKey(t, f.Owner, tenantry.RoleAdmin), "GET", "/api/api-keys", nil, http.StatusOK, nil)
		})
	}
}

func TestAPIKeyExpiresAt(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t), longCache)
			f := e.newFixture(t, "acme", "pro")
			e.run(t, []apiCase{
				{name: "not a time", as: f.Owner, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "k", "role": "member", "expires_at": "tomorrow"}, want: 422, code: "validation_failed", field: "expires_at"},
				{name: "in the past", as: f.Owner, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "k", "role": "member", "expires_at": time.Now().Add(-time.Minute).Format(time.RFC3339)}, want: 422, code: "validation_failed", field: "expires_at"},
				{name: "not a string", as: f.Owner, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "k", "role": "member", "expires_at": 12}, want: 400, code: "bad_request"},
			})

			expires := time.Now().Add(2 * time.Second).UTC().Truncate(time.Second)
			var k struct {
				ID        string     `json:"id"`
				Key       string     `json:"key"`
				ExpiresAt *time.Time `json:"expires_at"`
			}
			e.must(t, f.Owner, "POST", "/api/api-keys", map[string]any{"name": "short", "role": "member", "expires_at": expires.Format(time.RFC3339)}, http.StatusCreated, &k)
			if k.ExpiresAt == nil || !k.ExpiresAt.Equal(expires) {
				t.Fatalf("created key expires at %v, want %v", k.ExpiresAt, expires)
			}
			var list struct {
				Items []struct {
					ID        string     `json:"id"`
					ExpiresAt *time.Time `json:"expires_at"`
				} `json:"items"`
			}
			e.must(t, f.Owner, "GET", "/api/api-keys", nil, http.StatusOK, &list)
			found := false
			for _, it := range list.Items {
				if it.ID == k.ID {
					found = it.ExpiresAt != nil && it.ExpiresAt.Equal(expires)
				}
			}
			if !found {
				t.Errorf("GET /api/api-keys: got %+v, want key %s expiring at %v", list.Items, k.ID, expires)
			}
			short := caller{Token: k.Key}
			e.must(t, short, "GET", "/api/projects", nil, http.StatusOK, nil) // cached
			time.Sleep(time.Until(expires) + 50*time.Millisecond)
			if r := e.do(t, short, "GET", "/api/projects", nil); r.Status != http.StatusUnauthorized || r.errCode() != tenantry.EUNAUTHENTICATED {
				t.Errorf("expired key: got %d %s, want 401 unauthenticated", r.Status, r.Body)
			}
		})
	}
}
