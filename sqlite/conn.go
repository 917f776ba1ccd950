package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
	"zombiezen.com/go/sqlite"
	"zombiezen.com/go/sqlite/sqlitex"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// Every transaction, a read on the pool of readers or a write on the one
// writer (write.go), is a connTx on a connection of
// zombiezen.com/go/sqlite: a thin API over modernc.org/sqlite/lib, the
// engine the migrations reach through database/sql too, so one engine, one
// set of file locks and one page format. It skips database/sql's per-query
// goroutines, locks and conversions and the driver's per-step context
// checks: a list of 20 projects makes a quarter of the allocations
// (BenchmarkProjects). Each connection keeps its prepared statements
// (connStmts, reader_cache.go), so a query runs on the plan SQLite made for
// it the first time. A transaction's context interrupts its statements
// (sqlite3_interrupt) once it is done.

// readers is the pool of the read transactions' connections: a channel
// holding the ones free, each with its statements and its interrupter, so
// that taking one allocates nothing and starts no goroutine.
type readers struct {
	free   chan *reader
	n      int // connections opened
	closed sync.Once
	done   chan struct{} // closed by close

	inUse atomic.Int64 // connections taken (Stats)
}

// reader is one of the readers' connections.
type reader struct {
	c     *sqlite.Conn
	stmts *connStmts
	intr  *interrupter
}

// openReaders opens n read-only connections to the database at path,
// which the migrations have created in WAL mode.
func openReaders(path string, n int) (*readers, error) {
	r := &readers{free: make(chan *reader, n), done: make(chan struct{})}
	for range n {
		c, err := openReader(path)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("sqlite: open readers: %w", err)
		}
		r.free <- &reader{c: c, stmts: newConnStmts(c, maxReaderStmts), intr: newInterrupter(c)}
		r.n++
	}
	return r, nil
}

// openReader opens one reader connection.
func openReader(path string) (*sqlite.Conn, error) {
	c, err := sqlite.OpenConn(path, sqlite.OpenReadWrite)
	if err != nil {
		return nil, err
	}
	c.SetBusyTimeout(5 * time.Second)
	for _, pragma := range []string{"PRAGMA query_only = 1", "PRAGMA " + readerCacheSize} {
		if err := sqlitex.ExecuteTransient(c, pragma, nil); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// close closes the connections once every read has given its back, and
// once: a DB may be closed twice. Closing a connection finalizes the
// statements its connStmts holds (they are zombiezen's persistent
// statements).
func (r *readers) close() (err error) {
	r.closed.Do(func() {
		close(r.done)
		for range r.n {
			rd := <-r.free
			err = errors.Join(err, rd.c.Close())
		}
	})
	return err
}

// take returns a free connection, waiting for one as long as ctx lets it.
func (r *readers) take(ctx context.Context) (*reader, error) {
	select {
	case rd := <-r.free:
		return rd, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.done:
		return nil, tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable.")
	}
}

// read runs fn with a connTx of tenant id on a pooled connection; with
// snapshot, in one transaction, so that every statement sees the rows
// committed when the first began (it ends with ROLLBACK: it wrote nothing).
func (r *readers) read(ctx context.Context, id string, snapshot bool, fn func(tenantry.Tx) error) error {
	rd, err := r.take(ctx)
	if err != nil {
		return err
	}
	r.inUse.Add(1)
	defer r.inUse.Add(-1)
	if err := rd.intr.begin(ctx); err != nil {
		r.free <- rd
		return err
	}
	c := rd.c
	var hooks []func()
	tx := &connTx{ctx: ctx, c: c, stmts: rd.stmts, id: id, hooks: &hooks}
	if snapshot {
		err = sqlitex.ExecuteTransient(c, "BEGIN", nil)
	}
	if err == nil {
		err = fn(tx)
	}
	tx.resetAll()
	rd.intr.end() // so that a done ctx does not refuse the ROLLBACK
	if snapshot && !c.AutocommitEnabled() {
		_ = sqlitex.ExecuteTransient(c, "ROLLBACK", nil)
	}
	tx.stmts.trim()
	r.free <- rd
	if err != nil {
		return connErr(ctx, err)
	}
	if tx.err != nil {
		return tx.err
	}
	for _, f := range hooks {
		f()
	}
	return nil
}

// connTx is a transaction on one connection: a tenantry.Tx of tenant id
// (or, with id "", the global tables' core.GlobalTx, global.go). A read
// runs on a pooled reader, each statement on its own seeing the rows
// committed when it starts; a write runs on the writer (write.go).
type connTx struct {
	ctx    context.Context
	c      *sqlite.Conn
	stmts  *connStmts // c's prepared statements
	id     string
	tenant *tenantry.Tenant
	hooks  *[]func()
	err    error      // the first failed statement: it fails the transaction
	open   []openStmt // statements handed out and not yet reset

	*writeState // nil in a read
}

// writeState is what a write transaction keeps besides: db makes the audit
// ids, invs are the invalidations it writes before it commits and delivers
// after, events the tenants whose outbox it wrote to. A read does without
// (it is allocated on every list and get).
type writeState struct {
	db     *DB
	invs   []tenantry.Invalidation
	events []string
}

// openStmt is a statement a connTx handed out and its SQL text.
type openStmt struct {
	st    *sqlite.Stmt
	query string
}

// TenantID returns the id of the transaction's tenant.
func (tx *connTx) TenantID() string { return tx.id }

// Tenant returns the tenant (tenant_not_found).
func (tx *connTx) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	if tx.tenant != nil {
		return tx.tenant, nil
	}
	t, err := core.ScanTenant(tx.QueryRow(ctx, `SELECT `+core.TenantColumns+` FROM tenants t WHERE t.id = $1`, tx.id))
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
	} else if err != nil {
		return nil, err
	}
	tx.tenant = t
	return t, nil
}

