package storetest

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func testMembers(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	bob := newUser(t, ctx, s, "bob@example.com")
	carol := newUser(t, ctx, s, "carol@example.com")
	outsider := newUser(t, ctx, s, "outsider@example.com")
	tn, h := newTenant(t, ctx, s, "mem", "pro", owner.ID)
	_, other := newTenant(t, ctx, s, "mem-other", "pro", outsider.ID)
	ctx = tenantry.NewContextWithRequestID(tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: owner.ID, TenantID: tn.ID, Role: tenantry.RoleOwner}), "req-mem")

	m, err := h.AddMember(ctx, bob.ID, tenantry.RoleMember)
	fatalIf(t, "AddMember(bob)", err)
	if m.TenantID != tn.ID || m.UserID != bob.ID || m.Email != bob.Email || m.Name != bob.Name || m.Role != tenantry.RoleMember || m.CreatedAt.IsZero() {
		t.Errorf("AddMember: got %+v, want bob as member of %s", m, tn.ID)
	}
	ev := wantAudit(t, ctx, h, "member.add", bob.ID)
	if ev != nil && (ev.Actor.ID != owner.ID || ev.RequestID != "req-mem" || ev.TargetType != "member") {
		t.Errorf("member.add event: got actor %+v request %q target type %q, want %s req-mem member", ev.Actor, ev.RequestID, ev.TargetType, owner.ID)
	}
	_, err = h.AddMember(ctx, carol.ID, tenantry.RoleAdmin)
	fatalIf(t, "AddMember(carol)", err)

	bad := []struct {
		name string
		fn   func() error
		want string
	}{
		{"AddMember(already a member)", func() error { _, err := h.AddMember(ctx, bob.ID, tenantry.RoleAdmin); return err }, tenantry.ECONFLICT},
		{"AddMember(unknown user)", func() error { _, err := h.AddMember(ctx, tenantry.NewID(), tenantry.RoleMember); return err }, tenantry.ENOTFOUND},
		{"AddMember(bad role)", func() error { _, err := h.AddMember(ctx, outsider.ID, "king"); return err }, tenantry.EINVALID},
		{"Member(unknown)", func() error { _, err := h.Member(ctx, tenantry.NewID()); return err }, tenantry.ENOTFOUND},
		{"Member(not-a-uuid)", func() error { _, err := h.Member(ctx, "not-a-uuid"); return err }, tenantry.ENOTFOUND},
		{"Member(member of another tenant)", func() error { _, err := h.Member(ctx, outsider.ID); return err }, tenantry.ENOTFOUND},
		{"UpdateMember(another tenant's member)", func() error { _, err := h.UpdateMember(ctx, outsider.ID, tenantry.RoleMember); return err }, tenantry.ENOTFOUND},
		{"UpdateMember(bad role)", func() error { _, err := h.UpdateMember(ctx, bob.ID, "king"); return err }, tenantry.EINVALID},
		{"RemoveMember(another tenant's member)", func() error { return h.RemoveMember(ctx, outsider.ID) }, tenantry.ENOTFOUND},
		{"RemoveMember(unknown)", func() error { return h.RemoveMember(ctx, tenantry.NewID()) }, tenantry.ENOTFOUND},
	}
	for _, tt := range bad {
		wantCode(t, tt.name, tt.fn(), tt.want)
	}
	if om, err := other.Member(ctx, outsider.ID); err != nil || om.Role != tenantry.RoleOwner {
		t.Errorf("other tenant's owner after refused calls: got %+v, %v; want owner", om, err)
	}

	um, err := h.UpdateMember(ctx, bob.ID, tenantry.RoleAdmin)
	fatalIf(t, "UpdateMember", err)
	if um.Role != tenantry.RoleAdmin || um.UserID != bob.ID || um.Email != bob.Email {
		t.Errorf("UpdateMember: got %+v, want bob as admin", um)
	}
	wantAudit(t, ctx, h, "member.update", bob.ID)

	ms, err := allPages(ctx, 1, h.Members)
	fatalIf(t, "Members", err)
	want := []struct {
		id   string
		role tenantry.Role
	}{{owner.ID, tenantry.RoleOwner}, {bob.ID, tenantry.RoleAdmin}, {carol.ID, tenantry.RoleAdmin}}
	if len(ms) != len(want) {
		t.Fatalf("Members: got %d, want %d", len(ms), len(want))
	}
	for i, w := range want {
		if ms[i].UserID != w.id || ms[i].Role != w.role || ms[i].TenantID != tn.ID || ms[i].Email == "" {
			t.Errorf("Members[%d]: got %+v, want user %s role %s (join order)", i, ms[i], w.id, w.role)
		}
	}

	// The same words on every backend.
	var conflict *tenantry.Error
	if _, err := h.AddMember(ctx, bob.ID, tenantry.RoleMember); !errors.As(err, &conflict) || conflict.Message != "This user is already a member." {
		t.Errorf("AddMember(already a member): got %v, want conflict saying \"This user is already a member.\"", err)
	}

	// Removing carol clears her default tenant when it is this one, and
	// only then.
	fatalIf(t, "SetDefaultTenant(carol)", s.SetDefaultTenant(ctx, carol.ID, tn.ID))
	fatalIf(t, "SetDefaultTenant(bob)", s.SetDefaultTenant(ctx, bob.ID, tn.ID))
	fatalIf(t, "RemoveMember", h.RemoveMember(ctx, carol.ID))
	ev = wantAudit(t, ctx, h, "member.remove", carol.ID)
	var data map[string]string
	if ev != nil && (json.Unmarshal(ev.Data, &data) != nil || !maps.Equal(data, map[string]string{"role": "admin"})) {
		t.Errorf("member.remove data: got %s, want the role the member had, admin", ev.Data)
	}
	if u, err := s.User(ctx, carol.ID); err != nil || u.DefaultTenantID != "" {
		t.Errorf("removed member's default tenant: got %+v, %v; want none", u, err)
	}
	if u, err := s.User(ctx, bob.ID); err != nil || u.DefaultTenantID != tn.ID {
		t.Errorf("remaining member's default tenant: got %+v, %v; want %s", u, err, tn.ID)
	}
	_, err = h.Member(ctx, carol.ID)
	wantCode(t, "Member after RemoveMember", err, tenantry.ENOTFOUND)
	wantCode(t, "RemoveMember twice", h.RemoveMember(ctx, carol.ID), tenantry.ENOTFOUND)
	if _, err := s.User(ctx, carol.ID); err != nil {
		t.Errorf("User after RemoveMember: got %v, want the user to remain", err)
	}
}

