package postgres_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestTxRowLevelSecurity shows the database wall under a builder's
// statement that forgot its tenant filter: in tenant A's transaction,
// another tenant's rows are neither seen nor changed, and a row naming
// another tenant cannot be written.
func TestTxRowLevelSecurity(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	_, a := fixture(t, db, "tx-a", "pro")
	_, b := fixture(t, db, "tx-b", "pro")
	pa, err := pj(db.Tenant(a.ID)).CreateProject(ctx, tenantry.ProjectCreate{Name: "A's"})
	if err != nil {
		t.Fatal(err)
	}
	pb, err := pj(db.Tenant(b.ID)).CreateProject(ctx, tenantry.ProjectCreate{Name: "B's"})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Tenant(a.ID).Write(ctx, func(tx tenantry.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM projects`).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("unfiltered count in A's transaction = %d, want 1 (A's own)", n)
		}
		changed, err := tx.Exec(ctx, `UPDATE projects SET description = $1 WHERE id = $2`, "taken over", pb.ID)
		if err != nil {
			return err
		}
		if changed != 0 {
			t.Errorf("unfiltered UPDATE of B's project from A's transaction changed %d rows, want 0", changed)
		}
		changed, err = tx.Exec(ctx, `UPDATE projects SET description = $1 WHERE id = $2`, "mine", pa.ID)
		if err != nil || changed != 1 {
			t.Errorf("UPDATE of A's own project: %d rows, %v; want 1", changed, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := pj(db.Tenant(b.ID)).Project(ctx, pb.ID); err != nil || p.Description != "" {
		t.Errorf("B's project after A's transaction: %+v, %v; want it untouched", p, err)
	}
	// A row that names another tenant is refused by the policy's WITH CHECK.
	err = db.Tenant(a.ID).Write(ctx, func(tx tenantry.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE projects SET tenant_id = $1 WHERE id = $2`, b.ID, pa.ID)
		return err
	})
	if err == nil {
		t.Errorf("moving A's project to B from A's transaction: got nil error, want a refusal")
	}
}