// Exec runs a statement (a reader's connection refuses writes).
func (tx *connTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	st, err := tx.statement(query, args)
	if err != nil {
		return 0, err
	}
	_, err = st.Step()
	tx.reset(st)
	if err != nil {
		return 0, tx.fail(err)
	}
	return int64(tx.c.Changes()), nil
}

// Query runs a query; the caller closes the rows.
func (tx *connTx) Query(ctx context.Context, query string, args ...any) (tenantry.Rows, error) {
	st, err := tx.statement(query, args)
	if err != nil {
		return nil, err
	}
	return &connRows{tx: tx, st: st}, nil
}

// QueryRow runs a query that returns at most one row.
func (tx *connTx) QueryRow(ctx context.Context, query string, args ...any) tenantry.Row {
	st, err := tx.statement(query, args)
	if err != nil {
		return errRow{err}
	}
	return connRow{tx: tx, st: st}
}

// Queue runs a statement at once in a write: its error fails the
// transaction. It fails a read transaction.
func (tx *connTx) Queue(ctx context.Context, query string, args ...any) {
	if tx.writeState != nil {
		_, _ = tx.Exec(ctx, query, args...)
	} else if tx.err == nil {
		tx.err = errors.New("sqlite: Queue in a read transaction")
	}
}

// Audit writes an audit event of the tenant, its invalidations and its
// event (write.go); it fails in a read transaction.
func (tx *connTx) Audit(ctx context.Context, action, targetType, targetID string, data any) error {
	if tx.writeState == nil {
		return errors.New("sqlite: Audit in a read transaction")
	}
	ev, err := tenantry.NewAuditEventData(ctx, tx.id, action, targetType, targetID, data)
	if err != nil {
		return err
	}
	return tx.insertAudit(ctx, ev)
}

// AfterCommit registers fn to run after the transaction.
func (tx *connTx) AfterCommit(fn func()) { *tx.hooks = append(*tx.hooks, fn) }

// statement returns a prepared statement of query (from tx.stmts) with
// every parameter bound (bindAll), so no value of an earlier run is left.
func (tx *connTx) statement(query string, args []any) (*sqlite.Stmt, error) {
	if tx.err != nil {
		return nil, tx.err
	}
	if err := tenantry.CheckArgs(args); err != nil {
		return nil, tx.fail(err)
	}
	st, err := tx.stmts.take(query)
	if err != nil {
		return nil, tx.fail(err)
	}
	if err := bindAll(st, args); err != nil {
		tx.stmts.drop(query, st)
		return nil, tx.fail(err)
	}
	tx.open = append(tx.open, openStmt{st, query})
	return st, nil
}