func testLastOwner(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	a := newUser(t, ctx, s, "a@example.com")
	b := newUser(t, ctx, s, "b@example.com")
	_, h := newTenant(t, ctx, s, "owners", "pro", a.ID)
	steps := []struct {
		name string
		fn   func() error
		want string
	}{
		{"demote the only owner", func() error { _, err := h.UpdateMember(ctx, a.ID, tenantry.RoleAdmin); return err }, tenantry.EINVALID},
		{"remove the only owner", func() error { return h.RemoveMember(ctx, a.ID) }, tenantry.EINVALID},
		{"add a second owner", func() error { _, err := h.AddMember(ctx, b.ID, tenantry.RoleOwner); return err }, ""},
		{"demote one of two owners", func() error { _, err := h.UpdateMember(ctx, a.ID, tenantry.RoleMember); return err }, ""},
		{"demote the last owner", func() error { _, err := h.UpdateMember(ctx, b.ID, tenantry.RoleAdmin); return err }, tenantry.EINVALID},
		{"remove the last owner", func() error { return h.RemoveMember(ctx, b.ID) }, tenantry.EINVALID},
		{"promote again", func() error { _, err := h.UpdateMember(ctx, a.ID, tenantry.RoleOwner); return err }, ""},
		{"remove one of two owners", func() error { return h.RemoveMember(ctx, b.ID) }, ""},
		{"remove the last owner again", func() error { return h.RemoveMember(ctx, a.ID) }, tenantry.EINVALID},
	}
	for _, st := range steps {
		wantCode(t, st.name, st.fn(), st.want)
	}
	m, err := h.Member(ctx, a.ID)
	fatalIf(t, "Member", err)
	if m.Role != tenantry.RoleOwner {
		t.Errorf("last owner: got role %q, want owner", m.Role)
	}
	// Both backends say the same thing.
	var got *tenantry.Error
	if !errors.As(h.RemoveMember(ctx, a.ID), &got) || got.Message != "A tenant must keep at least one owner." ||
		!maps.Equal(got.Fields, map[string]string{"role": "must leave the tenant at least one owner"}) {
		t.Errorf("remove the last owner: got %+v, want tenantry.ErrLastOwner()", got)
	}
}

