package tenantry

// settingsText returns "" when every key and every string value of s, at
// any depth, is ValidText, else why not (naming the key path).
func settingsText(s Settings) string {
	for k, v := range s {
		if !ValidText(k) {
			return "keys " + NotText
		}
		if !textValue(v) {
			return k + " " + NotText
		}
	}
	return ""
}

// textValue reports whether every string in a decoded JSON value is
// ValidText.
func textValue(v any) bool {
	switch x := v.(type) {
	case string:
		return ValidText(x)
	case map[string]any:
		return settingsText(x) == ""
	case Settings:
		return settingsText(x) == ""
	case []any:
		for _, e := range x {
			if !textValue(e) {
				return false
			}
		}
	case []string:
		for _, e := range x {
			if !ValidText(e) {
				return false
			}
		}
	}
	return true
}