// bindAll binds each parameter of st to the argument its number names:
// a statement is written with PostgreSQL's numbered placeholders ($1,
// $2, ...), which SQLite parses as named parameters, "$1" and "$2", one
// per name however often it appears and wherever it stands; SQLite's own
// ?NNN binds the same way, and a bare ? the argument at its position. As
// on PostgreSQL, the highest number must be the number of arguments. So a
// builder's statement is the same text on both backends, and quotes and
// comments are SQLite's own tokenizer's business.
func bindAll(st *sqlite.Stmt, args []any) error {
	highest := 0
	for i := 1; i <= st.BindParamCount(); i++ {
		n := paramNumber(st.BindParamName(i), i)
		switch {
		case n == 0:
			return fmt.Errorf("sqlite: parameter %s: number the parameters $1, $2 and on", st.BindParamName(i))
		case n > len(args):
			return fmt.Errorf("sqlite: parameter %s of %d arguments", st.BindParamName(i), len(args))
		}
		if err := bind(st, i, args[n-1]); err != nil {
			return err
		}
		highest = max(highest, n)
	}
	if highest != len(args) {
		return fmt.Errorf("sqlite: %d arguments for a statement that takes %d", len(args), highest)
	}
	return nil
}

// paramNumber returns the argument number of a parameter named name at
// index i: the digits after a leading $ or ? ($1 and ?1 are 1, a cast
// SQLite reads as part of the name, $1::jsonb, too), i for a bare ?, and
// 0 for any other name.
func paramNumber(name string, i int) int {
	if name == "" {
		return i
	}
	if name[0] != '$' && name[0] != '?' {
		return 0
	}
	n := 0
	for _, c := range []byte(name[1:]) {
		if c < '0' || c > '9' || n > 1<<20 {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// reset gives st back to tx.stmts, reset for its next use. Its bindings
// stay (the next use binds them all): clearing them would make SQLite
// plan the statement again.
func (tx *connTx) reset(st *sqlite.Stmt) {
	for i, o := range tx.open {
		if o.st == st {
			tx.open = append(tx.open[:i], tx.open[i+1:]...)
			tx.stmts.give(o.query, st)
			return
		}
	}
}

// resetAll resets the statements fn left open, so the connection goes back
// to the pool idle.
func (tx *connTx) resetAll() {
	for len(tx.open) > 0 {
		tx.reset(tx.open[len(tx.open)-1].st)
	}
}

// fail records err as the transaction's failure and returns it mapped.
func (tx *connTx) fail(err error) error {
	err = connErr(tx.ctx, err)
	if tx.err == nil {
		tx.err = err
	}
	return err
}

// connRows are the rows of connTx.Query.
type connRows struct {
	tx   *connTx
	st   *sqlite.Stmt
	err  error
	done bool
}

func (r *connRows) Next() bool {
	if r.done {
		return false
	}
	ok, err := r.st.Step()
	if err != nil {
		r.err = r.tx.fail(err)
	}
	if !ok {
		r.Close()
	}
	return ok
}

func (r *connRows) Scan(dest ...any) error {
	if err := scanColumns(r.st, dest); err != nil {
		return r.tx.fail(err)
	}
	return nil
}

func (r *connRows) Err() error { return r.err }

func (r *connRows) Close() {
	if !r.done {
		r.done = true
		r.tx.reset(r.st)
	}
}

// connRow is the row of connTx.QueryRow; no row is not_found.
type connRow struct {
	tx *connTx
	st *sqlite.Stmt
}

func (r connRow) Scan(dest ...any) error {
	defer r.tx.reset(r.st)
	ok, err := r.st.Step()
	switch {
	case err != nil:
		return r.tx.fail(err)
	case !ok:
		return tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
	}
	if err := scanColumns(r.st, dest); err != nil {
		return r.tx.fail(err)
	}
	return nil
}

// connErr maps an error of a statement to tenantry errors: a unique
// violation is conflict, a foreign key violation not_found, a not-null or
// check violation validation_failed, a value a STRICT column refuses
// bad_request; an interrupted statement is its context's error, a busy or
// unreachable database unavailable.
func connErr(ctx context.Context, err error) error {
	var te *tenantry.Error
	if errors.As(err, &te) {
		return err
	}
	switch sqlite.ErrCode(err) {
	case sqlite.ResultConstraintUnique, sqlite.ResultConstraintPrimaryKey:
		return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.ECONFLICT, "It already exists."), err)
	case sqlite.ResultConstraintForeignKey:
		return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.ENOTFOUND, "A record it refers to does not exist."), err)
	case sqlite.ResultConstraintNotNull:
		return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EINVALID, "A required value is missing."), err)
	case sqlite.ResultConstraintCheck:
		return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EINVALID, "A value is not allowed."), err)
	case sqlite.ResultCode(sqlite3.SQLITE_CONSTRAINT_DATATYPE): // a STRICT column, as PostgreSQL's invalid input
		return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EBADREQUEST, "The request is not valid."), err)
	}
	switch sqlite.ErrCode(err).ToPrimary() {
	case sqlite.ResultInterrupt:
		if ctx.Err() != nil {
			return ctx.Err()
		}
	case sqlite.ResultBusy, sqlite.ResultLocked, sqlite.ResultCantOpen, sqlite.ResultIOErr, sqlite.ResultFull:
		return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable."), err)
	}
	return err
}

