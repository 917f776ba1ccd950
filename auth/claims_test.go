package auth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzStrictDates checks that the strict date check never panics and that
// what it accepts has exp and iat as JSON numbers.
func FuzzStrictDates(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, p := range []string{
		`{"exp":1700000000,"iat":1690000000}`,
		`{"exp":"1700000000","iat":1690000000}`,
		`{"exp":1700000000}`,
		`{"exp":null,"iat":null}`,
		`{"exp":1e10,"iat":-1}`,
		`[]`,
		``,
	} {
		f.Add("e30." + enc([]byte(p)) + ".sig")
	}
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		if !strictDates(tok) {
			return
		}
		payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
		if err != nil {
			t.Fatalf("strictDates(%q) accepted an undecodable payload: %v", tok, err)
		}
		dec := json.NewDecoder(strings.NewReader(string(payload)))
		dec.UseNumber()
		var claims map[string]any
		if err := dec.Decode(&claims); err != nil {
			t.Fatalf("strictDates(%q) accepted a payload that is not an object: %v", tok, err)
		}
		for _, name := range []string{"exp", "iat"} {
			if _, ok := claims[name].(json.Number); !ok {
				t.Fatalf("strictDates(%q) accepted %s = %#v, want a JSON number", tok, name, claims[name])
			}
		}
	})
}
