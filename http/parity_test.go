package http

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestBackendsAnswerAlike runs one sequence of API calls on SQLite and on
// PostgreSQL and compares the two transcripts step by step: statuses,
// error codes, messages and fields, response bodies (ids, times, secrets
// and request ids replaced by placeholders in order of appearance) and, at
// the end, the tenant's audit trail with each event's action, target type
// and data. A rule written twice that drifts apart fails here.
func TestBackendsAnswerAlike(t *testing.T) {
	var runs [][]string
	for _, b := range testBackends {
		e := newTestEnv(t, b.open(t))
		runs = append(runs, parityWalk(t, e))
	}
	if len(runs) < 2 {
		t.Skip("one backend only")
	}
	a, b := runs[0], runs[1]
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			t.Errorf("step %d differs:\n  sqlite:   %s\n  postgres: %s", i, x, y)
		}
	}
}

// parityWalk takes the walk on e and returns its normalized transcript.
func parityWalk(t *testing.T, e *testEnv) []string {
	f := e.newFixture(t, "parity", "free")
	n := &normalizer{ids: map[string]string{}}
	var out []string
	step := func(name string, c caller, method, path string, body any) resp {
		t.Helper()
		r := e.do(t, c, method, path, body)
		out = append(out, fmt.Sprintf("%s: %s %s -> %d %s", name, method, n.text(path), r.Status, n.body(r.Body)))
		return r
	}
	step("tenant", f.Owner, "GET", "/api/tenant", nil)
	var p tenantry.Project
	step("project", f.Owner, "POST", "/api/projects", map[string]any{"name": "Website", "description": "The site"}).decode(t, &p)
	step("project again", f.Owner, "POST", "/api/projects", map[string]any{"name": "Website"})
	step("project without a name", f.Owner, "POST", "/api/projects", map[string]any{"name": " "})
	step("project update", f.Owner, "PATCH", "/api/projects/"+p.ID, map[string]any{"is_active": false, "description": ""})
	step("project of nobody", f.Owner, "GET", "/api/projects/"+tenantry.NewID(), nil)
	step("projects", f.Owner, "GET", "/api/projects", nil)
	var task tenantry.Task
	step("task", f.Owner, "POST", "/api/tasks", map[string]any{"project_id": p.ID, "title": "Write", "assigned_to_id": f.Member.UserID}).decode(t, &task)
	step("task of a stranger", f.Owner, "POST", "/api/tasks", map[string]any{"project_id": p.ID, "title": "x", "assigned_to_id": tenantry.NewID()})
	step("task of no project", f.Owner, "POST", "/api/tasks", map[string]any{"project_id": tenantry.NewID(), "title": "x"})
	step("task update", f.Owner, "PATCH", "/api/tasks/"+task.ID, map[string]any{"completed": true})
	step("member deletes a project", f.Member, "DELETE", "/api/projects/"+p.ID, nil)
	step("members", f.Owner, "GET", "/api/members", nil)
	step("the last owner leaves", f.Owner, "DELETE", "/api/members/"+f.Owner.UserID, nil)
	step("admin made member", f.Owner, "PATCH", "/api/members/"+f.Admin.UserID, map[string]any{"role": "member"})
	step("member removed", f.Owner, "DELETE", "/api/members/"+f.Member.UserID, nil)
	step("task after its assignee left", f.Owner, "GET", "/api/tasks/"+task.ID, nil)
	step("the removed member's default tenant", caller{Token: f.Member.Token}, "GET", "/api/auth/me", nil)
	var key struct {
		ID string `json:"id"`
	}
	step("api key", f.Owner, "POST", "/api/api-keys", map[string]any{"name": "CI", "role": "member"}).decode(t, &key)
	step("api keys", f.Owner, "GET", "/api/api-keys", nil)
	step("api key revoked", f.Owner, "DELETE", "/api/api-keys/"+key.ID, nil)
	step("invitation", f.Owner, "POST", "/api/invitations", map[string]any{"email": "new@example.com", "role": "admin"})
	step("settings", f.Owner, "PATCH", "/api/settings", map[string]any{"welcome": "Hello"})
	step("project deleted", f.Owner, "DELETE", "/api/projects/"+p.ID, nil)
	step("task with its project", f.Owner, "GET", "/api/tasks/"+task.ID, nil)
	step("audit", f.Owner, "GET", "/api/audit?limit=200", nil)
	step("platform audit", e.admin(t), "GET", "/api/admin/audit?tenant_id="+f.Tenant.ID+"&limit=200", nil)
	// What each event says, which the API does not show: its data.
	evs, _, err := e.Store.Tenant(f.Tenant.ID).AuditEvents(t.Context(), tenantry.AuditFilter{Page: tenantry.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		out = append(out, fmt.Sprintf("audit data: %s %s %s", ev.Action, ev.TargetType, n.body(ev.Data)))
	}
	return out
}

// normalizer replaces what differs between two runs by design: ids (the
// same placeholder for the same id, numbered in order of appearance),
// times, secrets and request ids.
type normalizer struct{ ids map[string]string }

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// varying are the fields whose values differ run to run by design.
// requests_today is among them: the request counts reach the store once a
// second, so it depends on where the walk is when the flush runs.
var varying = map[string]bool{"requests_today": true, "at": true, "created_at": true, "updated_at": true, "expires_at": true, "last_used_at": true,
	"request_id": true, "key": true, "token": true, "prefix": true, "next_cursor": true, "revoked_at": true, "accepted_at": true}

func (n *normalizer) text(s string) string {
	return uuidRE.ReplaceAllStringFunc(s, func(id string) string {
		if p, ok := n.ids[id]; ok {
			return p
		}
		p := fmt.Sprintf("<id%d>", len(n.ids)+1)
		n.ids[id] = p
		return p
	})
}

// body re-encodes a JSON body with sorted keys and the varying fields
// blanked, then replaces its ids.
func (n *normalizer) body(raw []byte) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return n.text(strings.TrimSpace(string(raw)))
	}
	return n.text(canonical(v))
}

func canonical(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			val := canonical(x[k])
			if varying[k] && x[k] != nil && x[k] != "" {
				val = `"<set>"`
			}
			fmt.Fprintf(&b, "%q:%s", k, val)
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = canonical(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}
