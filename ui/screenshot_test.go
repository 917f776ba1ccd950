package ui_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// TestScreenshots writes PNG screenshots of the main pages to
// docs/screenshots. It runs only with TENANTRY_UI_SCREENSHOTS=1.
func TestScreenshots(t *testing.T) {
	if os.Getenv("TENANTRY_UI_SCREENSHOTS") != "1" {
		t.Skip("set TENANTRY_UI_SCREENSHOTS=1 to write docs/screenshots")
	}
	browser := newBrowser(t)
	e := newEnv(t)
	ctx := context.Background()

	// Seed two tenants through the same forms a user would use.
	owner := e.signup(t, "ann@acme.test", "Ann Example", "Acme Corporation", "acme")
	owner.post("/t/acme/settings", url.Values{"welcome": {"Hi! I am Acme's assistant. Ask me about your projects."}, "system_prompt": {"You are Acme's helpful assistant."}})
	e.inviteAndAccept(t, owner, "acme", "bob@acme.test", "Bob Builder", tenantry.RoleMember)
	bobID := memberID(t, e, "acme", "bob@acme.test")
	for _, p := range []struct{ name, desc string }{{"Website relaunch", "New marketing site and blog"}, {"Mobile app", "iOS and Android clients"}} {
		owner.post("/t/acme/projects", url.Values{"name": {p.name}, "description": {p.desc}})
	}
	ps := e.projects(t, "acme")
	for i, title := range []string{"Draft the page copy", "Pick the colour palette", "Set up analytics", "Review with legal"} {
		form := url.Values{"title": {title}}
		if i%2 == 0 {
			form.Set("assigned_to_id", bobID)
		}
		owner.post("/t/acme/projects/"+ps[0].ID+"/tasks", form)
	}
	ts, _, _ := projects.New(e.Store.Tenant(ps[0].TenantID), tenantry.DefaultPlans()).Tasks(ctx, tenantry.TaskFilter{ProjectID: ps[0].ID})
	owner.post("/t/acme/tasks/"+ts[1].ID+"/toggle", nil)
	e.signup(t, "gus@globex.test", "Gus", "Globex", "globex")
	e.signup(t, "hank@initech.test", "Hank", "Initech", "initech")
	if _, _, err := e.Auth.EnsurePlatformAdmin(ctx, "root@platform.test", testPassword, "Platform Admin"); err != nil {
		t.Fatal(err)
	}
	admin := e.login(t, "root@platform.test")
	admin.post("/admin/tenants/initech/plan", url.Values{"plan": {"pro"}})
	admin.post("/admin/tenants/globex/status", url.Values{"action": {"suspend"}})

	out := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	shoot := func(tb *tab, name, path, wait string) {
		t.Helper()
		tb.do("viewport", chromedp.EmulateViewport(1280, 860))
		tb.open(path)
		tb.waitText(wait)
		sctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	login := func(email string) *tab {
		tb := newTab(t, browser, e.Server.URL)
		tb.open("/login")
		tb.fill(map[string]string{"#email": email, "#password": testPassword}, `form button[type="submit"]`)
		tb.waitText("Sign out")
		return tb
	}
	ann := login("ann@acme.test")
	shoot(ann, "dashboard", "/t/acme/", "Recent projects")
	shoot(ann, "projects", "/t/acme/projects", "New project")
	shoot(ann, "project", "/t/acme/projects/"+ps[0].ID, "Add a task")
	ann.open("/t/acme/chat")
	ann.fill(map[string]string{"#message": "What can you do for me?"}, `.chat-form button`)
	ann.waitText("What can you do for me?")
	ann.fill(map[string]string{"#message": "Summarise the Website relaunch project"}, `.chat-form button`)
	ann.waitText("Summarise the Website relaunch project")
	shoot(ann, "chat", "/t/acme/chat", "What can you do for me?")
	shoot(ann, "members", "/t/acme/members", "Invite someone")
	root := login("root@platform.test")
	shoot(root, "console", "/admin/", "New tenant")
	shoot(root, "console-tenant", "/admin/tenants/acme", "Delete tenant")
	gus := login("gus@globex.test")
	shoot(gus, "suspended", "/t/globex/", "This tenant is suspended")
	anon := newTab(t, browser, e.Server.URL)
	shoot(anon, "signup", "/signup", "Create your account")
}
