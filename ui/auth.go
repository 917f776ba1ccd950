package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// urlQueryEscape escapes s for a query string.
func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// authPage is the data of the sign-in and sign-up pages.
type authPage struct {
	Next string
	// NewTenant asks signup for a new tenant too.
	NewTenant bool
}

// login shows the sign-in form.
func (h *Handler) login(q *request) error {
	q.ensureCSRF()
	next := safeNext(q.r.URL.Query().Get("next"), "")
	v := &view{Title: "Sign in", Page: &authPage{Next: next}}
	if q.r.URL.Query().Get("reset") == "done" {
		v.Flash = "Your password is set. Sign in with it; every other sign-in of your account was signed out."
	}
	return h.renderAuth(q, http.StatusOK, "login", v, nil)
}

// renderAuth renders a sign-in style page, keeping the typed e-mail and name.
func (h *Handler) renderAuth(q *request, status int, name string, v *view, form map[string]string) error {
	v.Form = form
	h.renderView(q, status, name, v)
	return nil
}

// loginSubmit signs the user in with auth.Login; on the central host a
// member of a single tenant goes straight to it through a handover.
func (h *Handler) loginSubmit(q *request) error {
	f := q.r.PostForm
	next := safeNext(f.Get("next"), "")
	err := h.throttleSignIn(q, f.Get("email"))
	var s *auth.Session
	if err == nil {
		s, err = h.cfg.Auth.Login(q.r.Context(), f.Get("email"), f.Get("password"))
	}
	if err != nil {
		v := &view{Title: "Sign in", Page: &authPage{Next: next}}
		v.formErr(err)
		return h.renderAuth(q, statusOf(err), "login", v, map[string]string{"email": f.Get("email")})
	}
	if err := q.signIn(s); err != nil {
		return err
	}
	if next == "" {
		if t, err := q.onlyTenant(); err != nil {
			return err
		} else if t != nil {
			return q.openTenant(t, "")
		}
	}
	http.Redirect(q.w, q.r, q.afterSignIn(next), http.StatusSeeOther)
	return nil
}

// onlyTenant returns, after a sign-in on the central host, the user's
// tenant when they are a member of exactly one, no platform admin (who
// starts at the console's link), and the tenant has a host of its own to
// hand the browser over to: the sign-in goes straight there. Else nil, and
// the sign-in goes to the list of tenants.
func (q *request) onlyTenant() (*tenantry.Tenant, error) {
	if q.tenant != nil || q.user.PlatformAdmin {
		return nil, nil
	}
	ms, err := q.h.cfg.Store.UserMemberships(q.r.Context(), q.user.ID)
	if err != nil || len(ms) != 1 || ms[0].Tenant == nil {
		return nil, err
	}
	if _, ok := q.handoverHost(ms[0].Tenant); !ok {
		return nil, nil
	}
	return ms[0].Tenant, nil
}

// afterSignIn is where a fresh sign-in goes: next, else the dashboard.
func (q *request) afterSignIn(next string) string {
	if next != "" {
		return next
	}
	if q.tenant != nil {
		return q.link("/")
	}
	return "/"
}

// signIn replaces the request's session, if any, with a new one (a new
// id, against session fixation) that carries the user and the hash of its
// refresh token; it is the first time anything is stored for the browser.
func (q *request) signIn(s *auth.Session) error {
	return q.startSession(s.User, auth.HashToken(s.RefreshToken))
}

// startSession replaces the request's session, if any, with a new one of
// u on this host, holding refreshHash ("" for a session that came from a
// handover: the pages need no token, and sign-out deletes the session).
func (q *request) startSession(u *tenantry.User, refreshHash string) error {
	ctx := q.r.Context()
	if q.sess != nil {
		if err := q.h.sessions.Delete(ctx, q.sess.ID); err != nil {
			return err
		}
		if q.sess.RefreshHash != "" {
			// The old session's refresh token family stops, and its
			// access tokens with it (the store tells every process).
			_, _ = q.h.cfg.Auth.LogoutHash(ctx, q.sess.RefreshHash)
		}
	}
	ns := q.h.newSession(q.r)
	ns.UserID = u.ID
	ns.RefreshHash = refreshHash
	if err := q.h.sessions.Save(ctx, ns); err != nil {
		return err
	}
	q.h.setCookie(q.w, q.r, ns)
	q.sess = ns
	q.user = u
	return nil
}

