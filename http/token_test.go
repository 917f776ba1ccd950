package http

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// testSecret is the signing secret of newTestEnv's auth service.
var testSecret = []byte("test-secret-test-secret-test-sec")

// resign returns tok with its claims changed by edit, signed again with
// the test secret.
func resign(tb testing.TB, tok string, edit func(jwt.MapClaims)) string {
	tb.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, c); err != nil {
		tb.Fatalf("parse access token: %v", err)
	}
	edit(c)
	out, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(testSecret)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// longCache makes the credential cache outlive the tokens of a test.
func longCache(c *Config) { c.CacheTTL = time.Hour }

func TestCachedAccessTokenRefusedAfterExp(t *testing.T) {
	e := newSQLiteEnv(t, longCache)
	u := e.signup(t, e.email("exp"))
	// exp is set so that exp + leeway falls one to two seconds from now:
	// the token is accepted (and cached) now and must be refused after.
	exp := time.Now().Add(-auth.Leeway).Unix() + 2
	refusedAt := time.Unix(exp, 0).Add(auth.Leeway)
	tok := resign(t, u.Token, func(c jwt.MapClaims) { c["exp"] = exp })
	short := caller{Token: tok}
	e.must(t, short, "GET", "/api/auth/me", nil, http.StatusOK, nil)
	time.Sleep(time.Until(refusedAt) + 50*time.Millisecond)
	r := e.do(t, short, "GET", "/api/auth/me", nil)
	if r.Status != http.StatusUnauthorized || r.errCode() != tenantry.EUNAUTHENTICATED {
		t.Fatalf("cached token after exp + leeway: got %d %s, want 401 %s", r.Status, r.Body, tenantry.EUNAUTHENTICATED)
	}
}

func TestAccessTokenStopsWhenItsSessionIsRevoked(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t), longCache)
			email := e.email("sess")
			e.signup(t, email)
			login := func() (access, refresh string) {
				var s struct {
					AccessToken  string `json:"access_token"`
					RefreshToken string `json:"refresh_token"`
				}
				e.must(t, caller{}, "POST", "/api/auth/login", map[string]any{"email": email, "password": testPassword}, http.StatusOK, &s)
				return s.AccessToken, s.RefreshToken
			}
			refused := func(name, tok string) {
				t.Helper()
				r := e.do(t, caller{Token: tok}, "GET", "/api/auth/me", nil)
				if r.Status != http.StatusUnauthorized || r.errCode() != tenantry.EUNAUTHENTICATED {
					t.Errorf("%s: got %d %s, want 401 %s", name, r.Status, r.Body, tenantry.EUNAUTHENTICATED)
				}
			}

			// Logout stops the session's access token at once, though it
			// is cached; another session of the user keeps working.
			access, refresh := login()
			other, _ := login()
			e.must(t, caller{Token: access}, "GET", "/api/auth/me", nil, http.StatusOK, nil)
			e.must(t, caller{Token: other}, "GET", "/api/auth/me", nil, http.StatusOK, nil)
			e.must(t, caller{}, "POST", "/api/auth/logout", map[string]any{"refresh_token": refresh}, http.StatusNoContent, nil)
			refused("access token after logout", access)
			e.must(t, caller{Token: other}, "GET", "/api/auth/me", nil, http.StatusOK, nil)

			// Reuse of a rotated refresh token stops every access token
			// of the family, the rotated one's too.
			access, refresh = login()
			var next struct {
				AccessToken string `json:"access_token"`
			}
			e.must(t, caller{}, "POST", "/api/auth/refresh", map[string]any{"refresh_token": refresh}, http.StatusOK, &next)
			e.must(t, caller{Token: access}, "GET", "/api/auth/me", nil, http.StatusOK, nil)
			e.must(t, caller{Token: next.AccessToken}, "GET", "/api/auth/me", nil, http.StatusOK, nil)
			if r := e.do(t, caller{}, "POST", "/api/auth/refresh", map[string]any{"refresh_token": refresh}); r.Status != http.StatusUnauthorized {
				t.Fatalf("reused refresh token: got %d %s, want 401", r.Status, r.Body)
			}
			refused("first access token after reuse", access)
			refused("rotated access token after reuse", next.AccessToken)
			e.must(t, caller{Token: other}, "GET", "/api/auth/me", nil, http.StatusOK, nil)
		})
	}
}
