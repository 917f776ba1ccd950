package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// TestBrowserLive: two members of one tenant on the same project page see
// each other's presence and change without a reload; a member of another
// tenant on "the same" page (same path shape, same project name) sees
// neither.
func TestBrowserLive(t *testing.T) {
	browser := newBrowser(t)
	e := newLiveEnv(t)
	ann := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	e.inviteAndAccept(t, ann, "acme", "bob@acme.test", "Bob", tenantry.RoleMember)
	gus := e.signup(t, "gus@globex.test", "Gus", "Globex", "globex")
	mustStatus(t, "acme project", ann.post("/t/acme/projects", map[string][]string{"name": {"Rocket"}}), 303)
	mustStatus(t, "globex project", gus.post("/t/globex/projects", map[string][]string{"name": {"Rocket"}}), 303)
	acmeRocket := e.projects(t, "acme")[0].ID
	globexRocket := e.projects(t, "globex")[0].ID

	signIn := func(email string) *tab {
		tb := newTab(t, browser, e.Server.URL)
		tb.open("/login")
		tb.fill(map[string]string{"#email": email, "#password": testPassword}, `form button[type="submit"]`)
		tb.waitText("Sign out")
		return tb
	}
	annTab, bobTab, gusTab := signIn("ann@acme.test"), signIn("bob@acme.test"), signIn("gus@globex.test")
	annTab.open("/t/acme/projects/" + acmeRocket)
	gusTab.open("/t/globex/projects/" + globexRocket)
	bobTab.open("/t/acme/projects/" + acmeRocket)

	annTab.waitText("Also here: Bob")
	bobTab.waitText("Also here: Ann")
	// The page is not reloaded: a marker set now survives the change.
	eval[bool](annTab, `window.liveMarker = true`)

	bobTab.fill(map[string]string{"#title": "Fuel the tanks"}, `form[action$="/tasks"] button[type="submit"]`)
	bobTab.waitText("Fuel the tanks")
	annTab.waitText("Fuel the tanks")
	if !eval[bool](annTab, `window.liveMarker === true`) {
		t.Errorf("Ann's page was reloaded; want the section swapped in place")
	}

	// Globex's Rocket page saw neither the presence nor the task.
	time.Sleep(700 * time.Millisecond)
	if txt := gusTab.bodyText(); strings.Contains(txt, "Fuel the tanks") || strings.Contains(txt, "Also here") {
		t.Errorf("another tenant's page shows acme's change or presence:\n%s", txt)
	}
	if eval[bool](gusTab, `!document.getElementById("presence").hidden`) {
		t.Errorf("another tenant's presence box is shown")
	}

	// When Bob leaves, Ann's page says so.
	bobTab.open("/t/acme/")
	deadline := time.Now().Add(5 * time.Second)
	for eval[bool](annTab, `!document.getElementById("presence").hidden`) {
		if time.Now().After(deadline) {
			t.Fatalf("Ann still sees Bob after he left: %s", annTab.bodyText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
