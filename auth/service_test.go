package auth

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mock"
)

func TestSignup(t *testing.T) {
	s, db := newTestService(t)
	sess, err := s.Signup(t.Context(), SignupInput{Email: " Ann@Example.com ", Password: "long enough", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	if sess.User.Email != "ann@example.com" || sess.TokenType != "Bearer" || sess.ExpiresIn != 900 {
		t.Errorf("session = %+v, want user ann@example.com, Bearer, 900s", sess)
	}
	if got := db.signups; len(got) != 1 || got[0] != nil {
		t.Errorf("store.Signup tenant inputs = %v, want one nil", got)
	}
	if len(sess.Memberships) != 0 || sess.Memberships == nil || sess.DefaultTenant != nil {
		t.Errorf("memberships = %v, default = %v; want [] and nil", sess.Memberships, sess.DefaultTenant)
	}
	u := db.users[sess.User.ID]
	if ok, err := VerifyPassword(u.PasswordHash, "long enough"); err != nil || !ok {
		t.Errorf("stored hash does not verify the password: %v, %v", ok, err)
	}
	if rt, ok := db.refresh[HashToken(sess.RefreshToken)]; !ok || rt.UserID != u.ID || rt.FamilyID == "" {
		t.Errorf("stored refresh token = %+v, want one for user %s with a family", rt, u.ID)
	}
	p, err := s.Authenticate(t.Context(), sess.AccessToken)
	if err != nil || p.UserID != u.ID || p.PlatformAdmin {
		t.Errorf("Authenticate(access token) = %+v, %v; want user %s", p, err, u.ID)
	}
}

func TestSignupWithTenant(t *testing.T) {
	s, db := newTestService(t)
	sess, err := s.Signup(t.Context(), SignupInput{Email: "bo@example.com", Password: "long enough", Name: "Bo", TenantName: "Acme", TenantSlug: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	tc := db.signups[0]
	if tc == nil || tc.Name != "Acme" || tc.Slug != "acme" || tc.Plan != "free" {
		t.Fatalf("store.Signup tenant input = %+v, want Acme/acme on free", tc)
	}
	if len(sess.Memberships) != 1 || sess.Memberships[0].Role != tenantry.RoleOwner || sess.DefaultTenant == nil || sess.DefaultTenant.Slug != "acme" {
		t.Errorf("memberships = %v, default = %+v; want owner of acme, default acme", sess.Memberships, sess.DefaultTenant)
	}
}

func TestSignupValidation(t *testing.T) {
	tests := map[string]struct {
		in     SignupInput
		fields []string
	}{
		"short password": {SignupInput{Email: "a@example.com", Password: "short", Name: "A"}, []string{"password"}},
		"bad email":      {SignupInput{Email: "nope", Password: "long enough", Name: "A"}, []string{"email"}},
		"all missing":    {SignupInput{}, []string{"email", "name", "password"}},
		"name only":      {SignupInput{Email: "a@example.com", Password: "long enough", Name: "A", TenantName: "Acme"}, []string{"tenant_slug"}},
		"slug only":      {SignupInput{Email: "a@example.com", Password: "long enough", Name: "A", TenantSlug: "acme"}, []string{"tenant_name"}},
		"bad slug":       {SignupInput{Email: "a@example.com", Password: "long enough", Name: "A", TenantName: "Acme", TenantSlug: "Not A Slug!"}, []string{"tenant_slug"}},
		"reserved slug":  {SignupInput{Email: "a@example.com", Password: "long enough", Name: "A", TenantName: "Acme", TenantSlug: "api"}, []string{"tenant_slug"}},
		"both bad":       {SignupInput{Email: "", Password: "long enough", Name: "A", TenantSlug: "acme"}, []string{"email", "tenant_name"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			// A store without functions panics if the service reaches it.
			p := cheapParams()
			s := New(&mock.Store{}, Config{Secret: []byte("secret"), Params: &p})
			_, err := s.Signup(t.Context(), tt.in)
			var e *tenantry.Error
			if !errors.As(err, &e) || e.Code != tenantry.EINVALID {
				t.Fatalf("Signup(%+v) = %v, want validation_failed", tt.in, err)
			}
			var got []string
			for k := range e.Fields {
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.fields) {
				t.Errorf("invalid fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestSignupConflictPassesThrough(t *testing.T) {
	s, _ := newTestService(t)
	in := SignupInput{Email: "a@example.com", Password: "long enough", Name: "A"}
	if _, err := s.Signup(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Signup(t.Context(), in); !tenantry.IsCode(err, tenantry.ECONFLICT) {
		t.Errorf("second Signup = %v, want conflict", err)
	}
}

func TestLogin(t *testing.T) {
	s, _ := newTestService(t)
	if _, err := s.Signup(t.Context(), SignupInput{Email: "ann@example.com", Password: "long enough", Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	sess, err := s.Login(t.Context(), " ANN@example.com", "long enough")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if sess.AccessToken == "" || !validRefreshToken(sess.RefreshToken) || sess.User.Email != "ann@example.com" {
		t.Errorf("session = %+v, want tokens for ann", sess)
	}
	tests := map[string][2]string{
		"wrong password": {"ann@example.com", "long enougH"},
		"unknown e-mail": {"bob@example.com", "long enough"},
		"empty":          {"", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := s.Login(t.Context(), tt[0], tt[1])
			if tenantry.ErrorCode(err) != tenantry.EUNAUTHENTICATED || tenantry.ErrorMessage(err) != "Invalid e-mail or password." {
				t.Errorf("Login(%q, %q) = %v, want unauthenticated \"Invalid e-mail or password.\"", tt[0], tt[1], err)
			}
		})
	}
}

// TestLoginUnknownEmailDoesTheSameWork checks that the dummy hash an
// unknown e-mail is verified against costs what a real hash costs.
func TestLoginUnknownEmailDoesTheSameWork(t *testing.T) {
	s, _ := newTestService(t)
	p, _, _, err := parsePHC(s.dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	if p != s.params {
		t.Errorf("dummy hash params = %+v, want the service's %+v", p, s.params)
	}
	d := New(&mock.Store{}, Config{Secret: []byte("x")})
	if p, _, _, _ := parsePHC(d.dummyHash); p != DefaultParams() {
		t.Errorf("default dummy hash params = %+v, want %+v", p, DefaultParams())
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	s, db := newTestService(t)
	first, err := s.Signup(t.Context(), SignupInput{Email: "a@example.com", Password: "long enough", Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Refresh(t.Context(), first.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken || second.User.ID != first.User.ID {
		t.Errorf("refresh gave %+v, want new tokens for the same user", second)
	}
	if got, want := db.refresh[HashToken(second.RefreshToken)].FamilyID, db.refresh[HashToken(first.RefreshToken)].FamilyID; got != want {
		t.Errorf("rotated family = %q, want %q", got, want)
	}
	if _, err := s.Authenticate(t.Context(), second.AccessToken); err != nil {
		t.Errorf("Authenticate(rotated session's access token) = %v, want success", err)
	}
	// Reusing the rotated token is refused and burns the family.
	_, err = s.Refresh(t.Context(), first.RefreshToken)
	if !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("Refresh(reused token) = %#v, want unauthenticated", err)
	}
	for name, tok := range map[string]string{"first": first.AccessToken, "second": second.AccessToken} {
		if _, err := s.Authenticate(t.Context(), tok); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
			t.Errorf("Authenticate(%s access token after reuse) = %v, want unauthenticated", name, err)
		}
	}
	if _, err := s.Refresh(t.Context(), second.RefreshToken); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("Refresh(token of a burnt family) = %v, want unauthenticated", err)
	}
	// Login starts a new family that still works.
	third, err := s.Login(t.Context(), "a@example.com", "long enough")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Refresh(t.Context(), third.RefreshToken); err != nil {
		t.Errorf("Refresh(new family) = %v", err)
	}
}

func TestRefreshRejectsMalformedWithoutStore(t *testing.T) {
	p := cheapParams()
	s := New(&mock.Store{}, Config{Secret: []byte("secret"), Params: &p})
	for _, tok := range []string{"", "rt_", "tnt_abc", "rt_" + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"} {
		if _, err := s.Refresh(t.Context(), tok); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
			t.Errorf("Refresh(%q) = %v, want unauthenticated", tok, err)
		}
		if _, err := s.Logout(t.Context(), tok); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
			t.Errorf("Logout(%q) = %v, want unauthenticated", tok, err)
		}
	}
}

func TestRefreshStorageFailureIsNotUnauthenticated(t *testing.T) {
	p := cheapParams()
	boom := errors.New("disk on fire")
	s := New(&mock.Store{RotateRefreshTokenFn: func(_ context.Context, _ string, _ *tenantry.RefreshToken) (*tenantry.RefreshToken, error) {
		return nil, boom
	}}, Config{Secret: []byte("secret"), Params: &p})
	tok, _ := NewRefreshToken()
	if _, err := s.Refresh(t.Context(), tok); !errors.Is(err, boom) || tenantry.ErrorCode(err) != tenantry.EINTERNAL {
		t.Errorf("Refresh = %v, want the internal storage error", err)
	}
}

func TestLogout(t *testing.T) {
	s, _ := newTestService(t)
	sess, err := s.Signup(t.Context(), SignupInput{Email: "a@example.com", Password: "long enough", Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(t.Context(), sess.AccessToken); err != nil {
		t.Fatalf("Authenticate before logout: %v", err)
	}
	rt, err := s.Logout(t.Context(), sess.RefreshToken)
	if err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if rt == nil || rt.UserID != sess.User.ID || rt.FamilyID == "" {
		t.Errorf("Logout = %+v, want the revoked token of user %s with its family", rt, sess.User.ID)
	}
	if _, err := s.Authenticate(t.Context(), sess.AccessToken); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("Authenticate after logout = %v, want unauthenticated", err)
	}
	if _, err := s.Refresh(t.Context(), sess.RefreshToken); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("Refresh after logout = %v, want unauthenticated", err)
	}
	unknown, _ := NewRefreshToken()
	if rt, err := s.Logout(t.Context(), unknown); err != nil || rt != nil {
		t.Errorf("Logout(unknown token) = %v, %v; want nil, nil", rt, err)
	}
}

func TestSessionJSON(t *testing.T) {
	s, _ := newTestService(t)
	sess, err := s.Signup(t.Context(), SignupInput{Email: "a@example.com", Password: "long enough", Name: "A", TenantName: "Acme", TenantSlug: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(sess)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "refresh_token", "token_type", "expires_in", "user", "memberships", "default_tenant"} {
		if _, ok := m[k]; !ok {
			t.Errorf("session JSON %s lacks %q", b, k)
		}
	}
	if string(m["token_type"]) != `"Bearer"` || string(m["expires_in"]) != "900" {
		t.Errorf("token_type, expires_in = %s, %s; want \"Bearer\", 900", m["token_type"], m["expires_in"])
	}
	var ms []map[string]json.RawMessage
	if err := json.Unmarshal(m["memberships"], &ms); err != nil || len(ms) != 1 || string(ms[0]["role"]) != `"owner"` || ms[0]["tenant"] == nil {
		t.Errorf("memberships = %s, want [{tenant, role: owner}]", m["memberships"])
	}
	if u := string(m["user"]); strings.Contains(u, "password_hash") || strings.Contains(u, "argon2id") {
		t.Errorf("user JSON %s leaks the password hash", u)
	}
}

func TestAuthenticateAPIKey(t *testing.T) {
	s, db := newTestService(t)
	acme, globex := db.addTenant("acme"), db.addTenant("globex")
	creator := tenantry.NewID()
	db.setMember(acme.ID, creator, tenantry.RoleOwner)
	ctx := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: creator, TenantID: acme.ID, Role: tenantry.RoleOwner})
	key, secret, err := s.CreateAPIKey(ctx, db.tenantStore(acme.ID), " ci ", tenantry.RoleMember, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key.Name != "ci" || key.TenantID != acme.ID || key.Hash != HashToken(secret) || key.CreatedBy != creator || key.Prefix != secret[:42] {
		t.Errorf("key = %+v, want ci of acme by %s hashed from the secret", key, creator)
	}
	if got, ok := TenantOfToken(secret); !ok || got != acme.ID {
		t.Errorf("TenantOfToken(secret) = %q, %v; want %q", got, ok, acme.ID)
	}
	db.handles = nil
	p, err := s.Authenticate(t.Context(), secret)
	if err != nil {
		t.Fatalf("Authenticate(api key): %v", err)
	}
	want := tenantry.Identity{APIKeyID: key.ID, TenantID: acme.ID, Role: tenantry.RoleMember}
	if got := p.Identity(); got != want {
		t.Errorf("Identity = %+v, want %+v", got, want)
	}
	if p.CreatorID != creator || !p.ExpiresAt.IsZero() {
		t.Errorf("principal = %+v, want creator %s and no expiry", p, creator)
	}
	if !slices.Equal(db.handles, []string{acme.ID, acme.ID}) {
		t.Errorf("store.Tenant called with %v, want only the key's tenant %s", db.handles, acme.ID)
	}

	// The same secret relabelled with another tenant is looked up there
	// and refused.
	forged := "tnt_" + stripHyphens(globex.ID) + secret[36:]
	if _, err := s.Authenticate(t.Context(), forged); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("Authenticate(forged tenant) = %v, want unauthenticated", err)
	}
	// A revoked key is refused.
	now := tenantry.Now()
	db.apiKeys[acme.ID][key.Hash].RevokedAt = &now
	if _, err := s.Authenticate(t.Context(), secret); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("Authenticate(revoked key) = %v, want unauthenticated", err)
	}
	// A malformed key never reaches the store.
	db.handles = nil
	if _, err := s.Authenticate(t.Context(), "tnt_short"); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) || len(db.handles) != 0 {
		t.Errorf("Authenticate(tnt_short) = %v after %d store calls, want unauthenticated and none", err, len(db.handles))
	}
	// A storage outage is not a credential problem.
	db.failWith = tenantry.Errorf(tenantry.EUNAVAILABLE, "Database unavailable.")
	if _, err := s.Authenticate(t.Context(), secret); !tenantry.IsCode(err, tenantry.EUNAVAILABLE) {
		t.Errorf("Authenticate during outage = %v, want unavailable", err)
	}
}

func stripHyphens(id string) string { return strings.ReplaceAll(id, "-", "") }

func TestCreateAPIKeyValidation(t *testing.T) {
	s, db := newTestService(t)
	acme := db.addTenant("acme")
	user := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: tenantry.NewID(), TenantID: acme.ID, Role: tenantry.RoleOwner})
	creator := tenantry.NewID()
	db.setMember(acme.ID, creator, tenantry.RoleOwner)
	ownerCtx := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: creator, TenantID: acme.ID, Role: tenantry.RoleOwner})
	parent, _, err := s.CreateAPIKey(ownerCtx, db.tenantStore(acme.ID), "parent", tenantry.RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{APIKeyID: parent.ID, TenantID: acme.ID, Role: tenantry.RoleAdmin})
	unknownKey := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{APIKeyID: tenantry.NewID(), TenantID: acme.ID, Role: tenantry.RoleAdmin})
	past, future := time.Now().Add(-time.Second), time.Now().Add(time.Hour)
	tests := map[string]struct {
		ctx          context.Context
		tenant, name string
		role         tenantry.Role
		expires      *time.Time
		code         string
	}{
		"ok":                {user, acme.ID, "ci", tenantry.RoleMember, &future, ""},
		"no name":           {user, acme.ID, " ", tenantry.RoleMember, nil, tenantry.EINVALID},
		"bad role":          {user, acme.ID, "ci", "root", nil, tenantry.EINVALID},
		"bad tenant":        {user, "nope", "ci", tenantry.RoleMember, nil, tenantry.ETENANTREQUIRED},
		"expiry in past":    {user, acme.ID, "ci", tenantry.RoleMember, &past, tenantry.EINVALID},
		"by an API key":     {key, acme.ID, "ci", tenantry.RoleMember, nil, ""},
		"by an unknown key": {unknownKey, acme.ID, "ci", tenantry.RoleMember, nil, tenantry.ENOTFOUND},
		"by the system":     {t.Context(), acme.ID, "ci", tenantry.RoleMember, nil, tenantry.EFORBIDDEN},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			k, _, err := s.CreateAPIKey(tt.ctx, db.tenantStore(tt.tenant), tt.name, tt.role, tt.expires)
			if tenantry.ErrorCode(err) != tt.code {
				t.Errorf("CreateAPIKey = %v, want %q", err, tt.code)
			}
			if err == nil && tt.ctx == key && k.CreatedBy != creator {
				t.Errorf("CreateAPIKey by a key: created by %q, want the key's creator %s", k.CreatedBy, creator)
			}
		})
	}
}

func TestAPIKeyActsAtMostWithItsCreatorsRole(t *testing.T) {
	s, db := newTestService(t)
	acme := db.addTenant("acme")
	creator := tenantry.NewID()
	db.setMember(acme.ID, creator, tenantry.RoleOwner)
	ctx := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: creator, TenantID: acme.ID, Role: tenantry.RoleOwner})
	_, secret, err := s.CreateAPIKey(ctx, db.tenantStore(acme.ID), "ci", tenantry.RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		creator tenantry.Role // "" for no longer a member
		want    tenantry.Role // "" for refused
	}{
		{tenantry.RoleOwner, tenantry.RoleAdmin},
		{tenantry.RoleAdmin, tenantry.RoleAdmin},
		{tenantry.RoleMember, tenantry.RoleMember},
		{"", ""},
	}
	for _, tt := range tests {
		db.setMember(acme.ID, creator, tt.creator)
		p, err := s.Authenticate(t.Context(), secret)
		switch {
		case tt.want == "" && !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED):
			t.Errorf("creator %q: Authenticate = %+v, %v; want unauthenticated", tt.creator, p, err)
		case tt.want != "" && (err != nil || p.Role != tt.want):
			t.Errorf("creator %q: Authenticate = %+v, %v; want role %s", tt.creator, p, err, tt.want)
		}
	}
}

