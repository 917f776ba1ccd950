package ui

import (
	"context"
	"encoding/json"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// auditRow is an audit event as the pages show it: its actor and target
// named, and a link to the target while it still exists.
type auditRow struct {
	*tenantry.AuditEvent
	// Actor names who did it: "Alice (alice@example.com)", "API key ci",
	// "system".
	Actor string
	// Target names what it was done to: "project Website".
	Target string
	// TargetURL links to the target's page, "" when there is none or the
	// target is gone.
	TargetURL string
	// TenantSlug is the slug of the event's tenant (console only).
	TenantSlug string
}

// auditNamer names the actors and targets of one page of events, looking
// each one up once.
type auditNamer struct {
	ctx   context.Context
	store tenantry.Store
	// console is set on the platform console, which links tenants to their
	// console page and nothing inside a tenant (the admin need not be a
	// member); a tenant's audit page links to its own pages under base.
	console bool
	base    string
	users   map[string]*tenantry.User
	tenants map[string]*tenantry.Tenant
	// invited maps invitation ids to the e-mail an event of the page
	// recorded for them (acceptance and revocation events carry none).
	invited map[string]string
}

// newAuditNamer returns the namer of a tenant's audit page whose pages are
// under base ("" on the tenant's own host, "/t/{slug}" otherwise).
func newAuditNamer(ctx context.Context, store tenantry.Store, base string) *auditNamer {
	return &auditNamer{ctx: ctx, store: store, base: base, users: map[string]*tenantry.User{},
		tenants: map[string]*tenantry.Tenant{}, invited: map[string]string{}}
}

// newConsoleAuditNamer returns the namer of the console's audit page.
func newConsoleAuditNamer(ctx context.Context, store tenantry.Store) *auditNamer {
	n := newAuditNamer(ctx, store, "")
	n.console = true
	return n
}

// rows names every event of evs.
func (n *auditNamer) rows(evs []*tenantry.AuditEvent) []auditRow {
	for _, ev := range evs {
		if email := dataString(ev.Data, "email"); ev.TargetType == "invitation" && email != "" {
			n.invited[ev.TargetID] = email
		}
	}
	out := make([]auditRow, len(evs))
	for i, ev := range evs {
		out[i] = n.row(ev)
	}
	return out
}

func (n *auditNamer) row(ev *tenantry.AuditEvent) auditRow {
	r := auditRow{AuditEvent: ev, Actor: n.actor(ev)}
	if t := n.tenant(ev.TenantID); t != nil {
		r.TenantSlug = t.Slug
	}
	r.Target, r.TargetURL = n.target(ev)
	return r
}

// user returns the user id, nil when there is none (deleted).
func (n *auditNamer) user(id string) *tenantry.User {
	if u, ok := n.users[id]; ok {
		return u
	}
	u, err := n.store.User(n.ctx, id)
	if err != nil {
		u = nil
	}
	n.users[id] = u
	return u
}

// tenant returns the tenant id, nil when there is none.
func (n *auditNamer) tenant(id string) *tenantry.Tenant {
	if id == "" {
		return nil
	}
	if t, ok := n.tenants[id]; ok {
		return t
	}
	t, err := n.store.TenantByID(n.ctx, id)
	if err != nil {
		t = nil
	}
	n.tenants[id] = t
	return t
}

func (n *auditNamer) actor(ev *tenantry.AuditEvent) string {
	switch ev.Actor.Type {
	case tenantry.ActorUser:
		if u := n.user(ev.Actor.ID); u != nil {
			return u.Name + " (" + u.Email + ")"
		}
		return "a deleted user"
	case tenantry.ActorAPIKey:
		if ev.TenantID != "" {
			if k, err := n.store.Tenant(ev.TenantID).APIKey(n.ctx, ev.Actor.ID); err == nil {
				return "API key " + k.Name
			}
		}
		return "an API key"
	}
	return "system"
}

// target names ev's target and links to it while it exists.
func (n *auditNamer) target(ev *tenantry.AuditEvent) (string, string) {
	ts := n.store.Tenant(ev.TenantID)
	url := func(path string) string {
		if n.console {
			return ""
		}
		return n.base + path
	}
	switch ev.TargetType {
	case "project":
		if p, err := projects.New(ts, tenantry.Plans{}).Project(n.ctx, ev.TargetID); err == nil {
			return "project " + p.Name, url("/projects/" + p.ID)
		}
	case "task":
		if t, err := projects.New(ts, tenantry.Plans{}).Task(n.ctx, ev.TargetID); err == nil {
			return "task " + t.Title, url("/projects/" + t.ProjectID)
		}
	case "user", "member":
		if u := n.user(ev.TargetID); u != nil {
			return "member " + u.Name + " (" + u.Email + ")", url("/members")
		}
	case "api_key":
		if k, err := ts.APIKey(n.ctx, ev.TargetID); err == nil {
			return "API key " + k.Name, url("/api-keys")
		}
	case "invitation":
		if email := n.invited[ev.TargetID]; email != "" {
			return "invitation of " + email, url("/members")
		}
	case "tenant":
		if t := n.tenant(ev.TargetID); t != nil {
			if ev.Action == "settings.update" {
				return "settings of " + t.Name, url("/settings")
			}
			if n.console {
				return "tenant " + t.Name, "/admin/tenants/" + t.Slug
			}
			return "tenant " + t.Name, ""
		}
	case "chat_session":
		return "assistant session", ""
	}
	// Gone, or a kind without a name: what the event itself recorded.
	if name := dataString(ev.Data, "name"); name != "" {
		return ev.TargetType + " " + name + " (deleted)", ""
	}
	return ev.TargetType + " " + shortID(ev.TargetID), ""
}

// dataString returns the string field key of an event's data, or "".
func dataString(data json.RawMessage, key string) string {
	if len(data) == 0 {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}

// shortID returns the first 8 characters of an id, enough to tell ids
// apart on one page.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
