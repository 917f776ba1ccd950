package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"
	"github.com/tenantry/tenantry"
)

// Access says who may call an operation; it decides its security and the
// error codes every such operation can answer.
type Access int

// The kinds of access of an operation.
const (
	// AccessPublic needs no credentials.
	AccessPublic Access = iota
	// AccessUser needs a signed-in user (not an API key).
	AccessUser
	// AccessAdmin needs a signed-in platform admin.
	AccessAdmin
	// AccessTenant needs a member of the request's tenant or its API key.
	AccessTenant
	// AccessPublicTenant resolves a tenant but needs no credentials.
	AccessPublicTenant
)

// Param is a query parameter of an operation.
type Param struct {
	Name        string
	Type        string // JSON Schema type: string, integer, boolean
	Description string
}

// Operation documents one route for the OpenAPI document. Body and
// Response are zero values of the Go types the handler decodes and
// writes, reflected into JSON Schema when the document is generated (never
// per request). Extension routes are documented by appending their own
// Operations to Operations() before calling OpenAPIDocument.
type Operation struct {
	Method, Path         string
	ID                   string // operationId, camelCase
	Summary, Description string
	Tag                  string
	Access               Access
	Query                []Param
	Body                 any    // request body type, nil for none
	BodyMedia            string // request media type, default application/json
	BodyOptional         bool
	Required             []string // the request body's required fields
	Example              any      // request body example
	Status               int      // success status
	Response             any      // success body type, nil for none
	ResponseMedia        string   // success media type, default application/json
	Errors               []string
}

// listQuery are the paging parameters of every list.
var listQuery = []Param{
	{"limit", "integer", "Page size, 1–200 (default 50)."},
	{"cursor", "string", "The next_cursor of the previous page."},
}

// accessErrors are the error codes every operation of an access kind can
// answer, besides bad_request and internal.
var accessErrors = map[Access][]string{
	AccessPublic:       nil,
	AccessUser:         {"unauthenticated", "forbidden"},
	AccessAdmin:        {"unauthenticated", "forbidden"},
	AccessTenant:       {"unauthenticated", "tenant_required", "tenant_conflict", "tenant_not_found", "not_a_member", "tenant_suspended", "tenant_archived", "rate_limited", "unavailable"},
	AccessPublicTenant: {"tenant_required", "tenant_conflict", "tenant_not_found", "tenant_suspended", "rate_limited"},
}

// bodyErrors are the codes of an operation that reads a body.
var bodyErrors = []string{"validation_failed", "payload_too_large", "unsupported_media_type"}

// OpenAPIDocument returns the OpenAPI 3.1 document of ops, indented JSON.
func OpenAPIDocument(ops []Operation) ([]byte, error) {
	g := newSchemaGen()
	if _, err := g.schema(errorBody{}, false); err != nil {
		return nil, err
	}
	paths := map[string]map[string]any{}
	for _, op := range ops {
		o, err := g.operation(op)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", op.Method, op.Path, err)
		}
		if paths[op.Path] == nil {
			paths[op.Path] = map[string]any{}
		}
		paths[op.Path][strings.ToLower(op.Method)] = o
	}
	tags := openAPITags
	for _, op := range ops {
		if op.Tag == "extension" {
			tags = append(slices.Clone(tags), map[string]any{"name": "extension", "description": "This server's own routes, served in the same chain as Tenantry's."})
			break
		}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Tenantry API",
			"version":     "1.0.0",
			"description": openAPIIntro,
			"license":     map[string]any{"name": "MIT", "identifier": "MIT"},
		},
		"servers":  []any{map[string]any{"url": "/", "description": "The server that serves this document."}},
		"security": []any{map[string]any{"bearer": []string{}}},
		"tags":     tags,
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{
				"type": "http", "scheme": "bearer",
				"description": "An access token (JWT, from sign-up, login or refresh) or an API key (tnt_...).",
			}},
			"parameters": map[string]any{"TenantHeader": map[string]any{
				"name": HeaderTenant, "in": "header", "required": false,
				"description": "The tenant, by slug or id (one of the ways of naming it; two different tenants are tenant_conflict).",
				"schema":      map[string]any{"type": "string"},
			}},
			"schemas": g.defs,
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// schemaGen reflects Go types into the components' schemas.
type schemaGen struct {
	r     *jsonschema.Reflector
	defs  map[string]any
	names map[string]reflect.Type
	clash error
}

