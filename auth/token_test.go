package auth

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestTenantTokens(t *testing.T) {
	tenantID := tenantry.NewID()
	hexID := strings.ReplaceAll(tenantID, "-", "")
	tests := []struct {
		name   string
		new    func(string) (string, string)
		prefix string
	}{
		{"api key", NewAPIKeyToken, "tnt_"},
		{"invitation", NewInvitationToken, "inv_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, hash := tt.new(strings.ToUpper(tenantID))
			re := regexp.MustCompile(`^` + tt.prefix + hexID + `[A-Za-z0-9_-]{43}$`)
			if !re.MatchString(token) {
				t.Fatalf("token = %q, want %s<32 hex tenant id><43 base64url>", token, tt.prefix)
			}
			if got, want := hash, HashToken(token); got != want {
				t.Errorf("hash = %q, want HashToken(token) = %q", got, want)
			}
			got, ok := TenantOfToken(token)
			if !ok || got != tenantID {
				t.Errorf("TenantOfToken = %q, %v; want %q, true", got, ok, tenantID)
			}
			other, _ := tt.new(tenantID)
			if other == token {
				t.Errorf("two tokens are equal: %q", token)
			}
		})
	}
}

func TestNewTokenPanicsOnBadTenant(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewAPIKeyToken(\"nope\") did not panic")
		}
	}()
	NewAPIKeyToken("nope")
}

func TestNewRefreshToken(t *testing.T) {
	token, hash := NewRefreshToken()
	if !regexp.MustCompile(`^rt_[A-Za-z0-9_-]{43}$`).MatchString(token) {
		t.Fatalf("refresh token = %q, want rt_<43 base64url>", token)
	}
	if hash != HashToken(token) {
		t.Errorf("hash = %q, want %q", hash, HashToken(token))
	}
	if !validRefreshToken(token) {
		t.Errorf("validRefreshToken(%q) = false", token)
	}
	if _, ok := TenantOfToken(token); ok {
		t.Errorf("TenantOfToken(refresh token) ok, want false")
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256("abc") from FIPS 180-2.
	if got, want := HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("HashToken(abc) = %q, want %q", got, want)
	}
}

func TestAPIKeyDisplayPrefix(t *testing.T) {
	token, _ := NewAPIKeyToken(tenantry.NewID())
	p := APIKeyDisplayPrefix(token)
	if len(p) != 42 || !strings.HasPrefix(token, p) {
		t.Errorf("APIKeyDisplayPrefix(%q) = %q, want the first 42 characters", token, p)
	}
}

func TestTenantOfTokenRejects(t *testing.T) {
	tenantID := tenantry.NewID()
	good, _ := NewAPIKeyToken(tenantID)
	hexID := good[4:36]
	secret := good[36:]
	tests := map[string]string{
		"empty":             "",
		"prefix only":       "tnt_",
		"refresh prefix":    "rt_" + hexID + secret,
		"unknown prefix":    "key_" + hexID + secret,
		"upper prefix":      "TNT_" + hexID + secret,
		"upper hex":         "tnt_" + strings.ToUpper(hexID) + secret,
		"non hex":           "tnt_" + "g" + hexID[1:] + secret,
		"hyphenated id":     "tnt_" + tenantID + secret,
		"short secret":      "tnt_" + hexID + secret[1:],
		"long secret":       "tnt_" + hexID + secret + "A",
		"std b64 secret":    "tnt_" + hexID + "+" + secret[1:],
		"padded secret":     "tnt_" + hexID + secret[:42] + "=",
		"non canonical end": "tnt_" + hexID + secret[:42] + "B", // low bits of the last char set
		"trailing newline":  good + "\n",
		"leading space":     " " + good,
	}
	for name, token := range tests {
		t.Run(name, func(t *testing.T) {
			if id, ok := TenantOfToken(token); ok {
				t.Errorf("TenantOfToken(%q) = %q, true; want false", token, id)
			}
		})
	}
	if validRefreshToken("rt_" + secret[1:]) {
		t.Error("validRefreshToken accepted a 42 character secret")
	}
}

// FuzzTenantOfToken checks that the token parser never panics and only
// returns canonical tenant ids taken from tnt_/inv_ tokens.
func FuzzTenantOfToken(f *testing.F) {
	api, _ := NewAPIKeyToken(tenantry.NewID())
	inv, _ := NewInvitationToken(tenantry.NewID())
	rt, _ := NewRefreshToken()
	for _, s := range []string{api, inv, rt, "", "tnt_", "inv_" + strings.Repeat("0", 75)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		id, ok := TenantOfToken(token)
		if !ok {
			if id != "" {
				t.Fatalf("TenantOfToken(%q) = %q, false; want empty id", token, id)
			}
			return
		}
		if parsed, valid := tenantry.ParseID(id); !valid || parsed != id {
			t.Fatalf("TenantOfToken(%q) = %q, which ParseID gives as %q, %v", token, id, parsed, valid)
		}
		if !strings.HasPrefix(token, APIKeyPrefix) && !strings.HasPrefix(token, InvitationPrefix) {
			t.Fatalf("TenantOfToken(%q) accepted a token without tnt_/inv_", token)
		}
		if strings.ReplaceAll(id, "-", "") != token[4:36] {
			t.Fatalf("TenantOfToken(%q) = %q, not the embedded id", token, id)
		}
	})
}
