package tenantry_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestPlansLimit(t *testing.T) {
	plans := tenantry.DefaultPlans()
	tests := []struct {
		name   string
		tenant tenantry.Tenant
		limit  string
		want   int64
	}{
		{"free projects", tenantry.Tenant{Plan: "free"}, tenantry.LimitMaxProjects, 3},
		{"free rps", tenantry.Tenant{Plan: "free"}, tenantry.LimitRequestsPerSecond, 50},
		{"enterprise unlimited", tenantry.Tenant{Plan: "enterprise"}, tenantry.LimitMaxMembers, tenantry.Unlimited},
		{"override", tenantry.Tenant{Plan: "free", Limits: tenantry.Limits{"requests_per_second": 2}}, tenantry.LimitRequestsPerSecond, 2},
		{"unlimited override", tenantry.Tenant{Plan: "free", Limits: tenantry.Limits{"max_projects": -1}}, tenantry.LimitMaxProjects, tenantry.Unlimited},
		{"other override", tenantry.Tenant{Plan: "free", Limits: tenantry.Limits{"max_members": 9}}, tenantry.LimitMaxProjects, 3},
		{"settings never override", tenantry.Tenant{Plan: "free", Settings: tenantry.Settings{"max_projects": float64(-1)}}, tenantry.LimitMaxProjects, 3},
		{"unknown plan", tenantry.Tenant{Plan: "gold"}, tenantry.LimitMaxProjects, tenantry.Unlimited},
	}
	for _, tt := range tests {
		if got := plans.Limit(&tt.tenant, tt.limit); got != tt.want {
			t.Errorf("%s: Limit(%s) = %d, want %d", tt.name, tt.limit, got, tt.want)
		}
	}
	if got := plans.Limits(&tenantry.Tenant{Plan: "starter"}); got[tenantry.LimitChatPer10s] != 20 || got[tenantry.LimitMaxMembers] != 10 {
		t.Errorf("starter Limits() = %v, want chat_per_10s 20 and max_members 10", got)
	}
	pro := &tenantry.Tenant{Plan: "pro"}
	if !plans.HasFeature(pro, tenantry.FeatureExport) || plans.HasFeature(pro, tenantry.FeatureSSO) {
		t.Errorf("pro features = %v, want export and no sso", plans.Features(pro))
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		count, limit int64
		want         bool
	}{{0, 3, true}, {2, 3, true}, {3, 3, false}, {1 << 40, tenantry.Unlimited, true}, {0, 0, false}}
	for _, tt := range tests {
		if got := tenantry.Within(tt.count, tt.limit); got != tt.want {
			t.Errorf("Within(%d, %d) = %v, want %v", tt.count, tt.limit, got, tt.want)
		}
	}
}

