package tenantry

import (
	"errors"
	"strings"
	"time"
)

// TenantStatus is the lifecycle state of a tenant.
type TenantStatus string

// Tenant statuses.
const (
	TenantActive    TenantStatus = "active"
	TenantSuspended TenantStatus = "suspended"
	TenantArchived  TenantStatus = "archived"
)

// Valid reports whether s is a known status.
func (s TenantStatus) Valid() bool {
	return s == TenantActive || s == TenantSuspended || s == TenantArchived
}

// Tenant is a customer organisation.
type Tenant struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Slug     string       `json:"slug"`
	Domain   string       `json:"domain"`
	Plan     string       `json:"plan"`
	Status   TenantStatus `json:"status"`
	Settings Settings     `json:"settings"`
	// Limits are the platform's overrides of the plan's limits for this
	// tenant (see Plans.Limit); the tenant cannot change them.
	Limits    Limits    `json:"limits"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ForRole returns t as a member of role may see it: a copy without the
// platform-only settings unless role is owner or admin.
func (t *Tenant) ForRole(role Role) *Tenant {
	if t == nil {
		return nil
	}
	c := *t
	c.Settings = t.Settings.ForRole(role)
	return &c
}

// Usable returns nil for an active tenant, and the tenant_suspended or
// tenant_archived error otherwise.
func (t *Tenant) Usable() error {
	switch t.Status {
	case TenantSuspended:
		return Errorf(ETENANTSUSPENDED, "This tenant is suspended.")
	case TenantArchived:
		return Errorf(ETENANTARCHIVED, "This tenant is archived.")
	}
	return nil
}

// TenantCreate is the input of Platform.CreateTenant.
type TenantCreate struct {
	// ID is optional; a new one is made when empty.
	ID       string
	Name     string
	Slug     string
	Domain   string
	Plan     string
	Settings Settings
	// Limits are the tenant's limit overrides.
	Limits Limits
	// OwnerID, when set, is an existing user who becomes the owner.
	OwnerID string
}

// TenantUpdate is the input of Platform.UpdateTenant; nil fields are left
// alone. SettingsPatch and LimitsPatch are JSON Merge Patches (RFC 7386);
// the platform may set platform-only settings keys.
type TenantUpdate struct {
	Name          *string
	Plan          *string
	Domain        *string
	SettingsPatch Settings
	LimitsPatch   LimitsPatch
}

// TenantFilter selects tenants in Platform.Tenants.
type TenantFilter struct {
	Status TenantStatus
	Plan   string
	// Q matches name, slug or domain, case-insensitively.
	Q string
	Page
}

// IsReservedSlug reports whether s is a subdomain label that is never a
// tenant: www, api, admin and app.
func IsReservedSlug(s string) bool {
	switch s {
	case "www", "api", "admin", "app":
		return true
	}
	return false
}

// ValidSlug reports whether s is a valid tenant slug: 2 to 63 characters of
// lower-case letters, digits and inner hyphens, usable as a DNS label, and
// not reserved.
func ValidSlug(s string) bool {
	if len(s) < 2 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' || IsReservedSlug(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	// A slug that parses as an id would be ambiguous in {id or slug} paths.
	_, isID := ParseID(s)
	return !isID
}

// NormalizeDomain lower-cases a host name and strips a trailing dot and any
// port. It returns "" for an empty or malformed host.
func NormalizeDomain(host string) string {
	host = strings.ToLower(strings.TrimSpace(host))
	if strings.HasPrefix(host, "[") { // IPv6 literal
		if i := strings.IndexByte(host, ']'); i > 0 {
			return host[:i+1]
		}
		return ""
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" || len(host) > 253 {
		return ""
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return ""
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return ""
			}
		}
	}
	return host
}

// Validate checks a TenantCreate and fills defaults (plan "free").
func (tc *TenantCreate) Validate(plans Plans) error {
	fields := map[string]string{}
	tc.Name = strings.TrimSpace(tc.Name)
	validateTenantName(tc.Name, fields)
	switch {
	case !CheckText(fields, "slug", tc.Slug):
	case strings.TrimSpace(tc.Slug) == "":
		fields["slug"] = "required"
	default:
		tc.Slug = strings.ToLower(strings.TrimSpace(tc.Slug))
		if IsReservedSlug(tc.Slug) {
			fields["slug"] = "reserved"
		} else if !ValidSlug(tc.Slug) {
			fields["slug"] = "must be 2-63 lower-case letters, digits or hyphens"
		}
	}
	if tc.Domain != "" {
		tc.Domain = validateTenantDomain(tc.Domain, fields)
	}
	switch {
	case !CheckText(fields, "plan", tc.Plan):
	case tc.Plan == "":
		tc.Plan = "free"
	default:
		if _, ok := plans[tc.Plan]; !ok {
			fields["plan"] = "unknown plan"
		}
	}
	if tc.ID != "" {
		id, ok := ParseID(tc.ID)
		if !ok {
			fields["id"] = "must be a UUID"
		}
		tc.ID = id
	}
	if tc.Settings == nil {
		tc.Settings = Settings{}
	}
	addFields(fields, tc.Settings.CheckPatch(ByPlatform, "settings."))
	if tc.Limits == nil {
		tc.Limits = Limits{}
	}
	addFields(fields, tc.Limits.Check(plans, "limits."))
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// Validate checks a TenantUpdate.
func (tu *TenantUpdate) Validate(plans Plans) error {
	fields := map[string]string{}
	if tu.Name != nil {
		n := strings.TrimSpace(*tu.Name)
		tu.Name = &n
		validateTenantName(n, fields)
	}
	if tu.Plan != nil && CheckText(fields, "plan", *tu.Plan) {
		if _, ok := plans[*tu.Plan]; !ok {
			fields["plan"] = "unknown plan"
		}
	}
	if tu.Domain != nil && *tu.Domain != "" {
		d := validateTenantDomain(*tu.Domain, fields)
		tu.Domain = &d
	}
	if tu.SettingsPatch != nil {
		addFields(fields, tu.SettingsPatch.CheckPatch(ByPlatform, "settings."))
	}
	addFields(fields, tu.LimitsPatch.Check(plans, "limits."))
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

func validateTenantName(name string, fields map[string]string) {
	switch {
	case !CheckText(fields, "name", name):
	case name == "":
		fields["name"] = "required"
	case len(name) > 200:
		fields["name"] = "too long"
	}
}

// validateTenantDomain returns the normalised form of a non-empty domain,
// recording in fields why it is not a host name.
func validateTenantDomain(domain string, fields map[string]string) string {
	if !CheckText(fields, "domain", domain) {
		return domain
	}
	d := NormalizeDomain(domain)
	if d == "" || !strings.Contains(d, ".") {
		fields["domain"] = "must be a host name"
	}
	return d
}

// addFields copies the fields of a validation_failed err into fields.
func addFields(fields map[string]string, err error) {
	var e *Error
	if errors.As(err, &e) {
		for k, v := range e.Fields {
			fields[k] = v
		}
	}
}
