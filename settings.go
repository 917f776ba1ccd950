package tenantry

import (
	"encoding/json"
	"math"
	"sort"
)

// Settings is a tenant's settings: a JSON object of known keys only. A
// tenant's owners and admins set the tenant keys (welcome, model,
// system_prompt, cors_origins and custom); the platform alone sets the
// platform-only keys (provider, openai_base_url, openai_api_key_env).
// Limits are never settings: a tenant's limit overrides are Tenant.Limits.
type Settings map[string]any

// Tenant settings keys besides the assistant's (see SettingWelcome).
const (
	// SettingCORSOrigins lists the browser origins allowed on the API.
	SettingCORSOrigins = "cors_origins"
	// SettingCustom is a free-form object for the tenant's own use.
	SettingCustom = "custom"
)

// Platform-only settings keys, set through the platform API only and shown
// to a tenant's owners and admins only.
const (
	// SettingOpenAIBaseURL is a tenant's own OpenAI-compatible API root.
	SettingOpenAIBaseURL = "openai_base_url"
	// SettingOpenAIKeyEnv names the environment variable that holds the
	// tenant's provider key.
	SettingOpenAIKeyEnv = "openai_api_key_env"
)

// MaxSettingsSize is the largest encoded settings object accepted.
const MaxSettingsSize = 64 << 10

// MaxSettingsDepth is the deepest nesting accepted in a settings object,
// counting the object itself as level 1 (so custom holds 7 more levels).
const MaxSettingsDepth = 8

// settingKind is what a settings key holds.
type settingKind int

const (
	kindString settingKind = iota
	kindOrigins
	kindObject
	kindBool
)

// settingKindOf returns what key holds, whether only the platform sets it,
// and whether it is a known key at all.
func settingKindOf(key string) (kind settingKind, platformOnly, known bool) {
	switch key {
	case SettingWelcome, SettingModel, SettingSystemPrompt:
		return kindString, false, true
	case SettingCORSOrigins:
		return kindOrigins, false, true
	case SettingCustom:
		return kindObject, false, true
	case SettingPublicAssistant:
		return kindBool, false, true
	case SettingProvider, SettingOpenAIBaseURL, SettingOpenAIKeyEnv:
		return kindString, true, true
	}
	return 0, false, false
}

// IsPlatformSetting reports whether key is set by the platform only.
func IsPlatformSetting(key string) bool {
	_, p, ok := settingKindOf(key)
	return ok && p
}

// IsTenantSetting reports whether a tenant's owners and admins may set key.
func IsTenantSetting(key string) bool {
	_, p, ok := settingKindOf(key)
	return ok && !p
}

// SettingsBy says who changes settings: a tenant's owner or admin, or the
// platform.
type SettingsBy int

// Who may change settings.
const (
	ByTenant SettingsBy = iota
	ByPlatform
)

// CheckPatch returns nil when patch, a JSON Merge Patch of settings, may be
// applied by who; otherwise validation_failed with one field per bad key,
// named prefix+key ("" for the tenant API, "settings." for the platform
// API). A null value removes a key. An unknown key, a limit name, a
// platform-only key changed by a tenant, a value of the wrong type and a
// patch too large or too deep are refused.
func (s Settings) CheckPatch(who SettingsBy, prefix string) error {
	fields := s.problems(who, true, prefix)
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// Validate returns "" when s is an acceptable whole settings object (known
// keys with values of their type, within MaxSettingsSize and
// MaxSettingsDepth), else why not.
func (s Settings) Validate() string {
	fields := s.problems(ByPlatform, false, "")
	if len(fields) == 0 {
		return ""
	}
	if msg, ok := fields["settings"]; ok {
		return msg
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0] + " " + fields[keys[0]]
}

// problems maps each bad key of s, named prefix+key, to why; the whole
// object's size and depth problems are under "settings".
func (s Settings) problems(who SettingsBy, patch bool, prefix string) map[string]string {
	fields := map[string]string{}
	const whole = "settings"
	// Text first: a key that is not text is never echoed back as a field
	// name.
	if msg := settingsText(s); msg != "" {
		fields[whole] = msg
		return fields
	}
	if depth := jsonDepth(map[string]any(s)); depth > MaxSettingsDepth {
		fields[whole] = "nested too deeply (at most 8 levels)"
		return fields
	}
	b, err := json.Marshal(s)
	if err != nil {
		fields[whole] = "must be a JSON object"
		return fields
	}
	if len(b) > MaxSettingsSize {
		fields[whole] = "too large"
		return fields
	}
	for k, v := range s {
		kind, platformOnly, ok := settingKindOf(k)
		switch {
		case ok && platformOnly && who == ByTenant:
			fields[prefix+k] = "is set by the platform"
			continue
		case IsLimitName(k):
			fields[prefix+k] = "is a limit, set by the platform (limits are not settings)"
			continue
		case !ok:
			fields[prefix+k] = "unknown setting"
			continue
		case v == nil && patch:
			continue
		}
		if msg := kind.check(v); msg != "" {
			fields[prefix+k] = msg
		}
	}
	return fields
}

// check returns "" when v has the kind, else what it must be.
func (k settingKind) check(v any) string {
	switch k {
	case kindString:
		if _, ok := v.(string); !ok {
			return "must be a string"
		}
	case kindOrigins:
		switch o := v.(type) {
		case string, []string:
		case []any:
			for _, x := range o {
				if _, ok := x.(string); !ok {
					return "must be a list of origins (strings)"
				}
			}
		default:
			return "must be a list of origins (strings)"
		}
	case kindObject:
		if _, ok := asObject(v); !ok {
			return "must be an object"
		}
	case kindBool:
		if _, ok := v.(bool); !ok {
			return "must be true or false"
		}
	}
	return ""
}

// jsonDepth returns the nesting depth of a decoded JSON value: 0 for a
// scalar, 1 for an object or array of scalars.
func jsonDepth(v any) int {
	max := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			max = deeper(max, e)
		}
	case Settings:
		for _, e := range x {
			max = deeper(max, e)
		}
	case []any:
		for _, e := range x {
			max = deeper(max, e)
		}
	case []string:
	default:
		return 0
	}
	return max + 1
}

// deeper returns the larger of max and the depth of e.
func deeper(max int, e any) int {
	if d := jsonDepth(e); d > max {
		return d
	}
	return max
}

// String returns the string value of key, or "".
func (s Settings) String(key string) string {
	v, _ := s[key].(string)
	return v
}

// ForRole returns the settings a member of role may see: everything for an
// owner or admin, and no platform-only keys for anyone else. s is not
// modified.
func (s Settings) ForRole(role Role) Settings {
	out := make(Settings, len(s))
	for k, v := range s {
		if IsPlatformSetting(k) && !role.CanManage() {
			continue
		}
		out[k] = v
	}
	return out
}

// Bool returns the boolean value of key, or false.
func (s Settings) Bool(key string) bool {
	v, _ := s[key].(bool)
	return v
}

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
