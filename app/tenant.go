package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/registry"
)

const tenantUsage = `usage:
  tenantry tenant create --name N --slug S [--domain D] [--plan P] [--owner-email E]
  tenantry tenant list [--status S] [--plan P] [--q TEXT]
  tenantry tenant suspend|activate|archive SLUG_OR_ID
  tenantry tenant delete SLUG_OR_ID [--yes]   (asks for the slug again unless --yes)
  tenantry tenant export SLUG_OR_ID [--out FILE]
  tenantry tenant import FILE   (an export, or a tenants.jsonl registry; - for stdin)
  tenantry tenant add-member SLUG_OR_ID --email E [--role owner|admin|member] [--public-url URL]
  tenantry tenant members SLUG_OR_ID
  tenantry tenant place SLUG_OR_ID [--isolate] [--node HOST:PORT] [--mode block_writes|auto|force_logical]   (Citus only)`

// runTenant manages tenants from the command line. Changes are audited in
// the platform trail with the system as actor; the store's rows in the
// database's invalidations outbox tell running servers, which drop their
// cached copies at their next poll.
func runTenant(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return errors.New(tenantUsage)
	}
	sub, args := args[0], args[1:]
	if sub == "place" {
		return runTenantPlace(ctx, env, args)
	}
	fs := env.newFlagSet("tenantry tenant " + sub)
	sf := env.addStoreFlags(fs)
	f := tenantFlags(fs, env)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	f.baseDomains = splitList(*f.bases)
	if len(f.baseDomains) == 0 {
		f.baseDomains = []string{"localhost"}
	}
	db, err := sf.open(ctx, tenantry.DefaultPlans().WithExtensions(env.opts.Extensions))
	if err != nil {
		return err
	}
	defer db.Close()
	cmd := &tenantCmd{env: env, sf: sf, db: db, f: f}
	switch sub {
	case "create":
		return cmd.create(ctx)
	case "list":
		return listTenants(ctx, env, db.Platform(), tenantry.TenantFilter{Status: tenantry.TenantStatus(*f.status), Plan: *f.plan, Q: *f.q})
	case "import":
		if len(pos) != 1 {
			return errors.New(tenantUsage)
		}
		return cmd.importFile(ctx, pos[0])
	case "suspend", "activate", "archive", "delete", "export", "add-member", "members":
		if len(pos) != 1 {
			return errors.New(tenantUsage)
		}
		t, err := findTenant(ctx, db, pos[0])
		if err != nil {
			return describe(err)
		}
		return cmd.onTenant(ctx, sub, t)
	}
	return errors.New(tenantUsage)
}

// tenantFlagSet holds the flags of the tenant commands.
type tenantFlagSet struct {
	name, slug, domain, plan, ownerEmail, status, q, out, email, role, publicURL, bases *string
	yes                                                                                 *bool
	baseDomains                                                                         []string
}

// tenantFlags defines the flags of the tenant commands on fs.
func tenantFlags(fs *flag.FlagSet, env *environment) *tenantFlagSet {
	return &tenantFlagSet{
		name:       fs.String("name", "", "tenant name (create)"),
		slug:       fs.String("slug", "", "tenant slug (create)"),
		domain:     fs.String("domain", "", "custom domain (create)"),
		plan:       fs.String("plan", "", "plan: free, starter, pro, enterprise (create, list)"),
		ownerEmail: fs.String("owner-email", "", "e-mail of an existing user who becomes the owner (create)"),
		status:     fs.String("status", "", "filter by status (list)"),
		q:          fs.String("q", "", "search name, slug or domain (list)"),
		out:        fs.String("out", "", "write the export to FILE instead of standard output (export)"),
		yes:        fs.Bool("yes", false, "delete without asking for the slug again (delete)"),
		email:      fs.String("email", "", "e-mail of the user to add, or to invite when no user has it (add-member)"),
		role:       fs.String("role", "owner", "role given: owner, admin or member (add-member)"),
		publicURL:  fs.String("public-url", env.getenv("TENANTRY_PUBLIC_URL"), "base URL of the server as users reach it, for the invitation links printed (add-member, import; TENANTRY_PUBLIC_URL)"),
		bases:      fs.String("base-domain", env.getenv("TENANTRY_BASE_DOMAIN"), "comma-separated base domains a custom domain must not be or be under; default localhost (create, import; TENANTRY_BASE_DOMAIN)"),
	}
}

// tenantCmd is one tenant command on an open store.
type tenantCmd struct {
	env *environment
	sf  *storeFlags
	db  database
	f   *tenantFlagSet
}

// create creates a tenant, owned by --owner-email's user when set.
func (c *tenantCmd) create(ctx context.Context) error {
	f := c.f
	tc := tenantry.TenantCreate{Name: *f.name, Slug: *f.slug, Domain: *f.domain, Plan: *f.plan}
	if err := tenantry.ValidateCustomDomain(tc.Domain, f.baseDomains); err != nil {
		return describe(err)
	}
	if *f.ownerEmail != "" {
		u, err := c.db.UserByEmail(ctx, tenantry.NormalizeEmail(*f.ownerEmail))
		if err != nil {
			return describe(err)
		}
		tc.OwnerID = u.ID
	}
	t, err := c.db.Platform().CreateTenant(ctx, tc)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(c.env.stdout, "created tenant %s (%s) on plan %s\n", t.Slug, t.ID, t.Plan)
	return nil
}

