package http

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
)

// docsPage is the API reference as HTML, rendered from openapi.json by
// RenderDocs when the document is generated; it loads nothing from
// elsewhere.
//
//go:embed docs.html
var docsPage []byte

// handleDocs serves the HTML reference.
func (s *Server) handleDocs(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(s.docs)
	return err
}

// docsOp is one operation of the HTML reference.
type docsOp struct {
	Method, Path, ID, Summary, Description string
	Public                                 bool
	Params                                 []map[string]any
	Request                                string
	Responses                              []docsResponse
}

// docsResponse is one response of an operation.
type docsResponse struct{ Status, Description, Schema string }

// RenderDocs renders the OpenAPI document doc as a self-contained HTML
// page: operations grouped by tag, their parameters, bodies and answers,
// and the schemas.
func RenderDocs(doc []byte) ([]byte, error) {
	var d struct {
		Info struct {
			Title, Description string
		} `json:"info"`
		Tags []struct {
			Name, Description string
		} `json:"tags"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	byTag := map[string][]docsOp{}
	for path, ops := range d.Paths {
		for method, o := range ops {
			op := docsOp{Method: strings.ToUpper(method), Path: path, ID: str(o["operationId"]), Summary: str(o["summary"]), Description: str(o["description"])}
			if sec, ok := o["security"].([]any); ok && len(sec) == 0 {
				op.Public = true
			}
			for _, p := range list(o["parameters"]) {
				op.Params = append(op.Params, p.(map[string]any))
			}
			if rb, ok := o["requestBody"].(map[string]any); ok {
				op.Request = pretty(rb["content"])
			}
			for st, rv := range o["responses"].(map[string]any) {
				r := rv.(map[string]any)
				op.Responses = append(op.Responses, docsResponse{st, str(r["description"]), pretty(r["content"])})
			}
			sort.Slice(op.Responses, func(i, j int) bool { return op.Responses[i].Status < op.Responses[j].Status })
			tag := str(list(o["tags"])[0])
			byTag[tag] = append(byTag[tag], op)
		}
	}
	type group struct {
		Name, Description string
		Ops               []docsOp
	}
	var groups []group
	for _, t := range d.Tags {
		ops := byTag[t.Name]
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return ops[i].Method < ops[j].Method
		})
		groups = append(groups, group{t.Name, t.Description, ops})
	}
	names := make([]string, 0, len(d.Components.Schemas))
	for n := range d.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	var schemas []docsResponse
	for _, n := range names {
		schemas = append(schemas, docsResponse{Status: n, Schema: pretty(d.Components.Schemas[n])})
	}
	var buf bytes.Buffer
	err := docsTemplate.Execute(&buf, map[string]any{"Title": d.Info.Title, "Intro": d.Info.Description, "Groups": groups, "Schemas": schemas})
	return buf.Bytes(), err
}

func str(v any) string { s, _ := v.(string); return s }

func list(v any) []any { l, _ := v.([]any); return l }

// pretty returns v as indented JSON, "" for nil.
func pretty(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
nav a{margin-right:1rem}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}
section.op{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.m{font-weight:bold;font-family:monospace;padding:0 .4rem;border-radius:3px;background:#eef}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:24rem}
details summary{cursor:pointer}.pub{color:#070;font-size:12px}
</style></head><body>
<h1>{{.Title}}</h1>
<p>{{.Intro}}</p>
<p>The machine-readable document is <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<nav>{{range .Groups}}<a href="#tag-{{.Name}}">{{.Name}}</a>{{end}}<a href="#schemas">schemas</a></nav>
{{range .Groups}}<h2 id="tag-{{.Name}}">{{.Name}}</h2><p>{{.Description}}</p>
{{range .Ops}}<section class="op" id="{{.ID}}">
<h3><span class="m">{{.Method}}</span> <code>{{.Path}}</code> — {{.Summary}}{{if .Public}} <span class="pub">(no credentials)</span>{{end}}</h3>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Params}}<p>Parameters:</p><ul>{{range .Params}}<li>{{if .name}}<code>{{.name}}</code> ({{.in}}){{if .description}}: {{.description}}{{end}}{{else}}<code>X-Tenant-ID</code> (header): the tenant, by slug or id{{end}}</li>{{end}}</ul>{{end}}
{{if .Request}}<details><summary>Request body</summary><pre>{{.Request}}</pre></details>{{end}}
{{range .Responses}}<details><summary><b>{{.Status}}</b> {{.Description}}</summary>{{if .Schema}}<pre>{{.Schema}}</pre>{{end}}</details>{{end}}
</section>{{end}}{{end}}
<h2 id="schemas">Schemas</h2>
{{range .Schemas}}<details id="schema-{{.Status}}"><summary><code>{{.Status}}</code></summary><pre>{{.Schema}}</pre></details>{{end}}
</body></html>
`))
