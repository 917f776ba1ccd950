// Package registry reads a tenants.jsonl file, one tenant a line, and
// creates or updates those tenants: the tenant registry of the FastAPI
// tutorial, applied to a real store (`tenantry serve --seed FILE`).
//
// A line looks like
//
//	{"id":"acme","name":"Acme Corp","welcome":"Howdy from Acme!","model":"mock-1","limits":{"chat_per_10s":8}}
//
// where id is the tenant's slug. Optional fields are plan, domain,
// provider, system_prompt, settings (an object merged into the tenant's
// settings) and owner_email. Blank lines are skipped.
//
// A seeded tenant has no member until someone gives it one: owner_email
// names its first owner. When the tenant has no owner yet, an existing
// user with that e-mail becomes its owner (ApplyOwners); an unknown e-mail
// gets an owner invitation, e-mailed through the invitation path, and
// the seed log says which happened. A tenant that has an owner keeps its
// members as they are, and a pending owner invitation to the same address
// is not sent again, so a file can be applied at every start.
package registry

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/tenantry/tenantry"
)

// MaxLineBytes is the longest line Parse accepts.
const MaxLineBytes = 128 << 10

// Entry is one tenant of a registry file.
type Entry struct {
	// Line is the entry's line number, from 1.
	Line int `json:"-"`
	// Slug is the "id" of the line: the tenant's slug.
	Slug         string            `json:"id"`
	Name         string            `json:"name"`
	Welcome      string            `json:"welcome,omitempty"`
	Model        string            `json:"model,omitempty"`
	Provider     string            `json:"provider,omitempty"`
	SystemPrompt string            `json:"system_prompt,omitempty"`
	Plan         string            `json:"plan,omitempty"`
	Domain       string            `json:"domain,omitempty"`
	Limits       map[string]int64  `json:"limits,omitempty"`
	Settings     tenantry.Settings `json:"settings,omitempty"`
	// OwnerEmail is the e-mail of the tenant's first owner, normalised.
	OwnerEmail string `json:"owner_email,omitempty"`
}

// line is the wire form of a line.
type line struct {
	ID           *string                    `json:"id"`
	Name         *string                    `json:"name"`
	Welcome      *string                    `json:"welcome"`
	Model        *string                    `json:"model"`
	Provider     *string                    `json:"provider"`
	SystemPrompt *string                    `json:"system_prompt"`
	Plan         *string                    `json:"plan"`
	Domain       *string                    `json:"domain"`
	Limits       map[string]json.RawMessage `json:"limits"`
	Settings     map[string]any             `json:"settings"`
	OwnerEmail   *string                    `json:"owner_email"`
}

// Parse reads a registry file. When any line is bad it returns no entries
// and a validation_failed error whose Fields name every bad line ("line
// 3") and whose Message lists them ("line 3: name is required; ...").
// A file without any tenant is bad too.
func Parse(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	var entries []Entry
	problems := map[int]string{}
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		text := bytes.TrimSpace(sc.Bytes())
		if n == 1 {
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf")) // UTF-8 BOM
		}
		if len(text) == 0 {
			continue
		}
		e, err := parseLine(text)
		if err != "" {
			problems[n] = err
			continue
		}
		if first, dup := seen[e.Slug]; dup {
			problems[n] = fmt.Sprintf("id %q repeats line %d", e.Slug, first)
			continue
		}
		seen[e.Slug] = n
		e.Line = n
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		if !errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("registry: read: %w", err)
		}
		problems[n+1] = fmt.Sprintf("longer than %d bytes", MaxLineBytes)
	}
	if len(problems) > 0 {
		return nil, lineErrors(problems)
	}
	if len(entries) == 0 {
		return nil, tenantry.Errorf(tenantry.EINVALID, "The tenants file has no tenants.")
	}
	return entries, nil
}

func lineErrors(problems map[int]string) error {
	lines := make([]int, 0, len(problems))
	for n := range problems {
		lines = append(lines, n)
	}
	sort.Ints(lines)
	fields := make(map[string]string, len(lines))
	msgs := make([]string, 0, len(lines))
	for _, n := range lines {
		key := "line " + strconv.Itoa(n)
		fields[key] = problems[n]
		msgs = append(msgs, key+": "+problems[n])
	}
	return &tenantry.Error{
		Code:    tenantry.EINVALID,
		Message: "The tenants file has bad lines: " + strings.Join(msgs, "; ") + ".",
		Fields:  fields,
	}
}

