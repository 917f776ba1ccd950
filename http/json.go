package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/tenantry/tenantry"
)

// handlerFunc is a handler that returns its error; adapt writes it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// isJSONType reports whether a Content-Type names JSON
// (application/json or application/*+json).
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// readBody reads the whole request body under the body limit
// (payload_too_large above it).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tenantry.Errorf(tenantry.ETOOLARGE, "The request body is larger than %d bytes.", mbe.Limit)
		}
		return nil, tenantry.Errorf(tenantry.EBADREQUEST, "The request body could not be read.")
	}
	return b, nil
}

// decode reads a JSON object body into v: unsupported_media_type when the
// Content-Type is not JSON, payload_too_large over the body limit,
// bad_request for a missing or malformed body or a value of the wrong type
// (the message names the field), and validation_failed naming unknown
// fields.
func decode(r *http.Request, v any) error {
	if !isJSONType(r.Header.Get("Content-Type")) {
		if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
			return tenantry.Errorf(tenantry.EBADREQUEST, "A JSON body is required.")
		}
		return tenantry.Errorf(tenantry.EUNSUPPORTEDMEDIA, "The request body must be JSON (Content-Type: application/json).")
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeBytes(b, v)
}

// decodeOptional is decode for a route whose body may be left out: no body
// (or only white space) leaves v as it is; any other body is decoded as by
// decode, unknown fields and malformed JSON included.
func decodeOptional(r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if !isJSONType(r.Header.Get("Content-Type")) {
		return tenantry.Errorf(tenantry.EUNSUPPORTEDMEDIA, "The request body must be JSON (Content-Type: application/json).")
	}
	return decodeBytes(b, v)
}

// decodeBytes decodes one JSON object from b into v; see decode.
func decodeBytes(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return tenantry.Errorf(tenantry.EBADREQUEST, "A JSON body is required.")
	}
	if b[0] != '{' {
		return tenantry.Errorf(tenantry.EBADREQUEST, "The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return tenantry.Errorf(tenantry.EBADREQUEST, "The request body must hold one JSON object.")
	}
	return nil
}

// decodeError turns an encoding/json error into a client error.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return tenantry.Errorf(tenantry.EBADREQUEST, "The request body has a value of the wrong type.")
		}
		return tenantry.Errorf(tenantry.EBADREQUEST, "The field %s must be %s.", field, jsonTypeName(te.Type.Kind().String()))
	}
	var e *tenantry.Error
	if errors.As(err, &e) {
		return e
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if n, err := strconv.Unquote(name); err == nil {
			name = n
		}
		return tenantry.Invalid(map[string]string{name: "unknown field"})
	}
	return tenantry.Errorf(tenantry.EBADREQUEST, "The request body is not valid JSON.")
}

// jsonTypeName names a Go kind as a JSON type.
func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "of another type"
}

// writeJSON writes v as JSON with status, followed by a newline.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	if a, ok := v.(jsonAppender); ok {
		return writeBody(w, status, append(a.appendJSON(nil), '\n'))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeBody(w, status, append(b, '\n'))
}

// writeBody writes a JSON body b with its length, so that the response
// is not chunked.
func writeBody(w http.ResponseWriter, status int, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err := w.Write(b)
	return err
}

// pageParam reads ?limit= (1..200) and ?cursor= (bad_request on bad
// values, a limit outside 1..200 included).
func pageParam(r *http.Request) (tenantry.Page, error) {
	q := r.URL.Query()
	var p tenantry.Page
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > tenantry.MaxPageSize {
			return p, tenantry.Errorf(tenantry.EBADREQUEST, "The limit must be a whole number from 1 to %d.", tenantry.MaxPageSize)
		}
		p.Limit = n
	}
	p.Cursor = q.Get("cursor")
	if _, _, err := p.Normalize(); err != nil {
		return p, err
	}
	return p, nil
}

// boolParam reads a boolean query parameter: nil when absent, bad_request
// for a value other than true/false/1/0.
func boolParam(r *http.Request, name string) (*bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	var b bool
	switch strings.ToLower(s) {
	case "true", "1":
		b = true
	case "false", "0":
		b = false
	default:
		return nil, tenantry.Errorf(tenantry.EBADREQUEST, "The %s parameter must be true or false.", name)
	}
	return &b, nil
}

// listResponse is the shape of every list.
type listResponse[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// List is the shape of every list answer (WriteList's), for a builder
// route's Response: List[Invoice]{} documents {"items": [...],
// "next_cursor": ...}.
type List[T any] = listResponse[T]

// newList returns a list answer: items never null, next "" as null.
func newList[T any](items []T, next string) listResponse[T] {
	if items == nil {
		items = []T{}
	}
	l := listResponse[T]{Items: items}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}

// decodeShallow is decode for a body that may nest at most maxDepth levels
// (the body object itself is level 1): a deeper body is validation_failed
// on "settings" before it is decoded into memory.
func decodeShallow(r *http.Request, v any, maxDepth int) error {
	if !isJSONType(r.Header.Get("Content-Type")) {
		return decode(r, v)
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if tenantry.JSONTooDeep(b, maxDepth) {
		return tenantry.Invalid(map[string]string{"settings": "nested too deeply (at most 8 levels)"})
	}
	return decodeBytes(b, v)
}
