package postgres_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestChat(t *testing.T) {
	db, _ := open(t)
	_, a := fixture(t, db, "acme", "pro")
	_, b := fixture(t, db, "bolt", "pro")
	ctx := context.Background()
	s := &tenantry.ChatSession{}
	if err := db.Tenant(a.ID).CreateChatSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.Tenant(b.ID).AppendChatMessages(ctx, s.ID, &tenantry.ChatMessage{Role: "user", Content: "x"}), tenantry.ENOTFOUND)
	for _, c := range []string{"1", "2", "3"} {
		if err := db.Tenant(a.ID).AppendChatMessages(ctx, s.ID, &tenantry.ChatMessage{Role: "user", Content: c}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := db.Tenant(a.ID).RecentChatMessages(ctx, s.ID, 2)
	if err != nil || len(ms) != 2 || ms[0].Content != "2" || ms[1].Content != "3" {
		t.Fatalf("RecentChatMessages: got %v, %v; want 2, 3", ms, err)
	}
	_, _, err = db.Tenant(b.ID).ChatMessages(ctx, s.ID, tenantry.Page{})
	wantCode(t, err, tenantry.ENOTFOUND)
}
