package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs the tenantry command in process with the given environment.
type cli struct {
	t   *testing.T
	env map[string]string
	// stdin is what the command reads from standard input.
	stdin string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{t: t, env: map[string]string{"TENANTRY_DATA": t.TempDir()}}
}

func (c *cli) run(args ...string) (string, error) {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return c.env[k] }, strings.NewReader(c.stdin), &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func (c *cli) mustRun(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("tenantry %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestRunUnknownCommand(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{nil, {"frobnicate"}, {"tenant"}, {"admin"}, {"tenant", "suspend"}} {
		if _, err := c.run(args...); err == nil {
			t.Errorf("tenantry %v: got nil error, want one", args)
		}
	}
}

func TestTenantDeleteConfirms(t *testing.T) {
	c := newCLI(t)
	c.mustRun("tenant", "create", "--name", "Acme", "--slug", "acme")
	refused := []struct{ name, stdin string }{
		{"no answer", ""},
		{"wrong answer", "globex\n"},
		{"yes typed", "y\n"},
	}
	for _, tc := range refused {
		c.stdin = tc.stdin
		out, err := c.run("tenant", "delete", "acme")
		if err == nil {
			t.Fatalf("%s: tenant delete succeeded, want it refused\n%s", tc.name, out)
		}
		if got := c.mustRun("tenant", "list"); !strings.Contains(got, "acme") {
			t.Fatalf("%s: tenant list = %q, want acme kept", tc.name, got)
		}
	}
	c.stdin = "acme\n"
	c.mustRun("tenant", "delete", "acme")
	if got := c.mustRun("tenant", "list"); strings.Contains(got, "acme") {
		t.Fatalf("tenant list after a confirmed delete = %q, want no acme", got)
	}
	c.stdin = ""
	c.mustRun("tenant", "create", "--name", "Globex", "--slug", "globex")
	c.mustRun("tenant", "delete", "globex", "--yes")
	if got := c.mustRun("tenant", "list"); strings.Contains(got, "globex") {
		t.Fatalf("tenant list after delete --yes = %q, want no globex", got)
	}
}

