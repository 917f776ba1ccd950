package storetest

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
)

// BenchExport measures a tenant's way out and back in on the store that
// open returns: Export writes a tenant of 200 projects, their 200 audit
// events and its other rows, and RoundTrip exports it, deletes it and
// imports it again.
func BenchExport(b *testing.B, open func(b *testing.B) tenantry.Store) {
	s := open(b)
	ctx := b.Context()
	owner := newUser(b, ctx, s, "export-bench@example.com")
	tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Export", Slug: "export-bench", Plan: "enterprise", OwnerID: owner.ID})
	if err != nil {
		b.Fatal(err)
	}
	svc := pj(s.Tenant(tn.ID))
	for i := range 200 {
		if _, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprintf("P%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	b.Run("Export", func(b *testing.B) {
		for b.Loop() {
			buf.Reset()
			if err := s.Platform().ExportTenant(ctx, tn.ID, &buf); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(bytes.Count(buf.Bytes(), []byte("\n"))), "records")
	})
	b.Run("RoundTrip", func(b *testing.B) {
		for b.Loop() {
			buf.Reset()
			if err := s.Platform().ExportTenant(ctx, tn.ID, &buf); err != nil {
				b.Fatal(err)
			}
			if err := s.Platform().DeleteTenant(ctx, tn.ID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Platform().ImportTenant(ctx, &buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}
