package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

// TestEventType covers every audit action the code writes (grep
// NewAuditEvent, Tx.Audit and the examples) and the rules for verbs it
// does not yet use.
func TestEventType(t *testing.T) {
	tests := []struct{ action, want string }{
		{"project.create", "project.created"},
		{"project.update", "project.updated"},
		{"project.delete", "project.deleted"},
		{"task.create", "task.created"},
		{"task.update", "task.updated"},
		{"task.delete", "task.deleted"},
		{"member.add", "member.added"},
		{"member.update", "member.updated"},
		{"member.remove", "member.removed"},
		{"invitation.create", "invitation.created"},
		{"invitation.revoke", "invitation.revoked"},
		{"invitation.accept", "invitation.accepted"},
		{"api_key.create", "api_key.created"},
		{"api_key.revoke", "api_key.revoked"},
		{"settings.update", "settings.updated"},
		{"chat_session.create", "chat_session.created"},
		{"tenant.create", "tenant.created"},
		{"tenant.update", "tenant.updated"},
		{"tenant.suspend", "tenant.suspended"},
		{"tenant.activate", "tenant.activated"},
		{"tenant.archive", "tenant.archived"},
		{"tenant.delete", "tenant.deleted"},
		{"tenant.import", "tenant.imported"},
		{tenantry.AuditPasswordReset, "user.password_reset"},
		{"invoice.create", "invoice.created"},
		{"note.create", "note.created"},
		{"project.describe", "project.described"},
		// Rules for verbs not used yet.
		{"webhook.disable", "webhook.disabled"},
		{"invoice.pay", "invoice.paid"},
		{"invoice.send", "invoice.sent"},
		{"order.ship", "order.shipped"},
		{"order.copy", "order.copied"},
		{"order.play", "order.played"},
		{"order.fix", "order.fixed"},
		{"order.open", "order.opened"},
		{"order.completed", "order.completed"},
		{"noverb", "noverb"},
		{"trailing.", "trailing."},
	}
	for _, tt := range tests {
		if got := tenantry.EventType(tt.action); got != tt.want {
			t.Errorf("EventType(%q) = %q, want %q", tt.action, got, tt.want)
		}
	}
}

func TestEventRolesVisible(t *testing.T) {
	roles := tenantry.DefaultEventRoles().WithExtensions([]tenantry.Extension{
		{Name: "invoices", EventRoles: map[string]tenantry.Role{"invoice": tenantry.RoleMember, "project": tenantry.RoleOwner}},
	})
	tests := []struct {
		role tenantry.Role
		typ  string
		want bool
	}{
		{tenantry.RoleMember, "project.created", true},
		{tenantry.RoleMember, "task.deleted", true},
		{tenantry.RoleMember, "member.removed", true},
		{tenantry.RoleMember, "tenant.suspended", true},
		{tenantry.RoleMember, "invoice.created", true},
		{tenantry.RoleMember, "settings.updated", false},
		{tenantry.RoleMember, "invitation.created", false},
		{tenantry.RoleMember, "api_key.revoked", false},
		{tenantry.RoleMember, "webhook.created", false},
		{tenantry.RoleMember, "chat_session.created", false},
		{tenantry.RoleMember, "widget.created", false},
		{tenantry.RoleAdmin, "api_key.revoked", true},
		{tenantry.RoleAdmin, "widget.created", true},
		{tenantry.RoleOwner, "settings.updated", true},
		{tenantry.Role("guest"), "project.created", false},
		{tenantry.Role(""), "project.created", false},
	}
	for _, tt := range tests {
		if got := roles.Visible(tt.role, tt.typ); got != tt.want {
			t.Errorf("Visible(%s, %s) = %v, want %v", tt.role, tt.typ, got, tt.want)
		}
	}
}

func TestEventLimit(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{0, 100}, {-5, 100}, {1, 1}, {1000, 1000}, {5000, 1000}} {
		if got := tenantry.EventLimit(tt.in); got != tt.want {
			t.Errorf("EventLimit(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
