package storetest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// jsonOf encodes v with sorted keys, so that settings compare by value.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "!" + err.Error()
	}
	return string(b)
}

// sameTenant describes how got differs from want, or returns "".
func sameTenant(got, want *tenantry.Tenant) string {
	var d []string
	if got.ID != want.ID {
		d = append(d, "id "+got.ID+" != "+want.ID)
	}
	if got.Name != want.Name || got.Slug != want.Slug || got.Domain != want.Domain || got.Plan != want.Plan || got.Status != want.Status {
		d = append(d, "name/slug/domain/plan/status "+jsonOf([]any{got.Name, got.Slug, got.Domain, got.Plan, got.Status})+" != "+jsonOf([]any{want.Name, want.Slug, want.Domain, want.Plan, want.Status}))
	}
	if jsonOf(got.Settings) != jsonOf(want.Settings) {
		d = append(d, "settings "+jsonOf(got.Settings)+" != "+jsonOf(want.Settings))
	}
	if jsonOf(limitsOrEmpty(got.Limits)) != jsonOf(limitsOrEmpty(want.Limits)) {
		d = append(d, "limits "+jsonOf(got.Limits)+" != "+jsonOf(want.Limits))
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		d = append(d, "created_at "+got.CreatedAt.String()+" != "+want.CreatedAt.String())
	}
	return strings.Join(d, "; ")
}

// limitsOrEmpty returns l, or an empty Limits for nil.
func limitsOrEmpty(l tenantry.Limits) tenantry.Limits {
	if l == nil {
		return tenantry.Limits{}
	}
	return l
}

