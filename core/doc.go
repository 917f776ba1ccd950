// Package core holds Tenantry's own rules over the tenant transaction
// (tenantry.Tx), written once for every backend: who may join a tenant
// under its plan, the last-owner rule, what each change audits and the
// side effects it has. A backend's TenantStore embeds these types, so its
// own code only moves rows: its dialect, its connection, its transaction.
// Package projects is the same kind of code for an extension's tables.
package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// Transactor is the part of a tenantry.TenantStore the rules run on: its
// tenant's id and its write and read transactions, bound to that tenant.
type Transactor interface {
	ID() string
	Write(ctx context.Context, fn func(tenantry.Tx) error) error
	Read(ctx context.Context, fn func(tenantry.Tx) error) error
}

// Rules are Tenantry's own tenant-scoped storage over the transactions of
// one store handle, for both backends: tenantry.MemberStore,
// InvitationStore, APIKeyStore, ChatStore and AuditStore, and
// TenantStore.UpdateSettings. A backend's TenantStore embeds them; each
// resource's rules are in a file of its own.
type Rules struct {
	ts  Transactor
	cfg *Config
}

// New returns the rules of ts's tenant, with cfg, the store's.
func New(ts Transactor, cfg *Config) Rules { return Rules{ts: ts, cfg: cfg} }

// Config is what the rules know of a store, made once per store: the
// plans whose limits they enforce and the extensions whose MemberRemoved
// statements a removal runs.
type Config struct {
	Plans      tenantry.Plans
	Extensions []tenantry.Extension
	// Columns are the columns of each extension table and UserColumns
	// those of them that hold a user id, which the backend reads from
	// its catalog when it migrates: import checks and maps rows by them.
	Columns, UserColumns map[string][]string
	// Rows are the backend's statements of the extension tables' rows in
	// an export and an import.
	Rows RowStatements
}

// RowStatements are the two statements on the extension tables' rows that
// the two SQL dialects write differently, each of a declared, checked
// table name: Select reads tenant $1's rows of table, with columns, one
// JSON object a row; Insert inserts the row of table that JSON object $1
// holds, with keys names, each value converted to its column's type.
type RowStatements struct {
	Select func(table string, columns []string) string
	Insert func(table string, names []string) string
}

// scanner is a row to scan: tenantry.Row or tenantry.Rows.
type scanner interface{ Scan(dest ...any) error }

// nilID is the nil UUID, before every id on both backends: the first page
// of a list starts after it, so one query serves every page.
const nilID = "00000000-0000-0000-0000-000000000000"

// start returns a page's size and the id it starts after.
func start(p tenantry.Page) (int, string, error) {
	limit, after, err := p.Normalize()
	if after == "" {
		after = nilID
	}
	return limit, after, err
}

// list runs query, a page of limit+1 rows of the tenant's, in a read
// transaction of ts, scanning each row with scan, which also returns the
// row's cursor id; it returns the page and the cursor of the next one
// ("" on the last page).
func list[T any](ctx context.Context, ts Transactor, limit int, query string, args []any,
	scan func(row scanner, tenantID string) (T, string, error)) ([]T, string, error) {
	out := make([]T, 0, min(limit, 100))
	var last string
	err := ts.Read(ctx, func(tx tenantry.Tx) error {
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, id, err := scan(rows, tx.TenantID())
			if err != nil {
				return err
			}
			if len(out) < limit {
				last = id
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", err
	}
	if len(out) > limit {
		return out[:limit], tenantry.Cursor(last), nil
	}
	return out, "", nil
}

// settleID sets *id to a new id when it is empty and to its canonical
// form otherwise, noting in fields an id that is not a UUID.
func settleID(fields map[string]string, id *string) {
	if *id == "" {
		*id = tenantry.NewID()
	} else if canonical, ok := tenantry.ParseID(*id); ok {
		*id = canonical
	} else {
		fields["id"] = "must be a UUID"
	}
}

// checkRole notes in fields a role that is not one.
func checkRole(fields map[string]string, r tenantry.Role) {
	if !r.Valid() {
		fields["role"] = "must be owner, admin or member"
	}
}
