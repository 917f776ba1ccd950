package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
)

// pageTemplate is one page: the layout plus the page's own blocks.
type pageTemplate struct{ t *template.Template }

// funcs are the template helpers.
var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
	"limit": func(n int64) string {
		if n == tenantry.Unlimited {
			return "unlimited"
		}
		return fmt.Sprint(n)
	},
	"pct": func(used, limit int64) int64 {
		if limit <= 0 {
			return 0
		}
		p := used * 100 / limit
		return min(p, 100)
	},
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
	"list": func(s ...string) []string { return s },
}

// parsePages parses the layout with each page template.
func parsePages() (map[string]*pageTemplate, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*pageTemplate{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		pages[strings.TrimSuffix(base, ".html")] = &pageTemplate{t: t}
	}
	return pages, nil
}

// view is what the layout sees: the page data plus the chrome around it.
type view struct {
	Title    string
	Base     string
	Tenant   *tenantry.Tenant
	User     *tenantry.User
	Role     tenantry.Role
	Manage   bool
	Admin    bool
	Central  bool
	CSRF     string
	Flash    string
	Secret   string
	Error    string
	Fields   map[string]string
	Switch   []switchLink
	Nav      string
	Page     any
	Form     map[string]string
	Suspend  bool
	Year     int
	LoginURL string
	// Live is the presence topic of a page that updates itself while
	// another member changes what it shows ("projects", "project:<id>");
	// "" for a static page.
	Live string
}

// switchLink is one entry of the tenant switcher.
type switchLink struct {
	Name, Slug, URL string
	Role            tenantry.Role
	Current         bool
	// Handover makes the entry a form that opens the tenant's own host
	// through a handover (POST /auth/handover) instead of a link to URL.
	Handover bool
}

// formErr sets the error message and fields of v from err.
func (v *view) formErr(err error) {
	if err == nil {
		return
	}
	v.Error, v.Fields = friendly(err)
}

// render writes page name with data and status.
func (h *Handler) render(q *request, status int, name string, data any) {
	v, ok := data.(*view)
	if !ok {
		v = &view{Page: data}
	}
	h.renderView(q, status, name, v)
}

// renderView fills the chrome of v and writes the page.
func (h *Handler) renderView(q *request, status int, name string, v *view) {
	p, ok := h.pages[name]
	if !ok {
		http.Error(q.w, "page not found", http.StatusInternalServerError)
		return
	}
	v.Base = q.base
	v.Tenant = q.tenant
	v.User = q.user
	v.Central = q.tenant == nil
	v.Year = time.Now().Year()
	if q.member != nil {
		v.Role = q.member.Role
		v.Manage = q.member.Role.CanManage()
	}
	if q.user != nil {
		v.Admin = q.user.PlatformAdmin
		v.Switch = q.switchLinks()
	}
	v.CSRF = q.csrfToken()
	if v.Flash == "" && v.Secret == "" && status < 300 {
		v.Flash, v.Secret = q.takeFlash()
	}
	if v.Title == "" {
		if e, ok := v.Page.(*errorPage); ok {
			v.Title = e.Title
		}
	}
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		h.logger.ErrorContext(q.r.Context(), "ui: render", "page", name, "err", err)
		http.Error(q.w, "Internal error.", http.StatusInternalServerError)
		return
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	_, _ = buf.WriteTo(q.w)
}

// switchLinks lists the user's tenants with a link to each.
func (q *request) switchLinks() []switchLink {
	ms, err := q.h.cfg.Store.UserMemberships(q.r.Context(), q.user.ID)
	if err != nil {
		q.h.logger.WarnContext(q.r.Context(), "ui: memberships", "err", err)
		return nil
	}
	out := make([]switchLink, 0, len(ms))
	for _, m := range ms {
		if m.Tenant == nil {
			continue
		}
		_, handover := q.handoverHost(m.Tenant)
		out = append(out, switchLink{
			Name: m.Tenant.Name, Slug: m.Tenant.Slug, Role: m.Role,
			URL:      q.tenantURL(m.Tenant),
			Current:  q.tenant != nil && q.tenant.ID == m.Tenant.ID,
			Handover: handover,
		})
	}
	slices.SortFunc(out, func(a, b switchLink) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// tenantURL is the dashboard address of t as seen from this request: the
// sibling host when this tenant came from its subdomain, else /t/{slug}/.
func (q *request) tenantURL(t *tenantry.Tenant) string {
	if q.hostForm && q.tenant != nil {
		host := q.r.Host
		if rest, ok := strings.CutPrefix(host, q.tenant.Slug+"."); ok {
			scheme := "http"
			if q.h.secure(q.r) {
				scheme = "https"
			}
			return scheme + "://" + t.Slug + "." + rest + "/"
		}
	}
	return "/t/" + t.Slug + "/"
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
