package tenantry

import "slices"

// Limit names. A limit of Unlimited means no limit.
const (
	LimitMaxProjects       = "max_projects"
	LimitMaxMembers        = "max_members"
	LimitRequestsPerSecond = "requests_per_second"
	LimitChatPer10s        = "chat_per_10s"
	// LimitMaxInFlight caps a tenant's concurrent in-flight requests.
	LimitMaxInFlight = "max_in_flight"
)

// Unlimited is the value of a limit that does not apply.
const Unlimited int64 = -1

// Features.
const (
	FeatureAPI       = "api"
	FeatureExport    = "export"
	FeatureAnalytics = "analytics"
	FeatureSSO       = "sso"
)

func limitNames() map[string]bool {
	return map[string]bool{LimitMaxProjects: true, LimitMaxMembers: true, LimitRequestsPerSecond: true, LimitChatPer10s: true, LimitMaxInFlight: true}
}

// Limits maps limit names to values.
type Limits map[string]int64

// Plan is a named set of limits and features.
type Plan struct {
	Name     string   `json:"name"`
	Limits   Limits   `json:"limits"`
	Features []string `json:"features"`
}

// Plans is the catalogue of plans, by name.
type Plans map[string]Plan

// DefaultPlans returns the plans of shared/API.md.
func DefaultPlans() Plans {
	return Plans{
		"free": {Name: "free", Features: []string{FeatureAPI}, Limits: Limits{
			LimitMaxProjects: 3, LimitMaxMembers: 5, LimitRequestsPerSecond: 50, LimitChatPer10s: 5, LimitMaxInFlight: 8}},
		"starter": {Name: "starter", Features: []string{FeatureAPI}, Limits: Limits{
			LimitMaxProjects: 100, LimitMaxMembers: 10, LimitRequestsPerSecond: 100, LimitChatPer10s: 20, LimitMaxInFlight: 16}},
		"pro": {Name: "pro", Features: []string{FeatureAPI, FeatureExport, FeatureAnalytics}, Limits: Limits{
			LimitMaxProjects: 10000, LimitMaxMembers: 100, LimitRequestsPerSecond: 500, LimitChatPer10s: 60, LimitMaxInFlight: 32}},
		"enterprise": {Name: "enterprise", Features: []string{FeatureAPI, FeatureExport, FeatureAnalytics, FeatureSSO}, Limits: Limits{
			LimitMaxProjects: Unlimited, LimitMaxMembers: Unlimited, LimitRequestsPerSecond: 2000, LimitChatPer10s: 300, LimitMaxInFlight: 64}},
	}
}

// Limit returns the effective value of the named limit for t: the tenant's
// settings override the plan. An unknown plan or limit is Unlimited.
func (ps Plans) Limit(t *Tenant, name string) int64 {
	if v, ok := t.Settings[name]; ok {
		if n, ok := asLimit(v); ok {
			return n
		}
	}
	if n, ok := ps[t.Plan].Limits[name]; ok {
		return n
	}
	return Unlimited
}

// Limits returns every effective limit of t.
func (ps Plans) Limits(t *Tenant) Limits {
	out := Limits{}
	for name := range limitNames() {
		out[name] = ps.Limit(t, name)
	}
	return out
}

// Features returns the features of t's plan.
func (ps Plans) Features(t *Tenant) []string {
	return slices.Clone(ps[t.Plan].Features)
}

// HasFeature reports whether t's plan has feature f.
func (ps Plans) HasFeature(t *Tenant, f string) bool {
	return slices.Contains(ps[t.Plan].Features, f)
}

// Within reports whether a count may grow by one under limit.
func Within(count, limit int64) bool { return limit == Unlimited || count < limit }
