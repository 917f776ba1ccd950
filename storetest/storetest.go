// Package storetest is the one conformance and tenant-isolation suite of
// tenantry.Store. Every backend runs it from a test file of its own:
//
//	func TestStore(t *testing.T)     { storetest.Run(t, open) }
//	func TestIsolation(t *testing.T) { storetest.RunIsolation(t, open, 60000) }
//
// where open returns a fresh, empty store that the caller closes through
// t.Cleanup. The suite uses tenantry.DefaultPlans, so the store must be
// opened with them.
package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// passwordHash is a well-formed argon2id hash the suite stores for its users.
const passwordHash = "$argon2id$v=19$m=65536,t=1,p=2$c3RvcmV0ZXN0c2FsdA$c3RvcmV0ZXN0aGFzaHN0b3JldGVzdGhhc2g"

// Run runs the conformance suite against the stores that open returns. Each
// sub-test opens a store of its own.
func Run(t *testing.T, open func(t *testing.T) tenantry.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s tenantry.Store)
	}{
		{"Users", testUsers},
		{"Signup", testSignup},
		{"PlatformAdmin", testPlatformAdmin},
		{"RefreshTokens", testRefreshTokens},
		{"AccountRules", testAccountRules},
		{"CreateTenant", testCreateTenant},
		{"PlatformRules", testPlatformRules},
		{"TenantLookup", testTenantLookup},
		{"TenantFilters", testTenantFilters},
		{"UpdateTenant", testUpdateTenant},
		{"TenantStatus", testTenantStatus},
		{"TenantRequired", testTenantRequired},
		{"UnknownTenant", testUnknownTenant},
		{"UserMemberships", testUserMemberships},
		{"Settings", testSettings},
		{"Members", testMembers},
		{"LastOwner", testLastOwner},
		{"Invitations", testInvitations},
		{"APIKeys", testAPIKeys},
		{"Projects", testProjects},
		{"ProjectPagination", testProjectPagination},
		{"ProjectFilters", testProjectFilters},
		{"ProjectPlanLimit", testProjectPlanLimit},
		{"MemberPlanLimit", testMemberPlanLimit},
		{"ConcurrentPlanLimit", testConcurrentPlanLimit},
		{"Tasks", testTasks},
		{"TaskFilters", testTaskFilters},
		{"Audit", testAudit},
		{"Chat", testChat},
		{"Usage", testUsage},
		{"PlatformAddUsage", testPlatformAddUsage},
		{"DeleteTenant", testDeleteTenant},
		{"ExportImport", testExportImport},
		{"ExportSnapshot", testExportSnapshot},
		{"ImportMalformedRecords", testImportMalformedRecords},
		{"Tx", testTx},
		{"Ping", testPing},
		{"PasswordResets", testPasswordResets},
		{"Events", testEvents},
		{"EventsConcurrent", testEventsConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// wantCode reports an error unless err carries code ("" for no error).
func wantCode(t testing.TB, what string, err error, code string) bool {
	t.Helper()
	if got := tenantry.ErrorCode(err); got != code {
		t.Errorf("%s: got error code %q (%v), want %q", what, got, err, code)
		return false
	}
	return true
}

// fatalIf stops the test on an unexpected error.
func fatalIf(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: got error %v, want none", what, err)
	}
}

// anyCode reports an error unless err carries one of codes.
func anyCode(t testing.TB, what string, err error, codes ...string) bool {
	t.Helper()
	if got := tenantry.ErrorCode(err); !slices.Contains(codes, got) {
		t.Errorf("%s: got error code %q (%v), want one of %q", what, got, err, codes)
		return false
	}
	return true
}

// adminCtx returns a context whose identity is a platform administrator
// with a request id.
func adminCtx(t testing.TB, ctx context.Context, userID, requestID string) context.Context {
	t.Helper()
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: userID, PlatformAdmin: true})
	return tenantry.NewContextWithRequestID(ctx, requestID)
}

// newUser creates a user with the given e-mail; its name is the local part.
func newUser(t testing.TB, ctx context.Context, s tenantry.Store, email string) *tenantry.User {
	t.Helper()
	u, err := s.CreateUser(ctx, tenantry.UserCreate{Email: email, Name: strings.SplitN(email, "@", 2)[0], PasswordHash: passwordHash})
	fatalIf(t, "CreateUser("+email+")", err)
	return u
}

