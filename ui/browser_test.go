package ui_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserPath returns the Chromium to drive, skipping the test when there
// is none unless TENANTRY_TEST_REQUIRE_BROWSER=1.
func browserPath(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{os.Getenv("TENANTRY_TEST_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("TENANTRY_TEST_REQUIRE_BROWSER") == "1" {
		tb.Fatal("no Chromium found and TENANTRY_TEST_REQUIRE_BROWSER=1")
	}
	tb.Skip("no Chromium found; set TENANTRY_TEST_REQUIRE_BROWSER=1 to fail instead")
	return ""
}

// newBrowser starts a headless Chromium for the test and returns its root
// context (already running).
func newBrowser(tb testing.TB) context.Context {
	tb.Helper()
	path := browserPath(tb)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancelB(); cancelA() })
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		tb.Fatalf("start Chromium: %v", err)
	}
	return bctx
}

// tab is one browser context (its own cookies) on the test server.
type tab struct {
	tb   testing.TB
	ctx  context.Context
	base string
}

// newTab opens a fresh browser context: a user with no cookies.
func newTab(tb testing.TB, browser context.Context, base string) *tab {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	tb.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		tb.Fatalf("new tab: %v", err)
	}
	return &tab{tb: tb, ctx: ctx, base: base}
}

// do runs steps with a timeout.
func (t *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.tb.Fatalf("%s: %v\npage: %s", what, err, t.bodyText())
	}
}

// open navigates to path on the test server.
func (t *tab) open(path string) {
	t.tb.Helper()
	if !strings.HasPrefix(path, "http") {
		path = t.base + path
	}
	t.do("open "+path, chromedp.Navigate(path), chromedp.WaitReady(chromedp.CSS("body")))
}

// fill sets the fields (CSS selector → value) and clicks submit.
func (t *tab) fill(fields map[string]string, submit string) {
	t.tb.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(sel), v, chromedp.NodeVisible))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(submit), chromedp.NodeVisible))
	t.do("fill and submit "+submit, steps...)
}

