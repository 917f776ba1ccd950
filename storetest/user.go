package storetest

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func testUsers(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u, err := s.CreateUser(ctx, tenantry.UserCreate{Email: "  Alice@Example.COM ", Name: " Alice ", PasswordHash: passwordHash})
	fatalIf(t, "CreateUser", err)
	if u.ID == "" || u.Email != "alice@example.com" || u.Name != "Alice" || u.CreatedAt.IsZero() || u.PlatformAdmin {
		t.Errorf("CreateUser: got id %q email %q name %q created %v admin %v, want an id, alice@example.com, Alice, a time, false",
			u.ID, u.Email, u.Name, u.CreatedAt, u.PlatformAdmin)
	}
	if _, ok := tenantry.ParseID(u.ID); !ok {
		t.Errorf("CreateUser: got id %q, want a UUID", u.ID)
	}

	invalid := []struct {
		name string
		uc   tenantry.UserCreate
	}{
		{"no email", tenantry.UserCreate{Name: "X", PasswordHash: passwordHash}},
		{"bad email", tenantry.UserCreate{Email: "not an email", Name: "X", PasswordHash: passwordHash}},
		{"no name", tenantry.UserCreate{Email: "x@example.com", PasswordHash: passwordHash}},
		{"short password", tenantry.UserCreate{Email: "x@example.com", Name: "X", Password: "short"}},
		{"no password", tenantry.UserCreate{Email: "x@example.com", Name: "X"}},
	}
	for _, tt := range invalid {
		_, err := s.CreateUser(ctx, tt.uc)
		wantCode(t, "CreateUser("+tt.name+")", err, tenantry.EINVALID)
	}
	_, err = s.CreateUser(ctx, tenantry.UserCreate{Email: "ALICE@example.com", Name: "Other", PasswordHash: passwordHash})
	wantCode(t, "CreateUser(duplicate e-mail)", err, tenantry.ECONFLICT)
	_, err = s.UserByEmail(ctx, "x@example.com")
	wantCode(t, "UserByEmail after invalid creates", err, tenantry.ENOTFOUND)

	got, err := s.User(ctx, u.ID)
	fatalIf(t, "User", err)
	if got.ID != u.ID || got.Email != u.Email || got.Name != u.Name || !got.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("User: got %+v, want %+v", got, u)
	}
	byEmail, err := s.UserByEmail(ctx, "alice@example.com")
	fatalIf(t, "UserByEmail", err)
	if byEmail.ID != u.ID || byEmail.PasswordHash != passwordHash {
		t.Errorf("UserByEmail: got id %q hash %q, want %q %q", byEmail.ID, byEmail.PasswordHash, u.ID, passwordHash)
	}

	lookups := []struct {
		name string
		fn   func() error
	}{
		{"User(unknown)", func() error { _, err := s.User(ctx, tenantry.NewID()); return err }},
		{"User(not-a-uuid)", func() error { _, err := s.User(ctx, "not-a-uuid"); return err }},
		{"UserByEmail(unknown)", func() error { _, err := s.UserByEmail(ctx, "nobody@example.com"); return err }},
		{"SetPassword(unknown)", func() error { return s.SetPassword(ctx, tenantry.NewID(), passwordHash) }},
		{"SetPlatformAdmin(unknown)", func() error { return s.SetPlatformAdmin(ctx, tenantry.NewID(), true) }},
	}
	for _, tt := range lookups {
		wantCode(t, tt.name, tt.fn(), tenantry.ENOTFOUND)
	}

	const newHash = "$argon2id$v=19$m=65536,t=1,p=2$bmV3c2FsdG5ld3NhbHQ$bmV3aGFzaG5ld2hhc2huZXdoYXNobmV3aGFzaA"
	fatalIf(t, "SetPassword", s.SetPassword(ctx, u.ID, newHash))
	byEmail, err = s.UserByEmail(ctx, u.Email)
	fatalIf(t, "UserByEmail", err)
	if byEmail.PasswordHash != newHash {
		t.Errorf("UserByEmail after SetPassword: got hash %q, want %q", byEmail.PasswordHash, newHash)
	}
}

