package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/outbox"
)

// Write runs fn in one write transaction of the handle's tenant, on the
// server's pool as the runtime role. Nothing is sent before fn's first
// statement that returns a result: BEGIN, SET LOCAL app.tenant_id, the lock
// of the tenant's row (FOR NO KEY UPDATE, so quotas checked against it hold
// until commit), the queued statements and that statement travel in one
// round trip. Statements queued last (Queue, Audit) travel with COMMIT, so
// a transaction of one read and one write is two round trips. Hooks added
// with AfterCommit run after a commit.
func (s *TenantStore) Write(ctx context.Context, fn func(tenantry.Tx) error) error {
	if err := s.check(); err != nil {
		return err
	}
	tx := &pgTx{db: s.db, id: s.id, write: true, pending: &pgx.Batch{}}
	return tx.run(ctx, func() error { return fn(tx) })
}

// Read runs fn in a read-only transaction of the handle's tenant. Each
// statement is its own READ ONLY transaction that travels in one round
// trip with BEGIN, SET LOCAL app.tenant_id and COMMIT, so a Read of one
// query costs what a query costs; each statement sees the rows committed
// when it starts (what READ COMMITTED gives within one transaction too).
// AfterCommit hooks run when fn returns nil.
func (s *TenantStore) Read(ctx context.Context, fn func(tenantry.Tx) error) error {
	if err := s.check(); err != nil {
		return err
	}
	tx := &pgTx{db: s.db, id: s.id}
	return tx.run(ctx, func() error { return fn(tx) })
}

// run runs fn, the body of transaction tx, and commits it (a write); then
// it tells the process the invalidations and the tenant's events and runs
// the AfterCommit hooks.
func (tx *pgTx) run(ctx context.Context, fn func() error) error {
	defer tx.release(ctx)
	if err := fn(); err != nil {
		return mapErr(err)
	}
	if tx.err != nil {
		return tx.err
	}
	if err := tx.commit(ctx); err != nil {
		return err
	}
	tx.release(ctx) // before the hooks, which may use the pool themselves
	tx.db.local.Deliver(tx.invs)
	if len(tx.events) > 0 {
		tx.db.eventsCommitted(tx.id)
	}
	for _, f := range tx.hooks {
		f()
	}
	return nil
}

// pgTx is a tenantry.Tx on one pooled connection. A write transaction
// begins with its first round trip; a read one runs each statement in a
// transaction of its own. With no tenant (id "") it is a core.GlobalTx
// over the global tables (global.go): its write sets no tenant and locks
// no row, and its read runs each statement on its own.
type pgTx struct {
	db    *DB
	id    string // "": a global transaction
	scope string // a global read's SET LOCAL (app.user_id, app.platform), sent before each statement; a sweep's settings
	write bool
	// snapshot: a read in one REPEATABLE READ transaction, begun with its
	// first statement (global.go).
	snapshot bool

	conn    *pgxpool.Conn    // acquired with the first round trip
	open    pgx.BatchResults // results of the last round trip not yet read to the end
	begun   bool             // BEGIN was sent (write)
	tenant  *tenantry.Tenant // locked at BEGIN in a write transaction, read lazily otherwise
	pending *pgx.Batch       // statements queued for the next round trip (write)
	hooks   []func()
	err     error // the first failed statement: it fails the transaction

	// The outbox (write): seq is the tenant's event counter, read and
	// locked at BEGIN (hasSeq false when the tenant has none yet), and
	// events are the audited changes' events, written with COMMIT.
	seq    int64
	hasSeq bool
	events []*tenantry.Event
	// invs are the invalidations of the audited changes, written last
	// before COMMIT and told the process after it.
	invs []tenantry.Invalidation
}

// TenantID returns the id of the transaction's tenant.
func (tx *pgTx) TenantID() string { return tx.id }

