package http

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// deepSettings returns a settings body whose custom object nests so that
// the whole body is depth levels deep.
func deepSettings(depth int) string {
	return `{"custom":` + strings.Repeat(`{"a":`, depth-2) + `{}` + strings.Repeat(`}`, depth-2) + `}`
}

// TestTenantCannotLiftLimits: a tenant's owner cannot set limits through
// its settings (issue 10, item 1); only the platform overrides them, key by
// key, and GET /api/tenant shows the effective limits. On both backends.
func TestTenantCannotLiftLimits(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, b.open(t))
			f := e.newFixture(t, "capped", "free")
			admin := e.admin(t)
			adminPath := "/api/admin/tenants/" + f.Tenant.ID
			limitsOf := func(want tenantry.Limits) func(t *testing.T, r resp) {
				return func(t *testing.T, r resp) {
					var got struct {
						Limits tenantry.Limits `json:"limits"`
					}
					r.decode(t, &got)
					if fmt.Sprint(got.Limits) != fmt.Sprint(want) {
						t.Errorf("got limits %v, want %v", got.Limits, want)
					}
				}
			}
			effective := func(maxProjects int64) func(t *testing.T, r resp) {
				return func(t *testing.T, r resp) {
					var got struct {
						Tenant *tenantry.Tenant `json:"tenant"`
						Limits tenantry.Limits  `json:"limits"`
					}
					r.decode(t, &got)
					if got.Limits[tenantry.LimitMaxProjects] != maxProjects || got.Limits[tenantry.LimitChatPer10s] != 5 {
						t.Errorf("got effective limits %v, want max_projects %d and the free plan's chat_per_10s 5", got.Limits, maxProjects)
					}
				}
			}
			project := func(name string, want int, code string) apiCase {
				return apiCase{name: "create " + name, as: f.Owner, method: "POST", path: "/api/projects",
					body: map[string]any{"name": name}, want: want, code: code}
			}
			var cases []apiCase
			for _, name := range tenantry.LimitNames() {
				cases = append(cases, apiCase{name: "owner sets " + name, as: f.Owner, method: "PATCH", path: "/api/settings",
					body: map[string]any{name: -1}, want: 422, code: "validation_failed", field: name})
			}
			cases = append(cases,
				apiCase{name: "the issue's body", as: f.Owner, method: "PATCH", path: "/api/settings",
					body: rawBody{Data: `{"max_projects":-1,"max_members":-1,"requests_per_second":-1,"max_in_flight":-1,"chat_per_10s":-1}`},
					want: 422, code: "validation_failed", check: func(t *testing.T, r resp) {
						if got := r.errFields(); len(got) != 5 {
							t.Errorf("got fields %v, want all five limit names", got)
						}
					}},
				apiCase{name: "admin of the tenant sets a limit", as: f.Admin, method: "PATCH", path: "/api/settings",
					body: map[string]any{"max_projects": 100}, want: 422, code: "validation_failed", field: "max_projects"},
				apiCase{name: "plan limits unchanged", as: f.Owner, method: "GET", path: "/api/tenant", want: 200, check: effective(3)},
				project("P1", 201, ""), project("P2", 201, ""), project("P3", 201, ""),
				project("P4 on free", 403, tenantry.EPLANLIMIT),
				apiCase{name: "platform raises max_projects", as: admin, method: "PATCH", path: adminPath,
					body: map[string]any{"limits": map[string]any{"max_projects": 5, "max_members": -1}}, want: 200,
					check: limitsOf(tenantry.Limits{"max_members": -1, "max_projects": 5})},
				apiCase{name: "merged key by key", as: admin, method: "PATCH", path: adminPath,
					body: map[string]any{"limits": map[string]any{"max_members": nil}}, want: 200,
					check: limitsOf(tenantry.Limits{"max_projects": 5})},
				apiCase{name: "admin GET shows the overrides", as: admin, method: "GET", path: adminPath, want: 200,
					check: limitsOf(tenantry.Limits{"max_projects": 5})},
				apiCase{name: "tenant shows the effective limit", as: f.Member, method: "GET", path: "/api/tenant", want: 200, check: effective(5)},
				project("P4 with override", 201, ""), project("P5 with override", 201, ""),
				project("P6 over the override", 403, tenantry.EPLANLIMIT),
				apiCase{name: "null removes the override", as: admin, method: "PATCH", path: adminPath,
					body: rawBody{Data: `{"limits":{"max_projects":null}}`}, want: 200, check: limitsOf(tenantry.Limits{})},
				apiCase{name: "plan limit again", as: f.Owner, method: "GET", path: "/api/tenant", want: 200, check: effective(3)},
				apiCase{name: "unknown limit", as: admin, method: "PATCH", path: adminPath,
					body: map[string]any{"limits": map[string]any{"max_widgets": 1}}, want: 422, code: "validation_failed", field: "limits.max_widgets"},
				apiCase{name: "fractional limit", as: admin, method: "PATCH", path: adminPath,
					body: map[string]any{"limits": map[string]any{"max_projects": 1.5}}, want: 422, code: "validation_failed", field: "limits.max_projects"},
				apiCase{name: "limit below -1", as: admin, method: "PATCH", path: adminPath,
					body: map[string]any{"limits": map[string]any{"chat_per_10s": -2}}, want: 422, code: "validation_failed", field: "limits.chat_per_10s"},
				apiCase{name: "limit in the platform's settings", as: admin, method: "PATCH", path: adminPath,
					body: map[string]any{"settings": map[string]any{"max_projects": 9}}, want: 422, code: "validation_failed", field: "settings.max_projects"},
				apiCase{name: "limit changes audited", as: admin, method: "GET", path: "/api/admin/audit?action=tenant.update&tenant_id=" + f.Tenant.ID, want: 200,
					check: func(t *testing.T, r resp) {
						evs, _ := listOf[tenantry.AuditEvent](t, r)
						var got []string
						for _, ev := range evs {
							var data struct {
								Limits json.RawMessage `json:"limits"`
							}
							_ = json.Unmarshal(ev.Data, &data)
							got = append(got, string(data.Limits))
						}
						want := []string{`{"max_projects":null}`, `{"max_members":null}`, `{"max_members":-1,"max_projects":5}`}
						if strings.Join(got, " ") != strings.Join(want, " ") {
							t.Errorf("got tenant.update limits %v, want %v (newest first)", got, want)
						}
					}},
			)
			e.run(t, cases)
		})
	}
}