func testPlatformAdmin(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	has, err := s.HasPlatformAdmin(ctx)
	fatalIf(t, "HasPlatformAdmin", err)
	if has {
		t.Errorf("HasPlatformAdmin on an empty store: got true, want false")
	}
	u := newUser(t, ctx, s, "root@example.com")
	admin, err := s.CreateUser(ctx, tenantry.UserCreate{Email: "boss@example.com", Name: "Boss", PasswordHash: passwordHash, PlatformAdmin: true})
	fatalIf(t, "CreateUser(admin)", err)
	if !admin.PlatformAdmin {
		t.Errorf("CreateUser(PlatformAdmin): got PlatformAdmin false, want true")
	}
	fatalIf(t, "SetPlatformAdmin(false)", s.SetPlatformAdmin(ctx, admin.ID, false))
	steps := []struct {
		userID string
		admin  bool
		want   bool
	}{
		{u.ID, true, true},
		{u.ID, false, false},
		{u.ID, true, true},
	}
	for i, st := range steps {
		fatalIf(t, "SetPlatformAdmin", s.SetPlatformAdmin(ctx, st.userID, st.admin))
		has, err := s.HasPlatformAdmin(ctx)
		fatalIf(t, "HasPlatformAdmin", err)
		got, err := s.User(ctx, st.userID)
		fatalIf(t, "User", err)
		if has != st.want || got.PlatformAdmin != st.want {
			t.Errorf("step %d: got HasPlatformAdmin %v User.PlatformAdmin %v, want %v", i, has, got.PlatformAdmin, st.want)
		}
	}
}

func testSignup(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u, tn, err := s.Signup(ctx, tenantry.UserCreate{Email: "Founder@Example.com", Name: "Founder", PasswordHash: passwordHash},
		&tenantry.TenantCreate{Name: "Founder Co", Slug: "founder"})
	fatalIf(t, "Signup", err)
	if tn == nil || u == nil {
		t.Fatalf("Signup: got user %v tenant %v, want both", u, tn)
	}
	if u.Email != "founder@example.com" || tn.Slug != "founder" || tn.Plan != "free" || tn.Status != tenantry.TenantActive {
		t.Errorf("Signup: got email %q slug %q plan %q status %q, want founder@example.com founder free active", u.Email, tn.Slug, tn.Plan, tn.Status)
	}
	got, err := s.User(ctx, u.ID)
	fatalIf(t, "User", err)
	if got.DefaultTenantID != tn.ID {
		t.Errorf("Signup: got default tenant %q, want %q", got.DefaultTenantID, tn.ID)
	}
	if ev := wantPlatformAudit(t, ctx, s, tn.ID, "tenant.create", tn.ID); ev != nil {
		if got, want := ev.Actor, (tenantry.AuditActor{Type: tenantry.ActorUser, ID: u.ID}); got != want {
			t.Errorf("Signup: tenant.create actor %+v, want the new user %+v", got, want)
		}
	}
	m, err := s.Tenant(tn.ID).Member(ctx, u.ID)
	fatalIf(t, "Member(founder)", err)
	if m.Role != tenantry.RoleOwner || m.TenantID != tn.ID {
		t.Errorf("Signup: got role %q tenant %q, want owner of %q", m.Role, m.TenantID, tn.ID)
	}

	solo, none, err := s.Signup(ctx, tenantry.UserCreate{Email: "solo@example.com", Name: "Solo", PasswordHash: passwordHash}, nil)
	fatalIf(t, "Signup(no tenant)", err)
	if none != nil || solo.DefaultTenantID != "" {
		t.Errorf("Signup(no tenant): got tenant %v default %q, want none", none, solo.DefaultTenantID)
	}

	bad := []struct {
		name  string
		email string
		tc    *tenantry.TenantCreate
		want  string
	}{
		{"taken e-mail", "FOUNDER@example.com", &tenantry.TenantCreate{Name: "Other", Slug: "other"}, tenantry.ECONFLICT},
		{"taken slug", "second@example.com", &tenantry.TenantCreate{Name: "Other", Slug: "founder"}, tenantry.ECONFLICT},
		{"reserved slug", "third@example.com", &tenantry.TenantCreate{Name: "Other", Slug: "www"}, tenantry.EINVALID},
		{"no tenant name", "fourth@example.com", &tenantry.TenantCreate{Slug: "fourth"}, tenantry.EINVALID},
		{"bad e-mail", "nope", &tenantry.TenantCreate{Name: "Fifth", Slug: "fifth"}, tenantry.EINVALID},
	}
	for _, tt := range bad {
		_, _, err := s.Signup(ctx, tenantry.UserCreate{Email: tt.email, Name: "X", PasswordHash: passwordHash}, tt.tc)
		wantCode(t, "Signup("+tt.name+")", err, tt.want)
	}
	// All or nothing: a refused signup leaves no user and no tenant.
	_, err = s.UserByEmail(ctx, "second@example.com")
	wantCode(t, "UserByEmail after a signup refused for its slug", err, tenantry.ENOTFOUND)
	_, err = s.TenantBySlug(ctx, "other")
	wantCode(t, "TenantBySlug after a signup refused for its e-mail", err, tenantry.ETENANTNOTFOUND)
}

