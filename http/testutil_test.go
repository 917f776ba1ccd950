package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/mock"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

// testPassword is the password of every user the tests sign up.
const testPassword = "correct horse battery"

// testEnv is a real server on a real store, for tests.
type testEnv struct {
	URL   string
	Store tenantry.Store
	Auth  *auth.Service
	Plans tenantry.Plans
	seq   atomic.Int64
	doc   *docValidator
}

// openSQLite opens a fresh SQLite store in the test's temporary directory.
func openSQLite(tb testing.TB) tenantry.Store {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// openPostgres opens a fresh PostgreSQL database (skipped unless
// TENANTRY_TEST_DATABASE_URL is set).
func openPostgres(tb testing.TB) tenantry.Store {
	tb.Helper()
	db, err := postgres.Open(context.Background(), pgtest.URL(tb), tenantry.DefaultPlans(), postgres.Options{Extensions: []tenantry.Extension{projects.Extension()}})
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// testBackends are the stores every scenario runs against.
var testBackends = []struct {
	name string
	open func(testing.TB) tenantry.Store
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

// newTestEnv starts a server on store with cheap password hashing, a fake
// assistant over the store, and the config changes opts make.
func newTestEnv(tb testing.TB, store tenantry.Store, opts ...func(*Config)) *testEnv {
	tb.Helper()
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(store, auth.Config{Secret: []byte("test-secret-test-secret-test-sec"), Params: &cheap})
	cfg := Config{
		Store:     store,
		Auth:      a,
		Plans:     tenantry.DefaultPlans(),
		Assistant: fakeAssistant(store),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv := httptest.NewServer(NewServer(cfg).Handler())
	tb.Cleanup(srv.Close)
	return &testEnv{URL: srv.URL, Store: store, Auth: a, Plans: cfg.Plans, doc: newDocValidator(tb)}
}

// newSQLiteEnv starts a server on a fresh SQLite store.
func newSQLiteEnv(tb testing.TB, opts ...func(*Config)) *testEnv {
	tb.Helper()
	return newTestEnv(tb, openSQLite(tb), opts...)
}

// caller is who makes a test request: a bearer token (access token or API
// key) and the tenant named in X-Tenant-ID ("" for none).
type caller struct {
	Token  string
	Tenant string
	UserID string
	Email  string
}

// in returns c asking for tenant.
func (c caller) in(tenant string) caller { c.Tenant = tenant; return c }

// rawBody is a request body sent as is, with ContentType (default JSON).
type rawBody struct {
	Data        string
	ContentType string
}

// resp is a test response.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode unmarshals the body into v or fails the test.
func (r resp) decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %d %s: %v", r.Status, r.Body, err)
	}
}

// errorEnvelope is the error envelope.
type errorEnvelope struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// errCode returns the error code of the body, or "".
func (r resp) errCode() string {
	var e errorEnvelope
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// errFields returns the validation fields of the body.
func (r resp) errFields() map[string]string {
	var e errorEnvelope
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Fields
}

// do sends a request as c. body is nil (no body), a rawBody, or a value
// sent as JSON.
func (e *testEnv) do(tb testing.TB, c caller, method, path string, body any) resp {
	tb.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd, ct = strings.NewReader(b.Data), b.ContentType
		if ct == "" {
			ct = "application/json"
		}
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("marshal body: %v", err)
		}
		rd, ct = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Tenant != "" {
		req.Header.Set("X-Tenant-ID", c.Tenant)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("read body: %v", err)
	}
	e.doc.check(tb, req, res.StatusCode, res.Header, data)
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// must sends a request and fails the test unless the status is want; it
// decodes the body into out when out is not nil.
func (e *testEnv) must(tb testing.TB, c caller, method, path string, body any, want int, out any) resp {
	tb.Helper()
	r := e.do(tb, c, method, path, body)
	if r.Status != want {
		tb.Fatalf("%s %s: got status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		r.decode(tb, out)
	}
	return r
}

// email returns a unique e-mail address for the test.
func (e *testEnv) email(prefix string) string {
	return fmt.Sprintf("%s%d@example.com", prefix, e.seq.Add(1))
}

// sessionBody is the part of a login answer the tests use.
type sessionBody struct {
	AccessToken string         `json:"access_token"`
	User        *tenantry.User `json:"user"`
}

// signup signs a new user up (no tenant) and returns it as a caller.
func (e *testEnv) signup(tb testing.TB, email string) caller {
	tb.Helper()
	var s sessionBody
	e.must(tb, caller{}, "POST", "/api/auth/signup",
		map[string]any{"email": email, "password": testPassword, "name": "User " + email}, http.StatusCreated, &s)
	return caller{Token: s.AccessToken, UserID: s.User.ID, Email: email}
}

// login signs an existing user in.
func (e *testEnv) login(tb testing.TB, email string) caller {
	tb.Helper()
	var s sessionBody
	e.must(tb, caller{}, "POST", "/api/auth/login",
		map[string]any{"email": email, "password": testPassword}, http.StatusOK, &s)
	return caller{Token: s.AccessToken, UserID: s.User.ID, Email: email}
}

// admin returns a signed-in platform admin.
func (e *testEnv) admin(tb testing.TB) caller {
	tb.Helper()
	email := "admin@example.com"
	if _, _, err := e.Auth.EnsurePlatformAdmin(context.Background(), email, testPassword, "Admin"); err != nil {
		tb.Fatalf("EnsurePlatformAdmin: %v", err)
	}
	return e.login(tb, email)
}

// createTenant creates a tenant through the admin API with body (name and
// slug at least) and returns it.
func (e *testEnv) createTenant(tb testing.TB, body map[string]any) *tenantry.Tenant {
	tb.Helper()
	var t tenantry.Tenant
	e.must(tb, e.admin(tb), "POST", "/api/admin/tenants", body, http.StatusCreated, &t)
	return &t
}

// fixture is a tenant with an owner, an admin and a member, each a caller
// bound to the tenant.
type fixture struct {
	Tenant *tenantry.Tenant
	Owner  caller
	Admin  caller
	Member caller
}

// newFixture creates tenant slug on plan with three users in it.
func (e *testEnv) newFixture(tb testing.TB, slug, plan string) fixture {
	tb.Helper()
	owner := e.signup(tb, e.email(slug+"-owner"))
	t := e.createTenant(tb, map[string]any{"name": "Tenant " + slug, "slug": slug, "plan": plan, "owner_email": owner.Email})
	f := fixture{Tenant: t, Owner: owner.in(slug)}
	f.Admin = e.addMember(tb, f.Owner, e.email(slug+"-admin"), tenantry.RoleAdmin)
	f.Member = e.addMember(tb, f.Owner, e.email(slug+"-member"), tenantry.RoleMember)
	return f
}

// addMember signs up a user and has by add it with role to by's tenant.
func (e *testEnv) addMember(tb testing.TB, by caller, email string, role tenantry.Role) caller {
	tb.Helper()
	u := e.signup(tb, email)
	e.must(tb, by, "POST", "/api/members", map[string]any{"email": email, "role": role}, http.StatusCreated, nil)
	return u.in(by.Tenant)
}

// apiKey creates an API key with role in by's tenant and returns it as a
// caller (no tenant header: the key names its tenant).
func (e *testEnv) apiKey(tb testing.TB, by caller, role tenantry.Role) caller {
	tb.Helper()
	var k struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	e.must(tb, by, "POST", "/api/api-keys", map[string]any{"name": "key " + string(role), "role": role}, http.StatusCreated, &k)
	return caller{Token: k.Key}
}

// createProject creates a project named name as c and returns it.
func (e *testEnv) createProject(tb testing.TB, c caller, name string) *tenantry.Project {
	tb.Helper()
	var p tenantry.Project
	e.must(tb, c, "POST", "/api/projects", map[string]any{"name": name}, http.StatusCreated, &p)
	return &p
}

// createTask creates a task in project projectID as c and returns it.
func (e *testEnv) createTask(tb testing.TB, c caller, projectID, title string, assignee *string) *tenantry.Task {
	tb.Helper()
	var t tenantry.Task
	body := map[string]any{"project_id": projectID, "title": title}
	if assignee != nil {
		body["assigned_to_id"] = *assignee
	}
	e.must(tb, c, "POST", "/api/tasks", body, http.StatusCreated, &t)
	return &t
}

// fakeAssistant is an echo assistant over store: session ids given to
// clients are "<tenant id>.<session id>", and a session used under another
// tenant is forbidden without any read of that tenant.
func fakeAssistant(store tenantry.Store) *mock.Assistant {
	split := func(t *tenantry.Tenant, sid string) (string, error) {
		tid, id, ok := strings.Cut(sid, ".")
		if !ok {
			return "", tenantry.Errorf(tenantry.ENOTFOUND, "Session not found.")
		}
		if tid != t.ID {
			return "", tenantry.Errorf(tenantry.EFORBIDDEN, "session does not belong to tenant")
		}
		if _, ok := tenantry.ParseID(id); !ok {
			return "", tenantry.Errorf(tenantry.ENOTFOUND, "Session not found.")
		}
		return id, nil
	}
	return &mock.Assistant{
		CreateSessionFn: func(ctx context.Context, t *tenantry.Tenant) (*tenantry.ChatSession, error) {
			s := &tenantry.ChatSession{UserID: tenantry.IdentityFromContext(ctx).UserID}
			if err := store.Tenant(t.ID).CreateChatSession(ctx, s); err != nil {
				return nil, err
			}
			out := *s
			out.ID = t.ID + "." + s.ID
			return &out, nil
		},
		ChatFn: func(ctx context.Context, t *tenantry.Tenant, sid, message string) (*tenantry.ChatAnswer, error) {
			id, err := split(t, sid)
			if err != nil {
				return nil, err
			}
			reply := "echo: " + message
			err = store.Tenant(t.ID).AppendChatMessages(ctx, id,
				&tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: message},
				&tenantry.ChatMessage{Role: tenantry.ChatRoleAssistant, Content: reply, Model: "echo"})
			if err != nil {
				return nil, err
			}
			return &tenantry.ChatAnswer{TenantID: t.ID, SessionID: sid, Reply: reply, Model: "echo"}, nil
		},
		MessagesFn: func(ctx context.Context, t *tenantry.Tenant, sid string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
			id, err := split(t, sid)
			if err != nil {
				return nil, "", err
			}
			return store.Tenant(t.ID).ChatMessages(ctx, id, p)
		},
	}
}

// apiCase is one request of a table-driven test and what it must answer.
type apiCase struct {
	name   string
	as     caller
	method string
	path   string
	body   any
	want   int
	// code is the expected error code, field a field the validation error
	// must name.
	code  string
	field string
	check func(t *testing.T, r resp)
}

// run runs cases in order, each as a subtest.
func (e *testEnv) run(t *testing.T, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(t, tc.as, tc.method, tc.path, tc.body)
			if r.Status != tc.want {
				t.Fatalf("%s %s: got status %d, want %d; body %s", tc.method, tc.path, r.Status, tc.want, r.Body)
			}
			if got := r.errCode(); got != tc.code {
				t.Errorf("%s %s: got code %q, want %q; body %s", tc.method, tc.path, got, tc.code, r.Body)
			}
			if tc.field != "" {
				if _, ok := r.errFields()[tc.field]; !ok {
					t.Errorf("%s %s: got fields %v, want one named %q", tc.method, tc.path, r.errFields(), tc.field)
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// listOf decodes a list envelope.
func listOf[T any](t *testing.T, r resp) ([]T, *string) {
	t.Helper()
	var l struct {
		Items      []T     `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	r.decode(t, &l)
	if l.Items == nil {
		t.Fatalf("got items null, want a list; body %s", r.Body)
	}
	return l.Items, l.NextCursor
}
