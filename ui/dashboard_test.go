package ui_test

import (
	"net/http"
	"testing"
)

func TestPagesCountInUsage(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	id := e.tenant(t, "acme").ID
	before := e.Counted.of(id)
	for _, p := range []string{"/t/acme/", "/t/acme/projects", "/t/acme/members"} {
		mustStatus(t, p, owner.get(p), http.StatusOK)
	}
	if got, want := e.Counted.of(id)-before, 3; got != want {
		t.Errorf("pages counted for acme: got %d, want %d", got, want)
	}
	anon := e.newClient(t)
	mustStatus(t, "anonymous dashboard", anon.get("/t/acme/"), http.StatusSeeOther)
	if got, want := e.Counted.of(id)-before, 3; got != want {
		t.Errorf("after an anonymous visit: got %d counted, want still %d", got, want)
	}
}
