package ui

import (
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
)

// settingsPage is the data of the settings page.
type settingsPage struct {
	Welcome, Model, SystemPrompt string
	Defaults                     assistant.Config
	Limits                       tenantry.Limits
	Features                     []string
	Names                        []string
}

// settings shows the assistant persona and the plan (owners and admins).
func (h *Handler) settings(q *request) error {
	return h.renderSettings(q, http.StatusOK, nil)
}

// renderSettings renders the settings page with a failed form's error.
func (h *Handler) renderSettings(q *request, status int, formErr error) error {
	t := q.tenant
	limits := h.cfg.Plans.Limits(t)
	names := make([]string, 0, len(limits))
	for k := range limits {
		names = append(names, k)
	}
	sortStrings(names)
	p := &settingsPage{
		Welcome:      t.Settings.String(tenantry.SettingWelcome),
		Model:        t.Settings.String(tenantry.SettingModel),
		SystemPrompt: t.Settings.String(tenantry.SettingSystemPrompt),
		Defaults:     assistant.ConfigFor(&tenantry.Tenant{Name: t.Name}),
		Limits:       limits,
		Features:     h.cfg.Plans.Features(t),
		Names:        names,
	}
	v := &view{Title: "Settings", Nav: "settings", Page: p}
	v.formErr(formErr)
	h.renderView(q, status, "settings", v)
	return nil
}

// settingsUpdate merges the persona fields into the tenant's settings; an
// empty field removes its key (the default applies).
func (h *Handler) settingsUpdate(q *request) error {
	f := q.r.PostForm
	patch := tenantry.Settings{}
	for _, k := range []string{tenantry.SettingWelcome, tenantry.SettingModel, tenantry.SettingSystemPrompt} {
		if v := strings.TrimSpace(f.Get(k)); v != "" {
			patch[k] = v
		} else {
			patch[k] = nil
		}
	}
	t, err := h.cfg.Store.Tenant(q.tenant.ID).UpdateSettings(q.ctx(), patch)
	if err != nil {
		return h.renderSettings(q, statusOf(err), err)
	}
	q.tenant = t
	h.invalidate(q.r.Context(), tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: t.ID})
	if err := q.flash("Settings saved."); err != nil {
		return err
	}
	q.redirect("/settings")
	return nil
}
