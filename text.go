package tenantry

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// NotText is the message of a field whose value is not ValidText.
const NotText = "must be UTF-8 text without NUL characters"

// ValidText reports whether s is text every store accepts: valid UTF-8
// with no NUL character (PostgreSQL refuses both in text columns and in
// query parameters; SQLite is held to the same rule for parity).
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// CheckText records NotText as fields[name] when s is not ValidText, and
// reports whether s is valid. Domain Validate methods call it for every
// text field before any other check of that field.
func CheckText(fields map[string]string, name, s string) bool {
	if ValidText(s) {
		return true
	}
	fields[name] = NotText
	return false
}

// ValidQuery checks the names and values of a request's query parameters:
// nil when all are ValidText, else bad_request naming the first bad
// parameter in name order.
func ValidQuery(q url.Values) error {
	if name, ok := badValue(q); !ok {
		if !ValidText(name) {
			return Errorf(EBADREQUEST, "A query parameter name is not UTF-8 text without NUL characters.")
		}
		return Errorf(EBADREQUEST, "The %s parameter must be UTF-8 text without NUL characters.", name)
	}
	return nil
}

// ValidForm checks the names and values of a submitted form: nil when all
// are ValidText, else validation_failed naming every bad field.
func ValidForm(form url.Values) error {
	fields := map[string]string{}
	for name, vs := range form {
		if !ValidText(name) {
			fields[strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), "?")] = "is not a UTF-8 field name"
			continue
		}
		for _, v := range vs {
			CheckText(fields, name, v)
		}
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// badValue returns the first name, in order, whose name or a value is not
// ValidText, and false; or "", true when every one is valid.
func badValue(vals url.Values) (string, bool) {
	names := make([]string, 0, len(vals))
	for name, vs := range vals {
		if !ValidText(name) {
			return name, false
		}
		for _, v := range vs {
			if !ValidText(v) {
				names = append(names, name)
				break
			}
		}
	}
	if len(names) == 0 {
		return "", true
	}
	return slices.Min(names), false
}
