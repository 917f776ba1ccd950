package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/tenantry/tenantry"
)

// request is one page request: the resolved tenant, the path prefix links
// need, the browser session and the signed-in user.
type request struct {
	h *Handler
	w http.ResponseWriter
	r *http.Request
	// base is "/t/{slug}" when the tenant came from the path, else "".
	base string
	// hostForm is true when the tenant came from the host.
	hostForm bool
	tenant   *tenantry.Tenant
	// store is the handle bound to tenant, made once per request.
	store tenantry.TenantStore
	sess  *tenantry.BrowserSession
	// nonce is the value of an anonymous visitor's CSRF cookie.
	nonce string
	user  *tenantry.User
	// member is the user's membership in tenant, set by tenantPage.
	member *tenantry.Member
}

type requestKey struct{}

func withRequest(ctx context.Context, q *request) context.Context {
	return context.WithValue(ctx, requestKey{}, q)
}

func requestOf(r *http.Request) *request {
	q := r.Context().Value(requestKey{}).(*request)
	q.r = r
	return q
}

// loadUser loads the session and its user, or the CSRF cookie of an
// anonymous visitor. A session whose user is gone is treated as signed
// out. A session last seen more than touchAfter ago is saved again, which
// renews its expiry and its cookie.
func (q *request) loadUser() error {
	s, err := q.h.loadSession(q.r)
	if err != nil {
		return err
	}
	q.sess = s
	if s == nil || s.UserID == "" {
		q.sess = nil
		q.nonce = q.h.csrfNonce(q.r)
		return nil
	}
	if q.h.now().Sub(s.LastSeen) > touchAfter {
		if err := q.save(); err != nil {
			return err
		}
		q.h.setCookie(q.w, q.r, s)
	}
	u, err := q.h.cfg.Store.User(q.r.Context(), s.UserID)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil
	} else if err != nil {
		return err
	}
	q.user = u
	return nil
}

// ctx returns the request context with the caller's identity.
func (q *request) ctx() context.Context {
	ctx := q.r.Context()
	if q.user == nil {
		return ctx
	}
	id := tenantry.Identity{UserID: q.user.ID, PlatformAdmin: q.user.PlatformAdmin}
	if q.tenant != nil && q.member != nil {
		id.TenantID = q.tenant.ID
		id.Role = q.member.Role
	}
	return tenantry.NewContextWithIdentity(ctx, id)
}

// save saves the session with a new LastSeen.
func (q *request) save() error {
	if q.sess == nil {
		return nil
	}
	q.sess.LastSeen = q.h.now()
	return q.h.sessions.Save(q.r.Context(), q.sess)
}

// link returns path under the request's tenant prefix.
func (q *request) link(path string) string { return q.base + path }

// redirect answers 303 See Other to path under the tenant prefix.
func (q *request) redirect(path string) {
	http.Redirect(q.w, q.r, q.link(path), http.StatusSeeOther)
}

// flash saves a one-time notice for the next page.
func (q *request) flash(msg string) error {
	if q.sess == nil {
		return nil
	}
	q.sess.Flash = msg
	return q.save()
}

// takeFlash returns and clears the one-time notice and secret.
func (q *request) takeFlash() (flash, secret string) {
	if q.sess == nil || (q.sess.Flash == "" && q.sess.Secret == "") {
		return "", ""
	}
	flash, secret = q.sess.Flash, q.sess.Secret
	q.sess.Flash, q.sess.Secret = "", ""
	if err := q.save(); err != nil {
		q.h.logger.WarnContext(q.r.Context(), "ui: save session", "err", err)
	}
	return flash, secret
}

// safeNext returns next when it is a local path, else fallback.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}

// statusOf maps a tenantry error code to an HTTP status.
func statusOf(err error) int { return tenantry.Status(tenantry.ErrorCode(err)) }

