package http

import (
	"net/http"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestAuthFlow(t *testing.T) {
	e := newSQLiteEnv(t)
	var sess struct {
		AccessToken  string                     `json:"access_token"`
		RefreshToken string                     `json:"refresh_token"`
		TokenType    string                     `json:"token_type"`
		ExpiresIn    int64                      `json:"expires_in"`
		User         *tenantry.User             `json:"user"`
		Memberships  []*tenantry.UserMembership `json:"memberships"`
	}
	e.must(t, caller{}, "POST", "/api/auth/signup", map[string]any{
		"email": "Ann@Example.com", "password": testPassword, "name": "Ann", "tenant_name": "Ann Co", "tenant_slug": "annco"}, 201, &sess)
	if sess.TokenType != "Bearer" || sess.ExpiresIn <= 0 || sess.AccessToken == "" || sess.RefreshToken == "" {
		t.Fatalf("session: %+v", sess)
	}
	if len(sess.Memberships) != 1 || sess.Memberships[0].Role != tenantry.RoleOwner || sess.Memberships[0].Tenant.Slug != "annco" {
		t.Fatalf("memberships: %+v", sess.Memberships)
	}
	ann := caller{Token: sess.AccessToken}
	// The new tenant is the default one: no tenant named, still served.
	e.must(t, ann, "GET", "/api/projects", nil, 200, nil)

	tests := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
	}{
		{"short password", "/api/auth/signup", map[string]any{"email": "b@example.com", "password": "short", "name": "B"}, 422, tenantry.EINVALID},
		{"taken e-mail", "/api/auth/signup", map[string]any{"email": "ann@example.com", "password": testPassword, "name": "A"}, 409, tenantry.ECONFLICT},
		{"taken slug", "/api/auth/signup", map[string]any{"email": "c@example.com", "password": testPassword, "name": "C", "tenant_name": "X", "tenant_slug": "annco"}, 409, tenantry.ECONFLICT},
		{"wrong password", "/api/auth/login", map[string]any{"email": "ann@example.com", "password": "wrong password"}, 401, tenantry.EUNAUTHENTICATED},
		{"unknown user", "/api/auth/login", map[string]any{"email": "nobody@example.com", "password": testPassword}, 401, tenantry.EUNAUTHENTICATED},
		{"login ok", "/api/auth/login", map[string]any{"email": "ANN@example.com", "password": testPassword}, 200, ""},
		{"bad refresh", "/api/auth/refresh", map[string]any{"refresh_token": "rt_nope"}, 401, tenantry.EUNAUTHENTICATED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, caller{}, "POST", tt.path, tt.body)
			if r.Status != tt.status || r.errCode() != tt.code {
				t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, tt.status, tt.code)
			}
		})
	}

	var next struct {
		RefreshToken string `json:"refresh_token"`
	}
	e.must(t, caller{}, "POST", "/api/auth/refresh", map[string]any{"refresh_token": sess.RefreshToken}, 200, &next)
	if r := e.do(t, caller{}, "POST", "/api/auth/refresh", map[string]any{"refresh_token": sess.RefreshToken}); r.Status != 401 {
		t.Fatalf("reused refresh token: got %d, want 401", r.Status)
	}
	var again struct {
		RefreshToken string `json:"refresh_token"`
	}
	e.must(t, caller{}, "POST", "/api/auth/login", map[string]any{"email": "ann@example.com", "password": testPassword}, 200, &again)
	e.must(t, caller{}, "POST", "/api/auth/logout", map[string]any{"refresh_token": again.RefreshToken}, 204, nil)
	if r := e.do(t, caller{}, "POST", "/api/auth/refresh", map[string]any{"refresh_token": again.RefreshToken}); r.Status != 401 {
		t.Fatalf("refresh after logout: got %d, want 401", r.Status)
	}

	// The reuse above revoked the signup session: its access token stops.
	if r := e.do(t, ann, "GET", "/api/auth/me", nil); r.Status != 401 {
		t.Fatalf("access token of a revoked session: got %d, want 401", r.Status)
	}
	ann = e.login(t, "ann@example.com")
	var me meResponse
	e.must(t, ann, "GET", "/api/auth/me", nil, 200, &me)
	if me.User.Email != "ann@example.com" || me.DefaultTenant == nil || me.DefaultTenant.Slug != "annco" {
		t.Fatalf("me: %+v", me)
	}
	if r := e.do(t, caller{Token: "garbage"}, "GET", "/api/auth/me", nil); r.Status != 401 || r.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("bad token: got %d, want 401 with WWW-Authenticate", r.Status)
	}
	e.must(t, ann, "PUT", "/api/auth/me/default-tenant", map[string]any{"tenant": "annco"}, 200, nil)
	if r := e.do(t, ann, "PUT", "/api/auth/me/default-tenant", map[string]any{"tenant": "nope"}); r.Status != 404 || r.errCode() != tenantry.ETENANTNOTFOUND {
		t.Fatalf("unknown default tenant: got %d %s", r.Status, r.Body)
	}
}

func TestAdminForbidden(t *testing.T) {
	e := newSQLiteEnv(t)
	u := e.signup(t, e.email("plain"))
	for _, path := range []string{"/api/admin/tenants", "/api/admin/audit"} {
		if r := e.do(t, u, "GET", path, nil); r.Status != http.StatusForbidden || r.errCode() != tenantry.EFORBIDDEN {
			t.Errorf("GET %s as a user: got %d %s, want 403 forbidden", path, r.Status, r.Body)
		}
		if r := e.do(t, caller{}, "GET", path, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("GET %s anonymous: got %d, want 401", path, r.Status)
		}
	}
}