// signup shows the sign-up form.
func (h *Handler) signup(q *request) error {
	q.ensureCSRF()
	next := safeNext(q.r.URL.Query().Get("next"), "")
	return h.renderAuth(q, http.StatusOK, "signup", &view{Title: "Sign up", Page: &authPage{Next: next, NewTenant: q.tenant == nil && next == ""}}, nil)
}

// signupSubmit creates the user (and a tenant when asked) with
// auth.Signup and signs them in; a new tenant opens at once (through a
// handover from the central host).
func (h *Handler) signupSubmit(q *request) error {
	f := q.r.PostForm
	next := safeNext(f.Get("next"), "")
	in := auth.SignupInput{Email: f.Get("email"), Password: f.Get("password"), Name: f.Get("name")}
	newTenant := strings.TrimSpace(f.Get("tenant_name")) != "" || strings.TrimSpace(f.Get("tenant_slug")) != ""
	if newTenant {
		in.TenantName, in.TenantSlug = f.Get("tenant_name"), strings.ToLower(strings.TrimSpace(f.Get("tenant_slug")))
	}
	err := h.throttleSignIn(q, f.Get("email"))
	var s *auth.Session
	if err == nil {
		s, err = h.cfg.Auth.Signup(q.r.Context(), in)
	}
	if err != nil {
		v := &view{Title: "Sign up", Page: &authPage{Next: next, NewTenant: newTenant}}
		v.formErr(err)
		form := map[string]string{"email": f.Get("email"), "name": f.Get("name"), "tenant_name": f.Get("tenant_name"), "tenant_slug": f.Get("tenant_slug")}
		return h.renderAuth(q, statusOf(err), "signup", v, form)
	}
	if err := q.signIn(s); err != nil {
		return err
	}
	if s.DefaultTenant != nil && next == "" {
		return q.openTenant(s.DefaultTenant, "Welcome! Your tenant "+s.DefaultTenant.Name+" is ready.")
	}
	http.Redirect(q.w, q.r, q.afterSignIn(next), http.StatusSeeOther)
	return nil
}

// logout deletes the session on the server, revokes its refresh token
// by its hash with auth.LogoutHash and clears the cookie.
func (h *Handler) logout(q *request) error {
	ctx := q.r.Context()
	if q.sess != nil {
		if q.sess.RefreshHash != "" {
			_, err := h.cfg.Auth.LogoutHash(ctx, q.sess.RefreshHash)
			if err != nil && !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
				h.logger.WarnContext(ctx, "ui: logout", "err", err)
			}
		}
		if err := h.sessions.Delete(ctx, q.sess.ID); err != nil {
			return err
		}
	}
	h.clearCookie(q.w, q.r)
	q.redirect("/login")
	return nil
}

// invitationPage is the data of the invitation page.
type invitationPage struct {
	Token string
	Next  string
}

// invitation shows an invitation: sign in or sign up first, then accept.
func (h *Handler) invitation(q *request) error {
	q.ensureCSRF()
	token := q.r.PathValue("token")
	return h.renderAuth(q, http.StatusOK, "invitation", &view{Title: "Invitation", Page: &invitationPage{Token: token, Next: q.link("/invitations/" + token)}}, nil)
}

// invitationAccept accepts an invitation for the signed-in user with
// auth.AcceptInvitation and opens the tenant (through a handover from the
// central host).
func (h *Handler) invitationAccept(q *request) error {
	token := q.r.PathValue("token")
	if q.user == nil {
		return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Please sign in to accept the invitation.")
	}
	m, err := h.cfg.Auth.AcceptInvitation(q.ctx(), token, q.user.ID)
	if err != nil {
		v := &view{Title: "Invitation", Page: &invitationPage{Token: token, Next: q.link("/invitations/" + token)}}
		v.formErr(err)
		h.renderView(q, statusOf(err), "invitation", v)
		return nil
	}
	t, err := h.cfg.Store.TenantByID(q.r.Context(), m.TenantID)
	if err != nil {
		return err
	}
	return q.openTenant(t, "You joined "+t.Name+" as "+string(m.Role)+".")
}

// homePage is the data of the central home page.
type homePage struct{}

// home is the central host's start page: the user's tenants.
func (h *Handler) home(q *request) error {
	if q.user == nil {
		q.redirect("/login")
		return nil
	}
	h.renderView(q, http.StatusOK, "home", &view{Title: "Your tenants", Page: &homePage{}})
	return nil
}
