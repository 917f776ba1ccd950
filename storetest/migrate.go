package storetest

import (
	"encoding/json"
	"testing"

	"github.com/tenantry/tenantry"
)

// LegacyTenant is a tenant row as a database of the schema before limit
// overrides had their own column holds it: Settings is the raw JSON of the
// settings column, limits and all.
type LegacyTenant struct {
	ID, Slug, Settings string
}

// LegacyMigrator creates a database at the schema version before the
// tenants' limits column, inserts rows (plan free, status active), migrates
// it to the latest version and returns it as a store opened with
// tenantry.DefaultPlans.
type LegacyMigrator func(t *testing.T, rows []LegacyTenant) tenantry.Store

// RunLimitsMigration checks the migration that moves limit overrides out
// of settings: limit names go to the tenant's limits (whole numbers >= -1
// only), keys that are neither tenant nor platform-only settings go into
// custom, and every migrated tenant's settings then take a tenant's patch.
func RunLimitsMigration(t *testing.T, migrate LegacyMigrator) {
	cases := []struct {
		name, settings           string
		wantSettings, wantLimits string
	}{
		{"empty", `{}`, `{}`, `{}`},
		{"known keys only", `{"welcome":"hi","model":"m","provider":"openai","cors_origins":["https://a.example"]}`,
			`{"cors_origins":["https://a.example"],"model":"m","provider":"openai","welcome":"hi"}`, `{}`},
		{"every limit", `{"max_projects":-1,"max_members":-1,"requests_per_second":-1,"max_in_flight":-1,"chat_per_10s":-1,"welcome":"hi"}`,
			`{"welcome":"hi"}`, `{"chat_per_10s":-1,"max_in_flight":-1,"max_members":-1,"max_projects":-1,"requests_per_second":-1}`},
		{"limits that never applied are dropped", `{"max_projects":"many","max_members":1.5,"chat_per_10s":-2,"requests_per_second":7}`,
			`{}`, `{"requests_per_second":7}`},
		{"unknown keys move into custom", `{"theme":{"dark":true},"flag":false,"n":null,"list":[1,"a"],"count":3,"model":"m"}`,
			`{"custom":{"count":3,"flag":false,"list":[1,"a"],"n":null,"theme":{"dark":true}},"model":"m"}`, `{}`},
		{"merged into an existing custom", `{"custom":{"a":1,"theme":"old"},"theme":"new","max_members":9}`,
			`{"custom":{"a":1,"theme":"new"}}`, `{"max_members":9}`},
		{"existing custom kept", `{"custom":{"a":{"b":[true]}}}`, `{"custom":{"a":{"b":[true]}}}`, `{}`},
		{"known key holding null dropped", `{"welcome":null,"model":"m"}`, `{"model":"m"}`, `{}`},
	}
	rows := make([]LegacyTenant, len(cases))
	for i, c := range cases {
		rows[i] = LegacyTenant{ID: tenantry.NewID(), Slug: "legacy-" + string(rune('a'+i)), Settings: c.settings}
	}
	s := migrate(t, rows)
	ctx := t.Context()
	plans := tenantry.DefaultPlans()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn, err := s.TenantByID(ctx, rows[i].ID)
			fatalIf(t, "TenantByID", err)
			if got := canonical(t, tn.Settings); got != c.wantSettings {
				t.Errorf("settings: got %s, want %s", got, c.wantSettings)
			}
			if got := canonical(t, tn.Limits); got != c.wantLimits {
				t.Errorf("limits: got %s, want %s", got, c.wantLimits)
			}
			if msg := tn.Settings.Validate(); msg != "" {
				t.Errorf("migrated settings %s do not validate: %s", jsonOf(tn.Settings), msg)
			}
			_, err = s.Tenant(tn.ID).UpdateSettings(ctx, tenantry.Settings{tenantry.SettingWelcome: "after"})
			wantCode(t, "UpdateSettings after the migration", err, "")
			var want tenantry.Limits
			fatalIf(t, "decode wantLimits", json.Unmarshal([]byte(c.wantLimits), &want))
			for _, name := range tenantry.LimitNames() {
				wantN, ok := want[name]
				if !ok {
					wantN = plans[tn.Plan].Limits[name]
				}
				if got := plans.Limit(tn, name); got != wantN {
					t.Errorf("Limit(%s): got %d, want %d", name, got, wantN)
				}
			}
		})
	}
}

// canonical returns v as JSON with sorted keys, {} for nil.
func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %v: %v", v, err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	if x == nil {
		return "{}"
	}
	b, _ = json.Marshal(x)
	return string(b)
}
