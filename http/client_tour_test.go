package http

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/apiclient"
)

// bearerOf returns a request editor that sends token.
func bearerOf(token string) apiclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// hostOf returns a request editor that names host, as a browser at a
// tenant's subdomain would.
func hostOf(host string) apiclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Host = host
		return nil
	}
}

// TestClientTour takes the README's curl tour with the client generated
// from openapi.json, against a real server on both backends; every answer
// must match the document.
func TestClientTour(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t), func(c *Config) { c.BaseDomains = []string{"localhost"} })
			e.admin(t)
			ctx := context.Background()
			hc := &http.Client{Transport: newDocValidator(t).transport(t)}
			c, err := apiclient.NewClientWithResponses(e.URL, apiclient.WithHTTPClient(hc))
			if err != nil {
				t.Fatal(err)
			}
			str := func(s string) *string { return &s }

			// Two people sign up, each with a new tenant.
			signup := func(email, name, tenant, slug string) string {
				r, err := c.SignupWithResponse(ctx, apiclient.SignupJSONRequestBody{Email: email, Password: testPassword, Name: str(name), TenantName: str(tenant), TenantSlug: str(slug)})
				if err != nil {
					t.Fatal(err)
				}
				if r.JSON201 == nil || r.JSON201.DefaultTenant == nil || r.JSON201.DefaultTenant.Slug != slug {
					t.Fatalf("signup %s: %d %s", email, r.StatusCode(), r.Body)
				}
				return r.JSON201.AccessToken
			}
			alice := signup("alice@acme.test", "Alice", "Acme Corp", "acme-corp")
			bob := signup("bob@globex.test", "Bob", "Globex Inc", "globex-inc")

			// The same request by header, subdomain and path prefix.
			prefixed, err := apiclient.NewClientWithResponses(e.URL+"/t/acme-corp", apiclient.WithHTTPClient(hc))
			if err != nil {
				t.Fatal(err)
			}
			acme := "acme-corp"
			for _, tc := range []struct {
				how    string
				client *apiclient.ClientWithResponses
				params *apiclient.CreateProjectParams
				edit   []apiclient.RequestEditorFn
			}{
				{"header", c, &apiclient.CreateProjectParams{XTenantID: &acme}, nil},
				{"subdomain", c, nil, []apiclient.RequestEditorFn{hostOf("acme-corp.localhost")}},
				{"prefix", prefixed, nil, nil},
			} {
				r, err := tc.client.CreateProjectWithResponse(ctx, tc.params, apiclient.CreateProjectJSONRequestBody{Name: "By " + tc.how}, append(tc.edit, bearerOf(alice))...)
				if err != nil {
					t.Fatal(err)
				}
				if r.JSON201 == nil || r.JSON201.Name != "By "+tc.how {
					t.Fatalf("create by %s: %d %s", tc.how, r.StatusCode(), r.Body)
				}
			}

			// The default tenant's quota: 403 plan_limit.
			r4, err := c.CreateProjectWithResponse(ctx, nil, apiclient.CreateProjectJSONRequestBody{Name: "Fourth"}, bearerOf(alice))
			if err != nil {
				t.Fatal(err)
			}
			if r4.JSON403 == nil || r4.JSON403.Error.Code != "plan_limit" {
				t.Fatalf("fourth project: %d %s, want 403 plan_limit", r4.StatusCode(), r4.Body)
			}

			// Isolation: not_a_member, not_found, tenant_conflict.
			rb, err := c.ListProjectsWithResponse(ctx, &apiclient.ListProjectsParams{XTenantID: &acme}, bearerOf(bob))
			if err != nil {
				t.Fatal(err)
			}
			if rb.JSON403 == nil || rb.JSON403.Error.Code != "not_a_member" {
				t.Fatalf("bob in acme: %d %s, want 403 not_a_member", rb.StatusCode(), rb.Body)
			}
			ra, err := c.ListProjectsWithResponse(ctx, nil, bearerOf(alice))
			if err != nil {
				t.Fatal(err)
			}
			if ra.JSON200 == nil || len(ra.JSON200.Items) != 3 || ra.JSON200.NextCursor != nil {
				t.Fatalf("alice's projects: %d %s", ra.StatusCode(), ra.Body)
			}
			rg, err := c.GetProjectWithResponse(ctx, ra.JSON200.Items[0].Id, nil, bearerOf(bob))
			if err != nil {
				t.Fatal(err)
			}
			if rg.JSON404 == nil || rg.JSON404.Error.Code != "not_found" {
				t.Fatalf("bob gets acme's project: %d %s, want 404 not_found", rg.StatusCode(), rg.Body)
			}
			rc, err := c.ListProjectsWithResponse(ctx, &apiclient.ListProjectsParams{XTenantID: &acme}, hostOf("globex-inc.localhost"), bearerOf(alice))
			if err != nil {
				t.Fatal(err)
			}
			if rc.JSON400 == nil || rc.JSON400.Error.Code != "tenant_conflict" {
				t.Fatalf("two tenants: %d %s, want 400 tenant_conflict", rc.StatusCode(), rc.Body)
			}

			// The platform admin suspends and activates the tenant, and
			// exports it.
			rl, err := c.LoginWithResponse(ctx, apiclient.LoginJSONRequestBody{Email: "admin@example.com", Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			if rl.JSON200 == nil || !rl.JSON200.User.PlatformAdmin {
				t.Fatalf("admin login: %d %s", rl.StatusCode(), rl.Body)
			}
			admin := rl.JSON200.AccessToken
			rs, err := c.AdminSuspendTenantWithResponse(ctx, "acme-corp", bearerOf(admin))
			if err != nil {
				t.Fatal(err)
			}
			if rs.JSON200 == nil || rs.JSON200.Status != apiclient.TenantStatusSuspended {
				t.Fatalf("suspend: %d %s", rs.StatusCode(), rs.Body)
			}
			rsp, err := c.ListProjectsWithResponse(ctx, nil, bearerOf(alice))
			if err != nil {
				t.Fatal(err)
			}
			if rsp.JSON403 == nil || rsp.JSON403.Error.Code != "tenant_suspended" {
				t.Fatalf("suspended tenant: %d %s, want 403 tenant_suspended", rsp.StatusCode(), rsp.Body)
			}
			ract, err := c.AdminActivateTenantWithResponse(ctx, "acme-corp", bearerOf(admin))
			if err != nil {
				t.Fatal(err)
			}
			if ract.JSON200 == nil || ract.JSON200.Status != apiclient.TenantStatusActive {
				t.Fatalf("activate: %d %s", ract.StatusCode(), ract.Body)
			}
			rt, err := c.GetTenantWithResponse(ctx, nil, bearerOf(alice))
			if err != nil {
				t.Fatal(err)
			}
			if rt.JSON200 == nil || rt.JSON200.Tenant.Plan != "free" || rt.JSON200.Usage.Projects != 3 || rt.JSON200.Limits["max_projects"] != 3 {
				t.Fatalf("tenant: %d %s", rt.StatusCode(), rt.Body)
			}
			rx, err := c.AdminExportTenantWithResponse(ctx, "acme-corp", bearerOf(admin))
			if err != nil {
				t.Fatal(err)
			}
			if rx.StatusCode() != 200 || !strings.HasPrefix(rx.HTTPResponse.Header.Get("Content-Type"), "application/x-ndjson") || strings.Count(string(rx.Body), "\n") < 5 {
				t.Fatalf("export: %d %q", rx.StatusCode(), rx.Body)
			}
		})
	}
}
