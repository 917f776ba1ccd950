package webhook_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/tenantrytest"
	"github.com/tenantry/tenantry/webhook"
)

// TestDeliveryFromTheOutbox runs the whole way on the store's own outbox,
// on both backends: a project created through the API writes its event in
// the create's transaction, and the dispatcher (with its default event
// source, the tenant handle) delivers it, signed, to the endpoint that
// asked for project.created, and to no other tenant's.
func TestDeliveryFromTheOutbox(t *testing.T) {
	for _, b := range tenantrytest.Backends(webhook.Extension()) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			acme, globex := e.tenant(t, "acme"), e.tenant(t, "globex")
			e.register(t, acme, "/acme", "project.created")
			e.register(t, globex, "/globex", "*")
			d, _ := e.dispatcher(t, nil, func(c *webhook.Config) { c.Events = nil }, acme, globex)

			var p tenantry.Project
			if got := e.call(t, acme.Owner, acme.Slug, "POST", "/api/projects", map[string]string{"name": "Website"}, &p); got != 201 {
				t.Fatalf("POST /api/projects: got %d, want 201", got)
			}
			d.Notify(acme.ID)
			// Globex's endpoint takes every type, so it hears its own
			// tenant's changes (its webhook.created among them): wait for
			// acme's delivery.
			deadline := time.After(15 * time.Second)
			for len(e.rc.got("/acme")) == 0 {
				select {
				case <-e.rc.arrived:
				case <-deadline:
					t.Fatal("no delivery of the project's event within 15 s")
				}
			}
			hits := e.rc.got("/acme")
			if len(hits) != 1 || hits[0].Verified != nil {
				t.Fatalf("deliveries to acme: got %d (%v), want 1 verified", len(hits), hits)
			}
			var ev tenantry.Event
			if err := json.Unmarshal(hits[0].Body, &ev); err != nil {
				t.Fatalf("body %s: %v", hits[0].Body, err)
			}
			if ev.Type != "project.created" || ev.TenantID != acme.ID || ev.TargetID != p.ID || ev.Seq == 0 {
				t.Errorf("delivered event: got %+v, want acme's project.created of %s", ev, p.ID)
			}
			for _, h := range e.rc.got("/globex") {
				var ev tenantry.Event
				if err := json.Unmarshal(h.Body, &ev); err != nil || ev.TenantID != globex.ID {
					t.Errorf("globex's endpoint got %s, want only globex's events", h.Body)
				}
			}
		})
	}
}