// bind binds argument a to parameter i of st: the values tenantry.Tx
// documents (strings, integers, floats, booleans, []byte, nil, times)
// directly, and anything else as database/sql's default converter turns it
// into one of those (driver.Valuers, pointers, named types of those
// kinds), or refuses it.
func bind(st *sqlite.Stmt, i int, a any) error {
	switch v := a.(type) {
	case nil:
		st.BindNull(i)
	case string:
		st.BindText(i, v)
	case int64:
		st.BindInt64(i, v)
	case int:
		st.BindInt64(i, int64(v))
	case bool:
		st.BindBool(i, v)
	case float64:
		st.BindFloat(i, v)
	case []byte:
		if v == nil {
			st.BindNull(i)
		} else {
			st.BindBytes(i, v)
		}
	case time.Time:
		st.BindText(i, encTime(v))
	default:
		dv, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return fmt.Errorf("sqlite: argument %d: %w", i, err)
		}
		switch dv.(type) {
		case nil, string, int64, bool, float64, []byte, time.Time:
			return bind(st, i, dv)
		}
		return fmt.Errorf("sqlite: argument %d: unsupported type %T", i, a) // a decimal, which SQLite has not
	}
	return nil
}

// scanColumns copies the current row's columns into dest, converting as
// database/sql does for the types tenantry.Tx documents.
func scanColumns(st *sqlite.Stmt, dest []any) error {
	if n := st.ColumnCount(); len(dest) != n {
		return fmt.Errorf("sqlite: %d destinations for %d columns", len(dest), n)
	}
	for i, d := range dest {
		if err := scanColumn(st, i, d); err != nil {
			return fmt.Errorf("sqlite: column %d: %w", i, err)
		}
	}
	return nil
}

// columnFloat copies column i, of type typ, into d: a number, or text
// that is one.
func columnFloat(st *sqlite.Stmt, i int, typ sqlite.ColumnType, d *float64) error {
	switch typ {
	case sqlite.TypeNull:
		return errors.New("NULL into a float64")
	case sqlite.TypeText:
		f, err := strconv.ParseFloat(st.ColumnText(i), 64)
		*d = f
		return err
	}
	*d = st.ColumnFloat(i)
	return nil
}

// columnBool copies column i, of type typ, into d: the integer 0 or 1.
func columnBool(st *sqlite.Stmt, i int, typ sqlite.ColumnType, d *bool) error {
	if typ != sqlite.TypeInteger {
		return fmt.Errorf("%s into a bool", typ)
	}
	switch st.ColumnInt64(i) {
	case 0:
		*d = false
	case 1:
		*d = true
	default:
		return errors.New("an integer other than 0 or 1 into a bool")
	}
	return nil
}

