package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tenantry/tenantry"
)

// Write runs fn in one write transaction of the handle's tenant, on the
// server's pool as the runtime role: BEGIN, SET LOCAL app.tenant_id and the
// lock of the tenant's row (FOR NO KEY UPDATE, so quotas checked against
// it hold until commit) travel in one round trip before fn runs. Hooks
// added with AfterCommit run after a commit.
func (s *TenantService) Write(ctx context.Context, fn func(tenantry.Tx) error) error {
	if err := s.check(); err != nil {
		return err
	}
	var (
		t     *tenantry.Tenant
		hooks []func()
	)
	b := &pgx.Batch{}
	queueLockTenant(b, s.id, &t)
	err := s.tx(ctx, b, func(tx pgx.Tx) error {
		return fn(&pgTx{tx: tx, id: s.id, tenant: t, hooks: &hooks, write: true})
	})
	if err != nil {
		return err
	}
	for _, f := range hooks {
		f()
	}
	return nil
}

// Read runs fn in one read-only transaction of the handle's tenant: BEGIN
// READ ONLY and SET LOCAL app.tenant_id travel in one round trip before fn
// runs. AfterCommit hooks run when it commits.
func (s *TenantService) Read(ctx context.Context, fn func(tenantry.Tx) error) error {
	if err := s.check(); err != nil {
		return err
	}
	var hooks []func()
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{AccessMode: pgx.ReadOnly})
	s.db.queueTenant(b, s.id)
	err := s.db.batchTx(ctx, b, func(tx pgx.Tx) error {
		return fn(&pgTx{tx: tx, id: s.id, hooks: &hooks})
	})
	if err != nil {
		return err
	}
	for _, f := range hooks {
		f()
	}
	return nil
}

// pgTx is a tenantry.Tx over a pgx transaction with the tenant set.
type pgTx struct {
	tx     pgx.Tx
	id     string
	tenant *tenantry.Tenant // locked at BEGIN in a write transaction, read lazily otherwise
	hooks  *[]func()
	write  bool
}

// TenantID returns the id of the transaction's tenant.
func (tx *pgTx) TenantID() string { return tx.id }

// Tenant returns the tenant (tenant_not_found).
func (tx *pgTx) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	if tx.tenant == nil {
		t, err := scanTenant(tx.tx.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, tx.id))
		if err != nil {
			return nil, mapErr(tenantNotFound(err))
		}
		tx.tenant = t
	}
	return tx.tenant, nil
}

// Exec runs a statement and returns the number of rows it changed.
func (tx *pgTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if err := tenantry.CheckArgs(args); err != nil {
		return 0, err
	}
	tag, err := tx.tx.Exec(ctx, query, args...)
	if err != nil {
		return 0, txErr(err)
	}
	return tag.RowsAffected(), nil
}

// Query runs a query.
func (tx *pgTx) Query(ctx context.Context, query string, args ...any) (tenantry.Rows, error) {
	if err := tenantry.CheckArgs(args); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, txErr(err)
	}
	return pgRows{rows}, nil
}

// QueryRow runs a query that returns at most one row.
func (tx *pgTx) QueryRow(ctx context.Context, query string, args ...any) tenantry.Row {
	if err := tenantry.CheckArgs(args); err != nil {
		return errRow{err}
	}
	return pgRow{tx.tx.QueryRow(ctx, query, args...)}
}

// Audit writes an audit event of the tenant in the transaction.
func (tx *pgTx) Audit(ctx context.Context, action, targetType, targetID string, data any) error {
	if !tx.write {
		return errors.New("postgres: Audit in a read transaction")
	}
	e := tenantry.NewAuditEvent(ctx, tx.id, action, targetType, targetID)
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("encode audit data: %w", err)
		}
		e.Data = b
	}
	return txErr(insertAudit(ctx, tx.tx, e))
}

// AfterCommit registers fn to run after the transaction commits.
func (tx *pgTx) AfterCommit(fn func()) { *tx.hooks = append(*tx.hooks, fn) }

// pgRows adapts pgx.Rows.
type pgRows struct{ r pgx.Rows }

func (r pgRows) Next() bool             { return r.r.Next() }
func (r pgRows) Scan(dest ...any) error { return txErr(r.r.Scan(dest...)) }
func (r pgRows) Err() error             { return txErr(r.r.Err()) }
func (r pgRows) Close()                 { r.r.Close() }

// pgRow adapts pgx.Row; no row is not_found.
type pgRow struct{ r pgx.Row }

func (r pgRow) Scan(dest ...any) error { return txErr(r.r.Scan(dest...)) }

// errRow is a Row whose query was refused before it ran.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// txErr maps the errors of a builder's statement to tenantry errors: check
// and not-null violations are the client's (validation_failed); the rest
// as mapErr says (unique: conflict, foreign key: not_found, bad text:
// validation_failed, no row: not_found).
func txErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23514":
			return tenantry.Errorf(tenantry.EINVALID, "A value is not allowed.")
		case "23502":
			return tenantry.Errorf(tenantry.EINVALID, "A required value is missing.")
		}
	}
	return mapErr(err)
}
