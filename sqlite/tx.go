package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tenantry/tenantry"
)

// Write runs fn in one write transaction of the handle's tenant, on the
// store's single writer: the tenant row is read first (tenant_not_found),
// and since SQLite's writer holds the whole database, nothing changes it
// until commit. Hooks added with AfterCommit run after a commit.
func (h *TenantStore) Write(ctx context.Context, fn func(tenantry.Tx) error) error {
	var hooks []func()
	err := h.write(ctx, func(tx *wtx, t *tenantry.Tenant) error {
		wt := &writeTx{txBase: txBase{q: tx, id: h.id, tenant: t, hooks: &hooks, sql: h.db.rewritten}, h: h, w: tx}
		if err := fn(wt); err != nil {
			return err
		}
		return wt.err
	})
	if err != nil {
		return err
	}
	for _, f := range hooks {
		f()
	}
	return nil
}

// Read runs fn with read-only access to the handle's tenant, on the
// readers (reader.go, connections that refuse writes): each statement runs
// on its own, prepared once per connection, and sees the rows committed
// when it starts, as on PostgreSQL. AfterCommit hooks run when fn returns
// nil.
func (h *TenantStore) Read(ctx context.Context, fn func(tenantry.Tx) error) error {
	if h.err != nil {
		return h.err
	}
	return h.db.readers.read(ctx, h.id, h.db.rewritten, false, fn)
}

// txBase is a tenantry.Tx over a read or write transaction.
type txBase struct {
	q      querier
	id     string
	tenant *tenantry.Tenant // read lazily in a read transaction
	hooks  *[]func()
	err    error // the first failed statement: it fails the transaction
	sql    *rewrites
}

// fail records err as the transaction's failure and returns it mapped.
func (tx *txBase) fail(err error) error {
	err = txErr(err)
	if tx.err == nil {
		tx.err = err
	}
	return err
}

// args checks a statement's arguments and converts times to their stored
// text; it copies args only when there is a time.
func (tx *txBase) args(args []any) ([]any, error) {
	if tx.err != nil {
		return nil, tx.err
	}
	if err := tenantry.CheckArgs(args); err != nil {
		return nil, tx.fail(err)
	}
	copied := false
	for i, a := range args {
		var v any
		switch t := a.(type) {
		case time.Time:
			v = encTime(t)
		case *time.Time:
			v = encNullTime(t)
		default:
			continue
		}
		if !copied {
			args, copied = append([]any(nil), args...), true
		}
		args[i] = v
	}
	return args, nil
}

// dests wraps the *time.Time destinations of a Scan in timeScan and the
// **time.Time ones (a nullable time) in nullTimeScan; it copies dest only
// when there is one.
func dests(dest []any) []any {
	for _, d := range dest {
		switch d.(type) {
		case *time.Time, **time.Time:
			return appendDests(nil, dest)
		}
	}
	return dest
}

// appendDests appends dest to buf with its time destinations wrapped.
func appendDests(buf, dest []any) []any {
	for _, d := range dest {
		switch t := d.(type) {
		case *time.Time:
			d = timeScan{t}
		case **time.Time:
			d = nullTimeScan{t}
		}
		buf = append(buf, d)
	}
	return buf
}

// TenantID returns the id of the transaction's tenant.
func (tx *txBase) TenantID() string { return tx.id }

// Tenant returns the tenant (tenant_not_found).
func (tx *txBase) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	if tx.tenant == nil {
		t, err := tenantWhere(ctx, tx.q, `id = ?`, tx.id)
		if err != nil {
			return nil, err
		}
		tx.tenant = t
	}
	return tx.tenant, nil
}

// Exec runs a statement and returns the number of rows it changed.
func (tx *txBase) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	args, err := tx.args(args)
	if err != nil {
		return 0, err
	}
	res, err := tx.q.ExecContext(ctx, tx.sql.numbered(query), args...)
	if err != nil {
		return 0, tx.fail(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, tx.fail(err)
	}
	return n, nil
}

// Queue fails a read transaction: it is for writes.
func (tx *txBase) Queue(context.Context, string, ...any) {
	if tx.err == nil {
		tx.err = errors.New("sqlite: Queue in a read transaction")
	}
}

// Query runs a query.
func (tx *txBase) Query(ctx context.Context, query string, args ...any) (tenantry.Rows, error) {
	args, err := tx.args(args)
	if err != nil {
		return nil, err
	}
	rows, err := tx.q.QueryContext(ctx, tx.sql.numbered(query), args...)
	if err != nil {
		return nil, tx.fail(err)
	}
	return &txRows{r: rows}, nil
}

// QueryRow runs a query that returns at most one row.
func (tx *txBase) QueryRow(ctx context.Context, query string, args ...any) tenantry.Row {
	args, err := tx.args(args)
	if err != nil {
		return errRow{err}
	}
	return txRow{tx.q.QueryRowContext(ctx, tx.sql.numbered(query), args...), tx}
}

// Audit fails: a read transaction changes nothing, so it has nothing to
// audit.
func (tx *txBase) Audit(context.Context, string, string, string, any) error {
	return errors.New("sqlite: Audit in a read transaction")
}

// AfterCommit registers fn to run after the transaction.
func (tx *txBase) AfterCommit(fn func()) { *tx.hooks = append(*tx.hooks, fn) }

// writeTx is a tenantry.Tx over a write transaction.
type writeTx struct {
	txBase
	h *TenantStore
	w *wtx
}

// Audit writes an audit event of the tenant in the transaction.
func (tx *writeTx) Audit(ctx context.Context, action, targetType, targetID string, data any) error {
	if tx.err != nil {
		return tx.err
	}
	if err := tx.h.audit(ctx, tx.w, action, targetType, targetID, data); err != nil {
		return tx.fail(err)
	}
	return nil
}

// Queue runs a statement at once (SQLite runs in process, so there is no
// round trip to save); its error fails the transaction.
func (tx *writeTx) Queue(ctx context.Context, query string, args ...any) {
	_, _ = tx.Exec(ctx, query, args...)
}

// txRows adapts *sql.Rows.
type txRows struct {
	r   *sql.Rows
	buf []any // the destinations of Scan with times wrapped, reused row after row
}

func (r *txRows) Next() bool { return r.r.Next() }
func (r *txRows) Scan(dest ...any) error {
	r.buf = appendDests(r.buf[:0], dest)
	return txErr(r.r.Scan(r.buf...))
}
func (r *txRows) Err() error { return txErr(r.r.Err()) }
func (r *txRows) Close()     { _ = r.r.Close() }

// txRow adapts *sql.Row; no row is not_found.
type txRow struct {
	r  *sql.Row
	tx *txBase
}

func (r txRow) Scan(dest ...any) error {
	err := r.r.Scan(dests(dest)...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
	case err != nil:
		return r.tx.fail(err)
	}
	return nil
}

// errRow is a Row whose query was refused before it ran.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// txErr maps the errors of a builder's statement to tenantry errors: the
// constraint violations a client causes become client errors, the rest as
// dbErr says.
func txErr(err error) error {
	if err == nil {
		return nil
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.ECONFLICT, "It already exists."), err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.ENOTFOUND, "A record it refers to does not exist."), err)
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EINVALID, "A required value is missing."), err)
		case sqlite3.SQLITE_CONSTRAINT_DATATYPE: // a STRICT column, as PostgreSQL's invalid input
			return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EBADREQUEST, "The request is not valid."), err)
		}
	}
	return dbErr(err)
}
