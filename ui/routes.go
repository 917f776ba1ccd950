package ui

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// tenantRoutes are the pages of a tenant's host or /t/{slug}/ prefix.
func (h *Handler) tenantRoutes() *http.ServeMux {
	m := http.NewServeMux()
	h.authRoutes(m)
	m.Handle("GET /{$}", h.memberPage(false, h.dashboard))
	m.Handle("GET /projects", h.memberPage(false, h.projects))
	m.Handle("POST /projects", h.memberPage(false, h.projectCreate))
	m.Handle("GET /projects/{id}", h.memberPage(false, h.project))
	m.Handle("POST /projects/{id}", h.memberPage(false, h.projectUpdate))
	m.Handle("POST /projects/{id}/delete", h.memberPage(false, h.projectDelete))
	m.Handle("POST /projects/{id}/tasks", h.memberPage(false, h.taskCreate))
	m.Handle("POST /tasks/{id}", h.memberPage(false, h.taskUpdate))
	m.Handle("POST /tasks/{id}/toggle", h.memberPage(false, h.taskToggle))
	m.Handle("POST /tasks/{id}/delete", h.memberPage(false, h.taskDelete))
	m.Handle("GET /members", h.memberPage(true, h.members))
	m.Handle("POST /members/invite", h.memberPage(true, h.invitationCreate))
	m.Handle("POST /members/invitations/{id}/revoke", h.memberPage(true, h.invitationRevoke))
	m.Handle("POST /members/{uid}/role", h.memberPage(true, h.memberRole))
	m.Handle("POST /members/{uid}/remove", h.memberPage(false, h.memberRemove)) // any member may leave
	m.Handle("GET /settings", h.memberPage(true, h.settings))
	m.Handle("POST /settings", h.memberPage(true, h.settingsUpdate))
	m.Handle("GET /api-keys", h.memberPage(true, h.apiKeys))
	m.Handle("POST /api-keys", h.memberPage(true, h.apiKeyCreate))
	m.Handle("POST /api-keys/{id}/revoke", h.memberPage(true, h.apiKeyRevoke))
	m.Handle("GET /audit", h.memberPage(true, h.audit))
	m.Handle("GET /chat", h.memberPage(false, h.chat))
	m.Handle("GET /events", h.memberPage(false, h.eventStream))
	m.Handle("POST /chat", h.memberPage(false, h.chatSend))
	m.HandleFunc("/", h.notFound)
	return m
}

// centralRoutes are the pages of the central host: sign-in, the list of
// the user's tenants and the platform console.
func (h *Handler) centralRoutes() *http.ServeMux {
	m := http.NewServeMux()
	h.authRoutes(m)
	m.Handle("GET /{$}", h.page(h.home))
	m.Handle("GET /admin/{$}", h.adminPage(h.consoleTenants))
	m.Handle("GET /admin", h.adminPage(h.consoleTenants))
	m.Handle("POST /admin/tenants", h.adminPage(h.consoleCreate))
	m.Handle("GET /admin/tenants/{ref}", h.adminPage(h.consoleTenant))
	m.Handle("POST /admin/tenants/{ref}/plan", h.adminPage(h.consolePlan))
	m.Handle("POST /admin/tenants/{ref}/status", h.adminPage(h.consoleStatus))
	m.Handle("POST /admin/tenants/{ref}/delete", h.adminPage(h.consoleDelete))
	m.Handle("POST /admin/tenants/{ref}/members", h.adminPage(h.consoleAddMember))
	m.Handle("GET /admin/audit", h.adminPage(h.consoleAudit))
	m.Handle("POST /auth/handover", h.page(h.handoverStart))
	m.HandleFunc("/", h.notFound)
	return m
}

// authRoutes are the sign-in pages, on every host.
func (h *Handler) authRoutes(m *http.ServeMux) {
	m.Handle("GET /login", h.page(h.login))
	m.Handle("POST /login", h.page(h.loginSubmit))
	m.Handle("GET /signup", h.page(h.signup))
	m.Handle("POST /signup", h.page(h.signupSubmit))
	m.Handle("POST /logout", h.page(h.logout))
	m.Handle("GET /invitations/{token}", h.page(h.invitation))
	m.Handle("POST /invitations/{token}", h.page(h.invitationAccept))
	m.Handle("GET /auth/handover", h.page(h.handoverExchange))
	h.resetRoutes(m)
}

// page adapts a page function; its error becomes an error page.
func (h *Handler) page(fn func(q *request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := requestOf(r)
		if err := fn(q); err != nil {
			h.fail(q, err)
		}
	})
}

// memberPage is a page for signed-in members of the tenant; manage limits
// it to owners and admins. Anonymous visitors are sent to sign in.
func (h *Handler) memberPage(manage bool, fn func(q *request) error) http.Handler {
	return h.page(func(q *request) error {
		if q.user == nil {
			if q.r.Method == http.MethodGet {
				q.redirect("/login?next=" + urlQueryEscape(q.link(q.r.URL.RequestURI())))
				return nil
			}
			return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Please sign in.")
		}
		m, err := q.store.Member(q.r.Context(), q.user.ID)
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return tenantry.Errorf(tenantry.ENOTAMEMBER, "You are not a member of %s.", q.tenant.Name)
		} else if err != nil {
			return err
		}
		q.member = m
		if manage && !m.Role.CanManage() {
			return tenantry.Errorf(tenantry.EFORBIDDEN, "Only owners and admins can open this page.")
		}
		if h.cfg.CountRequest != nil {
			h.cfg.CountRequest(q.tenant.ID)
		}
		return fn(q)
	})
}

// adminPage is a page of the platform console, for platform admins only.
func (h *Handler) adminPage(fn func(q *request) error) http.Handler {
	return h.page(func(q *request) error {
		if q.user == nil {
			if q.r.Method == http.MethodGet {
				q.redirect("/login?next=" + urlQueryEscape(q.r.URL.RequestURI()))
				return nil
			}
			return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Please sign in.")
		}
		if !q.user.PlatformAdmin {
			return tenantry.Errorf(tenantry.EFORBIDDEN, "Only platform administrators can open the console.")
		}
		return fn(q)
	})
}