func TestLimitsPatch(t *testing.T) {
	tests := []struct {
		name       string
		patch      tenantry.LimitsPatch
		want       tenantry.Limits
		wantFields []string
	}{
		{"set", tenantry.LimitsPatch{"max_projects": float64(10)}, tenantry.Limits{"max_projects": 10, "chat_per_10s": 8}, nil},
		{"unlimited", tenantry.LimitsPatch{"max_members": float64(-1)}, tenantry.Limits{"max_members": -1, "chat_per_10s": 8}, nil},
		{"null removes", tenantry.LimitsPatch{"chat_per_10s": nil}, tenantry.Limits{}, nil},
		{"int64", tenantry.LimitsPatch{"chat_per_10s": int64(3)}, tenantry.Limits{"chat_per_10s": 3}, nil},
		{"unknown", tenantry.LimitsPatch{"max_widgets": float64(1)}, nil, []string{"limits.max_widgets"}},
		{"fraction", tenantry.LimitsPatch{"max_projects": 1.5}, nil, []string{"limits.max_projects"}},
		{"below -1", tenantry.LimitsPatch{"max_projects": float64(-2)}, nil, []string{"limits.max_projects"}},
		{"string", tenantry.LimitsPatch{"max_projects": "10"}, nil, []string{"limits.max_projects"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.patch.Check(tenantry.DefaultPlans(), "limits.")
			if tt.wantFields != nil {
				e, ok := err.(*tenantry.Error)
				if !ok || e.Code != tenantry.EINVALID {
					t.Fatalf("Check() = %v, want validation_failed", err)
				}
				for _, f := range tt.wantFields {
					if _, ok := e.Fields[f]; !ok {
						t.Errorf("fields = %v, want %q", e.Fields, f)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Check() = %v, want nil", err)
			}
			before := tenantry.Limits{"chat_per_10s": 8}
			got := before.MergePatch(tt.patch)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MergePatch() = %v, want %v", got, tt.want)
			}
			if !reflect.DeepEqual(before, tenantry.Limits{"chat_per_10s": 8}) {
				t.Errorf("MergePatch modified its receiver: %v", before)
			}
		})
	}
}

func TestLimitsUnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    tenantry.Limits
		wantErr bool
	}{
		{`{}`, tenantry.Limits{}, false},
		{`{"max_projects":5,"chat_per_10s":-1}`, tenantry.Limits{"max_projects": 5, "chat_per_10s": -1}, false},
		{`{"max_projects":4.0,"max_members":2e0}`, tenantry.Limits{"max_projects": 4, "max_members": 2}, false},
		{`null`, nil, false},
		{`{"max_projects":1.5}`, nil, true},
		{`{"max_projects":"5"}`, nil, true},
		{`[1]`, nil, true},
	}
	for _, tt := range tests {
		var got tenantry.Limits
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr {
			t.Errorf("Unmarshal(%s): got error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Unmarshal(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPlansWithExtensions(t *testing.T) {
	ext := tenantry.Extension{Name: "billing", Tables: []string{"invoices"}, Limits: map[string]map[string]int64{
		"max_invoices": {"free": 10, "pro": 1000},
	}}
	ps := tenantry.DefaultPlans().WithExtensions([]tenantry.Extension{ext})
	tests := []struct {
		plan string
		want int64
	}{
		{"free", 10}, {"pro", 1000}, {"starter", tenantry.Unlimited}, {"enterprise", tenantry.Unlimited},
	}
	for _, tt := range tests {
		if got := ps.Limit(&tenantry.Tenant{Plan: tt.plan}, "max_invoices"); got != tt.want {
			t.Errorf("max_invoices on %s = %d, want %d", tt.plan, got, tt.want)
		}
	}
	if got := ps.Limit(&tenantry.Tenant{Plan: "free", Limits: tenantry.Limits{"max_invoices": 50}}, "max_invoices"); got != 50 {
		t.Errorf("overridden max_invoices = %d, want 50", got)
	}
	if got := ps.Limits(&tenantry.Tenant{Plan: "free"})["max_invoices"]; got != 10 {
		t.Errorf("Limits()[max_invoices] = %d, want 10", got)
	}
	if err := (tenantry.LimitsPatch{"max_invoices": 20.0}).Check(ps, "limits."); err != nil {
		t.Errorf("an extension's limit in a platform override: %v", err)
	}
	if err := (tenantry.LimitsPatch{"max_invoices": 20.0}).Check(tenantry.DefaultPlans(), "limits."); err == nil {
		t.Errorf("an extension's limit without the extension: got nil error, want unknown limit")
	}
	if _, ok := tenantry.DefaultPlans()["free"].Limits["max_invoices"]; ok {
		t.Errorf("WithExtensions changed the plans it was given")
	}
	bad := tenantry.Extension{Name: "billing", Tables: []string{"invoices"}, Limits: map[string]map[string]int64{"max_projects": {"free": 1}}}
	if err := bad.Validate(); err == nil {
		t.Errorf("an extension redefining max_projects: got nil error, want one")
	}
}
