// Package invoices is a builder's app on Tenantry: an invoices table
// scoped to tenants, with list, create and get routes, a max_invoices plan
// limit and an audit event per invoice. cmd/invoices is its main.
package invoices

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
	api "github.com/tenantry/tenantry/http"
)

//go:embed migrations
var migrations embed.FS

// LimitMaxInvoices is the extension's plan limit.
const LimitMaxInvoices = "max_invoices"

// Extension declares the invoices table, its migrations and its limit.
func Extension() tenantry.Extension {
	sqlite, _ := fs.Sub(migrations, "migrations/sqlite")
	postgres, _ := fs.Sub(migrations, "migrations/postgres")
	return tenantry.Extension{Name: "invoices", Tables: []string{"invoices"}, SQLite: sqlite, Postgres: postgres,
		Limits: map[string]map[string]int64{LimitMaxInvoices: {"free": 5, "starter": 500, "pro": 100000}},
		Usage:  map[string]string{"invoices": `SELECT count(*) FROM invoices WHERE tenant_id = $1`}}
}

// Invoice is one invoice of a tenant.
type Invoice struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Customer    string `json:"customer"`
	AmountCents int64  `json:"amount_cents"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
}

// Input is the body of POST /api/invoices.
type Input struct {
	Number      string `json:"number"`
	Customer    string `json:"customer"`
	AmountCents int64  `json:"amount_cents"`
}

// Routes are the invoices routes, served inside Tenantry's chain.
func Routes() []api.Route {
	return []api.Route{
		{Pattern: "GET /api/invoices", Summary: "List invoices", Tenant: list, Response: api.List[Invoice]{}},
		{Pattern: "POST /api/invoices", Summary: "Create an invoice", Tenant: create, Body: Input{}, Response: Invoice{},
			Status: http.StatusCreated, Errors: []string{"conflict", "plan_limit"}},
		{Pattern: "GET /api/invoices/{id}", Summary: "Get an invoice", Tenant: get, Response: Invoice{}, Errors: []string{"not_found"}},
	}
}

const columns = `id, number, customer, amount_cents, status, created_at`

func scan(row tenantry.Row, in *Invoice) error {
	return row.Scan(&in.ID, &in.Number, &in.Customer, &in.AmountCents, &in.Status, &in.CreatedAt)
}

func create(w http.ResponseWriter, r *http.Request, c api.Call) error {
	var in Input
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	fields := map[string]string{}
	if in.Number = strings.TrimSpace(in.Number); in.Number == "" {
		fields["number"] = "required"
	}
	if in.Customer = strings.TrimSpace(in.Customer); in.Customer == "" {
		fields["customer"] = "required"
	}
	if in.AmountCents < 0 {
		fields["amount_cents"] = "must be 0 or more"
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	ctx := r.Context()
	inv := Invoice{ID: tenantry.NewID(), Number: in.Number, Customer: in.Customer, AmountCents: in.AmountCents,
		Status: "draft", CreatedAt: time.Now().UTC().Format(time.RFC3339)}
	err := c.Store.Write(ctx, func(tx tenantry.Tx) error {
		t, err := tx.Tenant(ctx) // locked until commit: the count below holds
		if err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM invoices WHERE tenant_id = $1`, tx.TenantID()).Scan(&n); err != nil {
			return err
		}
		if limit := c.Plans.Limit(t, LimitMaxInvoices); !tenantry.Within(n, limit) {
			return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d invoices.", t.Plan, limit)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO invoices (tenant_id, `+columns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			tx.TenantID(), inv.ID, inv.Number, inv.Customer, inv.AmountCents, inv.Status, inv.CreatedAt); err != nil {
			return err
		}
		return tx.Audit(ctx, "invoice.create", "invoice", inv.ID, map[string]any{"number": inv.Number, "amount_cents": inv.AmountCents})
	})
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusCreated, inv)
}

func get(w http.ResponseWriter, r *http.Request, c api.Call) error {
	var inv Invoice
	err := c.Store.Read(r.Context(), func(tx tenantry.Tx) error {
		return scan(tx.QueryRow(r.Context(), `SELECT `+columns+` FROM invoices WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), r.PathValue("id")), &inv)
	})
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Invoice not found.")
	} else if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, inv)
}

func list(w http.ResponseWriter, r *http.Request, c api.Call) error {
	page, err := api.PageParam(r)
	if err != nil {
		return err
	}
	limit, after, err := page.Normalize()
	if err != nil {
		return err
	}
	if after == "" {
		after = "00000000-0000-0000-0000-000000000000" // before every id, on both backends
	}
	var out []Invoice
	err = c.Store.Read(r.Context(), func(tx tenantry.Tx) error {
		rows, err := tx.Query(r.Context(), `SELECT `+columns+` FROM invoices WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`, tx.TenantID(), after, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var inv Invoice
			if err := scan(rows, &inv); err != nil {
				return err
			}
			out = append(out, inv)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	next := ""
	if len(out) > limit {
		out, next = out[:limit], tenantry.Cursor(out[limit-1].ID)
	}
	return api.WriteList(w, out, next)
}
