package http

import (
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// adminTenant is a tenant with its usage, or with an owner invitation
// token after a create.
type adminTenant struct {
	*tenantry.Tenant
	Usage *tenantry.Usage `json:"usage,omitempty"`
	Token string          `json:"token,omitempty"`
}

// adminTenantCreateRequest is the body of POST /api/admin/tenants.
type adminTenantCreateRequest struct {
	Name       string            `json:"name"`
	Slug       string            `json:"slug"`
	Domain     string            `json:"domain"`
	Plan       string            `json:"plan"`
	Settings   tenantry.Settings `json:"settings"`
	OwnerEmail string            `json:"owner_email"`
}

// adminTenantUpdateRequest is the body of PATCH /api/admin/tenants/{id}.
type adminTenantUpdateRequest struct {
	Name     *string              `json:"name"`
	Plan     *string              `json:"plan"`
	Domain   *string              `json:"domain"`
	Settings tenantry.Settings    `json:"settings"`
	Limits   tenantry.LimitsPatch `json:"limits"`
}

// adminTenantOf resolves the {id} path value: a tenant id or slug.
func (s *Server) adminTenantOf(r *http.Request) (*tenantry.Tenant, error) {
	// The store's directory, not the cache: the console acts on what is.
	return tenantry.Resolver{Directory: s.store}.Ref(r.Context(), r.PathValue("id"))
}

// handleAdminTenantCreate creates a tenant: 201. With owner_email an
// existing user becomes owner; an unknown owner_email gets an owner
// invitation whose token is in the answer.
func (s *Server) handleAdminTenantCreate(w http.ResponseWriter, r *http.Request) error {
	var in adminTenantCreateRequest
	if err := decodeShallow(r, &in, tenantry.MaxSettingsDepth+1); err != nil {
		return err
	}
	ctx := r.Context()
	tc := tenantry.TenantCreate{Name: in.Name, Slug: in.Slug, Domain: in.Domain, Plan: in.Plan, Settings: in.Settings}
	email := tenantry.NormalizeEmail(in.OwnerEmail)
	if email != "" {
		if !tenantry.ValidEmail(email) {
			return tenantry.Invalid(map[string]string{"owner_email": "must be an e-mail address"})
		}
		u, err := s.store.UserByEmail(ctx, email)
		switch {
		case err == nil:
			tc.OwnerID = u.ID
		case !tenantry.IsCode(err, tenantry.ENOTFOUND):
			return err
		}
	}
	if err := tc.Validate(s.plans); err != nil {
		return err
	}
	if err := tenantry.ValidateCustomDomain(tc.Domain, s.cfg.BaseDomains); err != nil {
		return err
	}
	t, err := s.store.Platform().CreateTenant(ctx, tc)
	if err != nil {
		return err
	}
	out := adminTenant{Tenant: t}
	if email != "" && tc.OwnerID == "" {
		_, token, err := s.auth.CreateInvitation(ctx, s.store.Tenant(t.ID), email, tenantry.RoleOwner)
		if err != nil {
			return err
		}
		out.Token = token
	}
	return writeJSON(w, http.StatusCreated, out)
}

// handleAdminTenantList lists tenants (?status=, ?plan=, ?q=).
func (s *Server) handleAdminTenantList(w http.ResponseWriter, r *http.Request) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := tenantry.TenantFilter{Status: tenantry.TenantStatus(q.Get("status")), Plan: q.Get("plan"), Q: strings.TrimSpace(q.Get("q")), Page: p}
	if f.Status != "" && !f.Status.Valid() {
		return tenantry.Errorf(tenantry.EBADREQUEST, "The status must be active, suspended or archived.")
	}
	if f.Plan != "" {
		if _, ok := s.plans[f.Plan]; !ok {
			return tenantry.Errorf(tenantry.EBADREQUEST, "Unknown plan.")
		}
	}
	ts, next, err := s.store.Platform().Tenants(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(ts, next))
}

// handleAdminTenantGet answers a tenant with its usage.
func (s *Server) handleAdminTenantGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	u, err := s.store.Platform().TenantUsage(r.Context(), t.ID)
	if err != nil {
		return err
	}
	if err := u.AddExtensions(r.Context(), s.store.Tenant(t.ID), s.cfg.Extensions); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, adminTenant{Tenant: t, Usage: &u})
}

