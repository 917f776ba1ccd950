package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUpdateSettings runs the settings tests on one database, each with
// tenants of its own.
func TestUpdateSettings(t *testing.T) {
	db, _ := open(t)
	t.Run("MergePatch", func(t *testing.T) { testUpdateSettingsMergePatch(t, db) })
	t.Run("Validation", func(t *testing.T) { testUpdateSettingsValidation(t, db) })
}

func testUpdateSettingsMergePatch(t *testing.T, db *postgres.DB) {
	_, a := fixture(t, db, "mp-a", "pro")
	_, b := fixture(t, db, "mp-b", "pro")
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	steps := []struct {
		name  string
		patch tenantry.Settings
		want  string
	}{
		{"set", tenantry.Settings{"welcome": "hi", "custom": map[string]any{"nested": map[string]any{"a": 1, "b": 2}, "list": []any{1, "x"}}},
			`{"custom":{"list":[1,"x"],"nested":{"a":1,"b":2}},"welcome":"hi"}`},
		{"merge nested, remove, add", tenantry.Settings{"custom": map[string]any{"nested": map[string]any{"b": nil, "c": 3}}, "welcome": nil, "model": "m"},
			`{"custom":{"list":[1,"x"],"nested":{"a":1,"c":3}},"model":"m"}`},
		{"replace array and object by scalar", tenantry.Settings{"custom": map[string]any{"list": []any{"y"}, "nested": "flat"}},
			`{"custom":{"list":["y"],"nested":"flat"},"model":"m"}`},
		{"remove absent key", tenantry.Settings{"system_prompt": nil}, `{"custom":{"list":["y"],"nested":"flat"},"model":"m"}`},
		{"empty patch", tenantry.Settings{}, `{"custom":{"list":["y"],"nested":"flat"},"model":"m"}`},
	}
	for _, st := range steps {
		before, err := ts.Tenant(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ts.UpdateSettings(ctx, st.patch)
		if err != nil {
			t.Fatalf("%s: UpdateSettings: got %v, want none", st.name, err)
		}
		if s := jsonString(t, got.Settings); s != st.want {
			t.Errorf("%s: returned settings: got %s, want %s", st.name, s, st.want)
		}
		if got.UpdatedAt.Before(before.UpdatedAt) {
			t.Errorf("%s: updated_at went back: got %v, before %v", st.name, got.UpdatedAt, before.UpdatedAt)
		}
		stored, err := db.TenantByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := jsonString(t, stored.Settings); s != st.want {
			t.Errorf("%s: stored settings: got %s, want %s", st.name, s, st.want)
		}
	}
	// Another tenant is untouched.
	if other, err := db.TenantByID(ctx, b.ID); err != nil || len(other.Settings) != 0 {
		t.Errorf("other tenant's settings: got %v, %v; want empty", other.Settings, err)
	}
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "settings.update"})
	if err != nil || len(evs) != len(steps) || evs[0].TargetID != a.ID {
		t.Errorf("settings.update events: got %d (%v), want %d on the tenant", len(evs), err, len(steps))
	}
}

func testUpdateSettingsValidation(t *testing.T, db *postgres.DB) {
	_, a := fixture(t, db, "va-a", "pro")
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	if _, err := ts.UpdateSettings(ctx, tenantry.Settings{"welcome": "hi"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		ts    tenantry.TenantStore
		patch tenantry.Settings
		code  string
	}{
		{"limit unlimited", ts, tenantry.Settings{tenantry.LimitMaxProjects: -1}, tenantry.EINVALID},
		{"limit number", ts, tenantry.Settings{tenantry.LimitMaxMembers: 100}, tenantry.EINVALID},
		{"limit null", ts, tenantry.Settings{tenantry.LimitRequestsPerSecond: nil}, tenantry.EINVALID},
		{"unknown key", ts, tenantry.Settings{"theme": "dark"}, tenantry.EINVALID},
		{"platform key", ts, tenantry.Settings{tenantry.SettingProvider: "openai"}, tenantry.EINVALID},
		{"too large", ts, tenantry.Settings{"custom": map[string]any{"big": strings.Repeat("x", tenantry.MaxSettingsSize)}}, tenantry.EINVALID},
		{"not JSON", ts, tenantry.Settings{"custom": map[string]any{"f": func() {}}}, tenantry.EINVALID},
		{"no tenant", db.Tenant("not-a-uuid"), tenantry.Settings{"model": "m"}, tenantry.ETENANTREQUIRED},
		{"unknown tenant", db.Tenant(tenantry.NewID()), tenantry.Settings{"model": "m"}, tenantry.ETENANTNOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.ts.UpdateSettings(ctx, tt.patch)
			wantCode(t, err, tt.code)
		})
	}
	// Refused patches change nothing and are not audited.
	got, err := ts.Tenant(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := jsonString(t, got.Settings); s != `{"welcome":"hi"}` {
		t.Errorf("settings after refused patches: got %s, want {\"welcome\":\"hi\"}", s)
	}
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "settings.update"})
	if err != nil || len(evs) != 1 {
		t.Errorf("settings.update events: got %d (%v), want 1", len(evs), err)
	}
	// The tenant's limit stays the plan's.
	if tn, err := ts.Tenant(ctx); err != nil || len(tn.Limits) != 0 {
		t.Errorf("limits after refused patches: got %v, %v; want none", tn.Limits, err)
	}
}
