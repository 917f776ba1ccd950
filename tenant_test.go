package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestValidSlug(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"acme", true},
		{"acme-corp", true},
		{"a1", true},
		{"a", false},
		{"-acme", false},
		{"acme-", false},
		{"Acme", false},
		{"acme_corp", false},
		{"acme.corp", false},
		{"www", false},
		{"api", false},
		{"admin", false},
		{"app", false},
		{"01890a5d-ac96-774b-bcce-b302099a8057", false},
		{string(make([]byte, 64)), false},
	}
	for _, tt := range tests {
		if got := tenantry.ValidSlug(tt.in); got != tt.want {
			t.Errorf("ValidSlug(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme.Example.COM", "acme.example.com"},
		{"acme.localhost:8080", "acme.localhost"},
		{"acme.example.com.", "acme.example.com"},
		{"acme.example.com.:443", "acme.example.com"},
		{"localhost", "localhost"},
		{"[::1]:8080", "[::1]"},
		{"", ""},
		{"a..b", ""},
		{"evil.com/path", ""},
		{"ex ample.com", ""},
	}
	for _, tt := range tests {
		if got := tenantry.NormalizeDomain(tt.in); got != tt.want {
			t.Errorf("NormalizeDomain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"acme.localhost:8080", "ACME.example.com.", "[::1]:80", "a..b", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := tenantry.NormalizeDomain(s)
		if got == "" {
			return
		}
		if again := tenantry.NormalizeDomain(got); again != got {
			t.Fatalf("NormalizeDomain(%q) = %q, but NormalizeDomain(%q) = %q", s, got, got, again)
		}
	})
}

func TestTenantCreateValidate(t *testing.T) {
	plans := tenantry.DefaultPlans()
	tests := []struct {
		name       string
		in         tenantry.TenantCreate
		wantFields []string
		wantPlan   string
	}{
		{"ok defaults to free", tenantry.TenantCreate{Name: " Acme ", Slug: "ACME"}, nil, "free"},
		{"missing", tenantry.TenantCreate{}, []string{"name", "slug"}, ""},
		{"reserved slug", tenantry.TenantCreate{Name: "W", Slug: "www"}, []string{"slug"}, ""},
		{"unknown plan", tenantry.TenantCreate{Name: "A", Slug: "acme", Plan: "gold"}, []string{"plan"}, ""},
		{"bad domain", tenantry.TenantCreate{Name: "A", Slug: "acme", Domain: "nodots"}, []string{"domain"}, ""},
		{"bad id", tenantry.TenantCreate{Name: "A", Slug: "acme", ID: "x"}, []string{"id"}, ""},
		{"limit in settings", tenantry.TenantCreate{Name: "A", Slug: "acme", Settings: tenantry.Settings{"max_projects": 5}}, []string{"settings.max_projects"}, ""},
		{"unknown setting", tenantry.TenantCreate{Name: "A", Slug: "acme", Settings: tenantry.Settings{"theme": "dark"}}, []string{"settings.theme"}, ""},
		{"unknown limit", tenantry.TenantCreate{Name: "A", Slug: "acme", Limits: tenantry.Limits{"max_widgets": 5}}, []string{"limits.max_widgets"}, ""},
		{"negative limit", tenantry.TenantCreate{Name: "A", Slug: "acme", Limits: tenantry.Limits{"max_projects": -2}}, []string{"limits.max_projects"}, ""},
		{"ok platform settings and limits", tenantry.TenantCreate{Name: "Acme", Slug: "acme",
			Settings: tenantry.Settings{"provider": "openai", "openai_base_url": "https://llm.example.com/v1"},
			Limits:   tenantry.Limits{"max_projects": -1}}, nil, "free"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := tt.in
			err := tc.Validate(plans)
			if len(tt.wantFields) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				if tc.Plan != tt.wantPlan || tc.Name != "Acme" || tc.Slug != "acme" {
					t.Fatalf("normalised to %+v, want name Acme, slug acme, plan %s", tc, tt.wantPlan)
				}
				return
			}
			e, ok := err.(*tenantry.Error)
			if !ok || e.Code != tenantry.EINVALID {
				t.Fatalf("Validate() = %v, want validation_failed", err)
			}
			for _, f := range tt.wantFields {
				if _, ok := e.Fields[f]; !ok {
					t.Errorf("fields = %v, want %q", e.Fields, f)
				}
			}
		})
	}
}

func TestTenantUsable(t *testing.T) {
	tests := []struct {
		status tenantry.TenantStatus
		want   string
	}{
		{tenantry.TenantActive, ""},
		{tenantry.TenantSuspended, tenantry.ETENANTSUSPENDED},
		{tenantry.TenantArchived, tenantry.ETENANTARCHIVED},
	}
	for _, tt := range tests {
		if got := tenantry.ErrorCode((&tenantry.Tenant{Status: tt.status}).Usable()); got != tt.want {
			t.Errorf("Usable() of %s = %q, want %q", tt.status, got, tt.want)
		}
	}
}