func testCreateTenant(t *testing.T, s tenantry.Store) {
	admin := newUser(t, t.Context(), s, "admin@example.com")
	ctx := adminCtx(t, t.Context(), admin.ID, "req-create")
	owner := newUser(t, ctx, s, "owner@example.com")
	id := tenantry.NewID()
	tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{
		ID: strings.ToUpper(id), Name: " Acme Inc ", Slug: " Acme ", Domain: "Acme.Example.COM.",
		Settings: tenantry.Settings{"welcome": "Hello"}, Limits: tenantry.Limits{"chat_per_10s": 9}, OwnerID: owner.ID,
	})
	fatalIf(t, "CreateTenant", err)
	want := &tenantry.Tenant{ID: id, Name: "Acme Inc", Slug: "acme", Domain: "acme.example.com", Plan: "free",
		Status: tenantry.TenantActive, Settings: tenantry.Settings{"welcome": "Hello"}, Limits: tenantry.Limits{"chat_per_10s": 9}, CreatedAt: tn.CreatedAt}
	if reread, err := s.TenantByID(ctx, tn.ID); err != nil || sameTenant(reread, want) != "" {
		t.Errorf("TenantByID after CreateTenant: got %+v, %v, want %+v", reread, err, want)
	}
	if d := sameTenant(tn, want); d != "" || tn.CreatedAt.IsZero() {
		t.Errorf("CreateTenant: got %+v, want %+v: %s", tn, want, d)
	}
	m, err := s.Tenant(tn.ID).Member(ctx, owner.ID)
	fatalIf(t, "Member(owner)", err)
	if m.Role != tenantry.RoleOwner || m.Email != owner.Email {
		t.Errorf("CreateTenant owner: got role %q email %q, want owner %q", m.Role, m.Email, owner.Email)
	}
	ev := wantPlatformAudit(t, ctx, s, tn.ID, "tenant.create", tn.ID)
	if ev != nil && (ev.Actor.Type != tenantry.ActorUser || ev.Actor.ID != admin.ID || ev.RequestID != "req-create") {
		t.Errorf("tenant.create event: got actor %+v request %q, want user %s req-create", ev.Actor, ev.RequestID, admin.ID)
	}
	plain, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Plain", Slug: "plain", Plan: "pro"})
	fatalIf(t, "CreateTenant(no owner)", err)
	if plain.Plan != "pro" || plain.Settings == nil || plain.Domain != "" {
		t.Errorf("CreateTenant(plain): got plan %q settings %v domain %q, want pro {} \"\"", plain.Plan, plain.Settings, plain.Domain)
	}

	bad := []struct {
		name string
		tc   tenantry.TenantCreate
		want string
	}{
		{"no name", tenantry.TenantCreate{Slug: "x1"}, tenantry.EINVALID},
		{"no slug", tenantry.TenantCreate{Name: "X"}, tenantry.EINVALID},
		{"reserved slug www", tenantry.TenantCreate{Name: "X", Slug: "www"}, tenantry.EINVALID},
		{"reserved slug admin", tenantry.TenantCreate{Name: "X", Slug: "ADMIN"}, tenantry.EINVALID},
		{"slug with space", tenantry.TenantCreate{Name: "X", Slug: "a b"}, tenantry.EINVALID},
		{"slug with leading hyphen", tenantry.TenantCreate{Name: "X", Slug: "-ab"}, tenantry.EINVALID},
		{"unknown plan", tenantry.TenantCreate{Name: "X", Slug: "x2", Plan: "gold"}, tenantry.EINVALID},
		{"bad domain", tenantry.TenantCreate{Name: "X", Slug: "x3", Domain: "not a host"}, tenantry.EINVALID},
		{"bad id", tenantry.TenantCreate{ID: "nope", Name: "X", Slug: "x4"}, tenantry.EINVALID},
		{"limit in settings", tenantry.TenantCreate{Name: "X", Slug: "x5", Settings: tenantry.Settings{"max_projects": 9}}, tenantry.EINVALID},
		{"unknown setting", tenantry.TenantCreate{Name: "X", Slug: "x5", Settings: tenantry.Settings{"theme": "dark"}}, tenantry.EINVALID},
		{"unknown limit", tenantry.TenantCreate{Name: "X", Slug: "x5", Limits: tenantry.Limits{"max_widgets": 1}}, tenantry.EINVALID},
		{"taken slug", tenantry.TenantCreate{Name: "X", Slug: "ACME"}, tenantry.ECONFLICT},
		{"taken domain", tenantry.TenantCreate{Name: "X", Slug: "x6", Domain: "ACME.example.com"}, tenantry.ECONFLICT},
		{"taken id", tenantry.TenantCreate{ID: id, Name: "X", Slug: "x7"}, tenantry.ECONFLICT},
		{"unknown owner", tenantry.TenantCreate{Name: "X", Slug: "x8", OwnerID: tenantry.NewID()}, tenantry.ENOTFOUND},
	}
	for _, tt := range bad {
		_, err := s.Platform().CreateTenant(ctx, tt.tc)
		wantCode(t, "CreateTenant("+tt.name+")", err, tt.want)
	}
	for _, slug := range []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"} {
		_, err := s.TenantBySlug(ctx, slug)
		wantCode(t, "TenantBySlug("+slug+") after a refused create", err, tenantry.ETENANTNOTFOUND)
	}
}