// Tenant returns the tenant (tenant_not_found). In a write transaction it
// begins the transaction if no statement did.
func (tx *pgTx) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	if tx.tenant != nil {
		return tx.tenant, nil
	}
	if tx.write {
		if err := tx.begin(ctx); err != nil {
			return nil, err
		}
		return tx.tenant, nil
	}
	if err := tx.acquire(ctx); err != nil {
		return nil, err
	}
	t, err := core.ScanTenant(tx.conn.QueryRow(ctx, `SELECT `+core.TenantColumns+` FROM tenants t WHERE t.id = $1`, tx.id))
	if err != nil {
		return nil, mapErr(tenantNotFound(err))
	}
	tx.tenant = t
	return t, nil
}

// Exec runs a statement and returns the number of rows it changed.
func (tx *pgTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	br, err := tx.statement(ctx, query, args)
	if err != nil {
		return 0, err
	}
	tag, err := br.Exec()
	tx.open = br
	if cerr := tx.closeOpen(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, tx.fail(err)
	}
	return tag.RowsAffected(), nil
}

// Query runs a query; the rows hold the connection until closed.
func (tx *pgTx) Query(ctx context.Context, query string, args ...any) (tenantry.Rows, error) {
	br, err := tx.statement(ctx, query, args)
	if err != nil {
		return nil, err
	}
	tx.open = br
	rows, err := br.Query()
	if err != nil {
		rows.Close()
		_ = tx.closeOpen()
		return nil, tx.fail(err)
	}
	return &pgRows{r: rows, tx: tx}, nil
}

// QueryRow runs a query that returns at most one row.
func (tx *pgTx) QueryRow(ctx context.Context, query string, args ...any) tenantry.Row {
	br, err := tx.statement(ctx, query, args)
	if err != nil {
		return errRow{err}
	}
	tx.open = br
	return &pgRow{r: br.QueryRow(), tx: tx}
}

// Queue queues a statement for the next round trip of a write
// transaction; in a read transaction it fails the transaction.
func (tx *pgTx) Queue(ctx context.Context, query string, args ...any) {
	if tx.err != nil {
		return
	}
	if !tx.write {
		tx.err = errors.New("postgres: Queue in a read transaction")
		return
	}
	if err := tenantry.CheckArgs(args); err != nil {
		tx.err = err
		return
	}
	tx.pending.Queue(query, args...)
}

// Audit queues an audit event of the tenant for the next round trip.
func (tx *pgTx) Audit(ctx context.Context, action, targetType, targetID string, data any) error {
	if !tx.write {
		return errors.New("postgres: Audit in a read transaction")
	}
	e, err := tenantry.NewAuditEventData(ctx, tx.id, action, targetType, targetID, data)
	if err != nil {
		return err
	}
	tx.pending.Queue(core.InsertAuditSQL, core.AuditArgs(e)...)
	tx.invs = append(tx.invs, e.Invalidations()...)
	if outbox.Enabled {
		tx.events = append(tx.events, tenantry.NewEvent(e))
	}
	return nil
}

// AfterCommit registers fn to run after the transaction commits.
func (tx *pgTx) AfterCommit(fn func()) { tx.hooks = append(tx.hooks, fn) }

// statement checks a statement's arguments and sends it (with what must
// precede it) in one round trip, returning its results positioned at it.
func (tx *pgTx) statement(ctx context.Context, query string, args []any) (pgx.BatchResults, error) {
	if tx.err != nil {
		return nil, tx.err
	}
	if err := tenantry.CheckArgs(args); err != nil {
		return nil, tx.fail(err)
	}
	return tx.send(ctx, &pgx.QueuedQuery{SQL: query, Arguments: args})
}

// send sends one round trip ending with q (nil: none) and reads the results
// of everything before q. In a write transaction that is BEGIN, the tenant,
// the lock of its row (the first time) and the queued statements; in a
// read transaction BEGIN READ ONLY and the tenant, with COMMIT after q.
func (tx *pgTx) send(ctx context.Context, q *pgx.QueuedQuery) (pgx.BatchResults, error) {
	if err := tx.closeOpen(); err != nil {
		return nil, err
	}
	if err := tx.acquire(ctx); err != nil {
		return nil, err
	}
	b := &pgx.Batch{}
	// read reads the answers of the statements before q, in order.
	read := tx.queueBegin(b)
	if tx.write {
		for range tx.pending.QueuedQueries {
			read = append(read, execResult)
		}
		b.QueuedQueries = append(b.QueuedQueries, tx.pending.QueuedQueries...)
		tx.pending = &pgx.Batch{}
	}
	if q != nil {
		b.QueuedQueries = append(b.QueuedQueries, q)
		if !tx.write && !tx.snapshot && (tx.id != "" || tx.scope != "") { // a read in a transaction of its own
			b.Queue("COMMIT")
		}
	}
	br, err := sendBatch(ctx, tx.conn.Conn(), b)
	if err != nil {
		return nil, tx.fail(err)
	}
	tx.begun = tx.begun || tx.write || tx.snapshot
	for _, r := range read {
		if err := r(br); err != nil {
			_ = br.Close()
			return nil, tx.fail(err)
		}
	}
	return br, nil
}

