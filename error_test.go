package tenantry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestErrorCodeAndMessage(t *testing.T) {
	domain := tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	tests := []struct {
		err      error
		wantCode string
		wantMsg  string
	}{
		{nil, "", ""},
		{domain, tenantry.ENOTFOUND, "Project not found."},
		{fmt.Errorf("wrapped: %w", domain), tenantry.ENOTFOUND, "Project not found."},
		{errors.New("pq: relation \"secret_table\" does not exist"), tenantry.EINTERNAL, "Internal error."},
	}
	for _, tt := range tests {
		if got := tenantry.ErrorCode(tt.err); got != tt.wantCode {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.wantCode)
		}
		if got := tenantry.ErrorMessage(tt.err); got != tt.wantMsg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.wantMsg)
		}
	}
}

func TestIdentityAndAudit(t *testing.T) {
	ctx := tenantry.NewContextWithRequestID(context.Background(), "req-1")
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: "u1", TenantID: "t1", Role: tenantry.RoleAdmin})
	ev := tenantry.NewAuditEvent(ctx, "t1", "project.create", "project", "p1")
	if ev.Actor != (tenantry.AuditActor{Type: tenantry.ActorUser, ID: "u1"}) || ev.RequestID != "req-1" || ev.TenantID != "t1" {
		t.Errorf("NewAuditEvent = %+v, want user u1, request req-1, tenant t1", ev)
	}
	keyCtx := tenantry.NewContextWithIdentity(context.Background(), tenantry.Identity{UserID: "u1", APIKeyID: "k1"})
	if typ, id := tenantry.IdentityFromContext(keyCtx).Actor(); typ != tenantry.ActorAPIKey || id != "k1" {
		t.Errorf("API key actor = %s/%s, want api_key/k1", typ, id)
	}
	if typ, _ := tenantry.IdentityFromContext(context.Background()).Actor(); typ != tenantry.ActorSystem {
		t.Errorf("empty context actor = %s, want system", typ)
	}
}
