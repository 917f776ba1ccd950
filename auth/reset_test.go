package auth_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/sqlite"
)

// outbox is a Mailer that records what it is sent.
type outbox struct {
	mu   sync.Mutex
	msgs []tenantry.Message
}

func (o *outbox) Send(_ context.Context, m tenantry.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) all() []tenantry.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]tenantry.Message(nil), o.msgs...)
}

// newMailService returns a service over a fresh SQLite store that mails
// into an outbox, with links under https://app.example.com.
func newMailService(t testing.TB) (*auth.Service, tenantry.Store, *outbox) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tenantry.db"), tenantry.DefaultPlans())
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	p := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	box := &outbox{}
	s := auth.New(db, auth.Config{Secret: []byte("0123456789abcdef0123456789abcdef"), Params: &p, Mailer: box, PublicURL: "https://app.example.com/"})
	return s, db, box
}

var resetLink = regexp.MustCompile(`https://app\.example\.com/reset-password\?token=(pr_[A-Za-z0-9_-]{43})\n`)

func TestPasswordReset(t *testing.T) {
	s, db, box := newMailService(t)
	ctx := t.Context()
	sess, err := s.Signup(ctx, auth.SignupInput{Email: "ann@example.com", Password: "old password", Name: "Ann"})
	if err != nil {
		t.Fatalf("Signup: %v", err)
	}

	for _, email := range []string{"nobody@example.com", "NOBODY@example.com "} {
		if err := s.RequestPasswordReset(ctx, email); err != nil {
			t.Errorf("RequestPasswordReset(unknown %q): got %v, want nil (no enumeration)", email, err)
		}
	}
	for email, want := range map[string]string{"": "required", "not-an-address": "must be an e-mail address"} {
		err := s.RequestPasswordReset(ctx, email)
		var e *tenantry.Error
		if tenantry.ErrorCode(err) != tenantry.EINVALID || !asError(err, &e) || e.Fields["email"] != want {
			t.Errorf("RequestPasswordReset(%q): got %v, want validation_failed email=%s", email, err, want)
		}
	}
	if got := box.all(); len(got) != 0 {
		t.Fatalf("mail for unknown addresses: got %+v, want none", got)
	}

	if err := s.RequestPasswordReset(ctx, " Ann@Example.com"); err != nil {
		t.Fatalf("RequestPasswordReset: %v", err)
	}
	msgs := box.all()
	if len(msgs) != 1 || msgs[0].To != "ann@example.com" || !strings.Contains(msgs[0].Subject, "password") {
		t.Fatalf("mail: got %+v, want one password mail to ann@example.com", msgs)
	}
	m := resetLink.FindStringSubmatch(msgs[0].Text)
	if m == nil {
		t.Fatalf("mail text %q has no reset link under the public URL", msgs[0].Text)
	}
	token := m[1]

	errs := []struct {
		name, token, password, want string
	}{
		{"short password", token, "short", tenantry.EINVALID},
		{"no password", token, "", tenantry.EINVALID},
		{"malformed token", "pr_nope", "new password", tenantry.EUNAUTHENTICATED},
		{"another kind of token", sess.RefreshToken, "new password", tenantry.EUNAUTHENTICATED},
		{"unknown token", "pr_" + strings.Repeat("A", 42) + "E", "new password", tenantry.EUNAUTHENTICATED},
	}
	for _, e := range errs {
		_, err := s.ResetPassword(ctx, e.token, e.password)
		if got := tenantry.ErrorCode(err); got != e.want {
			t.Errorf("ResetPassword(%s): got code %q (%v), want %q", e.name, got, err, e.want)
		}
	}

	u, err := s.ResetPassword(ctx, token, "new password")
	if err != nil || u.ID != sess.User.ID {
		t.Fatalf("ResetPassword: got %v, %v; want user %s", u, err, sess.User.ID)
	}
	if _, err := s.Login(ctx, "ann@example.com", "new password"); err != nil {
		t.Errorf("Login(new password): %v", err)
	}
	if _, err := s.Login(ctx, "ann@example.com", "old password"); tenantry.ErrorCode(err) != tenantry.EUNAUTHENTICATED {
		t.Errorf("Login(old password): got %v, want unauthenticated", err)
	}
	if _, err := s.Refresh(ctx, sess.RefreshToken); tenantry.ErrorCode(err) != tenantry.EUNAUTHENTICATED {
		t.Errorf("Refresh(token from before the reset): got %v, want unauthenticated", err)
	}
	if _, err := s.ResetPassword(ctx, token, "third password"); tenantry.ErrorCode(err) != tenantry.EUNAUTHENTICATED {
		t.Errorf("ResetPassword(used token): got %v, want unauthenticated", err)
	}
	evs, _, err := db.Platform().AuditEvents(ctx, tenantry.AuditFilter{Action: tenantry.AuditPasswordReset})
	if err != nil || len(evs) != 1 || evs[0].Actor.ID != u.ID {
		t.Errorf("platform audit: got %+v, %v; want one %s by %s", evs, err, tenantry.AuditPasswordReset, u.ID)
	}
}

func TestInvitationIsMailed(t *testing.T) {
	s, db, box := newMailService(t)
	ctx := t.Context()
	tn, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Acme Inc", Slug: "acme", Plan: "free"})
	if err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	inv, token, err := s.CreateInvitation(ctx, db.Tenant(tn.ID), " Bob@Example.com", tenantry.RoleAdmin)
	if err != nil {
		t.Fatalf("CreateInvitation: %v", err)
	}
	msgs := box.all()
	if len(msgs) != 1 {
		t.Fatalf("mail: got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	link := "https://app.example.com/invitations/" + token
	if m.To != inv.Email || m.To != "bob@example.com" || !strings.Contains(m.Subject, "Acme Inc") ||
		!strings.Contains(m.Text, link+"\n") || !strings.Contains(m.Text, "admin") {
		t.Errorf("mail: got %+v, want one to bob@example.com naming Acme Inc and the admin role with the link %s", m, link)
	}
	if got := s.InvitationLink(token); got != link {
		t.Errorf("InvitationLink: got %q, want %q", got, link)
	}
	if _, _, err := s.CreateInvitation(ctx, db.Tenant(tn.ID), "bad", tenantry.RoleAdmin); err == nil || len(box.all()) != 1 {
		t.Errorf("CreateInvitation(bad e-mail): got %v and %d messages, want an error and no new mail", err, len(box.all()))
	}
}

func asError(err error, target **tenantry.Error) bool {
	e, ok := err.(*tenantry.Error)
	*target = e
	return ok
}

// FuzzResetPassword checks that any token and password get a client error
// (validation_failed or unauthenticated) from a store with no resets,
// never a server error, a panic or a changed password.
func FuzzResetPassword(f *testing.F) {
	s, _, _ := newMailService(f)
	for _, seed := range [][2]string{
		{"pr_" + strings.Repeat("A", 42) + "E", "long enough"},
		{"pr_", "long enough"},
		{"inv_0123", "short"},
		{" pr_" + strings.Repeat("_", 43) + " ", "\x00\x00\x00\x00\x00\x00\x00\x00"},
		{"", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, token, password string) {
		u, err := s.ResetPassword(t.Context(), token, password)
		switch code := tenantry.ErrorCode(err); code {
		case tenantry.EINVALID, tenantry.EUNAUTHENTICATED:
		default:
			t.Fatalf("ResetPassword(%q, %q) = %v, %v; want validation_failed or unauthenticated", token, password, u, err)
		}
	})
}
