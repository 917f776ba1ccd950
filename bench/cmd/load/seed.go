package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// apiClient calls the Tenantry JSON API.
type apiClient struct {
	base string
	http *http.Client
	// auth, when set, sends sign-up and login calls. The server limits
	// sign-ins per client IP (20 a minute); seeding thousands of users from
	// one address would only measure that limit, so the seed gives each
	// user its own loopback source address (127.2.x.y, still this machine).
	auth func(n int) *http.Client
}

// authClients returns a function giving, for user number n, a client whose
// connections come from the loopback address 127.2.0.0 + n + 1.
func authClients() func(n int) *http.Client {
	var mu sync.Mutex
	cache := map[int]*http.Client{}
	return func(n int) *http.Client {
		n = n % 60000
		mu.Lock()
		defer mu.Unlock()
		if c, ok := cache[n]; ok {
			return c
		}
		ip := net.IPv4(127, 2, byte((n+1)>>8), byte((n+1)&0xff))
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
		c := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
		cache[n] = c
		return c
	}
}

// request builds a request with an optional bearer token, tenant and JSON body.
func (a *apiClient) request(method, path, token, tenant string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if tenant != "" {
		req.Header.Set("X-Tenant-ID", tenant)
	}
	return req, nil
}

// call sends a request and decodes a 2xx answer into out; other statuses
// are errors carrying the body.
func (a *apiClient) call(method, path, token, tenant string, body, out any) (int, error) {
	return a.callWith(a.http, method, path, token, tenant, body, out)
}

// callWith is call through the given client.
func (a *apiClient) callWith(hc *http.Client, method, path, token, tenant string, body, out any) (int, error) {
	req, err := a.request(method, path, token, tenant, body)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// login returns an access token; n numbers the user (see apiClient.auth),
// -1 for the platform admin.
func (a *apiClient) login(n int, email, password string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if _, err := a.callWith(a.authClient(n), "POST", "/api/auth/login", "", "", map[string]string{"email": email, "password": password}, &out); err != nil {
		return "", err
	}
	return out.AccessToken, nil
}

// authClient returns the client for user n's sign-up and login.
func (a *apiClient) authClient(n int) *http.Client {
	if a.auth == nil || n < 0 {
		return a.http
	}
	return a.auth(n)
}

// tenant is one seeded tenant.
type tenant struct {
	id       string
	tokens   []string
	projects []string
	session  string
}

// dataSet is what seeding made.
type dataSet struct{ tenants []*tenant }

// openSessions opens one assistant session per tenant for the chat run; it
// stops at the first failure (a tenant without a session has "-" in the
// targets file, and the wrk chat run refuses such a file).
func (d *dataSet) openSessions(a *apiClient) error {
	for _, t := range d.tenants {
		var out struct {
			SessionID string `json:"session_id"`
		}
		if _, err := a.call("POST", "/api/sessions", t.tokens[0], t.id, nil, &out); err != nil {
			return fmt.Errorf("open chat session: %w", err)
		}
		t.session = out.SessionID
	}
	return nil
}

// seed creates c.tenants tenants on plan c.plan with limit overrides c.limits, each with c.users users
// (the first the owner, the others admins) and c.projects projects. A
// run-unique suffix keeps slugs and emails fresh on a reused database.
func seed(a *apiClient, c config) (*dataSet, error) {
	admin, err := a.login(-1, c.adminEmail, c.adminPassword)
	if err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano()&0xffffffffff)
	d := &dataSet{tenants: make([]*tenant, c.tenants)}
	var shared *sharedUser
	if c.sharedUser {
		email := "shared-" + run + "@bench.example.com"
		body := map[string]string{"email": email, "password": c.password, "name": "Shared user"}
		if _, err := a.callWith(a.authClient(59999), "POST", "/api/auth/signup", "", "", body, nil); err != nil {
			return nil, err
		}
		tok, err := a.login(59999, email, c.password)
		if err != nil {
			return nil, err
		}
		shared = &sharedUser{email: email, token: tok}
	}
	jobs := make(chan int)
	errc := make(chan error, c.seedConcurrency)
	var wg sync.WaitGroup
	for w := 0; w < c.seedConcurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t, err := seedTenant(a, admin, run, i, c, shared)
				if err != nil {
					errc <- fmt.Errorf("tenant %d: %w", i, err)
					for range jobs {
					}
					return
				}
				d.tenants[i] = t
			}
		}()
	}
	for i := 0; i < c.tenants; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	return d, nil
}

// sharedUser is the one user who owns every tenant in a -shared-user seed.
type sharedUser struct{ email, token string }

func seedTenant(a *apiClient, admin, run string, i int, c config, shared *sharedUser) (*tenant, error) {
	slug := fmt.Sprintf("b%s-%d", run, i)
	emails := make([]string, c.users)
	if shared != nil {
		emails = nil
	}
	for u := range emails {
		emails[u] = fmt.Sprintf("u%d-%s@bench.example.com", u, slug)
		body := map[string]string{"email": emails[u], "password": c.password, "name": fmt.Sprintf("User %d", u)}
		if _, err := a.callWith(a.authClient(i*c.users+u), "POST", "/api/auth/signup", "", "", body, nil); err != nil {
			return nil, err
		}
	}
	var created struct {
		ID string `json:"id"`
	}
	owner := ""
	if shared != nil {
		owner = shared.email
	} else {
		owner = emails[0]
	}
	body := map[string]any{"name": "Bench " + slug, "slug": slug, "plan": c.plan, "owner_email": owner}
	if _, err := a.call("POST", "/api/admin/tenants", admin, "", body, &created); err != nil {
		return nil, err
	}
	if len(c.limits) > 0 {
		if _, err := a.call("PATCH", "/api/admin/tenants/"+created.ID, admin, "", map[string]any{"limits": c.limits}, nil); err != nil {
			return nil, err
		}
	}
	t := &tenant{id: created.ID}
	if shared != nil {
		t.tokens = []string{shared.token}
	}
	for u, email := range emails {
		tok, err := a.login(i*c.users+u, email, c.password)
		if err != nil {
			return nil, err
		}
		t.tokens = append(t.tokens, tok)
		if u > 0 {
			if _, err := a.call("POST", "/api/members", t.tokens[0], t.id, map[string]string{"email": email, "role": "admin"}, nil); err != nil {
				return nil, err
			}
		}
	}
	retries := 0
	for p := 0; p < c.projects; p++ {
		var proj struct {
			ID string `json:"id"`
		}
		body := map[string]any{"name": fmt.Sprintf("Project %d", p), "description": "seeded by bench/cmd/load"}
		status, err := a.call("POST", "/api/projects", t.tokens[0], t.id, body, &proj)
		if status == http.StatusTooManyRequests && retries < 1000 {
			retries++
			time.Sleep(50 * time.Millisecond)
			p--
			continue
		}
		if err != nil {
			return nil, err
		}
		t.projects = append(t.projects, proj.ID)
	}
	return t, nil
}