// execResult reads the answer of a statement whose result is not needed.
func execResult(br pgx.BatchResults) error { _, err := br.Exec(); return err }

// queueBegin queues in b what must precede the next statement and returns
// the readers of their answers: a write's BEGIN the first time (with the
// tenant, the lock of its row and of its event counter when it has one),
// a snapshot's BEGIN REPEATABLE READ with its tenant the first time, a
// read's BEGIN READ ONLY with its tenant or scope (a global read needs
// neither).
func (tx *pgTx) queueBegin(b *pgx.Batch) []func(pgx.BatchResults) error {
	exec := execResult
	var read []func(pgx.BatchResults) error
	switch {
	case tx.snapshot && !tx.begun:
		b.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
		tx.db.queueTenant(b, tx.id)
		read = append(read, exec, exec)
	case tx.snapshot:
	case tx.write && !tx.begun && tx.id == "":
		b.Queue("BEGIN")
		read = append(read, exec)
		if tx.scope != "" { // a sweep (global.go)
			b.Queue(tx.scope)
			read = append(read, exec)
		}
	case tx.write && !tx.begun:
		b.Queue("BEGIN")
		tx.db.queueTenant(b, tx.id)
		b.Queue(lockTenantSQL, tx.id)
		read = append(read, exec, exec, func(br pgx.BatchResults) error {
			var err error
			tx.tenant, err = core.ScanTenant(br.QueryRow())
			return tenantNotFound(err)
		})
		if outbox.Enabled {
			b.Queue(lockSeqSQL, tx.id)
			read = append(read, func(br pgx.BatchResults) error {
				err := br.QueryRow().Scan(&tx.seq)
				tx.hasSeq = err == nil
				if errors.Is(err, pgx.ErrNoRows) {
					return nil
				}
				return err
			})
		}
	case !tx.write && tx.id != "":
		b.Queue("BEGIN READ ONLY")
		tx.db.queueTenant(b, tx.id)
		read = append(read, exec, exec)
	case !tx.write && tx.scope != "":
		b.Queue("BEGIN READ ONLY")
		b.Queue(tx.scope)
		read = append(read, exec, exec)
	}
	return read
}

// begin sends BEGIN, the tenant, the locks and the queued statements of a
// write transaction in one round trip, with no statement after them.
func (tx *pgTx) begin(ctx context.Context) error {
	br, err := tx.send(ctx, nil)
	if err != nil {
		return err
	}
	tx.open = br
	return tx.closeOpen()
}

// acquire takes the transaction's connection from the pool.
func (tx *pgTx) acquire(ctx context.Context) error {
	if tx.conn != nil {
		return nil
	}
	c, err := tx.db.pool.Acquire(ctx)
	if err != nil {
		return tx.fail(err)
	}
	tx.conn = c
	return nil
}

// closeOpen reads the rest of the last round trip's results (a read
// transaction's COMMIT).
func (tx *pgTx) closeOpen() error {
	if tx.open == nil {
		return nil
	}
	err := tx.open.Close()
	tx.open = nil
	if err != nil {
		return tx.fail(err)
	}
	return nil
}

// fail records err as the transaction's failure and returns it mapped.
func (tx *pgTx) fail(err error) error {
	err = txErr(err)
	if tx.err == nil {
		tx.err = err
	}
	return err
}

