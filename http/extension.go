package http

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// Route is a builder's own route, served inside Tenantry's chain exactly
// as Tenantry's routes are: for a tenant route, the caller is
// authenticated, the tenant resolved (API key, X-Tenant-ID, host,
// /t/{slug}/, default tenant, with the conflict rule), its status and the
// caller's membership checked, then the tenant's rate limit, in-flight cap,
// fair gate and request deadline apply; metrics, the access log, CORS and
// request ids come with the server's middleware. Routes are given in
// Config.Routes.
type Route struct {
	// Pattern is a net/http pattern with a method and a path under /api/,
	// for example "GET /api/invoices/{id}".
	Pattern string
	// Summary is one line on what the route does, for the API reference.
	Summary string
	// Tenant serves a tenant route. It receives the call: the handle bound
	// to the request's tenant, the tenant and the caller.
	Tenant func(w http.ResponseWriter, r *http.Request, c Call) error
	// Admin serves a platform route instead: platform admins only, no
	// tenant (the caller's identity is in the request context). The store
	// is the builder's own to pass in.
	Admin func(w http.ResponseWriter, r *http.Request) error
	// Public serves a route without sign-in or tenant instead (a health
	// check, a webhook receiver): body limit, request id, access log and
	// CORS still apply.
	Public func(w http.ResponseWriter, r *http.Request) error
	// MinRole is the least role that may call the route (default member;
	// API keys count with their role).
	MinRole tenantry.Role
	// Feature, when set, is the plan feature the tenant needs
	// (feature_disabled otherwise).
	Feature string
	// Body and Response are zero values of the Go types the handler reads
	// and writes (nil for none), Status its success status (default 200)
	// and Errors the error codes of its own: they document the route in
	// the server's OpenAPI document and /api/docs.
	Body, Response any
	Status         int
	Errors         []string
}

// operation documents rt for the OpenAPI document.
func (rt Route) operation() Operation {
	method, path, _ := strings.Cut(rt.Pattern, " ")
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	errs := append([]string{"forbidden"}, rt.Errors...)
	if rt.Feature != "" {
		errs = append(errs, "feature_disabled")
	}
	id := strings.ToLower(method)
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '-' || r == '_' }) {
		if part == "api" {
			continue
		}
		id += strings.ToUpper(part[:1]) + part[1:]
	}
	access := AccessTenant
	switch {
	case rt.Admin != nil:
		access, errs = AccessAdmin, rt.Errors
	case rt.Public != nil:
		access, errs = AccessPublic, rt.Errors
	}
	return Operation{Method: method, Path: path, ID: id, Summary: rt.Summary, Tag: "extension", Access: access,
		Body: rt.Body, Status: status, Response: rt.Response, Errors: errs}
}

// documents returns the OpenAPI document and the HTML reference of
// Tenantry's routes and routes: the embedded ones when there are no
// builder routes, else generated once, at start.
func documents(routes []Route) (doc, page []byte, err error) {
	if len(routes) == 0 {
		return openAPIDoc, docsPage, nil
	}
	ops := Operations()
	for _, rt := range routes {
		ops = append(ops, rt.operation())
	}
	if doc, err = OpenAPIDocument(ops); err != nil {
		return nil, nil, err
	}
	if page, err = RenderDocs(doc); err != nil {
		return nil, nil, err
	}
	return doc, page, nil
}

// Call is what a builder's tenant handler is given.
type Call struct {
	// Store is the handle bound to the request's tenant: Write and Read
	// give its transactions.
	Store tenantry.TenantStore
	// Tenant is the request's tenant.
	Tenant *tenantry.Tenant
	// Identity is the caller, with its role in the tenant.
	Identity tenantry.Identity
	// Plans are the server's plans, extensions' limits included: a quota
	// is Plans.Limit(t, name) of the tenant that tx.Tenant returns, locked
	// in a write transaction.
	Plans tenantry.Plans
}

// checkRoute refuses a route that cannot be served as declared.
func checkRoute(rt Route) error {
	method, path, ok := strings.Cut(rt.Pattern, " ")
	switch {
	case !ok || method == "" || !strings.HasPrefix(path, "/api/"):
		return fmt.Errorf("http: route %q: want \"METHOD /api/...\"", rt.Pattern)
	case countSet(rt.Tenant != nil, rt.Admin != nil, rt.Public != nil) != 1:
		return fmt.Errorf("http: route %q needs exactly one of Tenant, Admin and Public", rt.Pattern)
	case rt.MinRole != "" && !rt.MinRole.Valid():
		return fmt.Errorf("http: route %q: unknown role %q", rt.Pattern, rt.MinRole)
	}
	return nil
}

// countSet counts the true values of bs.
func countSet(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// extensionRoute adapts a builder's route to the chain of its kind.
func (s *Server) extensionRoute(rt Route) http.Handler {
	switch {
	case rt.Admin != nil:
		return s.adminRoute(rt.Admin)
	case rt.Public != nil:
		return s.publicRoute(rt.Public)
	}
	min := rt.MinRole
	if min == "" {
		min = tenantry.RoleMember
	}
	return s.tenantRoute(func(w http.ResponseWriter, r *http.Request) error {
		id := tenantry.IdentityFromContext(r.Context())
		if !id.Role.AtLeast(min) {
			return tenantry.Errorf(tenantry.EFORBIDDEN, "This route needs the %s role or above.", min)
		}
		t := tenantOf(r)
		if rt.Feature != "" && !s.plans.HasFeature(t, rt.Feature) {
			return tenantry.Errorf(tenantry.EFEATUREDISABLED, "The %s plan does not include %s.", t.Plan, rt.Feature)
		}
		return rt.Tenant(w, r, Call{Store: s.scope(r), Tenant: t, Identity: id, Plans: s.plans})
	})
}

// WriteJSON writes v as JSON with status, as every Tenantry route does.
func WriteJSON(w http.ResponseWriter, status int, v any) error { return writeJSON(w, status, v) }

// Decode reads a JSON object body into v as every Tenantry route does:
// 415 for a body that is not JSON, 413 over the body limit, 400 for
// malformed JSON or a value of the wrong type, 422 naming unknown fields.
func Decode(r *http.Request, v any) error { return decode(r, v) }

// PageParam reads ?limit= (1..200, default 50) and ?cursor= (400 on bad
// values).
func PageParam(r *http.Request) (tenantry.Page, error) { return pageParam(r) }

// WriteList writes a list answer, {"items": [...], "next_cursor": ...}
// with next "" as null, status 200.
func WriteList[T any](w http.ResponseWriter, items []T, next string) error {
	return writeJSON(w, http.StatusOK, newList(items, next))
}