func testTenantLookup(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Look", Slug: "look", Domain: "look.example.com"})
	fatalIf(t, "CreateTenant", err)
	found := []struct {
		name string
		fn   func() (*tenantry.Tenant, error)
	}{
		{"TenantByID", func() (*tenantry.Tenant, error) { return s.TenantByID(ctx, tn.ID) }},
		{"TenantByID(upper case)", func() (*tenantry.Tenant, error) { return s.TenantByID(ctx, strings.ToUpper(tn.ID)) }},
		{"TenantBySlug", func() (*tenantry.Tenant, error) { return s.TenantBySlug(ctx, "look") }},
		{"TenantByDomain", func() (*tenantry.Tenant, error) { return s.TenantByDomain(ctx, "look.example.com") }},
		{"handle Tenant", func() (*tenantry.Tenant, error) { return s.Tenant(tn.ID).Tenant(ctx) }},
		{"upper-case handle Tenant", func() (*tenantry.Tenant, error) { return s.Tenant(strings.ToUpper(tn.ID)).Tenant(ctx) }},
	}
	for _, tt := range found {
		got, err := tt.fn()
		if !wantCode(t, tt.name, err, "") {
			continue
		}
		if d := sameTenant(got, tn); d != "" {
			t.Errorf("%s: got %+v, want %+v: %s", tt.name, got, tn, d)
		}
	}
	if got := s.Tenant(tn.ID).ID(); got != tn.ID {
		t.Errorf("Tenant(id).ID(): got %q, want %q", got, tn.ID)
	}
	missing := []struct {
		name string
		fn   func() (*tenantry.Tenant, error)
	}{
		{"TenantByID(unknown)", func() (*tenantry.Tenant, error) { return s.TenantByID(ctx, tenantry.NewID()) }},
		{"TenantByID(not-a-uuid)", func() (*tenantry.Tenant, error) { return s.TenantByID(ctx, "not-a-uuid") }},
		{"TenantByID(slug)", func() (*tenantry.Tenant, error) { return s.TenantByID(ctx, "look") }},
		{"TenantBySlug(unknown)", func() (*tenantry.Tenant, error) { return s.TenantBySlug(ctx, "nope") }},
		{"TenantByDomain(unknown)", func() (*tenantry.Tenant, error) { return s.TenantByDomain(ctx, "nope.example.com") }},
	}
	for _, tt := range missing {
		_, err := tt.fn()
		wantCode(t, tt.name, err, tenantry.ETENANTNOTFOUND)
	}
}

func testTenantFilters(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	mk := func(name, slug, domain, plan string, status tenantry.TenantStatus) string {
		tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: name, Slug: slug, Domain: domain, Plan: plan})
		fatalIf(t, "CreateTenant", err)
		if status != tenantry.TenantActive {
			_, err := s.Platform().SetTenantStatus(ctx, tn.ID, status)
			fatalIf(t, "SetTenantStatus", err)
		}
		return tn.ID
	}
	alpha := mk("Alpha", "alpha", "", "free", tenantry.TenantActive)
	beta := mk("Beta Works", "beta", "beta.example.org", "pro", tenantry.TenantActive)
	gamma := mk("Gamma", "gamma", "", "free", tenantry.TenantSuspended)
	delta := mk("Delta", "delta-works", "", "starter", tenantry.TenantArchived)
	epsilon := mk("Epsilon", "epsilon", "shop.WORKS.example.net", "pro", tenantry.TenantActive)

	tests := []struct {
		name string
		f    tenantry.TenantFilter
		want []string
	}{
		{"all", tenantry.TenantFilter{}, []string{alpha, beta, gamma, delta, epsilon}},
		{"active", tenantry.TenantFilter{Status: tenantry.TenantActive}, []string{alpha, beta, epsilon}},
		{"suspended", tenantry.TenantFilter{Status: tenantry.TenantSuspended}, []string{gamma}},
		{"archived", tenantry.TenantFilter{Status: tenantry.TenantArchived}, []string{delta}},
		{"plan pro", tenantry.TenantFilter{Plan: "pro"}, []string{beta, epsilon}},
		{"plan enterprise", tenantry.TenantFilter{Plan: "enterprise"}, nil},
		{"q works (name, slug, domain; any case)", tenantry.TenantFilter{Q: "WoRkS"}, []string{beta, delta, epsilon}},
		{"q gam", tenantry.TenantFilter{Q: "gam"}, []string{gamma}},
		{"q and plan", tenantry.TenantFilter{Q: "works", Plan: "pro"}, []string{beta, epsilon}},
		{"q and status", tenantry.TenantFilter{Q: "works", Status: tenantry.TenantArchived}, []string{delta}},
		{"q no match", tenantry.TenantFilter{Q: "zzz"}, nil},
	}
	for _, tt := range tests {
		for _, limit := range []int{0, 2} {
			f := tt.f
			f.Limit = limit
			var got []string
			for range 10 {
				ts, next, err := s.Platform().Tenants(ctx, f)
				fatalIf(t, "Tenants("+tt.name+")", err)
				for _, tn := range ts {
					got = append(got, tn.ID)
				}
				if limit > 0 && len(ts) > limit {
					t.Errorf("Tenants(%s, limit %d): got %d rows", tt.name, limit, len(ts))
				}
				if next == "" {
					break
				}
				f.Cursor = next
			}
			if jsonOf(got) != jsonOf(tt.want) {
				t.Errorf("Tenants(%s, limit %d): got %v, want %v", tt.name, limit, got, tt.want)
			}
		}
	}
	_, _, err := s.Platform().Tenants(ctx, tenantry.TenantFilter{Page: tenantry.Page{Cursor: "!!"}})
	wantCode(t, "Tenants(bad cursor)", err, tenantry.EBADREQUEST)
}