func TestAPIKeyExpiry(t *testing.T) {
	s, db := newTestService(t)
	acme := db.addTenant("acme")
	creator := tenantry.NewID()
	db.setMember(acme.ID, creator, tenantry.RoleOwner)
	ctx := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: creator, TenantID: acme.ID, Role: tenantry.RoleOwner})
	start := time.Now()
	s.now = func() time.Time { return start }
	expires := start.Add(time.Hour)
	key, secret, err := s.CreateAPIKey(ctx, db.tenantStore(acme.ID), "ci", tenantry.RoleMember, &expires)
	if err != nil {
		t.Fatal(err)
	}
	if key.ExpiresAt == nil || !key.ExpiresAt.Equal(expires.Truncate(time.Microsecond)) {
		t.Fatalf("key expires at %v, want %v", key.ExpiresAt, expires)
	}
	tests := []struct {
		at time.Duration
		ok bool
	}{
		{0, true},
		{time.Hour - time.Second, true},
		{time.Hour, false},
		{2 * time.Hour, false},
	}
	for _, tt := range tests {
		s.now = func() time.Time { return start.Add(tt.at) }
		p, err := s.Authenticate(t.Context(), secret)
		if got := err == nil; got != tt.ok {
			t.Errorf("after %v: Authenticate = %+v, %v; want ok %v", tt.at, p, err, tt.ok)
		}
		if err == nil && !p.ExpiresAt.Equal(*key.ExpiresAt) {
			t.Errorf("after %v: principal expires at %v, want %v", tt.at, p.ExpiresAt, key.ExpiresAt)
		}
	}
}

