package http

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// docValidator checks answers against openapi.json: their status must be
// documented for the operation and a JSON body must match its schema.
type docValidator struct {
	doc   *openapi3.T
	paths []docPath
}

// docPath is a path template of the document as a regular expression.
type docPath struct {
	re   *regexp.Regexp
	path string
	item *openapi3.PathItem
	keys []string
}

// tenantPrefix is the /t/{slug} prefix of tenant resolution by path.
var tenantPrefix = regexp.MustCompile(`^/t/[^/]+(/api/.*)$`)

func newDocValidator(tb testing.TB) *docValidator {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		tb.Fatalf("load openapi.json: %v", err)
	}
	v := &docValidator{doc: doc}
	for path, item := range doc.Paths.Map() {
		var keys []string
		segs := strings.Split(path, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				keys = append(keys, strings.Trim(seg, "{}"))
				segs[i] = `([^/]+)`
			} else {
				segs[i] = regexp.QuoteMeta(seg)
			}
		}
		re := strings.Join(segs, "/")
		v.paths = append(v.paths, docPath{regexp.MustCompile("^" + re + "$"), path, item, keys})
	}
	return v
}

// check fails the test when an answer to req does not match the document
// (a nil validator checks nothing).
func (v *docValidator) check(tb testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	tb.Helper()
	if v == nil {
		return
	}
	if err := v.validate(req, status, header, body); err != nil {
		tb.Errorf("%s %s: answer %d %s does not match openapi.json: %v", req.Method, req.URL.Path, status, body, err)
	}
}

// validate checks one answer to req; a request the document has no
// operation for (an unknown path or method) is not checked.
func (v *docValidator) validate(req *http.Request, status int, header http.Header, body []byte) error {
	path := req.URL.Path
	if m := tenantPrefix.FindStringSubmatch(path); m != nil {
		path = m[1]
	}
	for _, p := range v.paths {
		m := p.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		op := p.item.GetOperation(req.Method)
		if op == nil {
			return nil
		}
		params := map[string]string{}
		for i, k := range p.keys {
			params[k] = m[i+1]
		}
		ct := header.Get("Content-Type")
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{
				Request:    req,
				PathParams: params,
				Route:      &routers.Route{Spec: v.doc, Path: p.path, PathItem: p.item, Method: req.Method, Operation: op},
			},
			Status: status,
			Header: header,
			Body:   io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{
				IncludeResponseStatus: true,
				MultiError:            true,
				ExcludeResponseBody:   !strings.HasPrefix(ct, "application/json"),
			},
		}
		return openapi3filter.ValidateResponse(context.Background(), in)
	}
	return nil
}

// TestDocValidator checks that the validator refuses an answer whose body
// or status the document does not have.
func TestDocValidator(t *testing.T) {
	v := newDocValidator(t)
	project := `{"id":"01J00000000000000000000000","tenant_id":"01J00000000000000000000000","name":"Website","description":"","is_active":true,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
		ok                 bool
	}{
		{"a project", "POST", "/api/projects", 201, project, true},
		{"a project by path prefix", "GET", "/t/acme/api/projects/01J00000000000000000000000", 200, project, true},
		{"a project without its name", "POST", "/api/projects", 201, strings.Replace(project, `"name":"Website",`, "", 1), false},
		{"an id that is a number", "GET", "/api/projects/x", 200, strings.Replace(project, `"01J00000000000000000000000","tenant_id"`, `1,"tenant_id"`, 1), false},
		{"an undocumented status", "DELETE", "/api/tasks/x", 409, `{"error":{"code":"conflict","message":"x"}}`, false},
		{"a documented error", "POST", "/api/projects", 403, `{"error":{"code":"plan_limit","message":"x"}}`, true},
		{"an error without a message", "POST", "/api/projects", 403, `{"error":{"code":"plan_limit"}}`, false},
		{"an unknown path", "GET", "/api/nothing", 404, `{}`, true},
	} {
		req, err := http.NewRequest(tc.method, "http://localhost"+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = v.validate(req, tc.status, jsonHeader, []byte(tc.body))
		if got := err == nil; got != tc.ok {
			t.Errorf("%s: valid = %v (%v), want %v", tc.name, got, err, tc.ok)
		}
	}
}

// transport is a RoundTripper that checks every answer with v.
func (v *docValidator) transport(tb testing.TB) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		v.check(tb, req, res.StatusCode, res.Header, body)
		res.Body = io.NopCloser(bytes.NewReader(body))
		return res, nil
	})
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