// commit sends what is queued with COMMIT (a write transaction that sent
// nothing still begins, so a missing tenant is tenant_not_found).
func (tx *pgTx) commit(ctx context.Context) error {
	if !tx.write {
		return tx.closeOpen()
	}
	if err := tx.queueEvents(ctx); err != nil {
		return err
	}
	queueInvalidations(tx.pending, tx.db.local.Origin(), tx.invs)
	br, err := tx.send(ctx, &pgx.QueuedQuery{SQL: "COMMIT"})
	if err != nil {
		return err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return tx.fail(err)
	}
	if tag.String() != "COMMIT" {
		return tx.fail(errors.New("postgres: the transaction was rolled back"))
	}
	tx.begun = false
	return nil
}

// lockSeqSQL reads and locks the tenant's event counter at BEGIN: with the
// lock held until commit, the transaction's events take the next numbers
// and the tenant's writers commit in the order of their numbers.
const lockSeqSQL = `SELECT seq FROM tenant_event_seqs WHERE tenant_id = $1 FOR UPDATE`

// queueEvents numbers the transaction's events after the counter read at
// BEGIN and queues the counter's new value and the outbox rows, all
// INSERT ... VALUES or UPDATE with the tenant bound, which Citus routes to
// the tenant's shard; they travel with COMMIT. A tenant without a counter
// yet (its first event) creates it in a round trip of its own, since an
// absent row could not be locked at BEGIN.
func (tx *pgTx) queueEvents(ctx context.Context) error {
	k := int64(len(tx.events))
	if k == 0 {
		return nil
	}
	if !tx.begun {
		if err := tx.begin(ctx); err != nil {
			return err
		}
	}
	last := tx.seq + k
	if tx.hasSeq {
		tx.pending.Queue(`UPDATE tenant_event_seqs SET seq = $2 WHERE tenant_id = $1`, tx.id, last)
	} else if err := tx.QueryRow(ctx, `INSERT INTO tenant_event_seqs (tenant_id, seq) VALUES ($1, $2)
		ON CONFLICT (tenant_id) DO UPDATE SET seq = tenant_event_seqs.seq + $2 RETURNING seq`, tx.id, k).Scan(&last); err != nil {
		return err
	}
	for i, ev := range tx.events {
		ev.Seq = last - k + 1 + int64(i)
		tx.pending.Queue(core.InsertEventSQL, core.EventArgs(ev)...)
	}
	return nil
}

// release rolls back what is left open and returns the connection.
func (tx *pgTx) release(ctx context.Context) {
	if tx.conn == nil {
		return
	}
	_ = tx.closeOpen()
	if tx.conn.Conn().PgConn().TxStatus() != 'I' {
		_, _ = tx.conn.Exec(ctx, "ROLLBACK")
	}
	tx.conn.Release() // a connection not idle is destroyed, never reused
	tx.conn = nil
}

// pgRows adapts pgx.Rows; Close also reads the rest of the round trip.
type pgRows struct {
	r  pgx.Rows
	tx *pgTx
}

func (r *pgRows) Next() bool { return r.r.Next() }
func (r *pgRows) Scan(dest ...any) error {
	if err := r.r.Scan(dest...); err != nil {
		return r.tx.fail(err)
	}
	utcTimes(dest)
	return nil
}
func (r *pgRows) Err() error {
	if err := r.r.Err(); err != nil {
		return r.tx.fail(err)
	}
	return nil
}
func (r *pgRows) Close() {
	r.r.Close()
	if err := r.r.Err(); err != nil {
		_ = r.tx.fail(err)
	}
	_ = r.tx.closeOpen()
}

// pgRow adapts pgx.Row; no row is not_found.
type pgRow struct {
	r  pgx.Row
	tx *pgTx
}

func (r *pgRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	cerr := r.tx.closeOpen()
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return txErr(err)
	case err != nil:
		return r.tx.fail(err)
	}
	utcTimes(dest)
	return cerr
}

// utcTimes puts the times a row scanned into UTC, as SQLite's are (pgx
// gives timestamptz in the process's zone).
func utcTimes(dest []any) {
	for _, d := range dest {
		switch t := d.(type) {
		case *time.Time:
			*t = t.UTC()
		case **time.Time:
			if *t != nil {
				u := (*t).UTC()
				*t = &u
			}
		}
	}
}

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
