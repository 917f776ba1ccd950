package sqlite

import (
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestChat(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u := mustUser(t, db, "a@example.com")
	_, h := mustTenant(t, db, "acme", "pro", u.ID)
	_, other := mustTenant(t, db, "other", "pro", "")
	s := &tenantry.ChatSession{UserID: u.ID}
	if err := h.CreateChatSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if s.ID == "" || s.TenantID != h.ID() || s.CreatedAt.IsZero() {
		t.Errorf("CreateChatSession: got %+v", s)
	}
	var msgs []*tenantry.ChatMessage
	for i := range 5 {
		role := tenantry.ChatRoleUser
		if i%2 == 1 {
			role = tenantry.ChatRoleAssistant
		}
		msgs = append(msgs, &tenantry.ChatMessage{Role: role, Content: fmt.Sprintf("m%d", i)})
	}
	appends := []struct {
		name    string
		h       tenantry.TenantStore
		session string
		msgs    []*tenantry.ChatMessage
		want    string
	}{
		{"first three", h, s.ID, msgs[:3], ""},
		{"last two", h, s.ID, msgs[3:], ""},
		{"unknown session", h, tenantry.NewID(), []*tenantry.ChatMessage{{Role: tenantry.ChatRoleUser, Content: "x"}}, tenantry.ENOTFOUND},
		{"other tenant's session", other, s.ID, []*tenantry.ChatMessage{{Role: tenantry.ChatRoleUser, Content: "x"}}, tenantry.ENOTFOUND},
		{"bad role", h, s.ID, []*tenantry.ChatMessage{{Role: "robot", Content: "x"}}, tenantry.EINVALID},
	}
	for _, tt := range appends {
		wantCode(t, tt.name, tt.h.AppendChatMessages(ctx, tt.session, tt.msgs...), tt.want)
	}
	_, err := other.ChatSession(ctx, s.ID)
	wantCode(t, "ChatSession of another tenant", err, tenantry.ENOTFOUND)
	_, _, err = other.ChatMessages(ctx, s.ID, tenantry.Page{})
	wantCode(t, "ChatMessages of another tenant", err, tenantry.ENOTFOUND)
	var got []string
	p := tenantry.Page{Limit: 2}
	for range 10 {
		ms, next, err := h.ChatMessages(ctx, s.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			got = append(got, m.Content)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	if fmt.Sprint(got) != "[m0 m1 m2 m3 m4]" {
		t.Errorf("ChatMessages: got %v, want m0..m4", got)
	}
	recent, err := h.RecentChatMessages(ctx, s.ID, 3)
	got = nil
	for _, m := range recent {
		got = append(got, m.Content)
	}
	if err != nil || fmt.Sprint(got) != "[m2 m3 m4]" {
		t.Errorf("RecentChatMessages(3): got %v, %v, want [m2 m3 m4]", got, err)
	}
	evs, _, _ := h.AuditEvents(ctx, tenantry.AuditFilter{Action: "chat_session.create"})
	if len(evs) != 1 || evs[0].TargetID != s.ID {
		t.Errorf("chat_session.create events: got %d", len(evs))
	}
}
