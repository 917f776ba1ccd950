package ui

import (
	"net"
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// Handover: sessions are bound to the host they were made on, so signing in
// on the central host (localhost:8080) does not sign the browser in on a
// tenant's own host (acme.localhost:8080). After sign-in, sign-up, an
// accepted invitation, or a click in the central host's tenant list, the
// central host makes a one-time code (256 random bits, stored as its
// SHA-256, valid for tenantry.BrowserHandoverTTL and once, bound to the
// user and the tenant's host) and sends the browser to
// <tenant host>/auth/handover?code=..., which exchanges it for a new
// session of its own host.
//
// The tenant list starts a handover with a POST carrying the CSRF token,
// not a GET link: a GET that mints codes could be triggered by any other
// site through a top-level link (the SameSite=Lax cookie is sent with it),
// and a code would then sit in URLs the user never asked for.

// handoverHost returns the host of t's own pages as seen from this request
// on the central host: the tenant's subdomain of the base domain the
// request came in on (the central host is a base domain, or a reserved
// name under one), with the request's port; else the tenant's custom
// domain with that port. It reports false on a tenant's host, and when
// neither applies: the tenant's /t/{slug}/ pages on this host need no
// handover.
func (q *request) handoverHost(t *tenantry.Tenant) (string, bool) {
	if q.tenant != nil || q.user == nil {
		return "", false
	}
	host, port := q.r.Host, ""
	if h, p, err := net.SplitHostPort(q.r.Host); err == nil {
		host, port = h, ":"+p
	}
	host = tenantry.NormalizeDomain(host)
	for _, base := range q.h.baseDomains() {
		if host == base {
			return t.Slug + "." + base + port, true
		}
		if label, ok := strings.CutSuffix(host, "."+base); ok && !strings.Contains(label, ".") && tenantry.IsReservedSlug(label) {
			return t.Slug + "." + base + port, true
		}
	}
	if t.Domain != "" {
		return t.Domain + port, true
	}
	return "", false
}

// openTenant sends the signed-in browser to t's dashboard with flash as the
// first notice there: through a handover to the tenant's own host when
// handoverHost finds one, else to t's pages on this host.
func (q *request) openTenant(t *tenantry.Tenant, flash string) error {
	host, ok := q.handoverHost(t)
	if !ok {
		if flash != "" {
			if err := q.flash(flash); err != nil {
				return err
			}
		}
		http.Redirect(q.w, q.r, q.tenantURL(t), http.StatusSeeOther)
		return nil
	}
	code := randomToken()
	ho := &tenantry.BrowserHandover{
		Hash: auth.HashToken(code), Host: host, UserID: q.user.ID, Flash: flash,
		ExpiresAt: q.h.now().Add(tenantry.BrowserHandoverTTL),
	}
	if err := q.h.sessions.SaveHandover(q.r.Context(), ho); err != nil {
		return err
	}
	scheme := "http"
	if q.h.secure(q.r) {
		scheme = "https"
	}
	q.leave(scheme+"://"+host+"/auth/handover?code="+code, t.Name)
	return nil
}

// handoverPage is the data of the page that leaves for another host.
type handoverPage struct {
	URL, Name string
}

// leave sends the browser to url on another host after a form was sent.
// It is not a redirect: the pages' CSP (form-action 'self') makes browsers
// refuse a redirect to another origin in answer to a form. The answer is a
// page with a link that the Refresh header follows at once; htmx follows
// HX-Redirect.
func (q *request) leave(url, name string) {
	q.w.Header().Set("Refresh", "0; url="+url)
	q.w.Header().Set("HX-Redirect", url)
	q.h.renderView(q, http.StatusOK, "handover", &view{Title: "Opening " + name, Page: &handoverPage{URL: url, Name: name}})
}

// handoverStart opens one of the user's tenants from the central host's
// tenant list: the form names the tenant by slug.
func (h *Handler) handoverStart(q *request) error {
	if q.user == nil {
		return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Please sign in.")
	}
	t, err := tenantry.Resolver{Directory: h.cfg.Store}.Ref(q.r.Context(), q.r.PostForm.Get("tenant"))
	if err != nil {
		return err
	}
	if _, err := h.cfg.Store.Tenant(t.ID).Member(q.r.Context(), q.user.ID); tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return tenantry.Errorf(tenantry.ENOTAMEMBER, "You are not a member of %s.", t.Name)
	} else if err != nil {
		return err
	}
	return q.openTenant(t, "")
}

// handoverExchange exchanges a handover code on the tenant's host for a
// new session of this host and opens the dashboard. A code that is
// malformed, unknown, used, expired, made for another host, or whose user
// is no longer a member of this tenant is refused: the sign-in page says
// so, and the user signs in as usual.
func (h *Handler) handoverExchange(q *request) error {
	ho, u, err := q.takeHandover(q.r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	if ho == nil {
		q.ensureCSRF()
		v := &view{Title: "Sign in", Page: &authPage{Next: q.link("/")}}
		v.Error = "This sign-in link is used, expired or not for this address. Please sign in."
		return h.renderAuth(q, http.StatusUnauthorized, "login", v, nil)
	}
	if err := q.startSession(u, ""); err != nil {
		return err
	}
	if ho.Flash != "" {
		if err := q.flash(ho.Flash); err != nil {
			return err
		}
	}
	q.redirect("/")
	return nil
}

// takeHandover takes the handover of code from the store and returns it
// and its user when it may sign the user in here, else nils. Taking it
// first makes any code, refused or not, unusable afterwards.
func (q *request) takeHandover(code string) (*tenantry.BrowserHandover, *tenantry.User, error) {
	if q.tenant == nil || !validToken(code) {
		return nil, nil, nil
	}
	ctx := q.r.Context()
	ho, err := q.h.sessions.TakeHandover(ctx, auth.HashToken(code))
	if err != nil || ho == nil {
		return nil, nil, err
	}
	if ho.Host != q.r.Host || !q.h.now().Before(ho.ExpiresAt) {
		return nil, nil, nil
	}
	if _, err := q.store.Member(ctx, ho.UserID); tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	u, err := q.h.cfg.Store.User(ctx, ho.UserID)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	return ho, u, nil
}
