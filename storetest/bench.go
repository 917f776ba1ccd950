package storetest

import (
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
)

// Bench measures the common tenant operations of the store that open
// returns.
func Bench(b *testing.B, open func(b *testing.B) tenantry.Store) {
	s := open(b)
	ctx := b.Context()
	tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Bench", Slug: "bench", Plan: "enterprise"})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Tenant(tn.ID)
	svc := pj(h) // as a request's handler has it
	p, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("CreateProject", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprintf("P%d-%d", b.N, i)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The writes the outbox adds an event to; go test -tags nooutbox
	// runs them without it, for the side-by-side cost.
	b.Run("UpdateProject", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := svc.UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{Description: ptr(fmt.Sprint(i))}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("WriteAudit", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if err := h.Write(ctx, func(tx tenantry.Tx) error {
				return tx.Audit(ctx, "note.create", "note", fmt.Sprint(i), nil)
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Project", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Project(ctx, p.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Projects", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := svc.Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 50}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
