package auth

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func BenchmarkAuthenticateJWT(b *testing.B) {
	s, db := newTestService(b)
	u := &tenantry.User{ID: tenantry.NewID()}
	tok, _, err := s.IssueAccessToken(u, db.liveSession(u.ID))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	for b.Loop() {
		if _, err := s.Authenticate(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthenticateAPIKey(b *testing.B) {
	s, db := newTestService(b)
	acme := db.addTenant("acme")
	creator := tenantry.NewID()
	db.setMember(acme.ID, creator, tenantry.RoleOwner)
	ctx := tenantry.NewContextWithIdentity(b.Context(), tenantry.Identity{UserID: creator, TenantID: acme.ID, Role: tenantry.RoleOwner})
	_, secret, err := s.CreateAPIKey(ctx, db.tenantStore(acme.ID), "bench", tenantry.RoleMember, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx = b.Context()
	for b.Loop() {
		db.handles = db.handles[:0]
		if _, err := s.Authenticate(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
