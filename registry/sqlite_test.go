package registry_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/registry"
	"github.com/tenantry/tenantry/sqlite"
)

func TestApplySQLite(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tenantry.db"), tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	data, err := os.ReadFile("../examples/tenants.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name             string
		file             string
		created, updated int
	}{
		{"first", string(data), 3, 0},
		{"again", string(data), 0, 0},
		{"changed", strings.Replace(string(data), `"chat_per_10s":8`, `"chat_per_10s":9`, 1), 0, 1},
	}
	for _, tt := range tests {
		created, updated, err := registry.Apply(ctx, db.Platform(), db, mustParse(t, tt.file))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if created != tt.created || updated != tt.updated {
			t.Errorf("%s: %d created, %d updated, want %d, %d", tt.name, created, updated, tt.created, tt.updated)
		}
	}
	acme, err := db.TenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := tenantry.Settings{"welcome": "Howdy from Acme!", "model": "mock-1"}
	if !reflect.DeepEqual(acme.Settings, want) || acme.Name != "Acme Corp" || acme.Plan != "free" {
		t.Errorf("acme = %+v, want settings %v", acme, want)
	}
	if want := (tenantry.Limits{"chat_per_10s": 9}); !reflect.DeepEqual(acme.Limits, want) {
		t.Errorf("acme limits = %v, want %v", acme.Limits, want)
	}
	if got, want := tenantry.DefaultPlans().Limit(acme, tenantry.LimitChatPer10s), int64(9); got != want {
		t.Errorf("chat limit = %d, want %d", got, want)
	}
	events, _, err := db.Platform().AuditEvents(ctx, tenantry.AuditFilter{TenantID: acme.ID})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range events {
		actions[e.Action]++
	}
	if actions["tenant.create"] != 1 || actions["tenant.update"] != 1 {
		t.Errorf("audit actions = %v, want one tenant.create and one tenant.update", actions)
	}
}

// TestApplyDomainUnderBase checks that a registry entry whose domain is a
// base domain or under one is refused before anything is written.
func TestApplyDomainUnderBase(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tenantry.db"), tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	file := `{"id":"globex","name":"Globex","domain":"acme.localhost"}` + "\n"
	created, updated, err := registry.Apply(ctx, db.Platform(), db, mustParse(t, file), "localhost")
	if !tenantry.IsCode(err, tenantry.EINVALID) || created+updated != 0 {
		t.Fatalf("Apply: got %d created, %d updated, %v; want 0, 0, validation_failed", created, updated, err)
	}
	if _, err := db.TenantBySlug(ctx, "globex"); !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
		t.Errorf("TenantBySlug(globex): got %v, want tenant_not_found", err)
	}
}
