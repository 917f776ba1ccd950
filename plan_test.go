package tenantry_test

import (
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
		{"override", tenantry.Tenant{Plan: "free", Settings: tenantry.Settings{"requests_per_second": float64(2)}}, tenantry.LimitRequestsPerSecond, 2},
		{"bad override ignored", tenantry.Tenant{Plan: "free", Settings: tenantry.Settings{"max_projects": "x"}}, tenantry.LimitMaxProjects, 3},
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