func testUpdateTenant(t *testing.T, s tenantry.Store) {
	ctx := adminCtx(t, t.Context(), tenantry.NewID(), "req-update")
	tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Up", Slug: "up", Domain: "up.example.com",
		Settings: tenantry.Settings{"welcome": "hi", "custom": map[string]any{"color": "red", "font": "serif"}},
		Limits:   tenantry.Limits{"chat_per_10s": 9, "max_members": 7}})
	fatalIf(t, "CreateTenant", err)
	other, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Other", Slug: "other", Domain: "other.example.com"})
	fatalIf(t, "CreateTenant", err)

	got, err := s.Platform().UpdateTenant(ctx, tn.ID, tenantry.TenantUpdate{
		Name: ptr(" Up Two "), Plan: ptr("pro"), Domain: ptr("NEW.example.com"),
		SettingsPatch: tenantry.Settings{"welcome": nil, "custom": map[string]any{"color": "blue"}, "provider": "openai"},
		LimitsPatch:   tenantry.LimitsPatch{"max_projects": 7, "chat_per_10s": nil},
	})
	fatalIf(t, "UpdateTenant", err)
	want := *tn
	want.Name, want.Plan, want.Domain = "Up Two", "pro", "new.example.com"
	want.Settings = tenantry.Settings{"custom": map[string]any{"color": "blue", "font": "serif"}, "provider": "openai"}
	want.Limits = tenantry.Limits{"max_projects": 7, "max_members": 7}
	if d := sameTenant(got, &want); d != "" {
		t.Errorf("UpdateTenant: %s", d)
	}
	if got.UpdatedAt.Before(tn.UpdatedAt) {
		t.Errorf("UpdateTenant: got updated_at %v before %v", got.UpdatedAt, tn.UpdatedAt)
	}
	reread, err := s.TenantByDomain(ctx, "new.example.com")
	fatalIf(t, "TenantByDomain(new)", err)
	if d := sameTenant(reread, &want); d != "" {
		t.Errorf("TenantByDomain after UpdateTenant: %s", d)
	}
	_, err = s.TenantByDomain(ctx, "up.example.com")
	wantCode(t, "TenantByDomain(old domain)", err, tenantry.ETENANTNOTFOUND)
	ev := wantPlatformAudit(t, ctx, s, tn.ID, "tenant.update", tn.ID)
	if ev != nil && ev.RequestID != "req-update" {
		t.Errorf("tenant.update event: got request id %q, want req-update", ev.RequestID)
	}
	if ev != nil {
		var data struct {
			Limits map[string]any `json:"limits"`
		}
		if err := json.Unmarshal(ev.Data, &data); err != nil || jsonOf(data.Limits) != `{"chat_per_10s":null,"max_projects":7}` {
			t.Errorf("tenant.update event data: got %s, want the limits patch {\"chat_per_10s\":null,\"max_projects\":7}", ev.Data)
		}
	}

	bad := []struct {
		name string
		id   string
		tu   tenantry.TenantUpdate
		want string
	}{
		{"unknown tenant", tenantry.NewID(), tenantry.TenantUpdate{Name: ptr("X")}, tenantry.ETENANTNOTFOUND},
		{"empty name", tn.ID, tenantry.TenantUpdate{Name: ptr(" ")}, tenantry.EINVALID},
		{"unknown plan", tn.ID, tenantry.TenantUpdate{Plan: ptr("gold")}, tenantry.EINVALID},
		{"bad domain", tn.ID, tenantry.TenantUpdate{Domain: ptr("no way")}, tenantry.EINVALID},
		{"bad limit", tn.ID, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{"max_members": 1.5}}, tenantry.EINVALID},
		{"limit below -1", tn.ID, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{"max_members": -2}}, tenantry.EINVALID},
		{"unknown limit", tn.ID, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{"max_widgets": 1}}, tenantry.EINVALID},
		{"limit in settings", tn.ID, tenantry.TenantUpdate{SettingsPatch: tenantry.Settings{"max_members": 10}}, tenantry.EINVALID},
		{"unknown setting", tn.ID, tenantry.TenantUpdate{SettingsPatch: tenantry.Settings{"theme": "dark"}}, tenantry.EINVALID},
		{"taken domain", tn.ID, tenantry.TenantUpdate{Domain: ptr("Other.example.com")}, tenantry.ECONFLICT},
	}
	for _, tt := range bad {
		_, err := s.Platform().UpdateTenant(ctx, tt.id, tt.tu)
		wantCode(t, "UpdateTenant("+tt.name+")", err, tt.want)
	}
	reread, err = s.TenantByID(ctx, tn.ID)
	fatalIf(t, "TenantByID", err)
	if d := sameTenant(reread, &want); d != "" {
		t.Errorf("TenantByID after refused updates: %s", d)
	}
	// Clearing the domain frees it.
	_, err = s.Platform().UpdateTenant(ctx, other.ID, tenantry.TenantUpdate{Domain: ptr("")})
	fatalIf(t, "UpdateTenant(clear domain)", err)
	_, err = s.Platform().UpdateTenant(ctx, tn.ID, tenantry.TenantUpdate{Domain: ptr("other.example.com")})
	fatalIf(t, "UpdateTenant(freed domain)", err)
}

