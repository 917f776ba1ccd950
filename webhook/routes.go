package webhook

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"time"

	"github.com/tenantry/tenantry"
	api "github.com/tenantry/tenantry/http"
)

// Routes are the webhook routes, for owners and admins of the tenant.
func (s *Service) Routes() []api.Route {
	admin := tenantry.RoleAdmin
	return []api.Route{
		{Pattern: "POST /api/webhooks", Summary: "Register a webhook endpoint (its signing secret is shown once)", Tenant: s.create, MinRole: admin,
			Body: Input{}, Response: Created{}, Status: http.StatusCreated, Errors: []string{"validation_failed", "plan_limit"}},
		{Pattern: "GET /api/webhooks", Summary: "List webhook endpoints", Tenant: s.list, MinRole: admin, Response: api.List[Webhook]{}},
		{Pattern: "GET /api/webhooks/{id}", Summary: "Get a webhook endpoint", Tenant: s.get, MinRole: admin, Response: Webhook{}, Errors: []string{"not_found"}},
		{Pattern: "PATCH /api/webhooks/{id}", Summary: "Enable or disable a webhook endpoint", Tenant: s.patch, MinRole: admin,
			Body: Patch{}, Response: Webhook{}, Errors: []string{"not_found", "validation_failed"}},
		{Pattern: "DELETE /api/webhooks/{id}", Summary: "Delete a webhook endpoint and its delivery log", Tenant: s.delete, MinRole: admin,
			Status: http.StatusNoContent, Errors: []string{"not_found"}},
		{Pattern: "GET /api/webhooks/{id}/deliveries", Summary: "List a webhook endpoint's delivery attempts, newest first", Tenant: s.deliveries, MinRole: admin,
			Response: api.List[Delivery]{}, Errors: []string{"not_found"}},
	}
}

const webhookColumns = `id, url, events, created_at, failures, disabled_at, disabled_reason`

// scanWebhook reads one row of webhookColumns.
func scanWebhook(row tenantry.Row, w *Webhook) error {
	var events, created string
	var disabledAt, reason sql.NullString
	if err := row.Scan(&w.ID, &w.URL, &events, &created, &w.Failures, &disabledAt, &reason); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return err
	}
	w.CreatedAt, w.DisabledAt, w.DisabledReason = parseStamp(created), stampPtr(disabledAt), reason.String
	w.Enabled = w.DisabledAt == nil
	return nil
}

// errNotFound is the answer for an endpoint that is not the tenant's.
func errNotFound() error { return tenantry.Errorf(tenantry.ENOTFOUND, "Webhook not found.") }

// webhookID returns the {id} of the request's path, or not_found when it
// is not an id (so that no backend is asked about it).
func webhookID(r *http.Request) (string, error) {
	id, ok := tenantry.ParseID(r.PathValue("id"))
	if !ok {
		return "", errNotFound()
	}
	return id, nil
}

// loadWebhook reads the tenant's endpoint id in tx (not_found).
func loadWebhook(r *http.Request, tx tenantry.Tx, id string) (Webhook, error) {
	var w Webhook
	err := scanWebhook(tx.QueryRow(r.Context(), `SELECT `+webhookColumns+` FROM webhooks WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id), &w)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return w, errNotFound()
	}
	return w, err
}

func (s *Service) create(w http.ResponseWriter, r *http.Request, c api.Call) error {
	var in Input
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	fields := map[string]string{}
	endpoint, bad := parseURL(in.URL, s.allowedOrigin)
	if bad != "" {
		fields["url"] = bad
	}
	events, bad := parseEvents(in.Events)
	if bad != "" {
		fields["events"] = bad
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	ctx := r.Context()
	now := time.Now()
	out := Created{Webhook: Webhook{ID: tenantry.NewID(), URL: endpoint, Events: events, Enabled: true, CreatedAt: parseStamp(stamp(now))}, Secret: newSecret()}
	types, _ := json.Marshal(events)
	err := c.Store.Write(ctx, func(tx tenantry.Tx) error {
		t, err := tx.Tenant(ctx) // locked until commit: the count below holds
		if err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM webhooks WHERE tenant_id = $1`, tx.TenantID()).Scan(&n); err != nil {
			return err
		}
		if limit := c.Plans.Limit(t, LimitMaxWebhooks); !tenantry.Within(n, limit) {
			return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d webhook endpoints.", t.Plan, limit)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO webhooks (tenant_id, id, url, events, secret, created_at, since) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
			tx.TenantID(), out.ID, out.URL, string(types), s.seal(tx.TenantID(), out.ID, out.Secret), stamp(now)); err != nil {
			return err
		}
		return tx.Audit(ctx, "webhook.create", "webhook", out.ID, map[string]any{"url": out.URL, "events": events})
	})
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusCreated, out)
}

func (s *Service) list(w http.ResponseWriter, r *http.Request, c api.Call) error {
	limit, after, err := pageOf(r, "00000000-0000-0000-0000-000000000000") // before every id, on both backends
	if err != nil {
		return err
	}
	q := listQuery{query: `SELECT ` + webhookColumns + ` FROM webhooks WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`, args: []any{c.Store.ID(), after}}
	return writePage(w, r, c, limit, q, scanWebhook, func(wh Webhook) string { return wh.ID })
}

func (s *Service) get(w http.ResponseWriter, r *http.Request, c api.Call) error {
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	var wh Webhook
	err = c.Store.Read(r.Context(), func(tx tenantry.Tx) error {
		wh, err = loadWebhook(r, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, wh)
}

func (s *Service) patch(w http.ResponseWriter, r *http.Request, c api.Call) error {
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	var p Patch
	if err := api.Decode(r, &p); err != nil {
		return err
	}
	if p.Enabled == nil {
		return tenantry.Invalid(map[string]string{"enabled": "required"})
	}
	ctx := r.Context()
	var wh Webhook
	err = c.Store.Write(ctx, func(tx tenantry.Tx) error {
		wh, err = loadWebhook(r, tx, id)
		if err != nil || wh.Enabled == *p.Enabled {
			return err // no change, nothing to audit
		}
		if *p.Enabled {
			err = enable(ctx, tx, id)
		} else {
			err = disable(ctx, tx, id, "Disabled by a member.", map[string]any{"reason": "manual"})
		}
		if err != nil {
			return err
		}
		wh, err = loadWebhook(r, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, wh)
}

func (s *Service) delete(w http.ResponseWriter, r *http.Request, c api.Call) error {
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = c.Store.Write(ctx, func(tx tenantry.Tx) error {
		n, err := tx.Exec(ctx, `DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
		if err != nil {
			return err
		}
		if n == 0 {
			return errNotFound()
		}
		return tx.Audit(ctx, "webhook.delete", "webhook", id, nil)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