func TestInvitations(t *testing.T) {
	s, db := newTestService(t)
	acme, globex := db.addTenant("acme"), db.addTenant("globex")
	inviter := tenantry.NewID()
	ctx := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: inviter})
	inv, token, err := s.CreateInvitation(ctx, db.tenantStore(globex.ID), " New@Example.com", tenantry.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Email != "new@example.com" || inv.TenantID != globex.ID || inv.TokenHash != HashToken(token) || inv.CreatedBy != inviter ||
		inv.ExpiresAt.Sub(inv.CreatedAt) != tenantry.InvitationTTL || token[:4] != "inv_" {
		t.Errorf("invitation = %+v, token %q; want new@example.com to globex by %s for 7 days", inv, token, inviter)
	}
	if _, _, err := s.CreateInvitation(ctx, db.tenantStore(acme.ID), "nope", tenantry.RoleAdmin); !tenantry.IsCode(err, tenantry.EINVALID) {
		t.Errorf("CreateInvitation(bad e-mail) = %v, want validation_failed", err)
	}

	user := tenantry.NewID()
	db.handles = nil
	m, err := s.AcceptInvitation(t.Context(), token, user)
	if err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}
	if m.TenantID != globex.ID || m.UserID != user || m.Role != tenantry.RoleAdmin {
		t.Errorf("member = %+v, want admin %s of globex", m, user)
	}
	if !slices.Equal(db.handles, []string{globex.ID}) {
		t.Errorf("store.Tenant called with %v, want only the token's tenant %s", db.handles, globex.ID)
	}

	apiKey, _ := NewAPIKeyToken(acme.ID)
	unknownTenant, _ := NewInvitationToken(tenantry.NewID())
	unknownToken, _ := NewInvitationToken(acme.ID)
	for name, tok := range map[string]string{
		"used":           token,
		"unknown":        unknownToken,
		"unknown tenant": unknownTenant,
		"api key":        apiKey,
		"malformed":      "inv_nope",
		"empty":          "",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.AcceptInvitation(t.Context(), tok, user); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
				t.Errorf("AcceptInvitation(%q) = %v, want not_found", tok, err)
			}
		})
	}
}

