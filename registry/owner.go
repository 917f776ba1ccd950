package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/tenantry/tenantry"
)

// Inviter creates an invitation into the tenant of ts and sends it, and
// returns it with its one-time token: auth.Service.CreateInvitation.
type Inviter interface {
	CreateInvitation(ctx context.Context, ts tenantry.TenantStore, email string, role tenantry.Role) (*tenantry.Invitation, string, error)
}

// Owner is what ApplyOwners did for one entry with an owner_email.
type Owner struct {
	// Slug and Email are the entry's tenant and owner_email.
	Slug, Email string
	// Member is set when an existing user became the owner.
	Member *tenantry.Member
	// Invitation and Token are set when the e-mail, unknown, got an owner
	// invitation; the token is shown once.
	Invitation *tenantry.Invitation
	Token      string
}

// ApplyOwners gives each entry's tenant its owner_email as first owner,
// when the tenant has no owner yet: an existing user becomes owner (a
// member with a lesser role is promoted); an unknown e-mail gets an owner
// invitation through inv, unless one is pending for that address. Entries
// whose tenant has an owner, or without owner_email, are left alone. Run
// it after Apply: it stops at the first failure (a tenant that does not
// exist is tenant_not_found; a tenant at its member limit, plan_limit) and
// returns what it did until then. Each change is audited by the store as
// the actor in ctx.
func ApplyOwners(ctx context.Context, store tenantry.Store, inv Inviter, entries []Entry) ([]Owner, error) {
	var done []Owner
	for _, e := range entries {
		if e.OwnerEmail == "" {
			continue
		}
		o, err := applyOwner(ctx, store, inv, e)
		if err != nil {
			return done, fmt.Errorf("registry: line %d: tenant %q: owner %s: %w", e.Line, e.Slug, e.OwnerEmail, err)
		}
		if o != nil {
			done = append(done, *o)
		}
	}
	return done, nil
}

// applyOwner gives e's tenant its owner, or returns nil when there is
// nothing to do.
func applyOwner(ctx context.Context, store tenantry.Store, inv Inviter, e Entry) (*Owner, error) {
	t, err := store.TenantBySlug(ctx, e.Slug)
	if err != nil {
		return nil, err
	}
	ts := store.Tenant(t.ID)
	members, err := allMembers(ctx, ts)
	if err != nil {
		return nil, err
	}
	var current *tenantry.Member
	for _, m := range members {
		if m.Role == tenantry.RoleOwner {
			return nil, nil
		}
		if m.Email == e.OwnerEmail {
			current = m
		}
	}
	o := &Owner{Slug: e.Slug, Email: e.OwnerEmail}
	u, err := store.UserByEmail(ctx, e.OwnerEmail)
	switch {
	case err == nil && current != nil:
		o.Member, err = ts.UpdateMember(ctx, u.ID, tenantry.RoleOwner)
		return o, err
	case err == nil:
		o.Member, err = ts.AddMember(ctx, u.ID, tenantry.RoleOwner)
		return o, err
	case !tenantry.IsCode(err, tenantry.ENOTFOUND):
		return nil, err
	}
	pending, err := invited(ctx, ts, e.OwnerEmail)
	if err != nil || pending {
		return nil, err
	}
	o.Invitation, o.Token, err = inv.CreateInvitation(ctx, ts, e.OwnerEmail, tenantry.RoleOwner)
	return o, err
}

// allMembers lists every member of ts.
func allMembers(ctx context.Context, ts tenantry.TenantStore) ([]*tenantry.Member, error) {
	var out []*tenantry.Member
	p := tenantry.Page{Limit: 200}
	for {
		ms, next, err := ts.Members(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

// invited reports whether ts has a pending, unexpired owner invitation to
// email.
func invited(ctx context.Context, ts tenantry.TenantStore, email string) (bool, error) {
	p := tenantry.Page{Limit: 200}
	now := time.Now()
	for {
		invs, next, err := ts.Invitations(ctx, p)
		if err != nil {
			return false, err
		}
		for _, inv := range invs {
			if inv.Email == email && inv.Role == tenantry.RoleOwner && inv.AcceptedAt == nil && inv.ExpiresAt.After(now) {
				return true, nil
			}
		}
		if next == "" {
			return false, nil
		}
		p.Cursor = next
	}
}
