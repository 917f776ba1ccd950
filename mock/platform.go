package mock

import (
	"context"
	"io"
	"time"

	"github.com/tenantry/tenantry"
)

var _ tenantry.Platform = (*Platform)(nil)

// Platform is a fake tenantry.Platform whose methods call the matching function
// field; calling a method whose field is nil panics.
type Platform struct {
	AuditEventsFn     func(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error)
	CreateTenantFn    func(ctx context.Context, tc tenantry.TenantCreate) (*tenantry.Tenant, error)
	DeleteTenantFn    func(ctx context.Context, id string) error
	EventsFn          func(ctx context.Context, f tenantry.EventFilter) ([]*tenantry.Event, error)
	PruneEventsFn     func(ctx context.Context, before time.Time) (int64, error)
	ExportTenantFn    func(ctx context.Context, id string, w io.Writer) error
	ImportTenantFn    func(ctx context.Context, r io.Reader) (*tenantry.Tenant, error)
	SetTenantStatusFn func(ctx context.Context, id string, s tenantry.TenantStatus) (*tenantry.Tenant, error)
	TenantUsageFn     func(ctx context.Context, id string) (tenantry.Usage, error)
	AddUsageFn        func(ctx context.Context, counter string, counts map[string]int64) error
	TenantsFn         func(ctx context.Context, f tenantry.TenantFilter) ([]*tenantry.Tenant, string, error)
	UpdateTenantFn    func(ctx context.Context, id string, tu tenantry.TenantUpdate) (*tenantry.Tenant, error)
}

// AuditEvents calls AuditEventsFn.
func (m *Platform) AuditEvents(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) {
	if m.AuditEventsFn == nil {
		panic("mock: Platform.AuditEvents called but AuditEventsFn is nil")
	}
	return m.AuditEventsFn(ctx, f)
}

// Events calls EventsFn.
func (m *Platform) Events(ctx context.Context, f tenantry.EventFilter) ([]*tenantry.Event, error) {
	if m.EventsFn == nil {
		panic("mock: Platform.Events called but EventsFn is nil")
	}
	return m.EventsFn(ctx, f)
}

// PruneEvents calls PruneEventsFn.
func (m *Platform) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	if m.PruneEventsFn == nil {
		panic("mock: Platform.PruneEvents called but PruneEventsFn is nil")
	}
	return m.PruneEventsFn(ctx, before)
}

// CreateTenant calls CreateTenantFn.
func (m *Platform) CreateTenant(ctx context.Context, tc tenantry.TenantCreate) (*tenantry.Tenant, error) {
	if m.CreateTenantFn == nil {
		panic("mock: Platform.CreateTenant called but CreateTenantFn is nil")
	}
	return m.CreateTenantFn(ctx, tc)
}

// DeleteTenant calls DeleteTenantFn.
func (m *Platform) DeleteTenant(ctx context.Context, id string) error {
	if m.DeleteTenantFn == nil {
		panic("mock: Platform.DeleteTenant called but DeleteTenantFn is nil")
	}
	return m.DeleteTenantFn(ctx, id)
}

// ExportTenant calls ExportTenantFn.
func (m *Platform) ExportTenant(ctx context.Context, id string, w io.Writer) error {
	if m.ExportTenantFn == nil {
		panic("mock: Platform.ExportTenant called but ExportTenantFn is nil")
	}
	return m.ExportTenantFn(ctx, id, w)
}

// ImportTenant calls ImportTenantFn.
func (m *Platform) ImportTenant(ctx context.Context, r io.Reader) (*tenantry.Tenant, error) {
	if m.ImportTenantFn == nil {
		panic("mock: Platform.ImportTenant called but ImportTenantFn is nil")
	}
	return m.ImportTenantFn(ctx, r)
}

// SetTenantStatus calls SetTenantStatusFn.
func (m *Platform) SetTenantStatus(ctx context.Context, id string, s tenantry.TenantStatus) (*tenantry.Tenant, error) {
	if m.SetTenantStatusFn == nil {
		panic("mock: Platform.SetTenantStatus called but SetTenantStatusFn is nil")
	}
	return m.SetTenantStatusFn(ctx, id, s)
}

// TenantUsage calls TenantUsageFn.
func (m *Platform) TenantUsage(ctx context.Context, id string) (tenantry.Usage, error) {
	if m.TenantUsageFn == nil {
		panic("mock: Platform.TenantUsage called but TenantUsageFn is nil")
	}
	return m.TenantUsageFn(ctx, id)
}

// AddUsage calls AddUsageFn.
func (m *Platform) AddUsage(ctx context.Context, counter string, counts map[string]int64) error {
	if m.AddUsageFn == nil {
		panic("mock: Platform.AddUsage called but AddUsageFn is nil")
	}
	return m.AddUsageFn(ctx, counter, counts)
}

// Tenants calls TenantsFn.
func (m *Platform) Tenants(ctx context.Context, f tenantry.TenantFilter) ([]*tenantry.Tenant, string, error) {
	if m.TenantsFn == nil {
		panic("mock: Platform.Tenants called but TenantsFn is nil")
	}
	return m.TenantsFn(ctx, f)
}

// UpdateTenant calls UpdateTenantFn.
func (m *Platform) UpdateTenant(ctx context.Context, id string, tu tenantry.TenantUpdate) (*tenantry.Tenant, error) {
	if m.UpdateTenantFn == nil {
		panic("mock: Platform.UpdateTenant called but UpdateTenantFn is nil")
	}
	return m.UpdateTenantFn(ctx, id, tu)
}
