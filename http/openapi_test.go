package http

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPICoverage checks that every route registered in routes.go is
// in openapi.json and that the document has no route routes.go lacks.
func TestOpenAPICoverage(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, m := range regexp.MustCompile(`s\.route\("([A-Z]+) (/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		registered[m[1]+" "+m[2]] = true
	}
	if len(registered) < 40 {
		t.Fatalf("parsed only %d routes from routes.go", len(registered))
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi version %q, want 3.1.x", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range registered {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !registered[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("routes not documented: %v; documented but not routed: %v", missing, extra)
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newSQLiteEnv(t)
	r := e.must(t, caller{}, "GET", "/api/openapi.json", nil, 200, nil)
	var doc map[string]any
	r.decode(t, &doc)
	if doc["paths"] == nil {
		t.Fatalf("served document has no paths")
	}
}

// TestDocsServed checks that /api/docs is the HTML reference of every
// operation and loads nothing from elsewhere.
func TestDocsServed(t *testing.T) {
	e := newSQLiteEnv(t)
	r := e.do(t, caller{}, "GET", "/api/docs", nil)
	if r.Status != 200 {
		t.Fatalf("status %d, want 200", r.Status)
	}
	if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
		t.Fatalf("Content-Type %q, want text/html", got)
	}
	page := string(r.Body)
	for _, op := range Operations() {
		if !strings.Contains(page, `id="`+op.ID+`"`) {
			t.Errorf("the page has no section for %s (%s %s)", op.ID, op.Method, op.Path)
		}
	}
	for _, bad := range []string{"http://", "https://", "<script", "src="} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q: it must load nothing from elsewhere", bad)
		}
	}
}

// TestOpenAPIComplete checks that every operation has a summary other than
// its path, a success answer with a schema (but 202 and 204), a request
// body when it is a PUT or PATCH, and the error envelope for 400.
func TestOpenAPIComplete(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Summary     string                    `json:"summary"`
			RequestBody map[string]any            `json:"requestBody"`
			Responses   map[string]map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			name := method + " " + path
			if op.Summary == "" || strings.Contains(op.Summary, path) {
				t.Errorf("%s: summary %q", name, op.Summary)
			}
			if (method == "put" || method == "patch") && op.RequestBody == nil {
				t.Errorf("%s: no request body", name)
			}
			success := false
			for st, r := range op.Responses {
				if st == "202" || st == "204" || (st[0] == '2' && r["content"] != nil) {
					success = true
				}
			}
			if !success {
				t.Errorf("%s: no success answer with a schema", name)
			}
			if op.Responses["400"]["content"] == nil {
				t.Errorf("%s: no 400 error envelope", name)
			}
		}
	}
}

// TestOpenAPIExtension checks that an extension route documented with an
// Operation of its own Go types is in the document.
func TestOpenAPIExtension(t *testing.T) {
	type widget struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	ops := append(Operations(), Operation{Method: "POST", Path: "/api/widgets", ID: "createWidget", Summary: "Create a widget",
		Tag: "projects", Access: AccessTenant, Body: widget{}, Status: 201, Response: widget{}, Errors: []string{"plan_limit"}})
	b, err := OpenAPIDocument(ops)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/api/widgets"]["post"]
	if op == nil {
		t.Fatalf("no POST /api/widgets in %s", b)
	}
	got := doc.Components.Schemas["Widget"]["properties"]
	want := map[string]any{"name": map[string]any{"type": "string"}, "count": map[string]any{"type": "integer"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Widget properties = %v, want %v", got, want)
	}
	if resp := op["responses"].(map[string]any)["403"]; resp == nil || !strings.Contains(resp.(map[string]any)["description"].(string), "plan_limit") {
		t.Errorf("403 answer %v does not name plan_limit", resp)
	}
}
