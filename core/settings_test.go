package core_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

// TestSettingsStore: a patch merges into the settings and comes back as a
// reader decodes it; a key only the platform sets, or settings that break
// their rules, are refused and change nothing.
func TestSettingsStore(t *testing.T) {
	ctx := t.Context()
	_, ts := newTenant(t, openStore(t), "settings", "")
	got, err := ts.UpdateSettings(ctx, tenantry.Settings{tenantry.SettingWelcome: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Settings[tenantry.SettingWelcome] != "Hello" || got.UpdatedAt.IsZero() {
		t.Errorf("UpdateSettings: got %+v, want the welcome set", got.Settings)
	}
	read, err := ts.Tenant(ctx)
	if err != nil || read.Settings[tenantry.SettingWelcome] != "Hello" || !read.UpdatedAt.Equal(got.UpdatedAt) {
		t.Errorf("Tenant after UpdateSettings: got %+v, %v; want what UpdateSettings returned", read, err)
	}
	if _, err := ts.UpdateSettings(ctx, tenantry.Settings{"max_projects": 1e6}); !tenantry.IsCode(err, tenantry.EINVALID) {
		t.Errorf("UpdateSettings(a platform key): got %v, want validation_failed", err)
	}
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "settings.update"})
	if err != nil || len(evs) != 1 {
		t.Errorf("settings.update events: got %d, %v; want the one accepted patch", len(evs), err)
	}
}
