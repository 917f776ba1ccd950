package ui

import (
	"net/http"
	"slices"
	"strings"

	"github.com/tenantry/tenantry"
)

// consoleListPage is the data of the console's tenant list.
type consoleListPage struct {
	Tenants []*tenantry.Tenant
	Next    string
	Q       string
	Status  string
	Plan    string
	Plans   []string
}

// planNames returns the configured plan names, cheapest first by quota.
func (h *Handler) planNames() []string {
	names := make([]string, 0, len(h.cfg.Plans))
	for n := range h.cfg.Plans {
		names = append(names, n)
	}
	order := func(n string) int64 {
		v := h.cfg.Plans[n].Limits[tenantry.LimitMaxProjects]
		if v == tenantry.Unlimited {
			return 1 << 62
		}
		return v
	}
	slices.SortFunc(names, func(a, b string) int {
		if oa, ob := order(a), order(b); oa != ob {
			if oa < ob {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return names
}

// consoleTenants lists and searches tenants (?q=, ?status=, ?plan=).
func (h *Handler) consoleTenants(q *request) error {
	return h.renderConsole(q, http.StatusOK, nil, nil)
}

// renderConsole renders the tenant list with a failed create's error.
func (h *Handler) renderConsole(q *request, status int, formErr error, form map[string]string) error {
	qs := q.r.URL.Query()
	f := tenantry.TenantFilter{Q: strings.TrimSpace(qs.Get("q")), Page: tenantry.Page{Cursor: qs.Get("cursor")}}
	if s := tenantry.TenantStatus(qs.Get("status")); s.Valid() {
		f.Status = s
	}
	if _, ok := h.cfg.Plans[qs.Get("plan")]; ok {
		f.Plan = qs.Get("plan")
	}
	ts, next, err := h.cfg.Store.Platform().Tenants(q.ctx(), f)
	if err != nil {
		return err
	}
	p := &consoleListPage{Tenants: ts, Next: next, Q: f.Q, Status: string(f.Status), Plan: f.Plan, Plans: h.planNames()}
	v := &view{Title: "Platform console", Nav: "console", Page: p, Form: form}
	v.formErr(formErr)
	h.renderView(q, status, "console", v)
	return nil
}

// consoleCreate creates a tenant; with an owner e-mail an existing user
// becomes its owner, else an owner invitation link is shown once.
func (h *Handler) consoleCreate(q *request) error {
	f := q.r.PostForm
	ctx := q.ctx()
	form := map[string]string{"name": f.Get("name"), "slug": f.Get("slug"), "domain": f.Get("domain"), "owner_email": f.Get("owner_email")}
	tc := tenantry.TenantCreate{Name: f.Get("name"), Slug: f.Get("slug"), Domain: f.Get("domain"), Plan: f.Get("plan")}
	email := tenantry.NormalizeEmail(f.Get("owner_email"))
	if email != "" {
		if !tenantry.ValidEmail(email) {
			err := tenantry.Invalid(map[string]string{"owner_email": "must be an e-mail address"})
			return h.renderConsole(q, statusOf(err), err, form)
		}
		u, err := h.cfg.Store.UserByEmail(ctx, email)
		switch {
		case err == nil:
			tc.OwnerID = u.ID
		case !tenantry.IsCode(err, tenantry.ENOTFOUND):
			return err
		}
	}
	if err := tc.Validate(h.cfg.Plans); err != nil {
		return h.renderConsole(q, statusOf(err), err, form)
	}
	if err := tenantry.ValidateCustomDomain(tc.Domain, h.baseDomains()); err != nil {
		return h.renderConsole(q, statusOf(err), err, form)
	}
	t, err := h.cfg.Store.Platform().CreateTenant(ctx, tc)
	if err != nil {
		return h.renderConsole(q, statusOf(err), err, form)
	}
	q.sess.Flash = "Tenant " + t.Name + " created."
	if email != "" && tc.OwnerID == "" {
		_, token, err := h.cfg.Auth.CreateInvitation(ctx, h.cfg.Store.Tenant(t.ID), email, tenantry.RoleOwner)
		if err != nil {
			return err
		}
		scheme := "http"
		if h.secure(q.r) {
			scheme = "https"
		}
		q.sess.Secret = scheme + "://" + q.r.Host + "/invitations/" + token
		q.sess.Flash += " No user has " + email + " yet: send them this owner invitation link, shown only once."
		if h.cfg.Auth.SendsMail() {
			q.sess.Flash += " It was e-mailed to them too."
		}
	} else if tc.OwnerID != "" {
		q.sess.Flash += " " + email + " is its owner."
	}
	if err := q.save(); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/admin/tenants/"+t.Slug, http.StatusSeeOther)
	return nil
}

// consoleTenantOf returns the tenant named by id or slug in the path.
func (h *Handler) consoleTenantOf(q *request) (*tenantry.Tenant, error) {
	ref := q.r.PathValue("ref")
	if id, ok := tenantry.ParseID(ref); ok {
		return h.cfg.Store.TenantByID(q.ctx(), id)
	}
	t, err := h.cfg.Store.TenantBySlug(q.ctx(), strings.ToLower(ref))
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
	}
	return t, err
}

// consoleTenantPage is the data of one tenant in the console.
type consoleTenantPage struct {
	T      *tenantry.Tenant
	Usage  tenantry.Usage
	Rows   []usageRow
	Plans  []string
	Events []*tenantry.AuditEvent
	// Members are the tenant's first members in join order; MoreMembers
	// says there are others.
	Members     []*tenantry.Member
	MoreMembers bool
	Roles       []tenantry.Role
}

// consoleTenant shows a tenant, its usage, its members and the actions on
// it.
func (h *Handler) consoleTenant(q *request) error {
	return h.renderConsoleTenant(q, http.StatusOK, nil)
}

// renderConsoleTenant renders one tenant with a failed action's error.
func (h *Handler) renderConsoleTenant(q *request, status int, formErr error) error {
	return h.renderConsoleTenantForm(q, status, formErr, nil)
}

// renderConsoleTenantForm renders one tenant with a failed action's error
// and what its form held.
func (h *Handler) renderConsoleTenantForm(q *request, status int, formErr error, form map[string]string) error {
	t, err := h.consoleTenantOf(q)
	if err != nil {
		return err
	}
	u, err := h.cfg.Store.Platform().TenantUsage(q.ctx(), t.ID)
	if err != nil {
		return err
	}
	evs, _, err := h.cfg.Store.Platform().AuditEvents(q.ctx(), tenantry.AuditFilter{TenantID: t.ID, Page: tenantry.Page{Limit: 10}})
	if err != nil {
		return err
	}
	ms, next, err := h.cfg.Store.Tenant(t.ID).Members(q.ctx(), tenantry.Page{Limit: tenantry.MaxPageSize})
	if err != nil {
		return err
	}
	p := &consoleTenantPage{T: t, Usage: u, Rows: h.quota(t, u), Plans: h.planNames(), Events: evs,
		Members: ms, MoreMembers: next != "", Roles: []tenantry.Role{tenantry.RoleOwner, tenantry.RoleAdmin, tenantry.RoleMember}}
	v := &view{Title: t.Name + " · console", Nav: "console", Page: p, Form: form}
	v.formErr(formErr)
	h.renderView(q, status, "console_tenant", v)
	return nil
}

// consolePlan changes a tenant's plan.
func (h *Handler) consolePlan(q *request) error {
	t, err := h.consoleTenantOf(q)
	if err != nil {
		return err
	}
	plan := q.r.PostForm.Get("plan")
	tu := tenantry.TenantUpdate{Plan: &plan}
	if err := tu.Validate(h.cfg.Plans); err != nil {
		return h.renderConsoleTenant(q, statusOf(err), err)
	}
	if _, err := h.cfg.Store.Platform().UpdateTenant(q.ctx(), t.ID, tu); err != nil {
		return h.renderConsoleTenant(q, statusOf(err), err)
	}
	return h.consoleDone(q, t, t.Name+" is now on the "+plan+" plan.")
}

// consoleAddMember gives an e-mail a role in the tenant, as
// POST /api/admin/tenants/{id}/members does: an existing user joins at
// once, an unknown e-mail gets an invitation whose link is shown once (and
// e-mailed when the server sends mail). It is how a seeded tenant, which
// has no member, gets its first owner.
func (h *Handler) consoleAddMember(q *request) error {
	t, err := h.consoleTenantOf(q)
	if err != nil {
		return err
	}
	f := q.r.PostForm
	form := map[string]string{"email": f.Get("email"), "role": f.Get("role")}
	g, err := h.cfg.Auth.AddMemberByEmail(q.ctx(), h.cfg.Store.Tenant(t.ID), f.Get("email"), tenantry.Role(f.Get("role")))
	if err != nil {
		return h.renderConsoleTenantForm(q, statusOf(err), err, form)
	}
	if g.Member != nil {
		return h.consoleDone(q, t, g.Member.Email+" is now "+string(g.Member.Role)+" of "+t.Name+".")
	}
	scheme := "http"
	if h.secure(q.r) {
		scheme = "https"
	}
	q.sess.Secret = scheme + "://" + q.r.Host + "/invitations/" + g.Token
	q.sess.Flash = "No user has " + g.Invitation.Email + " yet: send them this " + string(g.Invitation.Role) + " invitation link, shown only once."
	if h.cfg.Auth.SendsMail() {
		q.sess.Flash += " It was e-mailed to them too."
	}
	if err := q.save(); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/admin/tenants/"+t.Slug, http.StatusSeeOther)
	return nil
}

// consoleDone flashes msg and shows the tenant again.
func (h *Handler) consoleDone(q *request, t *tenantry.Tenant, msg string) error {
	if err := q.flash(msg); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/admin/tenants/"+t.Slug, http.StatusSeeOther)
	return nil
}

// consoleStatus suspends, activates or archives a tenant.
func (h *Handler) consoleStatus(q *request) error {
	t, err := h.consoleTenantOf(q)
	if err != nil {
		return err
	}
	var s tenantry.TenantStatus
	switch q.r.PostForm.Get("action") {
	case "suspend":
		s = tenantry.TenantSuspended
	case "activate":
		s = tenantry.TenantActive
	case "archive":
		s = tenantry.TenantArchived
	default:
		return h.renderConsoleTenant(q, http.StatusUnprocessableEntity, tenantry.Invalid(map[string]string{"action": "must be suspend, activate or archive"}))
	}
	if _, err := h.cfg.Store.Platform().SetTenantStatus(q.ctx(), t.ID, s); err != nil {
		return h.renderConsoleTenant(q, statusOf(err), err)
	}
	return h.consoleDone(q, t, t.Name+" is now "+string(s)+".")
}

// consoleDelete deletes a tenant and all its data once the admin has typed
// its slug.
func (h *Handler) consoleDelete(q *request) error {
	t, err := h.consoleTenantOf(q)
	if err != nil {
		return err
	}
	if strings.TrimSpace(q.r.PostForm.Get("confirm")) != t.Slug {
		err := tenantry.Invalid(map[string]string{"confirm": "must be the tenant's slug, " + t.Slug})
		return h.renderConsoleTenant(q, statusOf(err), err)
	}
	if err := h.cfg.Store.Platform().DeleteTenant(q.ctx(), t.ID); err != nil {
		return h.renderConsoleTenant(q, statusOf(err), err)
	}
	if err := q.flash("Tenant " + t.Name + " and all its data were deleted."); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/admin/", http.StatusSeeOther)
	return nil
}

// consoleAudit shows the audit trail across tenants (?tenant=slug).
func (h *Handler) consoleAudit(q *request) error {
	qs := q.r.URL.Query()
	f := tenantry.AuditFilter{Action: qs.Get("action"), Page: tenantry.Page{Cursor: qs.Get("cursor")}}
	if ref := strings.TrimSpace(qs.Get("tenant")); ref != "" {
		q.r.SetPathValue("ref", ref)
		t, err := h.consoleTenantOf(q)
		if err != nil {
			return err
		}
		f.TenantID = t.ID
	}
	evs, next, err := h.cfg.Store.Platform().AuditEvents(q.ctx(), f)
	if err != nil {
		return err
	}
	rows := newConsoleAuditNamer(q.ctx(), h.cfg.Store).rows(evs)
	p := &auditPage{Events: rows, Next: next, Action: f.Action, Tenant: qs.Get("tenant")}
	h.renderView(q, http.StatusOK, "console_audit", &view{Title: "Audit trail · console", Nav: "console-audit", Page: p})
	return nil
}