func testTenantStatus(t *testing.T, s tenantry.Store) {
	ctx := adminCtx(t, t.Context(), tenantry.NewID(), "req-status")
	tn, h := newTenant(t, ctx, s, "stat", "", "")
	steps := []struct {
		status tenantry.TenantStatus
		action string
	}{
		{tenantry.TenantSuspended, "tenant.suspend"},
		{tenantry.TenantActive, "tenant.activate"},
		{tenantry.TenantArchived, "tenant.archive"},
	}
	for _, st := range steps {
		got, err := s.Platform().SetTenantStatus(ctx, tn.ID, st.status)
		fatalIf(t, "SetTenantStatus("+string(st.status)+")", err)
		reread, err := h.Tenant(ctx)
		fatalIf(t, "Tenant", err)
		if got.Status != st.status || reread.Status != st.status {
			t.Errorf("SetTenantStatus(%s): got %q, reread %q, want %q", st.status, got.Status, reread.Status, st.status)
		}
		wantPlatformAudit(t, ctx, s, tn.ID, st.action, tn.ID)
	}
	_, err := s.Platform().SetTenantStatus(ctx, tenantry.NewID(), tenantry.TenantSuspended)
	wantCode(t, "SetTenantStatus(unknown)", err, tenantry.ETENANTNOTFOUND)
}

