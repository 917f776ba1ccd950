package auth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// strictDates reports whether the payload of the compact JWS tok carries
// exp and iat as JSON numbers. golang-jwt accepts a NumericDate written as
// a JSON string and treats a missing iat as valid; Tenantry requires both
// claims and both as numbers. It is called after the signature has been
// verified, so the payload is the issuer's own.
func strictDates(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(payload, &claims); err != nil {
		return false
	}
	return isNumber(claims["exp"]) && isNumber(claims["iat"])
}

// isNumber reports whether raw is a JSON number (not a string, null, or
// absent).
func isNumber(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	_, ok := v.(float64)
	return ok
}
