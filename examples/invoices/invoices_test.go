package invoices_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/examples/invoices"
	api "github.com/tenantry/tenantry/http"
	"github.com/tenantry/tenantry/tenantrytest"
)

// server starts Tenantry with the invoices app on store.
func server(t *testing.T, store tenantry.Store, plans tenantry.Plans) (*httptest.Server, *auth.Service) {
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(store, auth.Config{Secret: []byte("invoices-secret-invoices-secret-"), Params: &cheap})
	srv := httptest.NewServer(api.NewServer(api.Config{Store: store, Auth: a, Plans: plans, Routes: invoices.Routes(), Extensions: []tenantry.Extension{invoices.Extension()},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	return srv, a
}

// owner signs up a user owning a new tenant and returns the access token.
func owner(t *testing.T, a *auth.Service, email, slug string) string {
	s, err := a.Signup(context.Background(), auth.SignupInput{Email: email, Password: "long enough", Name: slug, TenantName: slug, TenantSlug: slug})
	if err != nil {
		t.Fatal(err)
	}
	return s.AccessToken
}

func call(t *testing.T, srv *httptest.Server, token, tenant, method, path string, body any, out any) int {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Tenant-ID", tenant)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return res.StatusCode
}

func TestInvoices(t *testing.T) {
	ext := invoices.Extension()
	plans := tenantry.DefaultPlans().WithExtensions([]tenantry.Extension{ext})
	for _, b := range tenantrytest.Backends(ext) {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			srv, a := server(t, store, plans)
			acme, globex := owner(t, a, "ann@acme.test", "acme"), owner(t, a, "gus@globex.test", "globex")

			var inv invoices.Invoice
			if got := call(t, srv, acme, "acme", "POST", "/api/invoices", invoices.Input{Number: "A-1", Customer: "Initech", AmountCents: 1200}, &inv); got != 201 || inv.Status != "draft" {
				t.Fatalf("create: %d %+v", got, inv)
			}
			cases := []struct {
				name, token, tenant, method, path string
				body                              any
				want                              int
			}{
				{"get", acme, "acme", "GET", "/api/invoices/" + inv.ID, nil, 200},
				{"another tenant's invoice does not exist", globex, "globex", "GET", "/api/invoices/" + inv.ID, nil, 404},
				{"not a member", globex, "acme", "GET", "/api/invoices", nil, 403},
				{"same number in the same tenant", acme, "acme", "POST", "/api/invoices", invoices.Input{Number: "A-1", Customer: "X"}, 409},
				{"same number in another tenant", globex, "globex", "POST", "/api/invoices", invoices.Input{Number: "A-1", Customer: "X"}, 201},
				{"negative amount", acme, "acme", "POST", "/api/invoices", invoices.Input{Number: "A-2", Customer: "X", AmountCents: -1}, 422},
				{"unknown field", acme, "acme", "POST", "/api/invoices", map[string]any{"number": "A-3", "customer": "X", "tenant_id": "globex"}, 422},
			}
			for _, c := range cases {
				if got := call(t, srv, c.token, c.tenant, c.method, c.path, c.body, nil); got != c.want {
					t.Errorf("%s: got %d, want %d", c.name, got, c.want)
				}
			}
			// The free plan's max_invoices is 5: the sixth is refused.
			for i := 2; i <= 5; i++ {
				if got := call(t, srv, acme, "acme", "POST", "/api/invoices", invoices.Input{Number: "A-1" + string(rune('0'+i)), Customer: "X"}, nil); got != 201 {
					t.Fatalf("invoice %d: got %d, want 201", i, got)
				}
			}
			var refused struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if got := call(t, srv, acme, "acme", "POST", "/api/invoices", invoices.Input{Number: "A-99", Customer: "X"}, &refused); got != 403 || refused.Error.Code != "plan_limit" {
				t.Errorf("sixth invoice on free: got %d %+v, want 403 plan_limit", got, refused)
			}
			var tenant struct {
				Limits map[string]int64 `json:"limits"`
				Usage  struct {
					Extensions map[string]int64 `json:"extensions"`
				} `json:"usage"`
			}
			call(t, srv, acme, "acme", "GET", "/api/tenant", nil, &tenant)
			if tenant.Limits[invoices.LimitMaxInvoices] != 5 || tenant.Usage.Extensions["invoices"] != 5 {
				t.Errorf("GET /api/tenant: limits %v, usage %v; want max_invoices 5 and 5 invoices", tenant.Limits, tenant.Usage.Extensions)
			}
			var page struct {
				Items      []invoices.Invoice `json:"items"`
				NextCursor *string            `json:"next_cursor"`
			}
			call(t, srv, acme, "acme", "GET", "/api/invoices?limit=3", nil, &page)
			if len(page.Items) != 3 || page.NextCursor == nil {
				t.Fatalf("first page: %d items, cursor %v; want 3 and a cursor", len(page.Items), page.NextCursor)
			}
			call(t, srv, acme, "acme", "GET", "/api/invoices?limit=3&cursor="+*page.NextCursor, nil, &page)
			if len(page.Items) != 2 || page.NextCursor != nil {
				t.Errorf("second page: %d items, cursor %v; want 2 and none", len(page.Items), page.NextCursor)
			}
			tn, err := store.TenantBySlug(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			evs, _, err := store.Tenant(tn.ID).AuditEvents(context.Background(), tenantry.AuditFilter{Action: "invoice.create"})
			if err != nil || len(evs) != 5 {
				t.Errorf("invoice.create events: %d, %v; want 5", len(evs), err)
			}
		})
	}
}