// TestSettingsKeys: a tenant sets only the tenant keys; the platform-only
// keys are the platform's and hidden from plain members; the depth of a
// settings body is bounded (issue 10, item 20). On both backends.
func TestSettingsKeys(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, b.open(t))
			f := e.newFixture(t, "keys", "pro")
			admin := e.admin(t)
			platform := map[string]any{"provider": "openai", "openai_base_url": "https://llm.example.com/v1", "openai_api_key_env": "TENANTRY_TENANT_KEY_KEYS"}
			hasProvider := func(want bool, settingsOf func(t *testing.T, r resp) tenantry.Settings) func(t *testing.T, r resp) {
				return func(t *testing.T, r resp) {
					s := settingsOf(t, r)
					for k := range platform {
						if _, ok := s[k]; ok != want {
							t.Errorf("settings %v: has %s = %v, want %v", s, k, ok, want)
						}
					}
					if s["welcome"] != "Hi" {
						t.Errorf("settings %v: want welcome Hi", s)
					}
				}
			}
			plain := func(t *testing.T, r resp) tenantry.Settings {
				var s tenantry.Settings
				r.decode(t, &s)
				return s
			}
			embedded := func(t *testing.T, r resp) tenantry.Settings {
				var got struct {
					Tenant tenantry.Tenant `json:"tenant"`
				}
				r.decode(t, &got)
				return got.Tenant.Settings
			}
			me := func(t *testing.T, r resp) tenantry.Settings {
				var got struct {
					Memberships []tenantry.UserMembership `json:"memberships"`
				}
				r.decode(t, &got)
				if len(got.Memberships) != 1 {
					t.Fatalf("got %d memberships, want 1", len(got.Memberships))
				}
				return got.Memberships[0].Tenant.Settings
			}
			cases := []apiCase{
				{name: "platform sets its keys", as: admin, method: "PATCH", path: "/api/admin/tenants/" + f.Tenant.ID,
					body: map[string]any{"settings": platform}, want: 200},
				{name: "owner sets tenant keys", as: f.Owner, method: "PATCH", path: "/api/settings",
					body: map[string]any{"welcome": "Hi", "model": "mock-1", "system_prompt": "Be brief.", "cors_origins": []string{"https://keys.example"}, "custom": map[string]any{"a": 1}}, want: 200,
					check: hasProvider(true, plain)},
				{name: "unknown key", as: f.Owner, method: "PATCH", path: "/api/settings",
					body: map[string]any{"welcome": "x", "theme": "dark"}, want: 422, code: "validation_failed", field: "theme"},
				{name: "wrong type", as: f.Owner, method: "PATCH", path: "/api/settings",
					body: map[string]any{"custom": "flat"}, want: 422, code: "validation_failed", field: "custom"},
			}
			for k := range platform {
				cases = append(cases,
					apiCase{name: "owner sets " + k, as: f.Owner, method: "PATCH", path: "/api/settings",
						body: map[string]any{k: "https://evil.example"}, want: 422, code: "validation_failed", field: k,
						check: func(t *testing.T, r resp) {
							if got := r.errFields()[k]; got != "is set by the platform" {
								t.Errorf("got %s: %q, want \"is set by the platform\"", k, got)
							}
						}},
					apiCase{name: "owner removes " + k, as: f.Owner, method: "PATCH", path: "/api/settings",
						body: rawBody{Data: `{"` + k + `":null}`}, want: 422, code: "validation_failed", field: k})
			}
			cases = append(cases,
				apiCase{name: "owner GET settings", as: f.Owner, method: "GET", path: "/api/settings", want: 200, check: hasProvider(true, plain)},
				apiCase{name: "admin GET settings", as: f.Admin, method: "GET", path: "/api/settings", want: 200, check: hasProvider(true, plain)},
				apiCase{name: "member GET settings", as: f.Member, method: "GET", path: "/api/settings", want: 200, check: hasProvider(false, plain)},
				apiCase{name: "owner GET tenant", as: f.Owner, method: "GET", path: "/api/tenant", want: 200, check: hasProvider(true, embedded)},
				apiCase{name: "member GET tenant", as: f.Member, method: "GET", path: "/api/tenant", want: 200, check: hasProvider(false, embedded)},
				apiCase{name: "owner GET me", as: caller{Token: f.Owner.Token}, method: "GET", path: "/api/auth/me", want: 200, check: hasProvider(true, me)},
				apiCase{name: "member GET me", as: caller{Token: f.Member.Token}, method: "GET", path: "/api/auth/me", want: 200, check: hasProvider(false, me)},
				apiCase{name: "8 levels", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: deepSettings(8)}, want: 200},
				apiCase{name: "9 levels", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: deepSettings(9)}, want: 422, code: "validation_failed", field: "settings"},
				apiCase{name: "9000 levels", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: deepSettings(9000)}, want: 422, code: "validation_failed", field: "settings"},
				apiCase{name: "9000 levels through the platform", as: admin, method: "PATCH", path: "/api/admin/tenants/" + f.Tenant.ID,
					body: rawBody{Data: `{"settings":` + deepSettings(9000) + `}`}, want: 422, code: "validation_failed", field: "settings"},
				apiCase{name: "9 levels through the platform", as: admin, method: "POST", path: "/api/admin/tenants",
					body: rawBody{Data: `{"name":"Deep","slug":"deep","settings":` + deepSettings(9) + `}`}, want: 422, code: "validation_failed", field: "settings"},
				apiCase{name: "unknown key through the platform", as: admin, method: "POST", path: "/api/admin/tenants",
					body: map[string]any{"name": "Odd", "slug": "odd", "settings": map[string]any{"theme": "dark"}}, want: 422, code: "validation_failed", field: "settings.theme"},
				apiCase{name: "nothing stored by refused patches", as: f.Owner, method: "GET", path: "/api/settings", want: 200,
					check: func(t *testing.T, r resp) {
						var s map[string]any
						r.decode(t, &s)
						if _, ok := s["theme"]; ok || s["welcome"] != "Hi" {
							t.Errorf("got settings %v, want welcome Hi and no theme", s)
						}
					}},
			)
			e.run(t, cases)
		})
	}
}
