package webhook_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/tenantry/tenantry/tenantrytest"
	"github.com/tenantry/tenantry/webhook"
)

// TestOpenAPI checks that the server's OpenAPI document describes the
// webhook routes, and that their answers match it (status and body).
func TestOpenAPI(t *testing.T) {
	e := newEnv(t, tenantrytest.Backends(webhook.Extension())[0])
	res, err := http.Get(e.api.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	os.WriteFile("/tmp/served.json", raw, 0o644)
	res.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: e.api.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	tn := e.tenant(t, "acme")
	wh := e.register(t, tn, "/doc")
	d, f := e.dispatcher(t, nil, nil, tn)
	f.add(tn.ID, "project.created")
	d.Notify(tn.ID)
	lastAttempt(t, e, tn, wh.ID, 1)
	calls := []struct {
		token, method, path, body string
		want                      int
	}{
		{tn.Owner, "POST", "/api/webhooks", `{"url":"` + e.rc.URL + `/doc2","events":["project.created"]}`, 201},
		{tn.Owner, "POST", "/api/webhooks", `{"url":"http://hooks.example.com","events":["*"]}`, 422},
		{tn.Owner, "GET", "/api/webhooks", "", 200},
		{tn.Owner, "GET", "/api/webhooks/" + wh.ID, "", 200},
		{tn.Owner, "GET", "/api/webhooks/" + wh.ID + "/deliveries", "", 200},
		{tn.Member, "GET", "/api/webhooks/" + wh.ID + "/deliveries", "", 403},
		{tn.Owner, "PATCH", "/api/webhooks/" + wh.ID, `{"enabled":false}`, 200},
		{tn.Owner, "DELETE", "/api/webhooks/" + wh.ID, "", 204},
		{tn.Owner, "GET", "/api/webhooks/" + wh.ID, "", 404},
	}
	for _, c := range calls {
		req, _ := http.NewRequest(c.method, e.api.URL+c.path, bytes.NewReader([]byte(c.body)))
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("X-Tenant-ID", tn.Slug)
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%s %s: got %d, want %d: %s", c.method, c.path, res.StatusCode, c.want, body)
			continue
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: not in the document: %v", c.method, c.path, err)
			continue
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body))}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s: answer %d %s does not match the document: %v", c.method, c.path, res.StatusCode, body, err)
		}
	}
}