// TestAcceptInvitationUnusableTenant checks that a suspended or archived
// tenant takes no new members, whoever calls (the JSON API and the web
// pages both accept through AcceptInvitation).
func TestAcceptInvitationUnusableTenant(t *testing.T) {
	tests := []struct {
		status tenantry.TenantStatus
		want   string
	}{
		{tenantry.TenantSuspended, tenantry.ETENANTSUSPENDED},
		{tenantry.TenantArchived, tenantry.ETENANTARCHIVED},
		{tenantry.TenantActive, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			s, db := newTestService(t)
			acme := db.addTenant("acme")
			ctx := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: tenantry.NewID()})
			_, token, err := s.CreateInvitation(ctx, db.tenantStore(acme.ID), "new@example.com", tenantry.RoleMember)
			if err != nil {
				t.Fatal(err)
			}
			db.mu.Lock()
			db.tenants[acme.ID].Status = tt.status
			db.mu.Unlock()
			_, err = s.AcceptInvitation(t.Context(), token, tenantry.NewID())
			if got := tenantry.ErrorCode(err); got != tt.want {
				t.Errorf("AcceptInvitation in a %s tenant: got %v, want code %q", tt.status, err, tt.want)
			}
		})
	}
}

func TestLogoutHash(t *testing.T) {
	s, _ := newTestService(t)
	sess, err := s.Signup(t.Context(), SignupInput{Email: "ann@example.com", Password: "correct horse battery", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, hash, code string
	}{
		{"malformed", "not-a-hash", tenantry.EUNAUTHENTICATED},
		{"upper case", strings.ToUpper(HashToken(sess.RefreshToken)), tenantry.EUNAUTHENTICATED},
		{"unknown", HashToken("rt_unknown"), ""},
		{"the session's", HashToken(sess.RefreshToken), ""},
	}
	for _, tt := range tests {
		if _, err := s.LogoutHash(t.Context(), tt.hash); tenantry.ErrorCode(err) != tt.code {
			t.Errorf("LogoutHash(%s): got %v, want code %q", tt.name, err, tt.code)
		}
	}
	if _, err := s.Refresh(t.Context(), sess.RefreshToken); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("Refresh after LogoutHash: got %v, want unauthenticated", err)
	}
}