// handleCalls calls every method of a TenantStore once.
func handleCalls() []struct {
	name string
	fn   func(t *testing.T, h tenantry.TenantStore) error
} {
	id := tenantry.NewID()
	e := func(_ any, err error) error { return err }
	e3 := func(_, _ any, err error) error { return err }
	return []struct {
		name string
		fn   func(t *testing.T, h tenantry.TenantStore) error
	}{
		{"Tenant", func(t *testing.T, h tenantry.TenantStore) error { return e(h.Tenant(t.Context())) }},
		{"UpdateSettings", func(t *testing.T, h tenantry.TenantStore) error {
			return e(h.UpdateSettings(t.Context(), tenantry.Settings{"welcome": "x"}))
		}},
		{"Usage", func(t *testing.T, h tenantry.TenantStore) error { return e(h.Usage(t.Context())) }},
		{"AddUsage", func(t *testing.T, h tenantry.TenantStore) error {
			return h.AddUsage(t.Context(), tenantry.CounterRequests, 1)
		}},
		{"Member", func(t *testing.T, h tenantry.TenantStore) error { return e(h.Member(t.Context(), id)) }},
		{"Members", func(t *testing.T, h tenantry.TenantStore) error { return e3(h.Members(t.Context(), tenantry.Page{})) }},
		{"AddMember", func(t *testing.T, h tenantry.TenantStore) error {
			return e(h.AddMember(t.Context(), id, tenantry.RoleMember))
		}},
		{"UpdateMember", func(t *testing.T, h tenantry.TenantStore) error {
			return e(h.UpdateMember(t.Context(), id, tenantry.RoleMember))
		}},
		{"RemoveMember", func(t *testing.T, h tenantry.TenantStore) error { return h.RemoveMember(t.Context(), id) }},
		{"CreateInvitation", func(t *testing.T, h tenantry.TenantStore) error {
			return h.CreateInvitation(t.Context(), &tenantry.Invitation{Email: "x@example.com", Role: tenantry.RoleMember, TokenHash: "h-" + id})
		}},
		{"Invitations", func(t *testing.T, h tenantry.TenantStore) error {
			return e3(h.Invitations(t.Context(), tenantry.Page{}))
		}},
		{"Invitation", func(t *testing.T, h tenantry.TenantStore) error { return e(h.Invitation(t.Context(), id)) }},
		{"RevokeInvitation", func(t *testing.T, h tenantry.TenantStore) error { return h.RevokeInvitation(t.Context(), id) }},
		{"AcceptInvitation", func(t *testing.T, h tenantry.TenantStore) error {
			return e(h.AcceptInvitation(t.Context(), "h-"+id, id))
		}},
		{"CreateAPIKey", func(t *testing.T, h tenantry.TenantStore) error {
			return h.CreateAPIKey(t.Context(), &tenantry.APIKey{Name: "k", Role: tenantry.RoleMember, Prefix: "tnt_", Hash: "k-" + id})
		}},
		{"APIKeys", func(t *testing.T, h tenantry.TenantStore) error { return e3(h.APIKeys(t.Context(), tenantry.Page{})) }},
		{"APIKey", func(t *testing.T, h tenantry.TenantStore) error { return e(h.APIKey(t.Context(), id)) }},
		{"APIKeyByHash", func(t *testing.T, h tenantry.TenantStore) error { return e(h.APIKeyByHash(t.Context(), "k-"+id)) }},
		{"RevokeAPIKey", func(t *testing.T, h tenantry.TenantStore) error { return h.RevokeAPIKey(t.Context(), id) }},
		{"CreateProject", func(t *testing.T, h tenantry.TenantStore) error {
			return e(pj(h).CreateProject(t.Context(), tenantry.ProjectCreate{Name: "p"}))
		}},
		{"Project", func(t *testing.T, h tenantry.TenantStore) error { return e(pj(h).Project(t.Context(), id)) }},
		{"Projects", func(t *testing.T, h tenantry.TenantStore) error {
			return e3(pj(h).Projects(t.Context(), tenantry.ProjectFilter{}))
		}},
		{"UpdateProject", func(t *testing.T, h tenantry.TenantStore) error {
			return e(pj(h).UpdateProject(t.Context(), id, tenantry.ProjectUpdate{Name: ptr("q")}))
		}},
		{"DeleteProject", func(t *testing.T, h tenantry.TenantStore) error { return pj(h).DeleteProject(t.Context(), id) }},
		{"CreateTask", func(t *testing.T, h tenantry.TenantStore) error {
			return e(pj(h).CreateTask(t.Context(), tenantry.TaskCreate{ProjectID: id, Title: "t"}))
		}},
		{"Task", func(t *testing.T, h tenantry.TenantStore) error { return e(pj(h).Task(t.Context(), id)) }},
		{"Tasks", func(t *testing.T, h tenantry.TenantStore) error {
			return e3(pj(h).Tasks(t.Context(), tenantry.TaskFilter{}))
		}},
		{"UpdateTask", func(t *testing.T, h tenantry.TenantStore) error {
			return e(pj(h).UpdateTask(t.Context(), id, tenantry.TaskUpdate{Title: ptr("u")}))
		}},
		{"DeleteTask", func(t *testing.T, h tenantry.TenantStore) error { return pj(h).DeleteTask(t.Context(), id) }},
		{"AuditEvents", func(t *testing.T, h tenantry.TenantStore) error {
			return e3(h.AuditEvents(t.Context(), tenantry.AuditFilter{}))
		}},
		{"CreateChatSession", func(t *testing.T, h tenantry.TenantStore) error {
			return h.CreateChatSession(t.Context(), &tenantry.ChatSession{UserID: id})
		}},
		{"ChatSession", func(t *testing.T, h tenantry.TenantStore) error { return e(h.ChatSession(t.Context(), id)) }},
		{"AppendChatMessages", func(t *testing.T, h tenantry.TenantStore) error {
			return h.AppendChatMessages(t.Context(), id, &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "hi"})
		}},
		{"ChatMessages", func(t *testing.T, h tenantry.TenantStore) error {
			return e3(h.ChatMessages(t.Context(), id, tenantry.Page{}))
		}},
		{"RecentChatMessages", func(t *testing.T, h tenantry.TenantStore) error {
			return e(h.RecentChatMessages(t.Context(), id, 5))
		}},
	}
}