// newTenant creates a tenant on plan with ownerID ("" for none) as owner.
func newTenant(t testing.TB, ctx context.Context, s tenantry.Store, slug, plan, ownerID string) (*tenantry.Tenant, tenantry.TenantStore) {
	t.Helper()
	tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Tenant " + slug, Slug: slug, Plan: plan, OwnerID: ownerID})
	fatalIf(t, "CreateTenant("+slug+")", err)
	return tn, s.Tenant(tn.ID)
}

// newProject creates a project in h.
func newProject(t testing.TB, ctx context.Context, h tenantry.TenantStore, name string) *tenantry.Project {
	t.Helper()
	p, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: name})
	fatalIf(t, "CreateProject("+name+")", err)
	return p
}

// newTask creates a task in h.
func newTask(t testing.TB, ctx context.Context, h tenantry.TenantStore, projectID, title string, assignee *string) *tenantry.Task {
	t.Helper()
	tk, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: projectID, Title: title, AssignedToID: assignee})
	fatalIf(t, "CreateTask("+title+")", err)
	return tk
}

func ptr[T any](v T) *T { return &v }

// wantAudit checks that the tenant's trail has an event action on targetID
// and returns it.
func wantAudit(t testing.TB, ctx context.Context, h tenantry.TenantStore, action, targetID string) *tenantry.AuditEvent {
	t.Helper()
	evs, err := allAudit(ctx, h.AuditEvents, tenantry.AuditFilter{Action: action})
	if err != nil {
		t.Errorf("AuditEvents(action %s): got error %v, want none", action, err)
		return nil
	}
	for _, ev := range evs {
		if ev.TenantID != h.ID() {
			t.Errorf("AuditEvents of tenant %s: got event %s of tenant %s", h.ID(), ev.ID, ev.TenantID)
		}
		if ev.Action != action {
			t.Errorf("AuditEvents(action %s): got event with action %q", action, ev.Action)
		}
		if ev.TargetID == targetID {
			return ev
		}
	}
	t.Errorf("AuditEvents(action %s): got no event on target %q among %d, want one", action, targetID, len(evs))
	return nil
}

// wantPlatformAudit checks that the platform trail has an event action on
// targetID and returns it.
func wantPlatformAudit(t testing.TB, ctx context.Context, s tenantry.Store, tenantID, action, targetID string) *tenantry.AuditEvent {
	t.Helper()
	evs, err := allAudit(ctx, s.Platform().AuditEvents, tenantry.AuditFilter{TenantID: tenantID, Action: action})
	if err != nil {
		t.Errorf("Platform.AuditEvents(action %s): got error %v, want none", action, err)
		return nil
	}
	for _, ev := range evs {
		if tenantID != "" && ev.TenantID != tenantID {
			t.Errorf("Platform.AuditEvents(tenant %s): got event of tenant %s", tenantID, ev.TenantID)
		}
		if ev.TargetID == targetID && ev.Action == action {
			return ev
		}
	}
	t.Errorf("Platform.AuditEvents(tenant %q, action %s): got no event on target %q among %d, want one", tenantID, action, targetID, len(evs))
	return nil
}

// allAudit reads every page of an audit list.
func allAudit(ctx context.Context, list func(context.Context, tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error), f tenantry.AuditFilter) ([]*tenantry.AuditEvent, error) {
	var out []*tenantry.AuditEvent
	f.Limit = tenantry.MaxPageSize
	for range 1000 {
		evs, next, err := list(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
		if next == "" {
			return out, nil
		}
		f.Cursor = next
	}
	return out, nil
}

// allPages reads every page of a list with page size limit.
func allPages[T any](ctx context.Context, limit int, list func(ctx context.Context, p tenantry.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := tenantry.Page{Limit: limit}
	for range 10000 {
		rows, next, err := list(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
	return out, nil
}

// ascending reports whether ids are strictly ascending.
func ascending(ids []string) bool {
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			return false
		}
	}
	return true
}

func testPing(t *testing.T, s tenantry.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: got %v, want nil", err)
	}
}

// pj returns the projects service of h under the default plans.
func pj(h tenantry.TenantStore) projects.Service { return projects.New(h, tenantry.DefaultPlans()) }

// usage returns h's usage with the projects extension's counters.
func usage(ctx context.Context, h tenantry.TenantStore) (tenantry.Usage, error) {
	return tenantry.UsageOf(ctx, h, []tenantry.Extension{projects.Extension()})
}