// fieldLabels names form fields in messages.
var fieldLabels = map[string]string{
	"email": "E-mail", "password": "Password", "name": "Name", "tenant_name": "Tenant name",
	"tenant_slug": "Tenant address", "slug": "Address (slug)", "title": "Title", "project_id": "Project",
	"assigned_to_id": "Assignee", "role": "Role", "description": "Description", "plan": "Plan",
	"domain": "Domain", "owner_email": "Owner e-mail", "settings": "Settings", "message": "Message",
}

// friendly returns a message for a user and the fields an error names.
func friendly(err error) (string, map[string]string) {
	var e *tenantry.Error
	if !errors.As(err, &e) || e.Code == tenantry.EINTERNAL {
		return "Something went wrong on our side. Please try again.", nil
	}
	switch e.Code {
	case tenantry.EINVALID:
		if e.Message != tenantry.Invalid(nil).Message {
			// A sentence of its own (the last-owner rule): shown once, as
			// it is.
			return e.Message, e.Fields
		}
		parts := make([]string, 0, len(e.Fields))
		for _, k := range sortedKeys(e.Fields) {
			label := fieldLabels[k]
			if label == "" {
				label = k
			}
			parts = append(parts, label+" "+e.Fields[k])
		}
		if len(parts) == 0 {
			return "Please check the form.", e.Fields
		}
		return "Please check the form: " + strings.Join(parts, "; ") + ".", e.Fields
	case tenantry.EUNAVAILABLE:
		return "The service is briefly unavailable. Please try again in a moment.", nil
	case tenantry.EUPSTREAM, tenantry.EUPSTREAMTIMEOUT:
		return "The assistant did not answer. Please try again.", nil
	}
	return e.Message, e.Fields
}

// fail renders an error page for err with its status.
func (h *Handler) fail(q *request, err error) {
	status := statusOf(err)
	if status >= 500 {
		h.logger.ErrorContext(q.r.Context(), "ui: request failed", "path", q.r.URL.Path, "err", err)
	}
	msg, _ := friendly(err)
	code := tenantry.ErrorCode(err)
	title := http.StatusText(status)
	switch code {
	case tenantry.ETENANTSUSPENDED:
		title = "This tenant is suspended"
		msg = "This tenant is suspended. Its data is kept, but nobody can use it until a platform administrator activates it again."
	case tenantry.ETENANTARCHIVED:
		title = "This tenant is archived"
		msg = "This tenant is archived and can no longer be used."
	case tenantry.ENOTAMEMBER:
		title = "Not a member"
	case tenantry.EFORBIDDEN:
		title = "Not allowed"
	case tenantry.ETENANTNOTFOUND, tenantry.ENOTFOUND:
		title = "Not found"
	}
	h.render(q, status, "error", &errorPage{Title: title, Message: msg, Code: code})
}

// errorPage is the data of the error page.
type errorPage struct {
	Title, Message, Code string
}

// notFound renders the 404 page.
// noPage answers a request that no page of mux takes, before anything else
// looks at it (a form's CSRF token included): 405 with Allow when the path
// has pages for other methods, 404 otherwise. It reports whether it
// answered.
func (h *Handler) noPage(q *request, mux *http.ServeMux) bool {
	if _, pattern := mux.Handler(q.r); pattern != "/" {
		return false
	}
	var allow []string
	probe := q.r.Clone(q.r.Context())
	for _, m := range [...]string{http.MethodGet, http.MethodHead, http.MethodPost} {
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		h.fail(q, tenantry.Errorf(tenantry.ENOTFOUND, "There is no page here."))
		return true
	}
	q.w.Header().Set("Allow", strings.Join(allow, ", "))
	h.fail(q, tenantry.Errorf(tenantry.EMETHODNOTALLOWED, "This page does not take %s.", q.r.Method))
	return true
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.fail(requestOf(r), tenantry.Errorf(tenantry.ENOTFOUND, "There is no page here."))
}