// parseLine decodes and checks one non-blank line; it returns why the line
// is bad, or "".
func parseLine(text []byte) (Entry, string) {
	l, why := decodeLine(text)
	if why != "" {
		return Entry{}, why
	}
	e := Entry{
		Slug:         strings.ToLower(trimmed(l.ID)),
		Name:         trimmed(l.Name),
		Welcome:      trimmed(l.Welcome),
		Model:        trimmed(l.Model),
		Provider:     trimmed(l.Provider),
		SystemPrompt: trimmed(l.SystemPrompt),
		Plan:         trimmed(l.Plan),
	}
	whys := e.checkText()
	if o := trimmed(l.OwnerEmail); o != "" {
		e.OwnerEmail = tenantry.NormalizeEmail(o)
		if !tenantry.ValidEmail(e.OwnerEmail) {
			whys = append(whys, "owner_email must be an e-mail address")
		}
	}
	if d := trimmed(l.Domain); d != "" {
		e.Domain = tenantry.NormalizeDomain(d)
		if e.Domain == "" || !strings.Contains(e.Domain, ".") {
			whys = append(whys, "domain must be a host name")
		}
	}
	var bad []string
	e.Limits, bad = limitsOf(l.Limits)
	whys = append(whys, bad...)
	if l.Settings != nil {
		e.Settings = tenantry.Settings(normalizeNumbers(l.Settings).(map[string]any))
	}
	if msg := e.settings().Validate(); msg != "" {
		whys = append(whys, "settings: "+msg)
	}
	if len(whys) > 0 {
		return Entry{}, strings.Join(whys, ", ")
	}
	return e, ""
}

// decodeLine decodes exactly one JSON object of known fields from text.
func decodeLine(text []byte) (line, string) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var l line
	if err := dec.Decode(&l); err != nil {
		return l, describe(err)
	}
	if dec.More() {
		return l, "more than one JSON value"
	}
	if _, err := dec.Token(); err != io.EOF {
		return l, "more than one JSON value"
	}
	return l, ""
}

// trimmed returns *p without surrounding space, "" for nil.
func trimmed(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// checkText says what is wrong with e's slug, name and texts.
func (e Entry) checkText() []string {
	var why []string
	switch {
	case e.Slug == "":
		why = append(why, "id is required")
	case tenantry.IsReservedSlug(e.Slug):
		why = append(why, fmt.Sprintf("id %q is reserved", e.Slug))
	case !tenantry.ValidSlug(e.Slug):
		why = append(why, "id must be 2-63 lower-case letters, digits or inner hyphens")
	}
	if e.Name == "" {
		why = append(why, "name is required")
	} else if len(e.Name) > 200 {
		why = append(why, "name is too long")
	}
	for _, f := range []struct{ name, v string }{
		{"welcome", e.Welcome}, {"model", e.Model}, {"provider", e.Provider}, {"plan", e.Plan},
	} {
		if len(f.v) > 1000 {
			why = append(why, f.name+" is too long")
		}
	}
	if len(e.SystemPrompt) > 8000 {
		why = append(why, "system_prompt is too long")
	}
	return why
}

// limitsOf decodes a line's limits (nil for none), in name order, and says
// which are bad.
func limitsOf(raw map[string]json.RawMessage) (map[string]int64, []string) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := map[string]int64{}
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	var why []string
	for _, k := range names {
		if !tenantry.IsLimitName(k) {
			why = append(why, fmt.Sprintf("limits.%s is not a known limit", k))
			continue
		}
		v, ok := wholeNumber(raw[k])
		if !ok {
			why = append(why, fmt.Sprintf("limits.%s must be a whole number >= -1", k))
			continue
		}
		out[k] = v
	}
	return out, why
}

func wholeNumber(raw json.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == '"' {
		return 0, false
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, false
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || f < -1 || f > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// normalizeNumbers turns the json.Numbers of a decoded value into float64,
// as encoding/json decodes them by default.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case map[string]any:
		for k, vv := range x {
			x[k] = normalizeNumbers(vv)
		}
		return x
	case []any:
		for i, vv := range x {
			x[i] = normalizeNumbers(vv)
		}
		return x
	}
	return v
}

// describe turns a JSON decoding error into a short reason.
func describe(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%s must be %s", te.Field, kind(te.Type.Kind().String()))
		}
		return "must be a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: unexpected end of line"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "malformed JSON"
}

func kind(k string) string {
	switch k {
	case "ptr", "string":
		return "a string"
	case "map":
		return "an object"
	}
	return "a " + k
}

// settings returns the settings the entry sets: its settings object, then
// welcome, model, provider and system_prompt on top. Limits are not
// settings: they are the tenant's limit overrides (TenantLimits).
func (e Entry) settings() tenantry.Settings {
	s := tenantry.Settings{}
	for k, v := range e.Settings {
		s[k] = v
	}
	for k, v := range map[string]string{
		tenantry.SettingWelcome: e.Welcome, tenantry.SettingModel: e.Model,
		tenantry.SettingProvider: e.Provider, tenantry.SettingSystemPrompt: e.SystemPrompt,
	} {
		if v != "" {
			s[k] = v
		}
	}
	return s
}

// TenantSettings returns the settings the entry sets on its tenant: the
// "settings" object with welcome, model, provider and system_prompt on top.
func (e Entry) TenantSettings() tenantry.Settings { return e.settings() }

// TenantLimits returns the limit overrides the entry sets on its tenant.
func (e Entry) TenantLimits() tenantry.Limits {
	l := tenantry.Limits{}
	for k, v := range e.Limits {
		l[k] = v
	}
	return l
}
