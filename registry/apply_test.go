package registry_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mock"
	"github.com/tenantry/tenantry/registry"
)

// directory is an in-memory tenant directory behind mock.Platform and
// mock.Store.
type directory struct {
	bySlug  map[string]*tenantry.Tenant
	creates int
	updates []tenantry.TenantUpdate
}

func newDirectory() *directory { return &directory{bySlug: map[string]*tenantry.Tenant{}} }

func (d *directory) fakes(plans tenantry.Plans) (*mock.Platform, *mock.Store) {
	p := &mock.Platform{
		CreateTenantFn: func(ctx context.Context, tc tenantry.TenantCreate) (*tenantry.Tenant, error) {
			if err := tc.Validate(plans); err != nil {
				return nil, err
			}
			if _, ok := d.bySlug[tc.Slug]; ok {
				return nil, tenantry.Errorf(tenantry.ECONFLICT, "taken")
			}
			d.creates++
			t := &tenantry.Tenant{ID: tenantry.NewID(), Name: tc.Name, Slug: tc.Slug, Domain: tc.Domain, Plan: tc.Plan,
				Status: tenantry.TenantActive, Settings: tenantry.Settings{}.MergePatch(tc.Settings), Limits: tc.Limits}
			d.bySlug[t.Slug] = t
			return t, nil
		},
		UpdateTenantFn: func(ctx context.Context, id string, tu tenantry.TenantUpdate) (*tenantry.Tenant, error) {
			if err := tu.Validate(plans); err != nil {
				return nil, err
			}
			for _, t := range d.bySlug {
				if t.ID != id {
					continue
				}
				d.updates = append(d.updates, tu)
				if tu.Name != nil {
					t.Name = *tu.Name
				}
				if tu.Plan != nil {
					t.Plan = *tu.Plan
				}
				if tu.Domain != nil {
					t.Domain = *tu.Domain
				}
				// Round-trip like a database would: numbers come back as float64.
				t.Settings = t.Settings.MergePatch(tu.SettingsPatch)
				t.Limits = t.Limits.MergePatch(tu.LimitsPatch)
				return t, nil
			}
			return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "no tenant")
		},
	}
	s := &mock.Store{
		TenantBySlugFn: func(ctx context.Context, slug string) (*tenantry.Tenant, error) {
			if t, ok := d.bySlug[slug]; ok {
				c := *t
				return &c, nil
			}
			return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "no tenant")
		},
	}
	return p, s
}

func mustParse(t *testing.T, in string) []registry.Entry {
	t.Helper()
	e, err := registry.Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestApply(t *testing.T) {
	ctx := context.Background()
	d := newDirectory()
	p, s := d.fakes(tenantry.DefaultPlans())

	created, updated, err := registry.Apply(ctx, p, s, mustParse(t, tutorial))
	if err != nil {
		t.Fatal(err)
	}
	if created != 3 || updated != 0 {
		t.Errorf("first apply = %d created, %d updated, want 3, 0", created, updated)
	}
	acme := d.bySlug["acme"]
	if acme == nil || acme.Name != "Acme Corp" || acme.Plan != "free" {
		t.Fatalf("acme = %+v", acme)
	}
	want := tenantry.Settings{"welcome": "Howdy from Acme!", "model": "mock-1"}
	if !reflect.DeepEqual(acme.Settings, want) {
		t.Errorf("acme settings = %v, want %v", acme.Settings, want)
	}
	if want := (tenantry.Limits{"chat_per_10s": 8}); !reflect.DeepEqual(acme.Limits, want) {
		t.Errorf("acme limits = %v, want %v", acme.Limits, want)
	}
	if got, want := tenantry.DefaultPlans().Limit(acme, tenantry.LimitChatPer10s), int64(8); got != want {
		t.Errorf("acme chat limit = %d, want %d", got, want)
	}

	// Applying the same file again changes nothing.
	created, updated, err = registry.Apply(ctx, p, s, mustParse(t, tutorial))
	if err != nil {
		t.Fatal(err)
	}
	if created != 0 || updated != 0 || len(d.updates) != 0 {
		t.Errorf("second apply = %d created, %d updated (%d calls), want 0, 0", created, updated, len(d.updates))
	}

	// A setting set elsewhere is kept; a changed line updates only what it changes.
	acme.Settings["cors_origins"] = []any{"https://acme.com"}
	changed := strings.Replace(tutorial, `"Howdy from Acme!"`, `"Hi from Acme!"`, 1)
	changed = strings.Replace(changed, `"name":"Initech"`, `"name":"Initech LLC","plan":"pro"`, 1)
	changed = strings.Replace(changed, `"chat_per_10s":4`, `"chat_per_10s":-1`, 1)
	created, updated, err = registry.Apply(ctx, p, s, mustParse(t, changed))
	if err != nil {
		t.Fatal(err)
	}
	if created != 0 || updated != 3 {
		t.Errorf("third apply = %d created, %d updated, want 0, 3", created, updated)
	}
	if got, want := d.updates[0].SettingsPatch, (tenantry.Settings{"welcome": "Hi from Acme!"}); !reflect.DeepEqual(got, want) {
		t.Errorf("acme patch = %v, want %v", got, want)
	}
	if got := d.updates[0].LimitsPatch; got != nil {
		t.Errorf("acme limits patch = %v, want none", got)
	}
	if got, want := d.updates[1].LimitsPatch, (tenantry.LimitsPatch{"chat_per_10s": int64(-1)}); !reflect.DeepEqual(got, want) || d.updates[1].SettingsPatch != nil {
		t.Errorf("globex patch = %v settings %v, want limits %v only", got, d.updates[1].SettingsPatch, want)
	}
	if got := tenantry.DefaultPlans().Limit(d.bySlug["globex"], tenantry.LimitChatPer10s); got != tenantry.Unlimited {
		t.Errorf("globex chat limit = %d, want unlimited", got)
	}
	if got := d.bySlug["acme"].Settings["cors_origins"]; got == nil {
		t.Errorf("cors_origins was dropped")
	}
	if in := d.bySlug["initech"]; in.Name != "Initech LLC" || in.Plan != "pro" {
		t.Errorf("initech = %+v", in)
	}
}

func TestApplyError(t *testing.T) {
	ctx := context.Background()
	d := newDirectory()
	p, s := d.fakes(tenantry.DefaultPlans())
	entries := mustParse(t, `{"id":"acme","name":"A"}`+"\n"+`{"id":"globex","name":"G","plan":"platinum"}`)
	created, updated, err := registry.Apply(ctx, p, s, entries)
	if got, want := tenantry.ErrorCode(err), tenantry.EINVALID; got != want {
		t.Fatalf("code = %q, want %q (%v)", got, want, err)
	}
	if !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %q does not name line 2", err)
	}
	if created != 1 || updated != 0 {
		t.Errorf("apply = %d created, %d updated, want 1, 0", created, updated)
	}
}
