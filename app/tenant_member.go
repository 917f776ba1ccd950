package app

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/registry"
)

// cliAuth returns the auth service of a tenant command: invitations are
// not e-mailed from the command line but printed, under publicURL (or
// only their token when it is empty).
func cliAuth(env *environment, sf *storeFlags, db tenantry.Store, publicURL string) (*auth.Service, error) {
	if publicURL != "" {
		u, err := (&mailFlags{publicURL: publicURL}).resolvePublicURL("")
		if err != nil {
			return nil, err
		}
		publicURL = u
	}
	secret, err := jwtSecret(env, sf.data)
	if err != nil {
		return nil, err
	}
	return auth.New(db, auth.Config{Secret: secret, PublicURL: publicURL}), nil
}

// invitationText is how the command line shows an invitation's token once:
// its accept link under publicURL, or the token itself.
func invitationText(svc *auth.Service, publicURL, token string) string {
	if publicURL == "" {
		return "token " + token + " (the invitee opens /invitations/<token> on the server; pass --public-url to print the link)"
	}
	return svc.InvitationLink(token)
}

// addMember gives email the role in t: an existing user joins at once, an
// unknown e-mail gets an invitation whose link is printed once. The change
// is audited in the tenant's trail with the system as actor, which tells
// running servers.
func addMember(ctx context.Context, env *environment, db database, svc *auth.Service, publicURL string, t *tenantry.Tenant, email string, role tenantry.Role) error {
	g, err := svc.AddMemberByEmail(ctx, db.Tenant(t.ID), email, role)
	if err != nil {
		return describe(err)
	}
	if g.Member != nil {
		fmt.Fprintf(env.stdout, "%s (%s) is now %s of %s\n", g.Member.Email, g.Member.UserID, g.Member.Role, t.Slug)
		return nil
	}
	fmt.Fprintf(env.stdout, "no user has the e-mail %s: invited as %s of %s until %s; the invitation is shown once:\n  %s\n",
		g.Invitation.Email, g.Invitation.Role, t.Slug, g.Invitation.ExpiresAt.Format("2006-01-02 15:04 UTC"),
		invitationText(svc, publicURL, g.Token))
	return nil
}

// listMembers prints the members of t.
func listMembers(ctx context.Context, env *environment, db tenantry.Store, t *tenantry.Tenant) error {
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tJOINED\tUSER_ID")
	p := tenantry.Page{Limit: tenantry.MaxPageSize}
	for {
		ms, next, err := db.Tenant(t.ID).Members(ctx, p)
		if err != nil {
			return describe(err)
		}
		for _, m := range ms {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Email, m.Name, m.Role, m.CreatedAt.Format("2006-01-02"), m.UserID)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	return tw.Flush()
}

// printOwners says what registry.ApplyOwners did.
func printOwners(env *environment, svc *auth.Service, publicURL string, owners []registry.Owner) {
	for _, o := range owners {
		if o.Member != nil {
			fmt.Fprintf(env.stdout, "%s: %s is the owner\n", o.Slug, o.Email)
			continue
		}
		fmt.Fprintf(env.stdout, "%s: no user has the e-mail %s: invited as owner; the invitation is shown once:\n  %s\n",
			o.Slug, o.Email, invitationText(svc, publicURL, o.Token))
	}
}
