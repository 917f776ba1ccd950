package core_test

import (
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestChatStore runs the chat rules on a real SQLite store: a session and
// its messages in order, pages of them, the latest n, and what is refused.
func TestChatStore(t *testing.T) {
	ctx := t.Context()
	tn, ts := newTenant(t, openStore(t), "chat", "")
	s := &tenantry.ChatSession{Visitor: true}
	if err := ts.CreateChatSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := ts.ChatSession(ctx, s.ID)
	if err != nil || !got.Visitor || got.TenantID != tn.ID || !got.CreatedAt.Equal(s.CreatedAt) {
		t.Errorf("ChatSession: got %+v, %v; want %+v", got, err, s)
	}
	var want []string
	for _, text := range []string{"one", "two", "three", "four", "five"} {
		role := tenantry.ChatRoleUser
		if len(want)%2 == 1 {
			role = tenantry.ChatRoleAssistant
		}
		if err := ts.AppendChatMessages(ctx, s.ID, &tenantry.ChatMessage{Role: role, Content: text}); err != nil {
			t.Fatal(err)
		}
		want = append(want, text)
	}
	var all []string
	p := tenantry.Page{Limit: 2}
	for {
		msgs, next, err := ts.ChatMessages(ctx, s.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			all = append(all, m.Content)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	if !slices.Equal(all, want) {
		t.Errorf("ChatMessages in pages of 2: got %v, want %v", all, want)
	}
	recent, err := ts.RecentChatMessages(ctx, s.ID, 2)
	if err != nil || len(recent) != 2 || recent[0].Content != "four" || recent[1].Content != "five" {
		t.Errorf("RecentChatMessages(2): got %v, %v; want four, five", recent, err)
	}
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"AppendChatMessages(bad role)", ts.AppendChatMessages(ctx, s.ID, &tenantry.ChatMessage{Role: "god"}), tenantry.EINVALID},
		{"AppendChatMessages(unknown session)", ts.AppendChatMessages(ctx, tenantry.NewID(), &tenantry.ChatMessage{Role: "user"}), tenantry.ENOTFOUND},
		{"ChatSession(not an id)", func() error { _, err := ts.ChatSession(ctx, "x"); return err }(), tenantry.ENOTFOUND},
		{"RecentChatMessages(unknown session)", func() error { _, err := ts.RecentChatMessages(ctx, tenantry.NewID(), 3); return err }(), tenantry.ENOTFOUND},
	}
	for _, tt := range tests {
		if got := tenantry.ErrorCode(tt.err); got != tt.code {
			t.Errorf("%s: got %q (%v), want %q", tt.name, got, tt.err, tt.code)
		}
	}
}
