package http

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/inmem"
)

// outbox is a Mailer that records what it is sent.
type outbox struct {
	mu   sync.Mutex
	msgs []tenantry.Message
}

func (o *outbox) Send(_ context.Context, m tenantry.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) to(addr string) []tenantry.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []tenantry.Message
	for _, m := range o.msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// newMailEnv starts a server on store whose auth service mails into an
// outbox, with links under https://app.example.com.
func newMailEnv(tb testing.TB, store tenantry.Store, opts ...func(*Config)) (*testEnv, *outbox) {
	tb.Helper()
	box := &outbox{}
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(store, auth.Config{Secret: []byte("test-secret-test-secret-test-sec"), Params: &cheap, Mailer: box, PublicURL: "https://app.example.com"})
	e := newTestEnv(tb, store, append([]func(*Config){func(c *Config) { c.Auth = a }}, opts...)...)
	e.Auth = a
	return e, box
}

var resetToken = regexp.MustCompile(`https://app\.example\.com/reset-password\?token=(pr_[A-Za-z0-9_-]{43})`)

func TestPasswordResetAPI(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e, box := newMailEnv(t, b.open(t))
			email := e.email("forgot")
			e.signup(t, email)
			var sess struct {
				RefreshToken string `json:"refresh_token"`
			}
			e.must(t, caller{}, "POST", "/api/auth/login", map[string]any{"email": email, "password": testPassword}, 200, &sess)

			unknown := e.must(t, caller{}, "POST", "/api/auth/password-reset", map[string]any{"email": "nobody@example.com"}, http.StatusAccepted, nil)
			known := e.must(t, caller{}, "POST", "/api/auth/password-reset", map[string]any{"email": strings.ToUpper(email)}, http.StatusAccepted, nil)
			if string(unknown.Body) != string(known.Body) {
				t.Errorf("answers differ: unknown %q, known %q", unknown.Body, known.Body)
			}
			if got := box.to("nobody@example.com"); len(got) != 0 {
				t.Errorf("mail to an unknown address: %+v", got)
			}
			r := e.do(t, caller{}, "POST", "/api/auth/password-reset", map[string]any{"email": "not an address"})
			if r.Status != 422 || r.errFields()["email"] == "" {
				t.Errorf("malformed e-mail: got %d %s, want 422 naming email", r.Status, r.Body)
			}
			msgs := box.to(email)
			if len(msgs) != 1 {
				t.Fatalf("mail to %s: got %d messages, want 1", email, len(msgs))
			}
			m := resetToken.FindStringSubmatch(msgs[0].Text)
			if m == nil {
				t.Fatalf("mail %q has no reset link", msgs[0].Text)
			}
			token := m[1]

			confirm := "/api/auth/password-reset/confirm"
			tests := []struct {
				name  string
				body  map[string]any
				want  int
				code  string
				field string
			}{
				{"short password", map[string]any{"token": token, "password": "short"}, 422, tenantry.EINVALID, "password"},
				{"bad token", map[string]any{"token": "pr_garbage", "password": "brand new password"}, 401, tenantry.EUNAUTHENTICATED, ""},
				{"unknown token", map[string]any{"token": "pr_" + strings.Repeat("A", 42) + "E", "password": "brand new password"}, 401, tenantry.EUNAUTHENTICATED, ""},
				{"reset", map[string]any{"token": token, "password": "brand new password"}, 204, "", ""},
				{"used token", map[string]any{"token": token, "password": "another password"}, 401, tenantry.EUNAUTHENTICATED, ""},
			}
			for _, tt := range tests {
				r := e.do(t, caller{}, "POST", confirm, tt.body)
				if r.Status != tt.want || r.errCode() != tt.code || (tt.field != "" && r.errFields()[tt.field] == "") {
					t.Errorf("%s: got %d %s, want %d %s %s", tt.name, r.Status, r.Body, tt.want, tt.code, tt.field)
				}
			}
			if r := e.do(t, caller{}, "POST", "/api/auth/login", map[string]any{"email": email, "password": testPassword}); r.Status != 401 {
				t.Errorf("login with the old password: got %d, want 401", r.Status)
			}
			e.must(t, caller{}, "POST", "/api/auth/login", map[string]any{"email": email, "password": "brand new password"}, 200, nil)
			if r := e.do(t, caller{}, "POST", "/api/auth/refresh", map[string]any{"refresh_token": sess.RefreshToken}); r.Status != 401 {
				t.Errorf("refresh token from before the reset: got %d, want 401", r.Status)
			}

			var audit struct {
				Items []*tenantry.AuditEvent `json:"items"`
			}
			e.must(t, e.admin(t), "GET", "/api/admin/audit?action="+tenantry.AuditPasswordReset, nil, 200, &audit)
			var found bool
			for _, ev := range audit.Items {
				if ev.Action == tenantry.AuditPasswordReset && ev.Actor.Type == tenantry.ActorUser && ev.TargetID == ev.Actor.ID && ev.TenantID == "" {
					found = true
				}
			}
			if !found {
				t.Errorf("admin audit: got %+v, want a platform %s event with the user as actor", audit.Items, tenantry.AuditPasswordReset)
			}
		})
	}
}