func testInvitations(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	invitee := newUser(t, ctx, s, "invitee@example.com")
	wrong := newUser(t, ctx, s, "wrong@example.com")
	tn, h := newTenant(t, ctx, s, "inv", "pro", owner.ID)
	_, other := newTenant(t, ctx, s, "inv-other", "pro", owner.ID)
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: owner.ID})

	inv := &tenantry.Invitation{Email: "invitee@example.com", Role: tenantry.RoleAdmin, TokenHash: "inv-hash-1", CreatedBy: owner.ID}
	fatalIf(t, "CreateInvitation", h.CreateInvitation(ctx, inv))
	if inv.ID == "" || inv.TenantID != tn.ID || inv.CreatedAt.IsZero() {
		t.Errorf("CreateInvitation: got id %q tenant %q created %v, want them filled in", inv.ID, inv.TenantID, inv.CreatedAt)
	}
	if d := inv.ExpiresAt.Sub(inv.CreatedAt); d < tenantry.InvitationTTL-time.Minute || d > tenantry.InvitationTTL+time.Minute {
		t.Errorf("CreateInvitation: got expiry %v after creation, want %v", d, tenantry.InvitationTTL)
	}
	if ev := wantAudit(t, ctx, h, "invitation.create", inv.ID); ev != nil {
		var got map[string]string
		want := map[string]string{"email": "invitee@example.com", "role": "admin"}
		if err := json.Unmarshal(ev.Data, &got); err != nil || !maps.Equal(got, want) {
			t.Errorf("invitation.create audit data: got %s, want %v", ev.Data, want)
		}
	}
	expired := &tenantry.Invitation{Email: "invitee@example.com", Role: tenantry.RoleMember, TokenHash: "inv-hash-expired",
		ExpiresAt: tenantry.Now().Add(-time.Minute)}
	fatalIf(t, "CreateInvitation(expired)", h.CreateInvitation(ctx, expired))
	revoked := &tenantry.Invitation{Email: "invitee@example.com", Role: tenantry.RoleMember, TokenHash: "inv-hash-revoked"}
	fatalIf(t, "CreateInvitation(to revoke)", h.CreateInvitation(ctx, revoked))
	elsewhere := &tenantry.Invitation{Email: "invitee@example.com", Role: tenantry.RoleMember, TokenHash: "inv-hash-other"}
	fatalIf(t, "CreateInvitation(other tenant)", other.CreateInvitation(ctx, elsewhere))

	for _, bad := range []*tenantry.Invitation{
		{Email: "nope", Role: tenantry.RoleMember, TokenHash: "inv-bad-1"},
		{Email: "", Role: tenantry.RoleMember, TokenHash: "inv-bad-2"},
		{Email: "x@example.com", Role: "king", TokenHash: "inv-bad-3"},
	} {
		wantCode(t, "CreateInvitation("+bad.Email+", "+string(bad.Role)+")", h.CreateInvitation(ctx, bad), tenantry.EINVALID)
	}

	invs, err := allPages(ctx, 1, h.Invitations)
	fatalIf(t, "Invitations", err)
	ids := map[string]bool{}
	for _, i := range invs {
		ids[i.ID] = true
		if i.TenantID != tn.ID {
			t.Errorf("Invitations: got invitation %s of tenant %s", i.ID, i.TenantID)
		}
	}
	if !ids[inv.ID] || !ids[revoked.ID] || ids[elsewhere.ID] {
		t.Errorf("Invitations: got %v, want %s and %s and not %s", ids, inv.ID, revoked.ID, elsewhere.ID)
	}

	got, err := h.Invitation(ctx, inv.ID)
	fatalIf(t, "Invitation", err)
	if got.ID != inv.ID || got.Role != inv.Role || got.Email != inv.Email || got.TenantID != tn.ID {
		t.Errorf("Invitation: got %+v, want %+v", got, inv)
	}
	for name, id := range map[string]string{"expired": expired.ID, "other tenant's": elsewhere.ID, "unknown": tenantry.NewID(), "malformed": "nope"} {
		_, err := h.Invitation(ctx, id)
		wantCode(t, "Invitation("+name+")", err, tenantry.ENOTFOUND)
	}
	fatalIf(t, "RevokeInvitation", h.RevokeInvitation(ctx, revoked.ID))
	_, err = h.Invitation(ctx, revoked.ID)
	wantCode(t, "Invitation(revoked)", err, tenantry.ENOTFOUND)
	wantAudit(t, ctx, h, "invitation.revoke", revoked.ID)
	// The same words on every backend.
	_, err = h.AcceptInvitation(ctx, "inv-hash-1", wrong.ID)
	if got, want := tenantry.ErrorMessage(err), "This invitation is for another e-mail address."; !tenantry.IsCode(err, tenantry.EFORBIDDEN) || got != want {
		t.Errorf("AcceptInvitation(wrong e-mail): got %v, want forbidden %q", err, want)
	}
	steps := []struct {
		name   string
		fn     func() error
		want   string
		member bool
	}{
		{"RevokeInvitation(again)", func() error { return h.RevokeInvitation(ctx, revoked.ID) }, tenantry.ENOTFOUND, false},
		{"RevokeInvitation(other tenant's)", func() error { return h.RevokeInvitation(ctx, elsewhere.ID) }, tenantry.ENOTFOUND, false},
		{"AcceptInvitation(revoked)", func() error { _, err := h.AcceptInvitation(ctx, "inv-hash-revoked", invitee.ID); return err }, tenantry.ENOTFOUND, false},
		{"AcceptInvitation(expired)", func() error { _, err := h.AcceptInvitation(ctx, "inv-hash-expired", invitee.ID); return err }, tenantry.ENOTFOUND, false},
		{"AcceptInvitation(unknown)", func() error { _, err := h.AcceptInvitation(ctx, "inv-hash-unknown", invitee.ID); return err }, tenantry.ENOTFOUND, false},
		{"AcceptInvitation(other tenant's token)", func() error { _, err := h.AcceptInvitation(ctx, "inv-hash-other", invitee.ID); return err }, tenantry.ENOTFOUND, false},
		{"AcceptInvitation(wrong e-mail)", func() error { _, err := h.AcceptInvitation(ctx, "inv-hash-1", wrong.ID); return err }, tenantry.EFORBIDDEN, false},
		{"AcceptInvitation", func() error { _, err := h.AcceptInvitation(ctx, "inv-hash-1", invitee.ID); return err }, "", true},
		{"AcceptInvitation(twice)", func() error { _, err := h.AcceptInvitation(ctx, "inv-hash-1", invitee.ID); return err }, tenantry.ENOTFOUND, true},
	}
	for _, st := range steps {
		wantCode(t, st.name, st.fn(), st.want)
		_, err := h.Member(ctx, invitee.ID)
		if got := err == nil; got != st.member {
			t.Errorf("after %s: got invitee member %v (%v), want %v", st.name, got, err, st.member)
		}
	}
	if _, err := h.Member(ctx, wrong.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("Member(wrong user) after refused accept: got %v, want not_found", err)
	}
	m, err := h.Member(ctx, invitee.ID)
	fatalIf(t, "Member(invitee)", err)
	if m.Role != tenantry.RoleAdmin {
		t.Errorf("accepted invitation: got role %q, want admin", m.Role)
	}
	ev := wantAudit(t, ctx, h, "invitation.accept", inv.ID)
	var data map[string]string
	if ev != nil && (json.Unmarshal(ev.Data, &data) != nil || !maps.Equal(data, map[string]string{"user_id": invitee.ID, "role": "admin"})) {
		t.Errorf("invitation.accept data: got %s, want the new member's user_id and role", ev.Data)
	}
	if _, err := other.Member(ctx, invitee.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("other tenant's Member(invitee): got %v, want not_found", err)
	}
	invs, err = allPages(ctx, 50, h.Invitations)
	fatalIf(t, "Invitations", err)
	for _, i := range invs {
		if i.ID == inv.ID || i.ID == revoked.ID {
			t.Errorf("Invitations: got accepted or revoked invitation %s, want pending ones only", i.ID)
		}
	}

	// An invitation for someone who is already a member is a conflict.
	again := &tenantry.Invitation{Email: "invitee@example.com", Role: tenantry.RoleMember, TokenHash: "inv-hash-again"}
	fatalIf(t, "CreateInvitation(again)", h.CreateInvitation(ctx, again))
	_, err = h.AcceptInvitation(ctx, "inv-hash-again", invitee.ID)
	wantCode(t, "AcceptInvitation(already a member)", err, tenantry.ECONFLICT)
}