func testRefreshTokens(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u := newUser(t, ctx, s, "rt@example.com")
	now := tenantry.Now()
	mk := func(hash string, expires time.Time) *tenantry.RefreshToken {
		return &tenantry.RefreshToken{ID: tenantry.NewID(), UserID: u.ID, FamilyID: tenantry.NewID(), Hash: hash, ExpiresAt: expires, CreatedAt: now}
	}
	// next tokens carry no user and no family: the store takes them from
	// the rotated token.
	next := func(hash string) *tenantry.RefreshToken {
		return &tenantry.RefreshToken{ID: tenantry.NewID(), Hash: hash, ExpiresAt: now.Add(time.Hour), CreatedAt: now}
	}
	first := mk("hash-a1", now.Add(time.Hour))
	fatalIf(t, "CreateRefreshToken", s.CreateRefreshToken(ctx, first))
	other := mk("hash-b1", now.Add(time.Hour))
	fatalIf(t, "CreateRefreshToken(other family)", s.CreateRefreshToken(ctx, other))
	fatalIf(t, "CreateRefreshToken(expired)", s.CreateRefreshToken(ctx, mk("hash-old", now.Add(-time.Minute))))
	fatalIf(t, "CreateRefreshToken(to revoke)", s.CreateRefreshToken(ctx, mk("hash-c1", now.Add(time.Hour))))

	steps := []struct {
		name    string
		oldHash string
		next    string
		want    string
	}{
		{"rotate a1", "hash-a1", "hash-a2", ""},
		{"rotate a2", "hash-a2", "hash-a3", ""},
		{"reuse a1 (revokes the family)", "hash-a1", "hash-a4", tenantry.EUNAUTHENTICATED},
		{"newest a3 after reuse", "hash-a3", "hash-a5", tenantry.EUNAUTHENTICATED},
		{"a4 was never stored", "hash-a4", "hash-a6", tenantry.EUNAUTHENTICATED},
		{"other family is untouched", "hash-b1", "hash-b2", ""},
		{"unknown", "hash-unknown", "hash-x", tenantry.EUNAUTHENTICATED},
		{"expired", "hash-old", "hash-old2", tenantry.EUNAUTHENTICATED},
	}
	live := func(name, family string, want bool) {
		t.Helper()
		got, err := s.RefreshFamilyLive(ctx, family)
		fatalIf(t, "RefreshFamilyLive("+name+")", err)
		if got != want {
			t.Errorf("RefreshFamilyLive(%s) = %v, want %v", name, got, want)
		}
	}
	live("a", first.FamilyID, true)
	live("unknown", tenantry.NewID(), false)
	live("malformed", "nope", false)
	for _, st := range steps {
		old, err := s.RotateRefreshToken(ctx, st.oldHash, next(st.next))
		if st.name == "reuse a1 (revokes the family)" && (old == nil || old.FamilyID != first.FamilyID) {
			t.Errorf("RotateRefreshToken(%s): got %+v, want the reused token of family %s", st.name, old, first.FamilyID)
		}
		if st.name == "rotate a2" {
			live("a after rotations", first.FamilyID, true)
		}
		if !wantCode(t, "RotateRefreshToken("+st.name+")", err, st.want) || err != nil {
			continue
		}
		if old == nil || old.Hash != st.oldHash || old.UserID != u.ID || old.RevokedAt == nil {
			t.Errorf("RotateRefreshToken(%s): got %+v, want the revoked token %s of user %s", st.name, old, st.oldHash, u.ID)
		}
	}

	live("a after reuse", first.FamilyID, false)
	live("b after rotation", other.FamilyID, true)

	c1, err := s.RevokeRefreshToken(ctx, "hash-c1")
	fatalIf(t, "RevokeRefreshToken", err)
	if c1.Hash != "hash-c1" || c1.UserID != u.ID || c1.FamilyID == "" {
		t.Errorf("RevokeRefreshToken: got %+v, want token hash-c1 of user %s with its family", c1, u.ID)
	}
	live("c after logout", c1.FamilyID, false)
	_, err = s.RotateRefreshToken(ctx, "hash-c1", next("hash-c2"))
	wantCode(t, "RotateRefreshToken(revoked by logout)", err, tenantry.EUNAUTHENTICATED)
	_, err = s.RevokeRefreshToken(ctx, "hash-nope")
	wantCode(t, "RevokeRefreshToken(unknown)", err, tenantry.ENOTFOUND)
	// Revoking b2 revokes its family, b1 included.
	b2, err := s.RevokeRefreshToken(ctx, "hash-b2")
	fatalIf(t, "RevokeRefreshToken(b2)", err)
	if b2.FamilyID != other.FamilyID {
		t.Errorf("RevokeRefreshToken(b2): got family %s, want %s", b2.FamilyID, other.FamilyID)
	}
	live("b after logout", other.FamilyID, false)
	_, err = s.RotateRefreshToken(ctx, "hash-b2", next("hash-b3"))
	wantCode(t, "RotateRefreshToken(b2 after revoke)", err, tenantry.EUNAUTHENTICATED)
}