// TestPasswordResetThrottled checks that reset requests use the sign-in
// limits: per e-mail address and per client address.
func TestPasswordResetThrottled(t *testing.T) {
	lim := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	e, _ := newMailEnv(t, openSQLite(t), func(c *Config) {
		c.Limiter = lim
		c.LoginRatePerEmail = &tenantry.Rate{Events: 2, Per: time.Minute, Burst: 2}
		c.LoginRatePerIP = &tenantry.Rate{Events: 4, Per: time.Minute, Burst: 4}
	})
	var got []int
	for range 3 {
		got = append(got, e.do(t, caller{}, "POST", "/api/auth/password-reset", map[string]any{"email": "victim@example.com"}).Status)
	}
	want := []int{202, 202, 429}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("per e-mail: got %v, want %v", got, want)
		}
	}
	got = got[:0]
	for range 2 {
		got = append(got, e.do(t, caller{}, "POST", "/api/auth/password-reset/confirm", map[string]any{"token": "pr_x", "password": "long enough"}).Status)
	}
	if got[0] != 401 || got[1] != 429 {
		t.Fatalf("per IP: got %v, want 401 then 429 once the IP's 4 are spent", got)
	}
	if r := e.do(t, caller{}, "POST", "/api/auth/password-reset", map[string]any{"email": "other@example.com"}); r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("another e-mail from the same address: got %d Retry-After %q, want 429 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
}

func TestInvitationMailedAPI(t *testing.T) {
	e, box := newMailEnv(t, openSQLite(t))
	f := e.newFixture(t, "mailco", "pro")
	invitee := e.email("invitee")
	var inv struct {
		Token string `json:"token"`
	}
	e.must(t, f.Owner, "POST", "/api/invitations", map[string]any{"email": invitee, "role": "member"}, 201, &inv)
	msgs := box.to(invitee)
	link := "https://app.example.com/invitations/" + inv.Token
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, link) {
		t.Fatalf("mail to %s: got %+v, want one with %s", invitee, msgs, link)
	}
	// The admin API's owner invitation for an unknown e-mail is mailed too.
	owner := e.email("owner")
	var tn struct {
		Token string `json:"token"`
	}
	e.must(t, e.admin(t), "POST", "/api/admin/tenants", map[string]any{"name": "Mailed", "slug": "mailed", "owner_email": owner}, 201, &tn)
	if msgs := box.to(owner); len(msgs) != 1 || tn.Token == "" || !strings.Contains(msgs[0].Text, "/invitations/"+tn.Token) {
		t.Errorf("owner invitation mail: got %+v (token %q), want one with its link", msgs, tn.Token)
	}
}

func TestPasswordResetAPISignsOutBrowsers(t *testing.T) {
	sessions := inmem.NewBrowserSessions(0, 0)
	e, box := newMailEnv(t, openSQLite(t), func(c *Config) { c.BrowserSessions = sessions })
	email := e.email("browsers")
	u := e.signup(t, email)
	other := e.signup(t, e.email("other"))
	now := tenantry.Now()
	for _, s := range []*tenantry.BrowserSession{
		{ID: "ann-1", Host: "localhost", UserID: u.UserID, CreatedAt: now, LastSeen: now},
		{ID: "ann-2", Host: "acme.localhost", UserID: u.UserID, CreatedAt: now, LastSeen: now},
		{ID: "other", Host: "localhost", UserID: other.UserID, CreatedAt: now, LastSeen: now},
	} {
		if err := sessions.Save(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	e.must(t, caller{}, "POST", "/api/auth/password-reset", map[string]any{"email": email}, http.StatusAccepted, nil)
	m := resetToken.FindStringSubmatch(box.to(email)[0].Text)
	e.must(t, caller{}, "POST", "/api/auth/password-reset/confirm", map[string]any{"token": m[1], "password": "brand new password"}, http.StatusNoContent, nil)
	for id, want := range map[string]bool{"ann-1": false, "ann-2": false, "other": true} {
		s, err := sessions.Get(t.Context(), id)
		if err != nil || (s != nil) != want {
			t.Errorf("browser session %s after the reset: got %v, %v; want kept=%v", id, s, err, want)
		}
	}
}