func testAPIKeys(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	tn, h := newTenant(t, ctx, s, "keys", "pro", owner.ID)
	_, other := newTenant(t, ctx, s, "keys-other", "pro", owner.ID)
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: owner.ID})

	k := &tenantry.APIKey{Name: "ci", Role: tenantry.RoleMember, Prefix: "tnt_abcd", Hash: "key-hash-1", CreatedBy: owner.ID}
	fatalIf(t, "CreateAPIKey", h.CreateAPIKey(ctx, k))
	if k.ID == "" || k.TenantID != tn.ID || k.CreatedAt.IsZero() || k.RevokedAt != nil {
		t.Errorf("CreateAPIKey: got %+v, want id, tenant, created_at filled in", k)
	}
	wantAudit(t, ctx, h, "api_key.create", k.ID)
	ok := &tenantry.APIKey{Name: "other", Role: tenantry.RoleAdmin, Prefix: "tnt_ef", Hash: "key-hash-other"}
	fatalIf(t, "CreateAPIKey(other tenant)", other.CreateAPIKey(ctx, ok))
	for _, bad := range []*tenantry.APIKey{
		{Role: tenantry.RoleMember, Prefix: "tnt_", Hash: "key-bad-1"},
		{Name: "x", Role: "root", Prefix: "tnt_", Hash: "key-bad-2"},
	} {
		wantCode(t, "CreateAPIKey("+bad.Name+", "+string(bad.Role)+")", h.CreateAPIKey(ctx, bad), tenantry.EINVALID)
	}

	expires := tenantry.Now().Add(time.Hour)
	expiring := &tenantry.APIKey{Name: "expiring", Role: tenantry.RoleMember, Prefix: "tnt_exp", Hash: "key-hash-expiring", CreatedBy: owner.ID, ExpiresAt: &expires}
	fatalIf(t, "CreateAPIKey(expiring)", h.CreateAPIKey(ctx, expiring))
	for name, get := range map[string]func() (*tenantry.APIKey, error){
		"APIKey":       func() (*tenantry.APIKey, error) { return h.APIKey(ctx, expiring.ID) },
		"APIKeyByHash": func() (*tenantry.APIKey, error) { return h.APIKeyByHash(ctx, "key-hash-expiring") },
	} {
		got, err := get()
		fatalIf(t, name+"(expiring)", err)
		if got.ExpiresAt == nil || !got.ExpiresAt.Equal(expires) {
			t.Errorf("%s(expiring): got expiry %v, want %v", name, got.ExpiresAt, expires)
		}
	}

	got, err := h.APIKey(ctx, k.ID)
	fatalIf(t, "APIKey", err)
	if got.ID != k.ID || got.Name != "ci" || got.Role != tenantry.RoleMember || got.Prefix != "tnt_abcd" || got.TenantID != tn.ID || got.CreatedBy != owner.ID || !got.CreatedAt.Equal(k.CreatedAt) || got.ExpiresAt != nil {
		t.Errorf("APIKey: got %+v, want %+v", got, k)
	}
	byHash, err := h.APIKeyByHash(ctx, "key-hash-1")
	fatalIf(t, "APIKeyByHash", err)
	if byHash.ID != k.ID || byHash.TenantID != tn.ID {
		t.Errorf("APIKeyByHash: got %+v, want key %s", byHash, k.ID)
	}
	bad := []struct {
		name string
		fn   func() error
		want string
	}{
		{"APIKey(unknown)", func() error { _, err := h.APIKey(ctx, tenantry.NewID()); return err }, tenantry.ENOTFOUND},
		{"APIKey(other tenant's)", func() error { _, err := h.APIKey(ctx, ok.ID); return err }, tenantry.ENOTFOUND},
		{"APIKeyByHash(unknown)", func() error { _, err := h.APIKeyByHash(ctx, "key-hash-x"); return err }, tenantry.EUNAUTHENTICATED},
		{"APIKeyByHash(other tenant's)", func() error { _, err := h.APIKeyByHash(ctx, "key-hash-other"); return err }, tenantry.EUNAUTHENTICATED},
		{"RevokeAPIKey(unknown)", func() error { return h.RevokeAPIKey(ctx, tenantry.NewID()) }, tenantry.ENOTFOUND},
		{"RevokeAPIKey(other tenant's)", func() error { return h.RevokeAPIKey(ctx, ok.ID) }, tenantry.ENOTFOUND},
	}
	for _, tt := range bad {
		wantCode(t, tt.name, tt.fn(), tt.want)
	}
	if _, err := other.APIKeyByHash(ctx, "key-hash-other"); err != nil {
		t.Errorf("other tenant's APIKeyByHash after refused revoke: got %v, want the key live", err)
	}

	fatalIf(t, "RevokeAPIKey", h.RevokeAPIKey(ctx, k.ID))
	wantAudit(t, ctx, h, "api_key.revoke", k.ID)
	_, err = h.APIKeyByHash(ctx, "key-hash-1")
	wantCode(t, "APIKeyByHash(revoked)", err, tenantry.EUNAUTHENTICATED)
	got, err = h.APIKey(ctx, k.ID)
	fatalIf(t, "APIKey(revoked)", err)
	if got.RevokedAt == nil {
		t.Errorf("APIKey(revoked): got revoked_at nil, want a time")
	}
	keys, err := allPages(ctx, 1, h.APIKeys)
	fatalIf(t, "APIKeys", err)
	if len(keys) != 2 || keys[0].ID != k.ID || keys[0].RevokedAt == nil || keys[1].ID != expiring.ID ||
		keys[1].ExpiresAt == nil || !keys[1].ExpiresAt.Equal(expires) {
		t.Errorf("APIKeys: got %+v, want the revoked key %s and the expiring key %s", keys, k.ID, expiring.ID)
	}
}
