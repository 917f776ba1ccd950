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
	_, secret, err := s.CreateAPIKey(b.Context(), db.tenantStore(acme.ID), "bench", tenantry.RoleMember)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
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
