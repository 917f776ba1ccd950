package sqlite

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestCheckConstraintIsInvalid checks that a CHECK constraint failure is
// validation_failed, not an internal error.
func TestCheckConstraintIsInvalid(t *testing.T) {
	db := openTest(t)
	u := mustUser(t, db, "owner@example.com")
	tn, _ := mustTenant(t, db, "acme", "free", u.ID)
	ctx := context.Background()
	err := db.write(ctx, "", func(tx *connTx) error {
		_, err := tx.Exec(ctx, `UPDATE tenants SET status = 'gone' WHERE id = $1`, tn.ID)
		return err
	})
	wantCode(t, "UPDATE with a bad status", err, tenantry.EINVALID)
	if msg := tenantry.ErrorMessage(err); msg != "A value is not allowed." {
		t.Errorf("message: got %q, want the generic one", msg)
	}
}
