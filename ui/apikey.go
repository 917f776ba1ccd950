package ui

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// apiKeysPage is the data of the API keys page.
type apiKeysPage struct {
	Keys  []*tenantry.APIKey
	Roles []tenantry.Role
}

// apiKeys lists the tenant's API keys (owners and admins).
func (h *Handler) apiKeys(q *request) error {
	return h.renderAPIKeys(q, http.StatusOK, nil, nil)
}

// renderAPIKeys renders the API keys page with a failed form's error.
func (h *Handler) renderAPIKeys(q *request, status int, formErr error, form map[string]string) error {
	keys, _, err := q.store.APIKeys(q.ctx(), tenantry.Page{Limit: tenantry.MaxPageSize})
	if err != nil {
		return err
	}
	v := &view{Title: "API keys", Nav: "api-keys", Form: form, Page: &apiKeysPage{Keys: keys, Roles: grantable(q.member.Role)}}
	v.formErr(formErr)
	h.renderView(q, status, "apikeys", v)
	return nil
}

// apiKeyCreate makes a key with auth.CreateAPIKey; its secret is shown on
// the next page only.
func (h *Handler) apiKeyCreate(q *request) error {
	f := q.r.PostForm
	role := tenantry.Role(f.Get("role"))
	form := map[string]string{"name": f.Get("name")}
	if err := h.team(q).CheckGrant(role); err != nil {
		return h.renderAPIKeys(q, statusOf(err), err, form)
	}
	key, secret, err := h.cfg.Auth.CreateAPIKey(q.ctx(), q.store, f.Get("name"), role, nil)
	if err != nil {
		return h.renderAPIKeys(q, statusOf(err), err, form)
	}
	q.sess.Secret = secret
	q.sess.Flash = "API key " + key.Name + " created. Copy it now: it is shown only once."
	if err := q.save(); err != nil {
		return err
	}
	q.redirect("/api-keys")
	return nil
}

// apiKeyRevoke revokes a key the caller's role may manage.
func (h *Handler) apiKeyRevoke(q *request) error {
	id, ok := tenantry.ParseID(q.r.PathValue("id"))
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.")
	}
	ts := q.store
	key, err := ts.APIKey(q.ctx(), id)
	if err != nil {
		return err
	}
	if !q.member.Role.CanGrant(key.Role) {
		return tenantry.Errorf(tenantry.EFORBIDDEN, "Your role cannot revoke a key with the %s role.", key.Role)
	}
	if err := ts.RevokeAPIKey(q.ctx(), id); err != nil {
		return err
	}
	if err := q.flash("API key revoked."); err != nil {
		return err
	}
	q.redirect("/api-keys")
	return nil
}
