package tenantry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
)

// Limit names. A limit of Unlimited means no limit.
const (
	LimitMaxProjects       = "max_projects"
	LimitMaxMembers        = "max_members"
	LimitRequestsPerSecond = "requests_per_second"
	LimitChatPer10s        = "chat_per_10s"
	// LimitMaxInFlight caps a tenant's concurrent in-flight requests.
	LimitMaxInFlight = "max_in_flight"
	// LimitMaxEventStreams caps a tenant's open event streams (GET
	// /api/events and the live pages).
	LimitMaxEventStreams = "max_event_streams"
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
	return map[string]bool{LimitMaxProjects: true, LimitMaxMembers: true, LimitRequestsPerSecond: true, LimitChatPer10s: true, LimitMaxInFlight: true, LimitMaxEventStreams: true}
}

// IsLimitName reports whether name is a known limit.
func IsLimitName(name string) bool { return limitNames()[name] }

// LimitNames returns the known limit names, sorted.
func LimitNames() []string {
	out := make([]string, 0, 6)
	for n := range limitNames() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Limits maps limit names to values. As Tenant.Limits it holds the
// platform's overrides of the tenant's plan limits.
type Limits map[string]int64

// UnmarshalJSON decodes an object of limit names to whole numbers; a
// number with a fraction part of zero (4.0, 2e0) is that whole number, and
// anything else is an error.
func (l *Limits) UnmarshalJSON(b []byte) error {
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if raw == nil {
		*l = nil
		return nil
	}
	out := make(Limits, len(raw))
	for k, v := range raw {
		n, ok := v.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil || f != math.Trunc(f) || f < -(1<<53) || f > 1<<53 {
			return fmt.Errorf("limit %s: %v is not a whole number", k, v)
		}
		out[k] = int64(f)
	}
	*l = out
	return nil
}

// Check returns validation_failed naming (prefix+name) each limit ps does
// not know and each value below Unlimited, or nil.
func (l Limits) Check(ps Plans, prefix string) error {
	fields := map[string]string{}
	for name, v := range l {
		switch {
		case !ps.IsLimit(name):
			fields[prefix+name] = "unknown limit"
		case v < Unlimited:
			fields[prefix+name] = "must be a whole number >= -1"
		}
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// LimitsPatch is a JSON Merge Patch of a tenant's limit overrides: a limit
// name maps to a whole number >= -1 (-1 is unlimited), or to null, which
// removes the override so the plan's limit applies.
type LimitsPatch map[string]any

// Check returns validation_failed naming (prefix+name) each limit ps does
// not know and each value that is neither null nor a whole number >= -1,
// or nil.
func (p LimitsPatch) Check(ps Plans, prefix string) error {
	fields := map[string]string{}
	for name, v := range p {
		if !ps.IsLimit(name) {
			fields[prefix+name] = "unknown limit"
			continue
		}
		if v == nil {
			continue
		}
		if _, ok := asLimit(v); !ok {
			fields[prefix+name] = "must be a whole number >= -1"
		}
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// MergePatch returns a copy of l with the checked patch p applied: null
// removes an override, a number sets it. l is not modified.
func (l Limits) MergePatch(p LimitsPatch) Limits {
	out := make(Limits, len(l)+len(p))
	for k, v := range l {
		out[k] = v
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
		} else if n, ok := asLimit(v); ok {
			out[k] = n
		}
	}
	return out
}

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
			LimitMaxProjects: 3, LimitMaxMembers: 5, LimitRequestsPerSecond: 50, LimitChatPer10s: 5, LimitMaxInFlight: 8, LimitMaxEventStreams: 10}},
		"starter": {Name: "starter", Features: []string{FeatureAPI}, Limits: Limits{
			LimitMaxProjects: 100, LimitMaxMembers: 10, LimitRequestsPerSecond: 100, LimitChatPer10s: 20, LimitMaxInFlight: 16, LimitMaxEventStreams: 50}},
		"pro": {Name: "pro", Features: []string{FeatureAPI, FeatureExport, FeatureAnalytics}, Limits: Limits{
			LimitMaxProjects: 10000, LimitMaxMembers: 100, LimitRequestsPerSecond: 500, LimitChatPer10s: 60, LimitMaxInFlight: 32, LimitMaxEventStreams: 500}},
		"enterprise": {Name: "enterprise", Features: []string{FeatureAPI, FeatureExport, FeatureAnalytics, FeatureSSO}, Limits: Limits{
			LimitMaxProjects: Unlimited, LimitMaxMembers: Unlimited, LimitRequestsPerSecond: 2000, LimitChatPer10s: 300, LimitMaxInFlight: 64, LimitMaxEventStreams: 5000}},
	}
}

// Limit returns the effective value of the named limit for t: the
// platform's override in t.Limits, else the plan's. An unknown plan or
// limit is Unlimited. Settings never hold limits.
func (ps Plans) Limit(t *Tenant, name string) int64 {
	if n, ok := t.Limits[name]; ok {
		return n
	}
	if n, ok := ps[t.Plan].Limits[name]; ok {
		return n
	}
	return Unlimited
}

// Limits returns every effective limit of t: Tenantry's and the
// extensions' (WithExtensions).
func (ps Plans) Limits(t *Tenant) Limits {
	out := Limits{}
	for name := range limitNames() {
		out[name] = ps.Limit(t, name)
	}
	for _, p := range ps {
		for name := range p.Limits {
			out[name] = ps.Limit(t, name)
		}
	}
	return out
}

// IsLimit reports whether name is one of Tenantry's limits or a limit that
// a plan of ps has (an extension's, merged by WithExtensions).
func (ps Plans) IsLimit(name string) bool {
	if IsLimitName(name) {
		return true
	}
	for _, p := range ps {
		if _, ok := p.Limits[name]; ok {
			return true
		}
	}
	return false
}

// WithExtensions returns a copy of ps in which every plan has each limit
// the extensions declare: the extension's value for that plan, or
// Unlimited for a plan it does not name. A limit already set by ps (a
// --plans file) is kept.
func (ps Plans) WithExtensions(exts []Extension) Plans {
	out := make(Plans, len(ps))
	for name, p := range ps {
		p.Limits = maps.Clone(p.Limits)
		if p.Limits == nil {
			p.Limits = Limits{}
		}
		for _, e := range exts {
			for limit, byPlan := range e.Limits {
				if _, ok := p.Limits[limit]; ok {
					continue
				}
				v, ok := byPlan[name]
				if !ok {
					v = Unlimited
				}
				p.Limits[limit] = v
			}
		}
		out[name] = p
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