func testTenantRequired(t *testing.T, s tenantry.Store) {
	// A real tenant exists, so a handle that ignored its id could find rows.
	owner := newUser(t, t.Context(), s, "req@example.com")
	_, h := newTenant(t, t.Context(), s, "required", "enterprise", owner.ID)
	newProject(t, t.Context(), h, "p")
	for _, bad := range []string{"", "not-a-uuid", "required", "00000000-0000-0000-0000-00000000000g"} {
		hb := s.Tenant(bad)
		for _, c := range handleCalls() {
			wantCode(t, "Tenant("+jsonOf(bad)+")."+c.name, c.fn(t, hb), tenantry.ETENANTREQUIRED)
		}
	}
	ps, _, err := pj(h).Projects(t.Context(), tenantry.ProjectFilter{})
	fatalIf(t, "Projects", err)
	if len(ps) != 1 {
		t.Errorf("Projects after calls on bad handles: got %d, want 1", len(ps))
	}
}

func testUnknownTenant(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	h := s.Tenant(tenantry.NewID())
	_, err := h.Tenant(ctx)
	wantCode(t, "Tenant() of an unknown tenant", err, tenantry.ETENANTNOTFOUND)
	_, err = h.UpdateSettings(ctx, tenantry.Settings{"welcome": "x"})
	wantCode(t, "UpdateSettings of an unknown tenant", err, tenantry.ETENANTNOTFOUND)
	_, err = pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "p"})
	wantCode(t, "CreateProject in an unknown tenant", err, tenantry.ETENANTNOTFOUND)
	ps, _, err := pj(h).Projects(ctx, tenantry.ProjectFilter{})
	if err != nil && !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) || len(ps) != 0 {
		t.Errorf("Projects of an unknown tenant: got %d rows, error %v; want none, tenant_not_found or no error", len(ps), err)
	}
	if err := h.AddUsage(ctx, tenantry.CounterRequests, 1); err != nil && !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
		t.Errorf("AddUsage of an unknown tenant: got %v, want nil or tenant_not_found", err)
	}
	_, err = s.Platform().TenantUsage(ctx, h.ID())
	wantCode(t, "TenantUsage(unknown)", err, tenantry.ETENANTNOTFOUND)
	var buf strings.Builder
	wantCode(t, "ExportTenant(unknown)", s.Platform().ExportTenant(ctx, h.ID(), &buf), tenantry.ETENANTNOTFOUND)
	wantCode(t, "DeleteTenant(unknown)", s.Platform().DeleteTenant(ctx, h.ID()), tenantry.ETENANTNOTFOUND)
}

