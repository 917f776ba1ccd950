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
		{"set", tenantry.Settings{"welcome": "hi", "nested": map[string]any{"a": 1, "b": 2}, "list": []any{1, "x"}},
			`{"list":[1,"x"],"nested":{"a":1,"b":2},"welcome":"hi"}`},
		{"merge nested, remove, add", tenantry.Settings{"nested": map[string]any{"b": nil, "c": 3}, "welcome": nil, "model": "m"},
			`{"list":[1,"x"],"model":"m","nested":{"a":1,"c":3}}`},
		{"replace array and object by scalar", tenantry.Settings{"list": []any{"y"}, "nested": "flat"},
			`{"list":["y"],"model":"m","nested":"flat"}`},
		{"remove unknown key", tenantry.Settings{"missing": nil}, `{"list":["y"],"model":"m","nested":"flat"}`},
		{"empty patch", tenantry.Settings{}, `{"list":["y"],"model":"m","nested":"flat"}`},
		{"limit override", tenantry.Settings{tenantry.LimitMaxProjects: 1}, `{"list":["y"],"max_projects":1,"model":"m","nested":"flat"}`},
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
	// The override applies: one project, then plan_limit.
	if _, err := ts.CreateProject(ctx, tenantry.ProjectCreate{Name: "one"}); err != nil {
		t.Fatal(err)
	}
	_, err := ts.CreateProject(ctx, tenantry.ProjectCreate{Name: "two"})
	wantCode(t, err, tenantry.EPLANLIMIT)
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
		{"limit not a number", ts, tenantry.Settings{tenantry.LimitMaxProjects: "lots"}, tenantry.EINVALID},
		{"limit fraction", ts, tenantry.Settings{tenantry.LimitMaxMembers: 1.5}, tenantry.EINVALID},
		{"limit below -1", ts, tenantry.Settings{tenantry.LimitRequestsPerSecond: -2}, tenantry.EINVALID},
		{"limit object", ts, tenantry.Settings{tenantry.LimitChatPer10s: map[string]any{"x": 1}}, tenantry.EINVALID},
		{"too large", ts, tenantry.Settings{"big": strings.Repeat("x", tenantry.MaxSettingsSize)}, tenantry.EINVALID},
		{"not JSON", ts, tenantry.Settings{"f": func() {}}, tenantry.EINVALID},
		{"no tenant", db.Tenant("not-a-uuid"), tenantry.Settings{"a": 1}, tenantry.ETENANTREQUIRED},
		{"unknown tenant", db.Tenant(tenantry.NewID()), tenantry.Settings{"a": 1}, tenantry.ETENANTNOTFOUND},
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
	// Removing an invalid key is always possible; -1 means unlimited.
	if _, err := ts.UpdateSettings(ctx, tenantry.Settings{"welcome": nil, tenantry.LimitMaxProjects: -1}); err != nil {
		t.Errorf("UpdateSettings(unlimited): got %v, want none", err)
	}
}
