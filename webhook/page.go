package webhook

import (
	"net/http"

	"github.com/tenantry/tenantry"
	api "github.com/tenantry/tenantry/http"
)

// listQuery is one page of a list route: its query, whose last argument
// is the page size plus one, and what to check first in the same read
// transaction.
type listQuery struct {
	check func(tx tenantry.Tx) error
	query string
	args  []any
}

// writePage runs q in one read transaction of the request's tenant, scans
// each row with scan and writes the list answer of limit items, with the
// cursor of the last one's id when there are more.
func writePage[T any](w http.ResponseWriter, r *http.Request, c api.Call, limit int, q listQuery, scan func(tenantry.Row, *T) error, id func(T) string) error {
	var out []T
	err := c.Store.Read(r.Context(), func(tx tenantry.Tx) error {
		if q.check != nil {
			if err := q.check(tx); err != nil {
				return err
			}
		}
		rows, err := tx.Query(r.Context(), q.query, append(q.args, limit+1)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v T
			if err := scan(rows, &v); err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	next := ""
	if len(out) > limit {
		out, next = out[:limit], tenantry.Cursor(id(out[limit-1]))
	}
	return api.WriteList(w, out, next)
}

// pageOf reads the request's ?limit= and ?cursor=: the page size and the
// id the cursor names, or def without one.
func pageOf(r *http.Request, def string) (int, string, error) {
	page, err := api.PageParam(r)
	if err != nil {
		return 0, "", err
	}
	limit, at, err := page.Normalize()
	if err != nil {
		return 0, "", err
	}
	if at == "" {
		at = def
	}
	return limit, at, nil
}
