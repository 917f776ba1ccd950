package tenantry

import "context"

// Tx is a transaction bound to one tenant: the seam through which a
// builder's own tenant tables are read and written with the same guarantees
// as Tenantry's. TenantStore.Write and TenantStore.Read give one; there is
// no other way to get one, so there is no way to reach a tenant's rows
// without naming the tenant.
//
// Statements use numbered placeholders, $1, $2, ..., on every backend, and
// every value is bound, never spliced. On PostgreSQL the transaction runs as
// the runtime role with app.tenant_id set (row level security refuses every
// other tenant's row); on SQLite it runs on the store's one writer (Write)
// or its reader pool (Read). Statements must still name the tenant
// (WHERE tenant_id = $1, TenantID()): SQLite has no row level security.
//
// Values: strings, integers, floats, booleans, []byte, nil and time.Time
// bind and scan the same way on both backends; a time.Time is stored as
// timestamptz on PostgreSQL and as fixed-width UTC text on SQLite
// ("2006-01-02T15:04:05.000000Z", which sorts as time does), and scans
// back into a *time.Time from either; a *time.Time binds nil as NULL, and a
// NULL scans into a **time.Time as nil.
//
// Errors come back as tenantry errors: a unique violation is conflict, a
// foreign key violation not_found, a check or not-null violation and text
// that is not UTF-8 (or holds NUL) validation_failed, an unreachable
// database unavailable; anything else is internal and its message never
// reaches a client. A statement that fails fails its transaction: Write
// returns that error even when fn goes on and returns nil, as PostgreSQL
// aborts the transaction at the first error.
//
// Round trips, on PostgreSQL: a Read runs each statement as a read-only
// transaction of its own in one round trip (BEGIN, the tenant, the
// statement and COMMIT together), so each statement sees the rows
// committed when it starts; a Write sends nothing until its first
// statement that returns a result, which travels with BEGIN, the tenant
// and the lock of the tenant's row, and statements queued with Queue or
// Audit travel with the next such statement or with COMMIT. A create that
// counts, inserts and audits is two round trips. On SQLite every statement
// runs in process.
type Tx interface {
	// TenantID returns the id of the transaction's tenant.
	TenantID() string
	// Tenant returns the tenant. In a write transaction its row was locked
	// when the transaction began, so a quota checked against it holds until
	// commit.
	Tenant(ctx context.Context) (*Tenant, error)
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a query; the caller closes the rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// QueryRow runs a query that returns at most one row; Scan reports
	// not_found when there is none.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Queue runs a statement whose result the caller does not need, in
	// order, before the next statement that returns one or at commit; its
	// error fails the transaction (Write returns it). It is for writes: in
	// a read transaction it fails the transaction.
	Queue(ctx context.Context, query string, args ...any)
	// Audit writes an audit event of the tenant in the transaction (as
	// Queue does): the actor and request id come from ctx, data (nil, or a
	// value that encodes as a JSON object) says what changed. It fails in
	// a read transaction.
	Audit(ctx context.Context, action, targetType, targetID string, data any) error
	// AfterCommit registers fn to run once the transaction has committed
	// (never after a rollback), in registration order: the place for cache
	// invalidations and notifications.
	AfterCommit(fn func())
}

// Rows are the rows of Tx.Query.
type Rows interface {
	// Next prepares the next row for Scan and reports whether there is one.
	Next() bool
	// Scan copies the columns of the current row into dest.
	Scan(dest ...any) error
	// Err returns the error that ended the iteration, if any.
	Err() error
	// Close releases the rows; it may be called more than once.
	Close()
}

// Row is the row of Tx.QueryRow.
type Row interface {
	// Scan copies the row's columns into dest (not_found for no row).
	Scan(dest ...any) error
}

// CheckArgs returns validation_failed when a string argument of a statement
// is not text (ValidText): such text is refused before it reaches either
// database, the same way on both.
func CheckArgs(args []any) error {
	for _, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case *string:
			if v == nil {
				continue
			}
			s = *v
		default:
			continue
		}
		if !ValidText(s) {
			return &Error{Code: EINVALID, Message: "Text must be UTF-8 without NUL characters."}
		}
	}
	return nil
}
