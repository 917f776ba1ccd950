package registry_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/registry"
	"github.com/tenantry/tenantry/sqlite"
)

// outbox is a tenantry.Mailer that keeps what it is given.
type outbox struct {
	mu   sync.Mutex
	sent []tenantry.Message
}

func (o *outbox) Send(ctx context.Context, m tenantry.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) messages() []tenantry.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]tenantry.Message(nil), o.sent...)
}

// TestApplyOwners seeds tenants whose lines name an owner_email, on both
// backends: an existing user becomes the owner, an unknown e-mail gets an
// owner invitation that is e-mailed, and applying the file again changes
// nothing and sends nothing.
func TestApplyOwners(t *testing.T) {
	backends := []struct {
		name string
		open func(t *testing.T) tenantry.Store
	}{
		{"sqlite", func(t *testing.T) tenantry.Store {
			db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"), tenantry.DefaultPlans())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}},
		{"postgres", func(t *testing.T) tenantry.Store {
			db, err := postgres.Open(context.Background(), pgtest.URL(t), tenantry.DefaultPlans())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}},
	}
	file := `{"id":"acme","name":"Acme Corp","owner_email":"Ada@Example.com"}
{"id":"globex","name":"Globex Inc.","owner_email":"newcomer@example.com"}
{"id":"initech","name":"Initech"}
`
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			box := &outbox{}
			svc := auth.New(db, auth.Config{Secret: []byte("test-secret-test-secret-test-sec"), Mailer: box,
				PublicURL: "https://tenantry.example", Params: &auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
			ada, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "ada@example.com", Name: "Ada", PasswordHash: "x"})
			if err != nil {
				t.Fatal(err)
			}
			entries := mustParse(t, file)
			if _, _, err := registry.Apply(ctx, db.Platform(), db, entries); err != nil {
				t.Fatal(err)
			}
			owners, err := registry.ApplyOwners(ctx, db, svc, entries)
			if err != nil {
				t.Fatal(err)
			}
			if len(owners) != 2 {
				t.Fatalf("owners: got %d, want 2: %+v", len(owners), owners)
			}
			acme, err := db.TenantBySlug(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			got, want := owners[0], registry.Owner{Slug: "acme", Email: "ada@example.com"}
			if got.Slug != want.Slug || got.Email != want.Email || got.Member == nil || got.Member.UserID != ada.ID || got.Member.Role != tenantry.RoleOwner || got.Invitation != nil {
				t.Errorf("acme: got %+v, want ada as owner", got)
			}
			m, err := db.Tenant(acme.ID).Member(ctx, ada.ID)
			if err != nil || m.Role != tenantry.RoleOwner {
				t.Errorf("acme member ada: got %+v, %v, want owner", m, err)
			}
			evs, _, err := db.Tenant(acme.ID).AuditEvents(ctx, tenantry.AuditFilter{Action: "member.add"})
			wantActor := tenantry.AuditActor{Type: tenantry.ActorSystem}
			if err != nil || len(evs) != 1 || evs[0].TargetType != "member" || evs[0].TargetID != ada.ID || evs[0].Actor != wantActor {
				t.Errorf("acme member.add events: got %+v, %v, want one on member %s by the system", evs, err, ada.ID)
			}

			inv := owners[1]
			if inv.Slug != "globex" || inv.Member != nil || inv.Invitation == nil || inv.Invitation.Role != tenantry.RoleOwner ||
				inv.Invitation.Email != "newcomer@example.com" || !strings.HasPrefix(inv.Token, auth.InvitationPrefix) {
				t.Errorf("globex: got %+v, want an owner invitation", inv)
			}
			sent := box.messages()
			if len(sent) != 1 || sent[0].To != "newcomer@example.com" || !strings.Contains(sent[0].Text, "https://tenantry.example/invitations/"+inv.Token) {
				t.Fatalf("mail: got %+v, want the invitation link to newcomer@example.com", sent)
			}

			again, err := registry.ApplyOwners(ctx, db, svc, entries)
			if err != nil || len(again) != 0 || len(box.messages()) != 1 {
				t.Errorf("again: got %+v, %v, %d mails; want nothing done, 1 mail", again, err, len(box.messages()))
			}

			// The invitee signs up and accepts: the tenant has its owner.
			nc, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "newcomer@example.com", Name: "New", PasswordHash: "x"})
			if err != nil {
				t.Fatal(err)
			}
			mem, err := svc.AcceptInvitation(ctx, inv.Token, nc.ID)
			if err != nil || mem.Role != tenantry.RoleOwner {
				t.Errorf("accept: got %+v, %v, want owner", mem, err)
			}
		})
	}
}

func TestParseOwnerEmail(t *testing.T) {
	tests := []struct {
		name, in, want string
		bad            bool
	}{
		{"normalised", `{"id":"acme","name":"A","owner_email":" Ada@Example.COM "}`, "ada@example.com", false},
		{"absent", `{"id":"acme","name":"A"}`, "", false},
		{"not an address", `{"id":"acme","name":"A","owner_email":"ada"}`, "", true},
		{"display name", `{"id":"acme","name":"A","owner_email":"Ada <ada@example.com>"}`, "", true},
		{"not a string", `{"id":"acme","name":"A","owner_email":7}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := registry.Parse(strings.NewReader(tt.in))
			if tt.bad {
				if !tenantry.IsCode(err, tenantry.EINVALID) || !strings.Contains(err.Error(), "owner_email") {
					t.Fatalf("got %v, want validation_failed naming owner_email", err)
				}
				return
			}
			if err != nil || len(got) != 1 || got[0].OwnerEmail != tt.want {
				t.Fatalf("got %+v, %v, want owner_email %q", got, err, tt.want)
			}
		})
	}
}