// scanColumn copies column i into d.
func scanColumn(st *sqlite.Stmt, i int, d any) error {
	typ := st.ColumnType(i)
	switch d := d.(type) {
	case *string:
		if typ == sqlite.TypeNull {
			return errors.New("NULL into a string")
		}
		*d = st.ColumnText(i)
	case *int64:
		return columnInt(st, i, typ, d)
	case *int:
		var n int64
		err := columnInt(st, i, typ, &n)
		*d = int(n)
		return err
	case *int32:
		var n int64
		err := columnInt(st, i, typ, &n)
		*d = int32(n)
		return err
	case *float64:
		return columnFloat(st, i, typ, d)
	case *bool:
		return columnBool(st, i, typ, d)
	case *[]byte:
		if typ == sqlite.TypeNull {
			*d = nil
			return nil
		}
		b := make([]byte, st.ColumnLen(i))
		st.ColumnBytes(i, b)
		*d = b
	case *time.Time:
		if typ == sqlite.TypeNull {
			return errors.New("NULL into a time")
		}
		return columnTime(st, i, d)
	case **time.Time:
		if typ == sqlite.TypeNull {
			*d = nil
			return nil
		}
		var t time.Time
		if err := columnTime(st, i, &t); err != nil {
			return err
		}
		*d = &t
	case *any:
		*d = columnValue(st, i, typ)
	case sql.Scanner:
		return d.Scan(columnValue(st, i, typ))
	default:
		return scanKind(st, i, typ, d)
	}
	return nil
}

// scanKind copies column i into d, a pointer to a pointer (nil for NULL)
// or to a named type of a string, integer, float or bool kind, as
// database/sql does.
func scanKind(st *sqlite.Stmt, i int, typ sqlite.ColumnType, d any) error {
	rv := reflect.ValueOf(d)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("unsupported destination %T", d)
	}
	v := rv.Elem()
	switch v.Kind() {
	case reflect.Pointer:
		if typ == sqlite.TypeNull {
			v.SetZero()
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := scanColumn(st, i, p.Interface()); err != nil {
			return err
		}
		v.Set(p)
	case reflect.String:
		var s string
		if err := scanColumn(st, i, &s); err != nil {
			return err
		}
		v.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var n int64
		if err := columnInt(st, i, typ, &n); err != nil {
			return err
		}
		if v.OverflowInt(n) {
			return fmt.Errorf("%d overflows %s", n, v.Type())
		}
		v.SetInt(n)
	case reflect.Bool:
		var b bool
		if err := scanColumn(st, i, &b); err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Float32, reflect.Float64:
		var f float64
		if err := scanColumn(st, i, &f); err != nil {
			return err
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("unsupported destination %T", d)
	}
	return nil
}

// columnTime reads a stored time into d; one in timeFormat is parsed from
// a copy on the stack, without a string.
func columnTime(st *sqlite.Stmt, i int, d *time.Time) error {
	var buf [len(timeFormat)]byte
	if st.ColumnLen(i) == len(buf) {
		st.ColumnBytes(i, buf[:])
		if t, ok := parseStored(buf[:]); ok {
			*d = t
			return nil
		}
	}
	return timeScan{d}.Scan(st.ColumnText(i))
}

// columnInt reads an integer column (or text holding one) into d.
func columnInt(st *sqlite.Stmt, i int, typ sqlite.ColumnType, d *int64) error {
	switch typ {
	case sqlite.TypeNull:
		return errors.New("NULL into an integer")
	case sqlite.TypeText:
		n, err := strconv.ParseInt(st.ColumnText(i), 10, 64)
		*d = n
		return err
	case sqlite.TypeFloat:
		return errors.New("a float into an integer")
	}
	*d = st.ColumnInt64(i)
	return nil
}

// columnValue returns column i as database/sql's driver gives it to a
// Scanner: int64, float64, string, []byte or nil.
func columnValue(st *sqlite.Stmt, i int, typ sqlite.ColumnType) any {
	switch typ {
	case sqlite.TypeInteger:
		return st.ColumnInt64(i)
	case sqlite.TypeFloat:
		return st.ColumnFloat(i)
	case sqlite.TypeText:
		return st.ColumnText(i)
	case sqlite.TypeBlob:
		b := make([]byte, st.ColumnLen(i))
		st.ColumnBytes(i, b)
		return b
	}
	return nil
}

// errRow is a Row whose query was refused before it ran.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