// handleAdminTenantUpdate changes a tenant's name, plan, domain, settings
// (merge patch; platform-only keys allowed) or limit overrides (merge
// patch by limit name; null removes an override).
func (s *Server) handleAdminTenantUpdate(w http.ResponseWriter, r *http.Request) error {
	var in adminTenantUpdateRequest
	if err := decodeShallow(r, &in, tenantry.MaxSettingsDepth+1); err != nil {
		return err
	}
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	tu := tenantry.TenantUpdate{Name: in.Name, Plan: in.Plan, Domain: in.Domain, SettingsPatch: in.Settings, LimitsPatch: in.Limits}
	if err := tu.Validate(s.plans); err != nil {
		return err
	}
	if tu.Domain != nil {
		if err := tenantry.ValidateCustomDomain(*tu.Domain, s.cfg.BaseDomains); err != nil {
			return err
		}
	}
	t, err = s.store.Platform().UpdateTenant(r.Context(), t.ID, tu)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// setStatus answers a tenant status change.
func (s *Server) setStatus(w http.ResponseWriter, r *http.Request, st tenantry.TenantStatus) error {
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	t, err = s.store.Platform().SetTenantStatus(r.Context(), t.ID, st)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// handleAdminTenantSuspend suspends a tenant.
func (s *Server) handleAdminTenantSuspend(w http.ResponseWriter, r *http.Request) error {
	return s.setStatus(w, r, tenantry.TenantSuspended)
}

// handleAdminTenantActivate activates a tenant.
func (s *Server) handleAdminTenantActivate(w http.ResponseWriter, r *http.Request) error {
	return s.setStatus(w, r, tenantry.TenantActive)
}

// handleAdminTenantArchive archives a tenant.
func (s *Server) handleAdminTenantArchive(w http.ResponseWriter, r *http.Request) error {
	return s.setStatus(w, r, tenantry.TenantArchived)
}

// handleAdminTenantDelete deletes a tenant and every row of it: 204.
func (s *Server) handleAdminTenantDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	if err := s.store.Platform().DeleteTenant(r.Context(), t.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleAdminTenantExport streams the tenant's data as NDJSON.
func (s *Server) handleAdminTenantExport(w http.ResponseWriter, r *http.Request) error {
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	bw := &lazyHeaderWriter{w: w, contentType: "application/x-ndjson", filename: t.Slug + ".ndjson"}
	if err := s.store.Platform().ExportTenant(r.Context(), t.ID, bw); err != nil {
		if bw.started {
			loggerOf(r).Error("export failed after start", "request_id", tenantry.RequestIDFromContext(r.Context()), "error", err.Error())
			return nil
		}
		return err
	}
	if !bw.started {
		bw.start()
	}
	return nil
}

// lazyHeaderWriter writes the headers of a stream on its first write, so
// an error before any data can still be answered as JSON.
type lazyHeaderWriter struct {
	w           http.ResponseWriter
	contentType string
	filename    string
	started     bool
}

func (l *lazyHeaderWriter) start() {
	l.started = true
	l.w.Header().Set("Content-Type", l.contentType)
	l.w.Header().Set("Content-Disposition", `attachment; filename="`+l.filename+`"`)
	l.w.WriteHeader(http.StatusOK)
}

func (l *lazyHeaderWriter) Write(b []byte) (int, error) {
	if !l.started {
		l.start()
	}
	return l.w.Write(b)
}

// handleAdminTenantImport recreates a tenant from an export: 201.
func (s *Server) handleAdminTenantImport(w http.ResponseWriter, r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !isNDJSONType(ct) && !isJSONType(ct) {
		return tenantry.Errorf(tenantry.EUNSUPPORTEDMEDIA, "The import must be NDJSON (Content-Type: application/x-ndjson).")
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return tenantry.Errorf(tenantry.EBADREQUEST, "The import is empty.")
	}
	t, err := s.store.Platform().ImportTenant(r.Context(), strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

// handleAdminAudit lists the audit trail across tenants (?tenant_id=,
// ?action=).
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := tenantry.AuditFilter{Action: q.Get("action"), Page: p}
	if v := q.Get("tenant_id"); v != "" {
		t, err := s.resolver.Ref(r.Context(), v)
		if err != nil {
			return err
		}
		f.TenantID = t.ID
	}
	evs, next, err := s.store.Platform().AuditEvents(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(evs, next))
}