// click clicks the element sel, retrying while a page swap replaces the
// node it found.
func (t *tab) click(sel string) {
	t.tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
		err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.tb.Fatalf("click %s: %v\npage: %s", sel, err, t.bodyText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the page's text contains s. It polls from Go, so a
// navigation that replaces the page's JavaScript context does not break it.
func (t *tab) waitText(s string) {
	t.tb.Helper()
	arg, _ := json.Marshal(s)
	expr := `document.body !== null && document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling") === null && document.body.innerText.includes(` + string(arg) + `)`
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.tb.Fatalf("wait for %q: %v\npage: %s", s, err, t.bodyText())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// bodyText returns the page's visible text.
func (t *tab) bodyText() string {
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

// eval evaluates a JavaScript expression.
func eval[T any](t *tab, expr string) T {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.tb.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// path returns the current location's path.
func (t *tab) path() string {
	t.tb.Helper()
	return eval[string](t, `location.pathname`)
}

func TestBrowser(t *testing.T) {
	start := time.Now()
	browser := newBrowser(t)
	t.Logf("Chromium started in %v", time.Since(start))
	e := newEnv(t)
	base := e.Server.URL

	ann := newTab(t, browser, base)
	t.Logf("first tab ready after %v", time.Since(start))
	t.Run("sign up with a new tenant", func(t *testing.T) {
		ann.tb = t
		ann.open("/signup")
		ann.fill(map[string]string{"#name": "Ann", "#email": "ann@acme.test", "#password": testPassword, "#tenant_name": "Acme", "#tenant_slug": "acme"}, `form button[type="submit"]`)
		ann.waitText("Welcome! Your tenant Acme is ready.")
		if got, want := ann.path(), "/t/acme/"; got != want {
			t.Errorf("location after signup: got %q, want %q", got, want)
		}
		if !eval[bool](ann, `typeof htmx === "object"`) {
			t.Errorf("htmx did not load")
		}
	})

	t.Run("projects, tasks and the plan limit", func(t *testing.T) {
		ann.tb = t
		ann.open("/t/acme/projects")
		ann.fill(map[string]string{"#name": "Alpha", "#description": "First project"}, `form[action="/t/acme/projects"][method="post"] button`)
		ann.waitText("Project Alpha created.")
		ann.fill(map[string]string{"#title": "Write the plan"}, `form[action$="/tasks"] button`)
		ann.waitText("Task added.")
		ann.click(`button.check`)
		ann.waitText("Task completed.")
		if n := eval[int](ann, `document.querySelectorAll("li.task.done").length`); n != 1 {
			t.Errorf("completed tasks shown: got %d, want 1", n)
		}
		for _, name := range []string{"Beta", "Gamma"} {
			ann.open("/t/acme/projects")
			ann.fill(map[string]string{"#name": name}, `form[action="/t/acme/projects"][method="post"] button`)
			ann.waitText("Project " + name + " created.")
		}
		ann.open("/t/acme/projects")
		ann.fill(map[string]string{"#name": "Delta"}, `form[action="/t/acme/projects"][method="post"] button`)
		ann.waitText("The free plan allows 3 projects.")
	})

	var inviteLink string
	t.Run("invite", func(t *testing.T) {
		ann.tb = t
		ann.open("/t/acme/members")
		ann.fill(map[string]string{"#email": "bob@acme.test"}, `form[action="/t/acme/members/invite"] button`)
		ann.waitText("Shown only once")
		inviteLink = eval[string](ann, `document.querySelector("#secret").value`)
		if !strings.Contains(inviteLink, "/t/acme/invitations/inv_") {
			t.Fatalf("invitation link: got %q", inviteLink)
		}
	})

	bob := newTab(t, browser, base)
	t.Run("accept the invitation", func(t *testing.T) {
		bob.tb = t
		bob.open(strings.TrimPrefix(inviteLink, base))
		bob.waitText("You have been invited")
		bob.click(`a.button.secondary`)
		bob.waitText("Create your account")
		bob.fill(map[string]string{"#name": "Bob", "#email": "bob@acme.test", "#password": testPassword}, `form button[type="submit"]`)
		bob.waitText("Accept the invitation as")
		bob.click(`form[action*="/invitations/"] button`)
		bob.waitText("You joined Acme as member.")
	})

	t.Run("a member cannot reach admin pages", func(t *testing.T) {
		bob.tb = t
		bob.open("/t/acme/")
		bob.waitText("Recent projects")
		if n := eval[int](bob, `document.querySelectorAll('nav a[href="/t/acme/members"], nav a[href="/t/acme/settings"], nav a[href="/t/acme/api-keys"], nav a[href="/t/acme/audit"]').length`); n != 0 {
			t.Errorf("management links for a member: got %d, want 0", n)
		}
		for _, p := range []string{"/t/acme/members", "/t/acme/settings", "/t/acme/api-keys", "/t/acme/audit"} {
			bob.open(p)
			bob.waitText("Only owners and admins can open this page.")
		}
		bob.open("/admin/")
		bob.waitText("Only platform administrators can open the console.")
	})

	gus := newTab(t, browser, base)
	t.Run("switch tenants", func(t *testing.T) {
		gus.tb = t
		ann.tb = t
		gus.open("/signup")
		gus.fill(map[string]string{"#name": "Gus", "#email": "gus@globex.test", "#password": testPassword, "#tenant_name": "Globex", "#tenant_slug": "globex"}, `form button[type="submit"]`)
		gus.waitText("Welcome! Your tenant Globex is ready.")
		gus.open("/t/globex/projects")
		gus.fill(map[string]string{"#name": "Globex Secret Plan"}, `form[action="/t/globex/projects"][method="post"] button`)
		gus.waitText("Project Globex Secret Plan created.")
		gus.open("/t/globex/members")
		gus.fill(map[string]string{"#email": "ann@acme.test"}, `form[action="/t/globex/members/invite"] button`)
		gus.waitText("Shown only once")
		link := eval[string](gus, `document.querySelector("#secret").value`)

		ann.open(strings.TrimPrefix(link, base))
		ann.click(`form[action*="/invitations/"] button`)
		ann.waitText("You joined Globex as member.")
		if got := eval[string](ann, `document.querySelector('[data-testid="tenant-name"]').innerText`); got != "Globex" {
			t.Errorf("tenant in the header: got %q, want Globex", got)
		}
		ann.click(`.switcher summary`)
		ann.click(`.switcher a[href="/t/acme/"]`)
		ann.waitText("Recent projects")
		if got := eval[string](ann, `document.querySelector('[data-testid="tenant-name"]').innerText`); got != "Acme" {
			t.Errorf("tenant after switching: got %q, want Acme", got)
		}
		for _, p := range []string{"/t/acme/", "/t/acme/projects", "/t/acme/audit", "/t/acme/members"} {
			ann.open(p)
			if body := ann.bodyText(); strings.Contains(body, "Globex Secret Plan") || strings.Contains(body, "gus@globex.test") {
				t.Errorf("%s shows globex data", p)
			}
		}
	})

	t.Run("tenant hosts keep their own sessions", func(t *testing.T) {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		// Signed in on the central host (localhost, a base domain), the
		// tenant list hands the browser over to acme.localhost: no second
		// password.
		host := newTab(t, browser, "http://localhost:"+u.Port())
		host.open("/login")
		host.fill(map[string]string{"#email": "ann@acme.test", "#password": testPassword}, `form button[type="submit"]`)
		host.waitText("Your tenants")
		host.click(`[data-testid="open-acme"]`)
		host.waitText("Recent projects")
		if got, want := eval[string](host, `location.host`), "acme.localhost:"+u.Port(); got != want {
			t.Errorf("host after the tenant list: got %q, want %q", got, want)
		}
		if got := eval[string](host, `document.querySelector('[data-testid="tenant-name"]').innerText`); got != "Acme" {
			t.Errorf("tenant on acme.localhost: got %q, want Acme", got)
		}
		// The switcher links to the sibling host, where the session
		// cookie (host-only) is not sent: globex asks to sign in.
		if n := eval[int](host, `document.querySelectorAll('.switcher a[href^="http://globex.localhost:`+u.Port()+`/"]').length`); n != 1 {
			t.Errorf("switcher links to globex.localhost: got %d, want 1", n)
		}
		host.open("http://globex.localhost:" + u.Port() + "/")
		host.waitText("Sign in to Globex")
	})
	t.Run("sign up on the central host lands on the tenant host", func(t *testing.T) {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		hal := newTab(t, browser, "http://localhost:"+u.Port())
		hal.open("/signup")
		hal.fill(map[string]string{"#name": "Hal", "#email": "hal@hooli.test", "#password": testPassword, "#tenant_name": "Hooli", "#tenant_slug": "hooli"}, `form button[type="submit"]`)
		hal.waitText("Welcome! Your tenant Hooli is ready.")
		if got, want := eval[string](hal, `location.host + location.pathname`), "hooli.localhost:"+u.Port()+"/"; got != want {
			t.Errorf("location after signup on localhost: got %q, want %q", got, want)
		}
	})
	admin := newTab(t, browser, base)
	t.Run("platform admin suspends a tenant", func(t *testing.T) {
		admin.tb = t
		bob.tb = t
		if _, _, err := e.Auth.EnsurePlatformAdmin(context.Background(), "root@platform.test", testPassword, "Root"); err != nil {
			t.Fatal(err)
		}
		admin.open("/login")
		admin.fill(map[string]string{"#email": "root@platform.test", "#password": testPassword}, `form button[type="submit"]`)
		admin.waitText("Your tenants")
		admin.open("/admin/")
		admin.waitText("Platform console")
		admin.fill(map[string]string{"#q": "acm"}, `form[role="search"] button`)
		admin.waitText("Acme")
		deadline := time.Now().Add(10 * time.Second)
		for !eval[bool](admin, `location.search.includes("q=acm") && document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling") === null`) {
			if time.Now().After(deadline) {
				t.Fatalf("search did not load: %s", admin.bodyText())
			}
			time.Sleep(50 * time.Millisecond)
		}
		admin.click(`a[href="/admin/tenants/acme"]`)
		admin.waitText("Delete tenant")
		admin.click(`form[action="/admin/tenants/acme/status"] input[value="suspend"] ~ button`)
		admin.waitText("Acme is now suspended.")

		bob.open("/t/acme/")
		bob.waitText("This tenant is suspended")
		bob.open("/t/acme/projects")
		bob.waitText("This tenant is suspended")
	})
	t.Logf("browser suite took %v", time.Since(start))
}
