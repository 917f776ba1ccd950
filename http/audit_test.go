package http

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestAudit(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	other := e.newFixture(t, "other", "pro")
	p := e.createProject(t, f.Member, "Alpha")
	e.createProject(t, other.Owner, "Secret")

	type event struct {
		ID         string              `json:"id"`
		Actor      tenantry.AuditActor `json:"actor"`
		Action     string              `json:"action"`
		TargetType string              `json:"target_type"`
		TargetID   string              `json:"target_id"`
		At         string              `json:"at"`
		RequestID  string              `json:"request_id"`
	}
	e.run(t, []apiCase{
		{name: "member forbidden", as: f.Member, method: "GET", path: "/api/audit", want: 403, code: "forbidden"},
		{name: "unauthenticated", as: caller{Tenant: "acme"}, method: "GET", path: "/api/audit", want: 401, code: "unauthenticated"},
		{name: "bad limit", as: f.Admin, method: "GET", path: "/api/audit?limit=x", want: 400, code: "bad_request"},
		{name: "list", as: f.Admin, method: "GET", path: "/api/audit", want: 200, check: func(t *testing.T, r resp) {
			items, _ := listOf[event](t, r)
			if len(items) == 0 {
				t.Fatal("got no events")
			}
			if got := items[0]; got.Action != "project.create" || got.TargetID != p.ID || got.TargetType == "" ||
				got.Actor.Type != tenantry.ActorUser || got.Actor.ID != f.Member.UserID || got.RequestID == "" || got.At == "" {
				t.Errorf("got newest %+v, want project.create of %s by the member with a request id", got, p.ID)
			}
			for _, ev := range items {
				if ev.TargetID != "" && ev.Action == "project.create" && ev.TargetID != p.ID {
					t.Errorf("got another tenant's event %+v", ev)
				}
			}
			var raw []map[string]any
			var l struct {
				Items []map[string]any `json:"items"`
			}
			r.decode(t, &l)
			raw = l.Items
			for _, k := range []string{"id", "actor", "action", "target_type", "target_id", "at", "request_id"} {
				if _, ok := raw[0][k]; !ok {
					t.Errorf("got event without %q: %v", k, raw[0])
				}
			}
		}},
		{name: "filter by action", as: f.Owner, method: "GET", path: "/api/audit?action=member.add", want: 200, check: func(t *testing.T, r resp) {
			items, _ := listOf[event](t, r)
			if len(items) < 2 {
				t.Errorf("got %d member.add events, want at least 2", len(items))
			}
			for _, ev := range items {
				if ev.Action != "member.add" {
					t.Errorf("got action %q, want member.add", ev.Action)
				}
			}
		}},
	})
}
