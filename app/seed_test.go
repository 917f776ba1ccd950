package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/mail"
	"github.com/tenantry/tenantry/sqlite"
)

// TestSeedOwners checks that --seed gives its tenants the owners the file
// names: an existing user becomes owner, an unknown e-mail is invited
// through the mailer, and the log says which happened.
func TestSeedOwners(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "tenantry.db"), tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ada, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "ada@example.com", Name: "Ada", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "tenants.jsonl")
	if err := os.WriteFile(file, []byte(`{"id":"acme","name":"Acme Corp","owner_email":"ada@example.com"}
{"id":"globex","name":"Globex Inc.","owner_email":"newcomer@example.com"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	svc := auth.New(db, auth.Config{Secret: []byte("test-secret-test-secret-test-sec"), Mailer: mail.NewLog(logger), PublicURL: "https://t.example"})
	changed, err := seed(ctx, db, svc, file, nil, logger)
	if err != nil || !changed {
		t.Fatalf("seed: got %v, %v, want changed", changed, err)
	}
	acme, err := db.TenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := db.Tenant(acme.ID).Member(ctx, ada.ID); err != nil || m.Role != tenantry.RoleOwner {
		t.Fatalf("acme's owner: got %+v, %v, want ada", m, err)
	}
	for _, want := range []string{
		`"msg":"seeded owner","tenant":"acme","email":"ada@example.com"`,
		`"msg":"seeded owner invited by e-mail","tenant":"globex","email":"newcomer@example.com"`,
		`https://t.example/invitations/inv_`, // the log mailer's copy of the invitation
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
	logs.Reset()
	if changed, err := seed(ctx, db, svc, file, nil, logger); err != nil || changed || strings.Contains(logs.String(), "seeded owner") {
		t.Fatalf("seeding again: got %v, %v, logs %s; want nothing done", changed, err, logs.String())
	}
}
