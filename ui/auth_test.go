package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

func TestSignupWithTenantOpensDashboard(t *testing.T) {
	e := newEnv(t)
	c := e.newClient(t)
	r := c.post("/signup", url.Values{"email": {"ann@acme.test"}, "name": {"Ann"}, "password": {testPassword}, "tenant_name": {"Acme"}, "tenant_slug": {"acme"}})
	mustStatus(t, "signup", r, http.StatusSeeOther)
	if got, want := r.Location, "/t/acme/"; got != want {
		t.Fatalf("signup redirect: got %q, want %q", got, want)
	}
	d := c.get("/t/acme/")
	mustStatus(t, "dashboard", d, http.StatusOK)
	mustContain(t, "dashboard", d.Body, "Acme", "free plan", "Projects", "owner", "Welcome! Your tenant Acme is ready.")
	home := c.get("/")
	mustStatus(t, "home", home, http.StatusOK)
	mustContain(t, "home", home.Body, `href="/t/acme/"`)
}

func TestSignupErrorsAreFriendly(t *testing.T) {
	e := newEnv(t)
	e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	tests := []struct {
		name string
		form url.Values
		want int
		text string
	}{
		{"short password", url.Values{"email": {"b@x.test"}, "name": {"B"}, "password": {"short"}}, http.StatusUnprocessableEntity, "Password must be at least 8 characters"},
		{"taken email", url.Values{"email": {"ann@acme.test"}, "name": {"B"}, "password": {testPassword}}, http.StatusConflict, ""},
		{"reserved slug", url.Values{"email": {"c@x.test"}, "name": {"C"}, "password": {testPassword}, "tenant_name": {"Admin"}, "tenant_slug": {"admin"}}, http.StatusUnprocessableEntity, "Tenant address reserved"},
		{"slug without name", url.Values{"email": {"d@x.test"}, "name": {"D"}, "password": {testPassword}, "tenant_slug": {"dd"}}, http.StatusUnprocessableEntity, "Tenant name required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.newClient(t)
			r := c.post("/signup", tt.form)
			mustStatus(t, "signup", r, tt.want)
			mustContain(t, "signup", r.Body, `role="alert"`, tt.text)
			mustNotContain(t, "signup", r.Body, "tenantry error", "sql")
		})
	}
}

func TestLoginRotatesSessionAndLogoutRevokes(t *testing.T) {
	e := newEnv(t)
	e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	stored := e.Sessions.Len()
	c := e.newClient(t)
	bad := c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {"wrong password"}})
	mustStatus(t, "bad login", bad, http.StatusUnauthorized)
	mustContain(t, "bad login", bad.Body, "Invalid e-mail or password.")

	u, _ := url.Parse(e.Server.URL)
	if got := sessionCookie(c, u); got != "" {
		t.Fatalf("session cookie %q before sign-in, want none", got)
	}
	if got := e.Sessions.Len(); got != stored {
		t.Fatalf("sessions stored before sign-in: got %d, want %d (the sign-up's only)", got, stored)
	}
	r := c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}, "next": {"/t/acme/projects"}})
	mustStatus(t, "login", r, http.StatusSeeOther)
	if got, want := r.Location, "/t/acme/projects"; got != want {
		t.Errorf("login redirect: got %q, want %q", got, want)
	}
	after := sessionCookie(c, u)
	if after == "" {
		t.Fatal("no session cookie after sign-in")
	}
	s, _ := e.Sessions.Get(context.Background(), after)
	if s == nil || len(s.RefreshHash) != 64 {
		t.Fatalf("signed-in session: got %+v, want one with a refresh token hash", s)
	}
	mustStatus(t, "dashboard", c.get("/t/acme/"), http.StatusOK)

	out := c.post("/logout", nil)
	mustStatus(t, "logout", out, http.StatusSeeOther)
	if got, _ := e.Sessions.Get(context.Background(), after); got != nil {
		t.Errorf("session still stored after sign-out")
	}
	next := &tenantry.RefreshToken{ID: tenantry.NewID(), UserID: s.UserID, FamilyID: tenantry.NewID(), Hash: auth.HashToken("rt_next"),
		CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	if _, err := e.Store.RotateRefreshToken(context.Background(), s.RefreshHash, next); err == nil {
		t.Errorf("refresh token of the session still live after sign-out")
	}
	d := c.get("/t/acme/")
	mustStatus(t, "dashboard after sign-out", d, http.StatusSeeOther)
	if got, want := d.Location, "/t/acme/login?next=%2Ft%2Facme%2F"; got != want {
		t.Errorf("redirect after sign-out: got %q, want %q", got, want)
	}
}

// sessionCookie returns the client's session cookie value for u.
func sessionCookie(c *client, u *url.URL) string {
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "tenantry_session" {
			return ck.Value
		}
	}
	return ""
}

func TestLoginOpenRedirectRefused(t *testing.T) {
	e := newEnv(t)
	e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	for _, next := range []string{"https://evil.test/", "//evil.test/", "/\\evil.test"} {
		c := e.newClient(t)
		r := c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}, "next": {next}})
		mustStatus(t, "login", r, http.StatusSeeOther)
		if got, want := r.Location, "/"; got != want {
			t.Errorf("next %q: got redirect %q, want %q", next, got, want)
		}
	}
}

func TestCSRFRefused(t *testing.T) {
	e := newEnv(t)
	c := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	other := e.signup(t, "bob@globex.test", "Bob", "Globex", "globex")
	tests := []struct {
		name string
		csrf []string
	}{
		{"missing", nil},
		{"wrong", []string{"not-the-token"}},
		{"another session's", []string{other.csrf()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"name": {"Sneaky"}}
			if tt.csrf != nil {
				form["csrf"] = tt.csrf
			}
			r := c.postRaw("/t/acme/projects", form)
			mustStatus(t, "post", r, http.StatusForbidden)
			mustContain(t, "post", r.Body, "Your form expired")
		})
	}
	if got := len(e.projects(t, "acme")); got != 0 {
		t.Errorf("projects after refused posts: got %d, want 0", got)
	}
	// Sign-out without a token is refused too: it does not end the session.
	mustStatus(t, "logout without csrf", c.postRaw("/logout", url.Values{}), http.StatusForbidden)
	mustStatus(t, "still signed in", c.get("/t/acme/"), http.StatusOK)
}

func TestInvitationAcceptFlow(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	anon := e.newClient(t)
	inv := e.inviteAndAccept(t, owner, "acme", "bob@acme.test", "Bob", tenantry.RoleMember)
	d := inv.get("/t/acme/")
	mustStatus(t, "invitee dashboard", d, http.StatusOK)
	mustContain(t, "invitee dashboard", d.Body, "You joined Acme as member.", "Acme")
	// The invitation page asks an anonymous visitor to sign in first.
	p := anon.get("/t/acme/invitations/inv_whatever")
	mustStatus(t, "invitation page", p, http.StatusOK)
	mustContain(t, "invitation page", p.Body, "Sign in", "Create an account")
	// A bad token is a friendly not-found.
	bad := inv.post("/invitations/inv_nope", nil)
	mustStatus(t, "bad invitation", bad, http.StatusNotFound)
	mustContain(t, "bad invitation", bad.Body, "Invitation not found.")
}
