package storetest

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// testTx checks the public tenant transaction on Tenantry's own projects
// table: one placeholder style, rows, mapped errors, audit in the same
// transaction, after-commit hooks, and the tenant row.
func testTx(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	tn, h := newTenant(t, ctx, s, "tx", "pro", owner.ID)
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: owner.ID})
	a := newProject(t, ctx, h, "Alpha")
	b := newProject(t, ctx, h, "Beta")

	// Write: a statement, its audit event and a hook, committed together.
	hooked := 0
	err := h.Write(ctx, func(tx tenantry.Tx) error {
		if tx.TenantID() != tn.ID {
			t.Errorf("TenantID = %q, want %q", tx.TenantID(), tn.ID)
		}
		got, err := tx.Tenant(ctx)
		if err != nil || got.ID != tn.ID || got.Slug != "tx" {
			t.Errorf("Tenant in Write = %+v, %v; want tenant tx", got, err)
		}
		// $2 before $1: numbered placeholders bind by number on both backends.
		n, err := tx.Exec(ctx, `UPDATE projects SET description = $2 WHERE tenant_id = $1 AND id = $3`, tn.ID, "written in a Tx", a.ID)
		if err != nil || n != 1 {
			t.Errorf("Exec: got %d rows, %v; want 1", n, err)
		}
		tx.AfterCommit(func() { hooked++ })
		return tx.Audit(ctx, "project.describe", "project", a.ID, map[string]string{"description": "written in a Tx"})
	})
	fatalIf(t, "Write", err)
	if hooked != 1 {
		t.Errorf("AfterCommit hook ran %d times after a commit, want 1", hooked)
	}
	if ev := wantAudit(t, ctx, h, "project.describe", a.ID); ev != nil {
		var data map[string]string
		if err := json.Unmarshal(ev.Data, &data); err != nil || !maps.Equal(data, map[string]string{"description": "written in a Tx"}) {
			t.Errorf("Audit data = %s, want the description", ev.Data)
		}
		if ev.Actor != (tenantry.AuditActor{Type: tenantry.ActorUser, ID: owner.ID}) || ev.TargetType != "project" {
			t.Errorf("Audit event = %+v, want the owner's, on a project", ev)
		}
	}

	// Read: rows in order, one snapshot.
	err = h.Read(ctx, func(tx tenantry.Tx) error {
		rows, err := tx.Query(ctx, `SELECT name, description FROM projects WHERE tenant_id = $1 ORDER BY name`, tx.TenantID())
		if err != nil {
			return err
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var name, desc string
			if err := rows.Scan(&name, &desc); err != nil {
				return err
			}
			got = append(got, name+":"+desc)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if want := []string{"Alpha:written in a Tx", "Beta:"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("Query = %q, want %q", got, want)
		}
		var name string
		if err := tx.QueryRow(ctx, `SELECT name FROM projects WHERE id = $2 AND tenant_id = $1`, tx.TenantID(), b.ID).Scan(&name); err != nil || name != "Beta" {
			t.Errorf("QueryRow = %q, %v; want Beta", name, err)
		}
		wantCode(t, "QueryRow(no row)", tx.QueryRow(ctx, `SELECT name FROM projects WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), tenantry.NewID()).Scan(&name), tenantry.ENOTFOUND)
		if got, err := tx.Tenant(ctx); err != nil || got.ID != tn.ID {
			t.Errorf("Tenant in Read = %+v, %v; want tenant tx", got, err)
		}
		if err := tx.Audit(ctx, "x.y", "x", "y", nil); err == nil {
			t.Errorf("Audit in a read transaction: got nil error, want one")
		}
		return nil
	})
	fatalIf(t, "Read", err)

	// Errors: mapped to codes; the transaction is rolled back and its hooks
	// do not run.
	hooked = 0
	err = h.Write(ctx, func(tx tenantry.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE projects SET description = $1 WHERE tenant_id = $2 AND id = $3`, "rolled back", tx.TenantID(), b.ID); err != nil {
			return err
		}
		tx.AfterCommit(func() { hooked++ })
		_, err := tx.Exec(ctx, `UPDATE projects SET name = $1 WHERE tenant_id = $2 AND id = $3`, "Alpha", tx.TenantID(), b.ID)
		return err
	})
	wantCode(t, "Write(duplicate name)", err, tenantry.ECONFLICT)
	if hooked != 0 {
		t.Errorf("AfterCommit hook ran after a rollback")
	}
	if p, err := pj(h).Project(ctx, b.ID); err != nil || p.Description != "" {
		t.Errorf("after the rolled-back Write: project %+v, %v; want its description unchanged", p, err)
	}
	err = h.Write(ctx, func(tx tenantry.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE projects SET name = $1 WHERE tenant_id = $2 AND id = $3`, "bad\x00name", tx.TenantID(), b.ID)
		return err
	})
	wantCode(t, "Write(NUL text)", err, tenantry.EINVALID)
	// A failed statement fails the transaction even when fn carries on:
	// a queued one at commit, an executed one at once.
	err = h.Write(ctx, func(tx tenantry.Tx) error {
		tx.Queue(ctx, `UPDATE projects SET name = $1 WHERE tenant_id = $2 AND id = $3`, "Alpha", tx.TenantID(), b.ID)
		return nil
	})
	wantCode(t, "Write(queued duplicate name)", err, tenantry.ECONFLICT)
	err = h.Write(ctx, func(tx tenantry.Tx) error {
		_, _ = tx.Exec(ctx, `UPDATE projects SET name = $1 WHERE tenant_id = $2 AND id = $3`, "Alpha", tx.TenantID(), b.ID)
		_, err := tx.Exec(ctx, `UPDATE projects SET description = $1 WHERE tenant_id = $2 AND id = $3`, "after", tx.TenantID(), b.ID)
		wantCode(t, "Exec after a failed statement", err, tenantry.ECONFLICT)
		return nil
	})
	wantCode(t, "Write(a swallowed error)", err, tenantry.ECONFLICT)
	if p, err := pj(h).Project(ctx, b.ID); err != nil || p.Name != "Beta" || p.Description != "" {
		t.Errorf("after the failed Writes: project %+v, %v; want it unchanged", p, err)
	}
	err = h.Read(ctx, func(tx tenantry.Tx) error {
		tx.Queue(ctx, `UPDATE projects SET description = $1 WHERE tenant_id = $2`, "x", tx.TenantID())
		return nil
	})
	if err == nil {
		t.Errorf("Queue in a read transaction: got nil error, want one")
	}

	// Times bind and scan the same on both backends: UTC, microseconds.
	at := time.Date(2026, 12, 2, 3, 4, 5, 123456000, time.FixedZone("X", 3600))
	err = h.Write(ctx, func(tx tenantry.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE projects SET updated_at = $1 WHERE tenant_id = $2 AND id = $3`, at, tx.TenantID(), a.ID)
		return err
	})
	fatalIf(t, "Write(a time)", err)
	var got time.Time
	err = h.Read(ctx, func(tx tenantry.Tx) error {
		return tx.QueryRow(ctx, `SELECT updated_at FROM projects WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), a.ID).Scan(&got)
	})
	if err != nil || !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("a time read back: got %v, %v; want %v in UTC", got, err, at.UTC())
	}

	sentinel := errors.New("builder's own error")
	if err := h.Write(ctx, func(tenantry.Tx) error { return sentinel }); !errors.Is(err, sentinel) {
		t.Errorf("Write returning its own error: got %v, want it back", err)
	}

	// A handle without a valid tenant has no transaction.
	wantCode(t, "Write(no tenant)", s.Tenant("nope").Write(ctx, func(tenantry.Tx) error { return nil }), tenantry.ETENANTREQUIRED)
	wantCode(t, "Read(no tenant)", s.Tenant("").Read(ctx, func(tenantry.Tx) error { return nil }), tenantry.ETENANTREQUIRED)
	wantCode(t, "Write(deleted tenant)", s.Tenant(tenantry.NewID()).Write(ctx, func(tenantry.Tx) error { return nil }), tenantry.ETENANTNOTFOUND)
}
