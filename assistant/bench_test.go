package assistant_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
	"github.com/tenantry/tenantry/inmem"
)

// BenchmarkChatBuiltin measures one Chat with the built-in provider on a
// real SQLite store: session check, history read, provider, one append
// transaction and the usage counter.
func BenchmarkChatBuiltin(b *testing.B) {
	db, tenants := seededSQLite(b)
	svc := assistant.New(db, tenantry.DefaultPlans(), inmem.NewRateLimiter(inmem.RateLimiterOptions{}), nil)
	benchChat(b, svc, tenants["acme"])
}

// BenchmarkChatBuiltinFake measures the service alone, on an in-memory
// fake store.
func BenchmarkChatBuiltinFake(b *testing.B) {
	ms := newMemStore()
	svc := assistant.New(ms.store(), tenantry.DefaultPlans(), inmem.NewRateLimiter(inmem.RateLimiterOptions{}), nil)
	benchChat(b, svc, tutorialTenants()[0])
}

func benchChat(b *testing.B, svc *assistant.Service, tn *tenantry.Tenant) {
	ctx := context.Background()
	tn.Limits[tenantry.LimitChatPer10s] = tenantry.Unlimited
	sess, err := svc.CreateSession(ctx, tn)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Chat(ctx, tn, sess.ID, "hello from acme"); err != nil {
			b.Fatal(err)
		}
	}
}