func testSettings(t *testing.T, s tenantry.Store) {
	u := tenantry.NewID()
	ctx := tenantry.NewContextWithRequestID(tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{UserID: u}), "req-settings")
	tn, h := newTenant(t, ctx, s, "set", "", "")
	steps := []struct {
		name  string
		patch tenantry.Settings
		want  tenantry.Settings
		code  string
	}{
		{"add", tenantry.Settings{"welcome": "Hi", "model": "echo", "custom": map[string]any{"dark": true, "lang": "en"}},
			tenantry.Settings{"welcome": "Hi", "model": "echo", "custom": map[string]any{"dark": true, "lang": "en"}}, ""},
		{"merge", tenantry.Settings{"welcome": nil, "custom": map[string]any{"dark": false}, "cors_origins": []any{"https://set.example"}},
			tenantry.Settings{"model": "echo", "custom": map[string]any{"dark": false, "lang": "en"}, "cors_origins": []any{"https://set.example"}}, ""},
		{"limit", tenantry.Settings{"max_projects": -1, "model": "other"},
			tenantry.Settings{"model": "echo", "custom": map[string]any{"dark": false, "lang": "en"}, "cors_origins": []any{"https://set.example"}}, tenantry.EINVALID},
		{"unknown key", tenantry.Settings{"ui": map[string]any{"dark": true}},
			tenantry.Settings{"model": "echo", "custom": map[string]any{"dark": false, "lang": "en"}, "cors_origins": []any{"https://set.example"}}, tenantry.EINVALID},
		{"platform key", tenantry.Settings{"openai_base_url": "https://evil.example/v1"},
			tenantry.Settings{"model": "echo", "custom": map[string]any{"dark": false, "lang": "en"}, "cors_origins": []any{"https://set.example"}}, tenantry.EINVALID},
		{"too deep", tenantry.Settings{"custom": map[string]any{"a": map[string]any{"b": map[string]any{"c": map[string]any{"d": map[string]any{"e": map[string]any{"f": map[string]any{"g": map[string]any{"h": 1}}}}}}}}},
			tenantry.Settings{"model": "echo", "custom": map[string]any{"dark": false, "lang": "en"}, "cors_origins": []any{"https://set.example"}}, tenantry.EINVALID},
		{"too large", tenantry.Settings{"custom": map[string]any{"big": strings.Repeat("x", tenantry.MaxSettingsSize)}},
			tenantry.Settings{"model": "echo", "custom": map[string]any{"dark": false, "lang": "en"}, "cors_origins": []any{"https://set.example"}}, tenantry.EINVALID},
	}
	for _, st := range steps {
		got, err := h.UpdateSettings(ctx, st.patch)
		if !wantCode(t, "UpdateSettings("+st.name+")", err, st.code) {
			continue
		}
		if err == nil && jsonOf(got.Settings) != jsonOf(st.want) {
			t.Errorf("UpdateSettings(%s): got %s, want %s", st.name, jsonOf(got.Settings), jsonOf(st.want))
		}
		reread, err := s.TenantByID(ctx, tn.ID)
		fatalIf(t, "TenantByID", err)
		if jsonOf(reread.Settings) != jsonOf(st.want) {
			t.Errorf("TenantByID after UpdateSettings(%s): got %s, want %s", st.name, jsonOf(reread.Settings), jsonOf(st.want))
		}
	}
	evs, err := allAudit(ctx, h.AuditEvents, tenantry.AuditFilter{Action: "settings.update"})
	fatalIf(t, "AuditEvents", err)
	if len(evs) != 2 {
		t.Errorf("settings.update events: got %d, want 2 (one per accepted patch)", len(evs))
	}
	for _, ev := range evs {
		if ev.Actor.ID != u || ev.RequestID != "req-settings" || ev.TargetID != tn.ID {
			t.Errorf("settings.update event: got actor %+v request %q target %q, want user %s req-settings %s", ev.Actor, ev.RequestID, ev.TargetID, u, tn.ID)
		}
	}
}

// errorsAs is errors.As for *tenantry.Error.
func errorsAs(err error) *tenantry.Error {
	var e *tenantry.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