func newSchemaGen() *schemaGen {
	g := &schemaGen{defs: map[string]any{}, names: map[string]reflect.Type{}}
	g.r = &jsonschema.Reflector{
		AllowAdditionalProperties: true,
		Namer:                     g.name,
		Mapper:                    mapOptional,
	}
	return g
}

// schema reflects v's type and returns a reference to its component (or
// an inline schema for a map or slice); request schemas require nothing.
func (g *schemaGen) schema(v any, request bool) (map[string]any, error) {
	s := g.r.Reflect(v)
	if g.clash != nil {
		return nil, g.clash
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	b = bytes.ReplaceAll(b, []byte(`#/$defs/`), []byte(`#/components/schemas/`))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "$schema")
	delete(m, "$id")
	if defs, ok := m["$defs"].(map[string]any); ok {
		for name, d := range defs {
			if request && "#/components/schemas/"+name == m["$ref"] {
				delete(d.(map[string]any), "required")
			}
			g.defs[name] = d
		}
		delete(m, "$defs")
	}
	g.markNullable(reflect.TypeOf(v), map[reflect.Type]bool{})
	return m, nil
}

// markNullable lets the properties of t's components that Go writes as
// null (pointer fields without omitempty) be null, through every type t
// reaches.
func (g *schemaGen) markNullable(t reflect.Type, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	def, _ := g.defs[schemaName(t)].(map[string]any)
	props, _ := def["properties"].(map[string]any)
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous || !f.IsExported() {
			continue
		}
		g.markNullable(f.Type, seen)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || f.Type.Kind() != reflect.Pointer || strings.Contains(opts, "omitempty") {
			continue
		}
		switch p, _ := props[name].(map[string]any); {
		case p == nil:
		case p["$ref"] != nil:
			props[name] = map[string]any{"anyOf": []any{map[string]any{"$ref": p["$ref"]}, map[string]any{"type": "null"}}}
		case p["type"] != nil:
			if typ, ok := p["type"].(string); ok {
				p["type"] = []any{typ, "null"}
			}
		}
	}
}

// name is schemaName, noting two types of one name as g.clash.
func (g *schemaGen) name(t reflect.Type) string {
	n := schemaName(t)
	if prev, ok := g.names[n]; ok && prev != t && n != "" && g.clash == nil {
		g.clash = fmt.Errorf("types %v and %v are both named %s in the document", prev, t, n)
	}
	g.names[n] = t
	return n
}

