package sqlite

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestCreateUser(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u, err := db.CreateUser(ctx, tenantry.UserCreate{Email: " Alice@Example.COM ", Name: " Alice ", PasswordHash: testHash})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "alice@example.com" || u.Name != "Alice" || u.CreatedAt.IsZero() {
		t.Errorf("CreateUser: got %+v, want alice@example.com Alice", u)
	}
	tests := []struct {
		name string
		uc   tenantry.UserCreate
		want string
	}{
		{"duplicate e-mail", tenantry.UserCreate{Email: "ALICE@example.com", Name: "A", PasswordHash: testHash}, tenantry.ECONFLICT},
		{"bad e-mail", tenantry.UserCreate{Email: "nope", Name: "A", PasswordHash: testHash}, tenantry.EINVALID},
		{"no name", tenantry.UserCreate{Email: "b@example.com", PasswordHash: testHash}, tenantry.EINVALID},
		{"no password", tenantry.UserCreate{Email: "b@example.com", Name: "B"}, tenantry.EINVALID},
		{"ok", tenantry.UserCreate{Email: "b@example.com", Name: "B", PasswordHash: testHash}, ""},
	}
	for _, tt := range tests {
		_, err := db.CreateUser(ctx, tt.uc)
		wantCode(t, tt.name, err, tt.want)
	}
	got, err := db.UserByEmail(ctx, "ALICE@example.com")
	if err != nil || got.ID != u.ID || got.PasswordHash != testHash || !got.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("UserByEmail: got %+v, %v, want %+v", got, err, u)
	}
	lookups := []struct {
		name string
		err  error
		want string
	}{
		{"User(unknown)", func() error { _, err := db.User(ctx, tenantry.NewID()); return err }(), tenantry.ENOTFOUND},
		{"User(bad id)", func() error { _, err := db.User(ctx, "x"); return err }(), tenantry.ENOTFOUND},
		{"UserByEmail(unknown)", func() error { _, err := db.UserByEmail(ctx, "z@example.com"); return err }(), tenantry.ENOTFOUND},
		{"SetPassword", db.SetPassword(ctx, u.ID, "new-hash"), ""},
		{"SetPassword(unknown)", db.SetPassword(ctx, tenantry.NewID(), "new-hash"), tenantry.ENOTFOUND},
		{"SetPlatformAdmin(unknown)", db.SetPlatformAdmin(ctx, tenantry.NewID(), true), tenantry.ENOTFOUND},
	}
	for _, tt := range lookups {
		wantCode(t, tt.name, tt.err, tt.want)
	}
	if got, _ := db.User(ctx, u.ID); got.PasswordHash != "new-hash" {
		t.Errorf("SetPassword: got hash %q, want new-hash", got.PasswordHash)
	}
}

func TestPlatformAdmin(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u := mustUser(t, db, "a@example.com")
	steps := []struct {
		admin bool
		want  bool
	}{{false, false}, {true, true}, {false, false}}
	for _, st := range steps {
		if err := db.SetPlatformAdmin(ctx, u.ID, st.admin); err != nil {
			t.Fatal(err)
		}
		got, err := db.HasPlatformAdmin(ctx)
		if err != nil || got != st.want {
			t.Errorf("HasPlatformAdmin after SetPlatformAdmin(%v): got %v, %v, want %v", st.admin, got, err, st.want)
		}
		gu, _ := db.User(ctx, u.ID)
		if gu.PlatformAdmin != st.admin {
			t.Errorf("User.PlatformAdmin: got %v, want %v", gu.PlatformAdmin, st.admin)
		}
	}
}

func TestSignup(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u, tn, err := db.Signup(ctx, tenantry.UserCreate{Email: "f@example.com", Name: "F", PasswordHash: testHash},
		&tenantry.TenantCreate{Name: "Founder", Slug: "founder"})
	if err != nil {
		t.Fatal(err)
	}
	if u.DefaultTenantID != tn.ID || tn.Plan != "free" {
		t.Errorf("Signup: got default %q plan %q, want %q free", u.DefaultTenantID, tn.Plan, tn.ID)
	}
	m, err := db.Tenant(tn.ID).Member(ctx, u.ID)
	if err != nil || m.Role != tenantry.RoleOwner {
		t.Errorf("Signup member: got %v, %v, want owner", m, err)
	}
	tests := []struct {
		name  string
		email string
		tc    *tenantry.TenantCreate
		want  string
	}{
		{"taken slug", "g@example.com", &tenantry.TenantCreate{Name: "G", Slug: "founder"}, tenantry.ECONFLICT},
		{"taken e-mail", "f@example.com", &tenantry.TenantCreate{Name: "G", Slug: "gee"}, tenantry.ECONFLICT},
		{"reserved slug", "g@example.com", &tenantry.TenantCreate{Name: "G", Slug: "admin"}, tenantry.EINVALID},
		{"bad e-mail", "g", &tenantry.TenantCreate{Name: "G", Slug: "gee"}, tenantry.EINVALID},
		{"no tenant", "h@example.com", nil, ""},
	}
	for _, tt := range tests {
		_, _, err := db.Signup(ctx, tenantry.UserCreate{Email: tt.email, Name: "X", PasswordHash: testHash}, tt.tc)
		wantCode(t, "Signup("+tt.name+")", err, tt.want)
	}
	// A failed signup leaves nothing behind.
	_, err = db.UserByEmail(ctx, "g@example.com")
	wantCode(t, "UserByEmail after failed signups", err, tenantry.ENOTFOUND)
	_, err = db.TenantBySlug(ctx, "gee")
	wantCode(t, "TenantBySlug after failed signups", err, tenantry.ETENANTNOTFOUND)
}