// importFile imports a tenant export or a registry, then the registry's
// owners.
func (c *tenantCmd) importFile(ctx context.Context, path string) error {
	svc, err := cliAuth(c.env, c.sf, c.db, *c.f.publicURL)
	if err != nil {
		return err
	}
	return importTenants(ctx, c.env, c.db, path, c.f.baseDomains, func(entries []registry.Entry) error {
		owners, err := registry.ApplyOwners(ctx, c.db, svc, entries)
		printOwners(c.env, svc, *c.f.publicURL, owners)
		return describe(err)
	})
}

// onTenant runs sub, a command on one tenant t.
func (c *tenantCmd) onTenant(ctx context.Context, sub string, t *tenantry.Tenant) error {
	switch sub {
	case "members":
		return listMembers(ctx, c.env, c.db, t)
	case "add-member":
		svc, err := cliAuth(c.env, c.sf, c.db, *c.f.publicURL)
		if err != nil {
			return err
		}
		return addMember(ctx, c.env, c.db, svc, *c.f.publicURL, t, *c.f.email, tenantry.Role(*c.f.role))
	case "delete":
		if !*c.f.yes {
			if err := confirmDelete(c.env, t); err != nil {
				return err
			}
		}
	}
	return tenantAction(ctx, c.env, c.db.Platform(), sub, t, *c.f.out)
}

// confirmDelete asks for the tenant's slug on standard input and fails
// unless the answer is that slug: deleting a tenant removes every row of it
// and cannot be undone.
func confirmDelete(env *environment, t *tenantry.Tenant) error {
	fmt.Fprintf(env.stderr, "Deleting tenant %s (%s) removes all its data and cannot be undone.\nType its slug to confirm: ", t.Slug, t.ID)
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read confirmation: %w", err)
	}
	if strings.TrimSpace(line) != t.Slug {
		return fmt.Errorf("tenant %s not deleted: the confirmation did not match (pass --yes to delete without asking)", t.Slug)
	}
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("export acme --out f") and returns the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func tenantAction(ctx context.Context, env *environment, p tenantry.Platform, action string, t *tenantry.Tenant, out string) error {
	var err error
	switch action {
	case "suspend":
		_, err = p.SetTenantStatus(ctx, t.ID, tenantry.TenantSuspended)
	case "activate":
		_, err = p.SetTenantStatus(ctx, t.ID, tenantry.TenantActive)
	case "archive":
		_, err = p.SetTenantStatus(ctx, t.ID, tenantry.TenantArchived)
	case "delete":
		err = p.DeleteTenant(ctx, t.ID)
	case "export":
		w := env.stdout
		if out != "" {
			f, ferr := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if ferr != nil {
				return ferr
			}
			defer f.Close()
			w = f
		}
		bw := bufio.NewWriter(w)
		if err = p.ExportTenant(ctx, t.ID, bw); err == nil {
			err = bw.Flush()
		}
		if err != nil {
			return describe(err)
		}
		if out != "" {
			fmt.Fprintf(env.stderr, "exported tenant %s to %s\n", t.Slug, out)
		}
		return nil
	}
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(env.stdout, "%s: %s done\n", t.Slug, action)
	return nil
}

func listTenants(ctx context.Context, env *environment, p tenantry.Platform, f tenantry.TenantFilter) error {
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tPLAN\tSTATUS\tDOMAIN\tID")
	for {
		ts, next, err := p.Tenants(ctx, f)
		if err != nil {
			return describe(err)
		}
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Slug, t.Name, t.Plan, t.Status, t.Domain, t.ID)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return tw.Flush()
}

// findTenant finds a tenant by slug or id.
func findTenant(ctx context.Context, db tenantry.Store, ref string) (*tenantry.Tenant, error) {
	if id, ok := tenantry.ParseID(ref); ok {
		return db.TenantByID(ctx, id)
	}
	return db.TenantBySlug(ctx, ref)
}

// importTenants reads a tenant export (first line {"type":"tenant",...})
// or a tenants.jsonl registry and applies it; owners
// applies a registry's owner_email lines after its tenants.
func importTenants(ctx context.Context, env *environment, db database, path string, baseDomains []string, owners func([]registry.Entry) error) error {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(env.stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return err
	}
	if isExport(data) {
		t, err := db.Platform().ImportTenant(ctx, bytes.NewReader(data))
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.stdout, "imported tenant %s (%s)\n", t.Slug, t.ID)
		return nil
	}
	entries, err := registry.Parse(bytes.NewReader(data))
	if err != nil {
		return describe(err)
	}
	created, updated, err := registry.Apply(ctx, db.Platform(), db, entries, baseDomains...)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(env.stdout, "registry applied: %d created, %d updated\n", created, updated)
	return owners(entries)
}

// isExport reports whether data starts with a tenant export record.
func isExport(data []byte) bool {
	line, _, _ := bytes.Cut(bytes.TrimSpace(data), []byte("\n"))
	var rec tenantry.ExportRecord
	return json.Unmarshal(line, &rec) == nil && rec.Type == tenantry.ExportTenant
}
