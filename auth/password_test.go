package auth

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestHashPasswordDefaultParams(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(h) {
		t.Fatalf("HashPassword = %q, want PHC argon2id with m=19456,t=2,p=1", h)
	}
	ok, err := VerifyPassword(h, "correct horse battery staple")
	if err != nil || !ok {
		t.Fatalf("VerifyPassword(right) = %v, %v; want true, nil", ok, err)
	}
}

func TestVerifyPassword(t *testing.T) {
	p := cheapParams()
	h, err := p.Hash("s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	h2, err := p.Hash("s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	if h == h2 {
		t.Errorf("two hashes of one password are equal (%q); want distinct salts", h)
	}
	tests := []struct {
		pw   string
		want bool
	}{
		{"s3cret-pass", true},
		{"s3cret-pasS", false},
		{"s3cret-pas", false},
		{"", false},
		{"s3cret-pass ", false},
	}
	for _, tt := range tests {
		got, err := VerifyPassword(h, tt.pw)
		if err != nil {
			t.Fatalf("VerifyPassword(%q): %v", tt.pw, err)
		}
		if got != tt.want {
			t.Errorf("VerifyPassword(%q) = %v, want %v", tt.pw, got, tt.want)
		}
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	p := cheapParams()
	good, err := p.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	b64 := base64.RawStdEncoding
	tests := map[string]string{
		"empty":          "",
		"garbage":        "not a hash",
		"argon2i":        "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"argon2d":        "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"old version":    "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"no version":     "$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
		"missing key":    "$argon2id$v=19$m=64,t=1,p=1$" + salt,
		"extra part":     good + "$x",
		"no leading $":   good[1:],
		"params order":   "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"leading zero":   "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key,
		"plus sign":      "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key,
		"negative":       "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"zero time":      "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"zero threads":   "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"huge memory":    "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key,
		"overflow":       "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key,
		"huge time":      "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"many threads":   "$argon2id$v=19$m=64,t=1,p=255$" + salt + "$" + key,
		"tiny memory":    "$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + key,
		"padded salt":    "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"url b64 salt":   "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("-_", 11) + "$" + key,
		"short salt":     "$argon2id$v=19$m=64,t=1,p=1$" + b64.EncodeToString(make([]byte, 4)) + "$" + key,
		"short key":      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + b64.EncodeToString(make([]byte, 8)),
		"long key":       "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + b64.EncodeToString(make([]byte, 65)),
		"missing param":  "$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"spaces":         "$argon2id$v=19$m=64, t=1,p=1$" + salt + "$" + key,
		"bcrypt":         "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"unhashed value": "password",
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			ok, err := VerifyPassword(h, "pw")
			if err == nil || ok {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, error", h, ok, err)
			}
		})
	}
}

func TestParamsHashInvalid(t *testing.T) {
	for _, p := range []Params{{}, {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}, {Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}} {
		if h, err := p.Hash("pw"); err == nil {
			t.Errorf("%+v.Hash = %q, nil; want an error", p, h)
		}
	}
}

// FuzzParsePHC checks that the PHC parser never panics and that whatever it
// accepts has bounded parameters and formats back to the same string.
func FuzzParsePHC(f *testing.F) {
	p := cheapParams()
	h, err := p.Hash("pw")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(h)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePHC(s)
		if err != nil {
			return
		}
		if !p.valid() {
			t.Fatalf("parsePHC(%q) accepted invalid params %+v", s, p)
		}
		b64 := base64.RawStdEncoding
		back := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
		if back != s {
			t.Fatalf("parsePHC(%q) round trip = %q", s, back)
		}
	})
}