func TestUserMemberships(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u := mustUser(t, db, "a@example.com")
	a, _ := mustTenant(t, db, "aa", "free", u.ID)
	b, hb := mustTenant(t, db, "bb", "free", "")
	if _, err := hb.AddMember(ctx, u.ID, tenantry.RoleMember); err != nil {
		t.Fatal(err)
	}
	mustTenant(t, db, "cc", "free", "")
	ms, err := db.UserMemberships(ctx, u.ID)
	if err != nil || len(ms) != 2 || ms[0].Tenant.ID != a.ID || ms[0].Role != tenantry.RoleOwner || ms[1].Tenant.ID != b.ID || ms[1].Role != tenantry.RoleMember {
		t.Fatalf("UserMemberships: got %v, %v, want owner of aa, member of bb", ms, err)
	}
	wantCode(t, "SetDefaultTenant(member)", db.SetDefaultTenant(ctx, u.ID, b.ID), "")
	wantCode(t, "SetDefaultTenant(not a member)", db.SetDefaultTenant(ctx, u.ID, tenantry.NewID()), tenantry.ENOTAMEMBER)
	if got, _ := db.User(ctx, u.ID); got.DefaultTenantID != b.ID {
		t.Errorf("DefaultTenantID: got %q, want %q", got.DefaultTenantID, b.ID)
	}
	// Leaving the default tenant clears it.
	if err := hb.RemoveMember(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.User(ctx, u.ID); got.DefaultTenantID != "" {
		t.Errorf("DefaultTenantID after leaving: got %q, want none", got.DefaultTenantID)
	}
}

func TestRefreshTokens(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u := mustUser(t, db, "a@example.com")
	now := tenantry.Now()
	mk := func(hash string, expires time.Time) *tenantry.RefreshToken {
		return &tenantry.RefreshToken{UserID: u.ID, Hash: hash, ExpiresAt: expires}
	}
	next := func(hash string) *tenantry.RefreshToken {
		return &tenantry.RefreshToken{Hash: hash, ExpiresAt: now.Add(time.Hour)}
	}
	first := mk("a1", now.Add(time.Hour))
	for _, rt := range []*tenantry.RefreshToken{first, mk("b1", now.Add(time.Hour)), mk("old", now.Add(-time.Minute))} {
		if err := db.CreateRefreshToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, "CreateRefreshToken(duplicate)", db.CreateRefreshToken(ctx, mk("a1", now.Add(time.Hour))), tenantry.ECONFLICT)
	wantCode(t, "CreateRefreshToken(unknown user)", db.CreateRefreshToken(ctx, &tenantry.RefreshToken{UserID: tenantry.NewID(), Hash: "z", ExpiresAt: now}), tenantry.ENOTFOUND)
	steps := []struct {
		name, old, next, want string
	}{
		{"rotate a1", "a1", "a2", ""},
		{"rotate a2", "a2", "a3", ""},
		{"unknown", "nope", "x1", tenantry.EUNAUTHENTICATED},
		{"expired", "old", "x2", tenantry.EUNAUTHENTICATED},
		{"reuse a1", "a1", "x3", tenantry.EUNAUTHENTICATED},
		{"a3 revoked with its family", "a3", "x4", tenantry.EUNAUTHENTICATED},
		{"other family lives", "b1", "b2", ""},
	}
	for _, st := range steps {
		old, err := db.RotateRefreshToken(ctx, st.old, next(st.next))
		wantCode(t, st.name, err, st.want)
		if err == nil && (old.Hash != st.old || old.UserID != u.ID || old.RevokedAt == nil) {
			t.Errorf("%s: got %+v, want revoked token %s", st.name, old, st.old)
		}
	}
	var fam string
	if err := queryRow(t, db, `SELECT family_id FROM refresh_tokens WHERE hash = 'a2'`).Scan(&fam); err != nil || fam != first.FamilyID {
		t.Errorf("family of a2: got %q, %v, want %q", fam, err, first.FamilyID)
	}
	_, err := db.RevokeRefreshToken(ctx, "b2")
	wantCode(t, "RevokeRefreshToken(b2)", err, "")
	_, err = db.RotateRefreshToken(ctx, "b2", next("b3"))
	wantCode(t, "rotate after logout", err, tenantry.EUNAUTHENTICATED)
	_, err = db.RevokeRefreshToken(ctx, "nope")
	wantCode(t, "RevokeRefreshToken(unknown)", err, tenantry.ENOTFOUND)
}

// BenchmarkGlobalRead measures a read of the global tables, a user by id
// (the path of a signed-in request whose user is not cached).
func BenchmarkGlobalRead(b *testing.B) {
	db := openTest(b)
	u, err := db.CreateUser(b.Context(), tenantry.UserCreate{Email: "bench@example.com", Name: "B", PasswordHash: "x"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := db.User(b.Context(), u.ID); err != nil {
			b.Fatal(err)
		}
	}
}
