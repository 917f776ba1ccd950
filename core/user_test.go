package core_test

import (
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestUsers checks what the user rules do to their input and who is told:
// e-mails are normalized on the way in and on lookup, a change of a user
// tells UserChanged after it commits, and a refused one tells nothing.
func TestUsers(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	told := recordInvalidations(t, db)
	u, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "  Ada@Example.COM ", Name: " Ada ", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := [2]string{u.Email, u.Name}, [2]string{"ada@example.com", "Ada"}; got != want {
		t.Errorf("CreateUser: got e-mail and name %q, want %q", got, want)
	}
	byEmail, err := db.UserByEmail(ctx, "ADA@example.com")
	if err != nil || byEmail.ID != u.ID || byEmail.PasswordHash != "h" || byEmail.DefaultTenantID != "" {
		t.Errorf("UserByEmail: got %+v, %v; want user %s with its hash and no default tenant", byEmail, err, u.ID)
	}
	if has, err := db.HasPlatformAdmin(ctx); err != nil || has {
		t.Errorf("HasPlatformAdmin before: got %v, %v; want false", has, err)
	}
	steps := []struct {
		name string
		err  error
		code string
	}{
		{"SetPlatformAdmin", db.SetPlatformAdmin(ctx, u.ID, true), ""},
		{"SetPassword", db.SetPassword(ctx, u.ID, "h2"), ""},
		{"SetPassword(empty)", db.SetPassword(ctx, u.ID, ""), tenantry.EINVALID},
		{"SetPassword(unknown)", db.SetPassword(ctx, tenantry.NewID(), "h3"), tenantry.ENOTFOUND},
	}
	for _, st := range steps {
		if got := tenantry.ErrorCode(st.err); got != st.code {
			t.Errorf("%s: got code %q (%v), want %q", st.name, got, st.err, st.code)
		}
	}
	if has, err := db.HasPlatformAdmin(ctx); err != nil || !has {
		t.Errorf("HasPlatformAdmin after: got %v, %v; want true", has, err)
	}
	got, err := db.User(ctx, u.ID)
	if err != nil || !got.PlatformAdmin || got.PasswordHash != "h2" || got.UpdatedAt.Before(u.UpdatedAt) {
		t.Errorf("User after the changes: got %+v, %v; want a platform admin with hash h2", got, err)
	}
	if got, want := told(), []tenantry.Invalidation{tenantry.UserChanged(u.ID), tenantry.UserChanged(u.ID)}; !slices.Equal(got, want) {
		t.Errorf("told: got %+v, want %+v (the two committed changes only)", got, want)
	}
}
