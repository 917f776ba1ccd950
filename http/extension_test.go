package http

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

// notes is a small builder extension for the route tests: one tenant table
// and its routes, written only against the public API.
func notesExtension() tenantry.Extension {
	const ddl = `-- +goose Up
CREATE TABLE notes (
	tenant_id %s NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id %s NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
`
	return tenantry.Extension{
		Name:     "notes",
		Tables:   []string{"notes"},
		SQLite:   fstest.MapFS{"00001_notes.sql": {Data: []byte(fmt.Sprintf(ddl, "TEXT", "TEXT"))}},
		Postgres: fstest.MapFS{"00001_notes.sql": {Data: []byte(fmt.Sprintf(ddl, "uuid", "uuid"))}},
	}
}

type note struct {
	ID   string `json:"id"`
	Body string `json:"body"`
}

type noteInput struct {
	Body string `json:"body"`
}

func notesRoutes() []Route {
	return []Route{
		{Pattern: "POST /api/notes", Summary: "Write a note", MinRole: tenantry.RoleAdmin,
			Body: noteInput{}, Response: note{}, Status: http.StatusCreated,
			Tenant: func(w http.ResponseWriter, r *http.Request, c Call) error {
				var in noteInput
				if err := Decode(r, &in); err != nil {
					return err
				}
				n := note{ID: tenantry.NewID(), Body: in.Body}
				err := c.Store.Write(r.Context(), func(tx tenantry.Tx) error {
					if _, err := tx.Exec(r.Context(), `INSERT INTO notes (tenant_id, id, body) VALUES ($1, $2, $3)`, tx.TenantID(), n.ID, n.Body); err != nil {
						return err
					}
					return tx.Audit(r.Context(), "note.create", "note", n.ID, nil)
				})
				if err != nil {
					return err
				}
				return WriteJSON(w, http.StatusCreated, n)
			}},
		{Pattern: "GET /api/notes/{id}", Summary: "Read a note", Response: note{}, Errors: []string{"not_found"},
			Tenant: func(w http.ResponseWriter, r *http.Request, c Call) error {
				var n note
				err := c.Store.Read(r.Context(), func(tx tenantry.Tx) error {
					return tx.QueryRow(r.Context(), `SELECT id, body FROM notes WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), r.PathValue("id")).Scan(&n.ID, &n.Body)
				})
				if err != nil {
					return err
				}
				return WriteJSON(w, http.StatusOK, n)
			}},
		{Pattern: "GET /api/notes-health", Summary: "Whether notes are served", Public: func(w http.ResponseWriter, r *http.Request) error {
			return WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
		}},
		{Pattern: "GET /api/admin/notes-stats", Summary: "Notes across tenants", Admin: func(w http.ResponseWriter, r *http.Request) error {
			return WriteJSON(w, http.StatusOK, map[string]bool{"admin": tenantry.IdentityFromContext(r.Context()).UserID != ""})
		}},
		{Pattern: "GET /api/notes-report", Summary: "Analytics of notes", Feature: tenantry.FeatureAnalytics,
			Tenant: func(w http.ResponseWriter, r *http.Request, c Call) error {
				return WriteJSON(w, http.StatusOK, map[string]string{"tenant": c.Tenant.Slug, "role": string(c.Identity.Role)})
			}},
	}
}

func TestBuilderRoutesRunInTheChain(t *testing.T) {
	opens := map[string]func(testing.TB) tenantry.Store{
		"sqlite": func(tb testing.TB) tenantry.Store {
			db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension(), notesExtension())
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		},
		"postgres": func(tb testing.TB) tenantry.Store {
			db, err := postgres.Open(context.Background(), pgtest.URL(tb), tenantry.DefaultPlans(), postgres.Options{Extensions: []tenantry.Extension{projects.Extension(), notesExtension()}})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		},
	}
	for name, open := range opens {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t, open(t), func(c *Config) { c.Routes = notesRoutes() })
			acme := e.newFixture(t, "acme", "free")
			globex := e.newFixture(t, "globex", "pro")
			var n note
			e.must(t, acme.Admin, "POST", "/api/notes", map[string]any{"body": "Ship it"}, 201, &n)
			e.run(t, []apiCase{
				{name: "member reads", as: acme.Member, method: "GET", path: "/api/notes/" + n.ID, want: 200},
				{name: "by path prefix", as: caller{Token: acme.Member.Token}, method: "GET", path: "/t/acme/api/notes/" + n.ID, want: 200},
				{name: "member may not write", as: acme.Member, method: "POST", path: "/api/notes", body: map[string]any{"body": "x"}, want: 403, code: "forbidden"},
				{name: "another tenant's note does not exist", as: globex.Owner, method: "GET", path: "/api/notes/" + n.ID, want: 404, code: "not_found"},
				{name: "outsider of acme", as: globex.Owner.in("acme"), method: "GET", path: "/api/notes/" + n.ID, want: 403, code: "not_a_member"},
				{name: "anonymous", as: caller{Tenant: "acme"}, method: "GET", path: "/api/notes/" + n.ID, want: 401, code: "unauthenticated"},
				{name: "unknown field", as: acme.Admin, method: "POST", path: "/api/notes", body: map[string]any{"text": "x"}, want: 422, code: "validation_failed", field: "text"},
				{name: "plan without the feature", as: acme.Owner, method: "GET", path: "/api/notes-report", want: 403, code: "feature_disabled"},
				{name: "plan with the feature", as: globex.Member, method: "GET", path: "/api/notes-report", want: 200},
				{name: "wrong method", as: acme.Member, method: "DELETE", path: "/api/notes/" + n.ID, want: 405, code: "method_not_allowed"},
				{name: "public route", as: caller{}, method: "GET", path: "/api/notes-health", want: 200},
				{name: "platform route as a member", as: acme.Owner, method: "GET", path: "/api/admin/notes-stats", want: 403, code: "forbidden"},
				{name: "platform route anonymous", as: caller{}, method: "GET", path: "/api/admin/notes-stats", want: 401, code: "unauthenticated"},
				{name: "platform route as an admin", as: e.admin(t), method: "GET", path: "/api/admin/notes-stats", want: 200},
			})
			doc := e.do(t, caller{}, "GET", "/api/openapi.json", nil)
			if doc.Status != 200 || !strings.Contains(string(doc.Body), `"/api/notes/{id}"`) || !strings.Contains(string(doc.Body), `"Write a note"`) {
				t.Errorf("the OpenAPI document does not describe the builder's routes: %d", doc.Status)
			}
			if page := e.do(t, caller{}, "GET", "/api/docs", nil); !strings.Contains(string(page.Body), "Write a note") {
				t.Errorf("/api/docs does not list the builder's routes")
			}
			evs, _, err := e.Store.Tenant(acme.Tenant.ID).AuditEvents(context.Background(), tenantry.AuditFilter{Action: "note.create"})
			if err != nil || len(evs) != 1 || evs[0].TargetID != n.ID || evs[0].Actor.ID != acme.Admin.UserID {
				t.Errorf("note.create audit: got %+v, %v; want one by acme's admin on the note", evs, err)
			}
		})
	}
}

func TestCheckRoute(t *testing.T) {
	h := func(http.ResponseWriter, *http.Request, Call) error { return errors.New("unused") }
	tests := []struct {
		rt Route
		ok bool
	}{
		{Route{Pattern: "GET /api/notes", Tenant: h}, true},
		{Route{Pattern: "/api/notes", Tenant: h}, false},
		{Route{Pattern: "GET /notes", Tenant: h}, false},
		{Route{Pattern: "GET /api/notes"}, false},
		{Route{Pattern: "GET /api/notes", Tenant: h, Public: func(http.ResponseWriter, *http.Request) error { return nil }}, false},
		{Route{Pattern: "GET /api/notes", Public: func(http.ResponseWriter, *http.Request) error { return nil }}, true},
		{Route{Pattern: "GET /api/notes", Tenant: h, MinRole: "root"}, false},
	}
	for _, tt := range tests {
		if err := checkRoute(tt.rt); (err == nil) != tt.ok {
			t.Errorf("checkRoute(%q): got %v, want ok=%v", tt.rt.Pattern, err, tt.ok)
		}
	}
}
