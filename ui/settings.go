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
	Limits                       []limitRow
	Features                     []string
}

// limitRow is one limit of the tenant as the settings page lists it.
type limitRow struct {
	Label string
	Value int64
	// Override is set when the platform overrides the plan's value.
	Override bool
}

// limitLabel names a limit for people; a limit it does not know (an
// extension's) keeps its name.
func limitLabel(name string) string {
	switch name {
	case tenantry.LimitMaxProjects:
		return "Projects"
	case tenantry.LimitMaxMembers:
		return "Members"
	case tenantry.LimitRequestsPerSecond:
		return "API requests per second"
	case tenantry.LimitChatPer10s:
		return "Assistant messages per 10 seconds"
	case tenantry.LimitMaxInFlight:
		return "Requests at once"
	case tenantry.LimitMaxEventStreams:
		return "Live event streams at once"
	}
	return name
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
	rows := make([]limitRow, len(names))
	for i, n := range names {
		_, over := t.Limits[n]
		rows[i] = limitRow{Label: limitLabel(n), Value: limits[n], Override: over}
	}
	p := &settingsPage{
		Welcome:      t.Settings.String(tenantry.SettingWelcome),
		Model:        t.Settings.String(tenantry.SettingModel),
		SystemPrompt: t.Settings.String(tenantry.SettingSystemPrompt),
		Defaults:     assistant.ConfigFor(&tenantry.Tenant{Name: t.Name}),
		Limits:       rows,
		Features:     h.cfg.Plans.Features(t),
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
	t, err := q.store.UpdateSettings(q.ctx(), patch)
	if err != nil {
		return h.renderSettings(q, statusOf(err), err)
	}
	q.tenant = t
	if err := q.flash("Settings saved."); err != nil {
		return err
	}
	q.redirect("/settings")
	return nil
}
