package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// client is an HTTP client for the servers of a test.
type client struct {
	hc *http.Client
}

// newClient returns a client with a per-request time limit and enough idle
// connections for a load of concurrent requests.
func newClient() *client {
	tr := &http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: 32, IdleConnTimeout: 30 * time.Second}
	return &client{hc: &http.Client{Timeout: 5 * time.Second, Transport: tr}}
}

// response is an answer with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// code returns the error code of an error answer, or "".
func (r *response) code() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// decode decodes the body into v.
func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// send sends a request with an optional bearer token, extra headers and
// JSON body, and returns the answer or the transport error.
func (c *client) send(method, url, token string, header map[string]string, body any) (*response, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// do is send that fails the test on a transport error.
func (c *client) do(t *testing.T, method, url, token string, header map[string]string, body any) *response {
	t.Helper()
	res, err := c.send(method, url, token, header, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return res
}

// must is do that fails the test unless the answer has status want, and
// decodes the body into out when out is not nil.
func (c *client) must(t *testing.T, want int, method, url, token string, header map[string]string, body, out any) {
	t.Helper()
	res := c.do(t, method, url, token, header, body)
	if res.status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, url, res.status, want, strings.TrimSpace(string(res.body)))
	}
	if out != nil {
		res.decode(t, out)
	}
}

// session is what sign-up, login and refresh answer.
type session struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	User         struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	} `json:"user"`
}

// tenant is the part of a tenant the tests use.
type tenant struct {
	ID     string `json:"id"`
	Slug   string `json:"slug"`
	Status string `json:"status"`
}

// login signs in through s.
func (c *client) login(t *testing.T, s *server, email, password string) session {
	t.Helper()
	var out session
	c.must(t, http.StatusOK, "POST", s.base+"/api/auth/login", "", nil,
		map[string]string{"email": email, "password": password}, &out)
	return out
}

// signup creates a user (and no tenant) through s.
func (c *client) signup(t *testing.T, s *server, email, name string) session {
	t.Helper()
	var out session
	c.must(t, http.StatusCreated, "POST", s.base+"/api/auth/signup", "", nil,
		map[string]string{"email": email, "password": adminPassword, "name": name}, &out)
	return out
}

// createTenant creates a tenant owned by ownerEmail through s, as the
// platform admin.
func (c *client) createTenant(t *testing.T, s *server, adminToken, slug, ownerEmail string) tenant {
	t.Helper()
	var out tenant
	c.must(t, http.StatusCreated, "POST", s.base+"/api/admin/tenants", adminToken, nil,
		map[string]string{"name": "Tenant " + slug, "slug": slug, "owner_email": ownerEmail}, &out)
	if out.ID == "" {
		t.Fatalf("created tenant %s has no id", slug)
	}
	return out
}

// createAPIKey creates an API key of role in the tenant through s and
// returns its id and secret.
func (c *client) createAPIKey(t *testing.T, s *server, token, slug, role string) (id, key string) {
	t.Helper()
	var out struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	c.must(t, http.StatusCreated, "POST", s.base+"/api/api-keys", token, tenantHeader(slug),
		map[string]string{"name": "e2e " + role, "role": role}, &out)
	if out.ID == "" || out.Key == "" {
		t.Fatal("created API key lacks id or key")
	}
	return out.ID, out.Key
}

// tenantHeader names the tenant of a request.
func tenantHeader(slug string) map[string]string {
	return map[string]string{"X-Tenant-ID": slug}
}