func TestNewSQLiteDatabaseIsAnnounced(t *testing.T) {
	c := newCLI(t)
	path := filepath.Join(c.env["TENANTRY_DATA"], "tenantry.db")
	want := "creating a new SQLite database at " + path
	if got := c.mustRun("tenant", "list"); !strings.Contains(got, want) {
		t.Errorf("first tenant list printed %q, want it to contain %q", got, want)
	}
	if got := c.mustRun("tenant", "list"); strings.Contains(got, "creating a new SQLite database") {
		t.Errorf("second tenant list printed %q, want no note: the database exists", got)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	c := newCLI(t)
	for i := 0; i < 2; i++ {
		if got, want := c.mustRun("migrate"), "schema is up to date"; !strings.Contains(got, want) {
			t.Fatalf("migrate #%d printed %q, want it to contain %q", i, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(c.env["TENANTRY_DATA"], "tenantry.db")); err != nil {
		t.Fatalf("SQLite database not created in --data: %v", err)
	}
}

func TestAdminCreate(t *testing.T) {
	c := newCLI(t)
	if got, want := c.mustRun("admin", "create", "--email", "root@example.com", "--password", "correct horse"), "created platform admin root@example.com"; !strings.Contains(got, want) {
		t.Fatalf("first admin create printed %q, want %q", got, want)
	}
	if got, want := c.mustRun("admin", "create", "--email", "root@example.com", "--password", "correct horse"), "is a platform admin"; !strings.Contains(got, want) {
		t.Fatalf("second admin create printed %q, want %q", got, want)
	}
	if _, err := c.run("admin", "create", "--email", "x@example.com", "--password", "short"); err == nil {
		t.Fatal("admin create with a 5-character password: got nil error, want validation failure")
	}
}

func TestTenantLifecycle(t *testing.T) {
	c := newCLI(t)
	c.mustRun("tenant", "create", "--name", "Acme Corp", "--slug", "acme", "--plan", "pro")
	c.mustRun("tenant", "create", "--name", "Globex", "--slug", "globex", "--domain", "globex.example.com")
	for _, d := range []string{"acme.localhost", "localhost.", "x.acme.localhost"} {
		if _, err := c.run("tenant", "create", "--name", "Shadow", "--slug", "shadow", "--domain", d); err == nil || !strings.Contains(err.Error(), "domain") {
			t.Fatalf("tenant create --domain %s: got %v, want a domain error", d, err)
		}
	}
	if _, err := c.run("tenant", "create", "--name", "Shadow", "--slug", "shadow", "--domain", "shadow.example.org", "--base-domain", "example.org"); err == nil {
		t.Fatal("tenant create under --base-domain example.org: got nil error, want a domain error")
	}
	if _, err := c.run("tenant", "create", "--name", "Again", "--slug", "acme"); err == nil {
		t.Fatal("creating a second tenant with slug acme: got nil error, want conflict")
	}
	if _, err := c.run("tenant", "create", "--name", "Reserved", "--slug", "www"); err == nil {
		t.Fatal("creating a tenant with reserved slug www: got nil error, want validation failure")
	}

	list := c.mustRun("tenant", "list")
	for _, want := range []string{"acme", "Acme Corp", "pro", "globex", "globex.example.com"} {
		if !strings.Contains(list, want) {
			t.Errorf("tenant list = %q, want it to contain %q", list, want)
		}
	}
	c.mustRun("tenant", "suspend", "acme")
	if got := c.mustRun("tenant", "list", "--status", "suspended"); !strings.Contains(got, "acme") || strings.Contains(got, "globex") {
		t.Errorf("tenant list --status suspended = %q, want acme only", got)
	}
	c.mustRun("tenant", "activate", "acme")

	export := filepath.Join(t.TempDir(), "acme.ndjson")
	c.mustRun("tenant", "export", "acme", "--out", export)
	c.mustRun("tenant", "delete", "acme", "--yes")
	if got := c.mustRun("tenant", "list"); strings.Contains(got, "acme") {
		t.Fatalf("tenant list after delete = %q, want no acme", got)
	}
	if got, want := c.mustRun("tenant", "import", export), "imported tenant acme"; !strings.Contains(got, want) {
		t.Fatalf("tenant import printed %q, want %q", got, want)
	}
	if _, err := c.run("tenant", "suspend", "nope"); err == nil {
		t.Fatal("suspending an unknown tenant: got nil error, want tenant_not_found")
	}
}

func TestTenantImportRegistry(t *testing.T) {
	c := newCLI(t)
	reg := filepath.Join("..", "examples", "tenants.jsonl")
	if got, want := c.mustRun("tenant", "import", reg), "3 created, 0 updated"; !strings.Contains(got, want) {
		t.Fatalf("first registry import printed %q, want %q", got, want)
	}
	if got, want := c.mustRun("tenant", "import", reg), "0 created, 0 updated"; !strings.Contains(got, want) {
		t.Fatalf("re-importing an unchanged registry printed %q, want %q", got, want)
	}
	changed := filepath.Join(t.TempDir(), "changed.jsonl")
	if err := os.WriteFile(changed, []byte(`{"id":"acme","name":"Acme Corp","welcome":"Hello again from Acme!","model":"mock-1","limits":{"chat_per_10s":8}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := c.mustRun("tenant", "import", changed), "0 created, 1 updated"; !strings.Contains(got, want) {
		t.Fatalf("importing a changed entry printed %q, want %q", got, want)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"id\":\"ok-one\",\"name\":\"Ok\"}\n{not json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := c.run("tenant", "import", bad)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("importing a registry with a bad line 2: got %v (%s), want an error naming line 2", err, out)
	}
	if got := c.mustRun("tenant", "list"); strings.Contains(got, "ok-one") {
		t.Fatalf("a registry with a bad line was partly applied: %q", got)
	}
}

func TestLoadPlans(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plans.json")
	if err := os.WriteFile(path, []byte(`{"free":{"limits":{"max_projects":7}},"team":{"limits":{"max_projects":50},"features":["api","export"]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	plans, err := loadPlans(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := plans["free"].Limits["max_projects"], int64(7); got != want {
		t.Errorf("free max_projects = %d, want %d", got, want)
	}
	if got, want := plans["free"].Limits["max_members"], int64(5); got != want {
		t.Errorf("free max_members = %d, want the default %d", got, want)
	}
	if got, want := len(plans["team"].Features), 2; got != want {
		t.Errorf("team features = %v, want %d", plans["team"].Features, want)
	}
}

func TestStoreFlagsRejectAnUnknownTenantSetting(t *testing.T) {
	sf := &storeFlags{databaseURL: "postgres://127.0.0.1:1/none", tenantSetting: "set-session"}
	_, err := sf.open(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "--pg-tenant-setting") {
		t.Fatalf("open with --pg-tenant-setting set-session: got %v, want an error naming the flag", err)
	}
}

// run is Run without options.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return Run(ctx, args, getenv, stdin, stdout, stderr, Options{})
}
