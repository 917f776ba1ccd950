package app

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/sqlite"
)

// TestTenantAddMember gives a seeded tenant, which has no member, its
// owner from the command line: an existing user joins, an unknown e-mail
// gets an invitation whose link (or token) is printed once, and a
// registry line with owner_email makes its owner on import.
func TestTenantAddMember(t *testing.T) {
	c := newCLI(t)
	c.mustRun("admin", "create", "--email", "ada@example.com", "--password", "correct horse battery", "--name", "Ada")
	c.mustRun("tenant", "import", filepath.Join("..", "examples", "tenants.jsonl"))
	if got := c.mustRun("tenant", "members", "acme"); strings.Contains(got, "@") {
		t.Fatalf("members of a seeded tenant: got %q, want none", got)
	}

	tests := []struct {
		name    string
		args    []string
		want    string // a regular expression the output matches
		wantErr string
	}{
		{"existing user", []string{"tenant", "add-member", "acme", "--email", "Ada@Example.com"}, `ada@example\.com \(\S+\) is now owner of acme`, ""},
		{"already a member", []string{"tenant", "add-member", "acme", "--email", "ada@example.com", "--role", "admin"}, "", "already a member"},
		{"unknown e-mail, link", []string{"tenant", "add-member", "acme", "--email", "bob@example.com", "--role", "member", "--public-url", "https://t.example/"},
			`invited as member of acme .*\n  https://t\.example/invitations/inv_\S+\n$`, ""},
		{"unknown e-mail, token", []string{"tenant", "add-member", "globex", "--email", "carol@example.com"}, `invited as owner of globex .*\n  token inv_\S+ `, ""},
		{"bad role", []string{"tenant", "add-member", "acme", "--email", "dan@example.com", "--role", "king"}, "", "role: must be owner, admin or member"},
		{"bad e-mail", []string{"tenant", "add-member", "acme", "--email", "dan"}, "", "email: must be an e-mail address"},
		{"unknown tenant", []string{"tenant", "add-member", "nope", "--email", "dan@example.com"}, "", "not"},
		{"no tenant", []string{"tenant", "add-member", "--email", "dan@example.com"}, "", "usage"},
		{"list", []string{"tenant", "members", "acme"}, `(?m)^ada@example\.com\s+Ada\s+owner\s`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.run(tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v (%s), want an error with %q", err, out, tt.wantErr)
				}
				return
			}
			if err != nil || !regexp.MustCompile(tt.want).MatchString(out) {
				t.Fatalf("got %v, output %q, want it to match %q", err, out, tt.want)
			}
		})
	}

	reg := filepath.Join(t.TempDir(), "owners.jsonl")
	if err := os.WriteFile(reg, []byte(`{"id":"initech","name":"Initech","welcome":"Initech says hi.","model":"mock-3","limits":{"chat_per_10s":6},"owner_email":"ada@example.com"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := c.mustRun("tenant", "import", reg), "initech: ada@example.com is the owner"; !strings.Contains(got, want) {
		t.Fatalf("registry import with owner_email printed %q, want %q", got, want)
	}

	// The tenant's own trail: member.add on the member, by the system.
	db, err := sqlite.Open(context.Background(), filepath.Join(c.env["TENANTRY_DATA"], "tenantry.db"), tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	acme, err := db.TenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	ada, err := db.UserByEmail(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	evs, _, err := db.Tenant(acme.ID).AuditEvents(ctx, tenantry.AuditFilter{Action: "member.add"})
	if err != nil || len(evs) != 1 || evs[0].TargetType != "member" || evs[0].TargetID != ada.ID || evs[0].Actor != (tenantry.AuditActor{Type: tenantry.ActorSystem}) {
		t.Fatalf("member.add events of acme: got %+v, %v, want one on member %s by the system", evs, err, ada.ID)
	}
	invs, _, err := db.Tenant(acme.ID).Invitations(ctx, tenantry.Page{})
	if err != nil || len(invs) != 1 || invs[0].Email != "bob@example.com" || invs[0].Role != tenantry.RoleMember {
		t.Fatalf("invitations of acme: got %+v, %v, want bob as member", invs, err)
	}
}