func TestEnsurePlatformAdmin(t *testing.T) {
	s, db := newTestService(t)
	u, created, err := s.EnsurePlatformAdmin(t.Context(), "Root@Example.com", "long enough", "")
	if err != nil {
		t.Fatal(err)
	}
	if !created || !u.PlatformAdmin || u.Email != "root@example.com" || u.Name == "" {
		t.Errorf("EnsurePlatformAdmin = %+v, %v; want a new admin root@example.com", u, created)
	}
	sess, err := s.Login(t.Context(), "root@example.com", "long enough")
	if err != nil {
		t.Fatalf("admin Login: %v", err)
	}
	if p, err := s.Authenticate(t.Context(), sess.AccessToken); err != nil || !p.PlatformAdmin {
		t.Errorf("Authenticate(admin token) = %+v, %v; want a platform admin", p, err)
	}

	again, created, err := s.EnsurePlatformAdmin(t.Context(), "root@example.com", "other password", "X")
	if err != nil || created || again.ID != u.ID || len(db.adminGrants) != 0 {
		t.Errorf("second EnsurePlatformAdmin = %+v, %v, %v with grants %v; want the same admin, untouched", again, created, err, db.adminGrants)
	}

	plain, err := s.Signup(t.Context(), SignupInput{Email: "plain@example.com", Password: "long enough", Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	granted, created, err := s.EnsurePlatformAdmin(t.Context(), "plain@example.com", "ignored!", "")
	if err != nil || created || !granted.PlatformAdmin || !slices.Equal(db.adminGrants, []string{plain.User.ID}) {
		t.Errorf("EnsurePlatformAdmin(existing user) = %+v, %v, %v with grants %v; want admin granted", granted, created, err, db.adminGrants)
	}

	if _, _, err := s.EnsurePlatformAdmin(t.Context(), "x@example.com", "short", ""); !tenantry.IsCode(err, tenantry.EINVALID) {
		t.Errorf("EnsurePlatformAdmin(short password) = %v, want validation_failed", err)
	}
}

func TestPrincipalIdentity(t *testing.T) {
	p := &Principal{UserID: "u", PlatformAdmin: true}
	if got, want := p.Identity(), (tenantry.Identity{UserID: "u", PlatformAdmin: true}); got != want {
		t.Errorf("Identity = %+v, want %+v", got, want)
	}
}

func TestNewPanicsWithoutSecret(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New with an empty secret did not panic")
		}
	}()
	New(&mock.Store{}, Config{})
}