// schemaName names the component of t: its Go name, capitalised, with a
// list of T named TList (TResponseList for a list of tResponse).
func schemaName(t reflect.Type) string {
	name := t.Name()
	if name == "" {
		return ""
	}
	if i := strings.IndexByte(name, '['); i >= 0 {
		inner := strings.Trim(name[i+1:], "]")
		inner = inner[strings.LastIndexAny(inner, "./*")+1:]
		name = inner + "List"
	}
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// mapOptional maps an optional[T] field of a PATCH body to T's schema, raw
// JSON (an audit event's data) to an object, and roles and tenant statuses
// to their values.
func mapOptional(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[json.RawMessage]():
		return &jsonschema.Schema{Type: "object"}
	case reflect.TypeFor[tenantry.Role]():
		return &jsonschema.Schema{Type: "string", Enum: []any{tenantry.RoleOwner, tenantry.RoleAdmin, tenantry.RoleMember}}
	case reflect.TypeFor[tenantry.TenantStatus]():
		return &jsonschema.Schema{Type: "string", Enum: []any{tenantry.TenantActive, tenantry.TenantSuspended, tenantry.TenantArchived}}
	}
	if !strings.HasPrefix(t.Name(), "optional[") {
		return nil
	}
	switch t.Field(2).Type.Kind() {
	case reflect.Bool:
		return &jsonschema.Schema{Type: "boolean"}
	default:
		return &jsonschema.Schema{Type: "string"}
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// operation returns the OpenAPI operation object of op.
func (g *schemaGen) operation(op Operation) (map[string]any, error) {
	o := map[string]any{
		"operationId": op.ID,
		"summary":     op.Summary,
		"tags":        []string{op.Tag},
	}
	if op.Description != "" {
		o["description"] = op.Description
	}
	if op.Access == AccessPublic || op.Access == AccessPublicTenant {
		o["security"] = []any{}
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(op.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	if op.Access == AccessTenant || op.Access == AccessPublicTenant {
		params = append(params, map[string]any{"$ref": "#/components/parameters/TenantHeader"})
	}
	for _, q := range op.Query {
		params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false, "description": q.Description, "schema": map[string]any{"type": q.Type}})
	}
	if len(params) > 0 {
		o["parameters"] = params
	}
	codes := append([]string{"bad_request", "internal"}, accessErrors[op.Access]...)
	if op.Body != nil {
		media := op.BodyMedia
		if media == "" {
			media = "application/json"
		}
		content := map[string]any{}
		if media == "application/json" {
			s, err := g.schema(op.Body, true)
			if err != nil {
				return nil, err
			}
			if len(op.Required) > 0 {
				ref, _ := s["$ref"].(string)
				def, _ := g.defs[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
				if def == nil {
					return nil, fmt.Errorf("required fields of a body that is not a component")
				}
				def["required"] = op.Required
			}
			c := map[string]any{"schema": s}
			if op.Example != nil {
				c["example"] = op.Example
			}
			content[media] = c
		} else {
			content[media] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		o["requestBody"] = map[string]any{"required": !op.BodyOptional, "content": content}
		codes = append(codes, bodyErrors...)
	}
	codes = append(codes, op.Errors...)
	resps, err := g.responses(op, codes)
	if err != nil {
		return nil, err
	}
	o["responses"] = resps
	return o, nil
}

// responses returns the success response of op and one error response per
// status of codes, naming the codes.
func (g *schemaGen) responses(op Operation, codes []string) (map[string]any, error) {
	success := map[string]any{"description": http200Text(op.Status)}
	if op.Response != nil {
		media := op.ResponseMedia
		if media == "" {
			media = "application/json"
		}
		var s any = map[string]any{"type": "string"}
		if media == "application/json" {
			var err error
			if s, err = g.schema(op.Response, false); err != nil {
				return nil, err
			}
		}
		success["content"] = map[string]any{media: map[string]any{"schema": s}}
	}
	out := map[string]any{strconv.Itoa(op.Status): success}
	byStatus := map[int][]string{}
	for _, c := range codes {
		st := ErrorStatus(c)
		if !slices.Contains(byStatus[st], c) {
			byStatus[st] = append(byStatus[st], c)
		}
	}
	for st, cs := range byStatus {
		sort.Strings(cs)
		desc := "The error envelope; error.code is one of: " + strings.Join(cs, ", ") + "."
		out[strconv.Itoa(st)] = map[string]any{
			"description": desc,
			"content": map[string]any{"application/json": map[string]any{
				"schema":  map[string]any{"$ref": "#/components/schemas/ErrorBody"},
				"example": map[string]any{"error": map[string]any{"code": cs[0], "message": "A sentence for the client."}},
			}},
		}
	}
	return out, nil
}

// http200Text describes a success status.
func http200Text(st int) string {
	switch st {
	case 201:
		return "Created."
	case 202:
		return "Accepted."
	case 204:
		return "Done; no body."
	}
	return "OK."
}
