package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestTextRefusedByDatabase checks the defence in depth: text the
// domain rules did not refuse, which PostgreSQL refuses (NUL, SQLSTATE
// 22021; a NUL escape in jsonb, 22P05), is validation_failed with a
// generic message, not an internal error.
func TestTextRefusedByDatabase(t *testing.T) {
	db, _ := open(t)
	_, a := fixture(t, db, "acme", "pro")
	ctx := context.Background()
	s := &tenantry.ChatSession{}
	if err := db.Tenant(a.ID).CreateChatSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func() error
	}{
		{"NUL in text", func() error {
			return db.Tenant(a.ID).AppendChatMessages(ctx, s.ID, &tenantry.ChatMessage{Role: "user", Content: "a\x00b"})
		}},
		{"invalid UTF-8 in text", func() error {
			return db.Tenant(a.ID).AppendChatMessages(ctx, s.ID, &tenantry.ChatMessage{Role: "user", Content: "a\xffb"})
		}},
		{"NUL in a lookup", func() error {
			_, err := db.UserByEmail(ctx, "a\x00@example.com")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			wantCode(t, err, tenantry.EINVALID)
			if msg := tenantry.ErrorMessage(err); strings.Contains(strings.ToLower(msg), "sql") || strings.Contains(msg, "22021") || strings.Contains(msg, "UTF8") {
				t.Errorf("message %q leaks the database error", msg)
			}
		})
	}
}
