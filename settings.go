package tenantry

import (
	"encoding/json"
	"math"
)

// Settings is a tenant's settings: a JSON object. Keys named like a plan
// limit (for example "requests_per_second") override that limit; the
// assistant reads "welcome", "model", "provider", "system_prompt" and
// "chat_per_10s"; the HTTP layer reads "cors_origins".
type Settings map[string]any

// MaxSettingsSize is the largest encoded settings object accepted.
const MaxSettingsSize = 64 << 10

// Validate returns "" when the settings are acceptable, else why not.
func (s Settings) Validate() string {
	b, err := json.Marshal(s)
	if err != nil {
		return "must be a JSON object"
	}
	if len(b) > MaxSettingsSize {
		return "too large"
	}
	if v, ok := s[SettingPublicAssistant]; ok && !isBool(v) {
		return SettingPublicAssistant + " must be true or false"
	}
	for name := range limitNames() {
		v, ok := s[name]
		if !ok {
			continue
		}
		if _, ok := asLimit(v); !ok {
			return name + " must be a whole number >= -1"
		}
	}
	return ""
}

// String returns the string value of key, or "".
func (s Settings) String(key string) string {
	v, _ := s[key].(string)
	return v
}

// Bool returns the boolean value of key, or false.
func (s Settings) Bool(key string) bool {
	v, _ := s[key].(bool)
	return v
}

func isBool(v any) bool { _, ok := v.(bool); return ok }

// MergePatch returns a copy of s with patch applied as a JSON Merge Patch
// (RFC 7386): a null value removes a key, an object is merged recursively,
// anything else replaces the key. s is not modified.
func (s Settings) MergePatch(patch Settings) Settings {
	out := make(Settings, len(s)+len(patch))
	for k, v := range s {
		out[k] = v
	}
	for k, pv := range patch {
		if pv == nil {
			delete(out, k)
			continue
		}
		if pm, ok := asObject(pv); ok {
			tm, _ := asObject(out[k])
			out[k] = map[string]any(Settings(tm).MergePatch(pm))
			continue
		}
		out[k] = pv
	}
	return out
}

func asObject(v any) (Settings, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case Settings:
		return m, true
	}
	return nil, false
}

// asLimit converts a JSON number to a limit value.
func asLimit(v any) (int64, bool) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case json.Number:
		x, err := n.Float64()
		if err != nil {
			return 0, false
		}
		f = x
	default:
		return 0, false
	}
	if f != math.Trunc(f) || f < -1 || f > 1<<53 {
		return 0, false
	}
	return int64(f), true
}