func testUserMemberships(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u := newUser(t, ctx, s, "multi@example.com")
	other := newUser(t, ctx, s, "other@example.com")
	a, _ := newTenant(t, ctx, s, "multi-a", "", u.ID)
	b, hb := newTenant(t, ctx, s, "multi-b", "pro", other.ID)
	newTenant(t, ctx, s, "multi-c", "", other.ID)
	_, err := hb.AddMember(ctx, u.ID, tenantry.RoleAdmin)
	fatalIf(t, "AddMember", err)

	ms, err := s.UserMemberships(ctx, u.ID)
	fatalIf(t, "UserMemberships", err)
	got := map[string]tenantry.Role{}
	for _, m := range ms {
		if m.Tenant == nil {
			t.Fatalf("UserMemberships: got a membership without its tenant")
		}
		got[m.Tenant.ID] = m.Role
	}
	want := map[string]tenantry.Role{a.ID: tenantry.RoleOwner, b.ID: tenantry.RoleAdmin}
	if len(got) != len(want) || len(ms) != len(want) || got[a.ID] != want[a.ID] || got[b.ID] != want[b.ID] {
		t.Errorf("UserMemberships: got %v, want %v", got, want)
	}

	fatalIf(t, "SetDefaultTenant", s.SetDefaultTenant(ctx, u.ID, b.ID))
	gu, err := s.User(ctx, u.ID)
	fatalIf(t, "User", err)
	if gu.DefaultTenantID != b.ID {
		t.Errorf("SetDefaultTenant: got default %q, want %q", gu.DefaultTenantID, b.ID)
	}
	c, err := s.TenantBySlug(ctx, "multi-c")
	fatalIf(t, "TenantBySlug", err)
	wantCode(t, "SetDefaultTenant(not a member)", s.SetDefaultTenant(ctx, u.ID, c.ID), tenantry.ENOTAMEMBER)
	anyCode(t, "SetDefaultTenant(unknown tenant)", s.SetDefaultTenant(ctx, u.ID, tenantry.NewID()), tenantry.ENOTAMEMBER, tenantry.ETENANTNOTFOUND)
	gu, err = s.User(ctx, u.ID)
	fatalIf(t, "User", err)
	if gu.DefaultTenantID != b.ID {
		t.Errorf("refused SetDefaultTenant: got default %q, want %q unchanged", gu.DefaultTenantID, b.ID)
	}
}
