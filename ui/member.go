package ui

import (
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// memberRow is a member as the members page shows it, with the actions the
// caller may take on them: none is offered that would be refused.
type memberRow struct {
	*tenantry.Member
	// Self is the caller's own row.
	Self bool
	// ChangeRole and Remove say which forms the row offers.
	ChangeRole, Remove bool
	// Why says, when no action is offered, what stops them.
	Why string
}

// memberRows returns the rows of ms as seen by caller.
func memberRows(ms []*tenantry.Member, caller *tenantry.Member) []memberRow {
	owners := 0
	for _, m := range ms {
		if m.Role == tenantry.RoleOwner {
			owners++
		}
	}
	rows := make([]memberRow, len(ms))
	for i, m := range ms {
		r := memberRow{Member: m, Self: m.UserID == caller.UserID}
		lastOwner := m.Role == tenantry.RoleOwner && owners == 1
		r.ChangeRole = !lastOwner && caller.Role.CanGrant(m.Role)
		r.Remove = !lastOwner && caller.Role.CanRemove(m.Role, r.Self)
		switch {
		case lastOwner:
			r.Why = "the only owner"
		case !r.ChangeRole && !r.Remove:
			r.Why = "only an owner can change an owner"
		}
		rows[i] = r
	}
	return rows
}

// membersPage is the data of the members page.
type membersPage struct {
	Members     []memberRow
	Invitations []*tenantry.Invitation
	Roles       []tenantry.Role
	Quota       usageRow
	// InviteURL is the one-time link of a just-made invitation.
	InviteURL string
}

// grantable returns the roles the caller may grant.
func grantable(r tenantry.Role) []tenantry.Role {
	var out []tenantry.Role
	for _, x := range []tenantry.Role{tenantry.RoleMember, tenantry.RoleAdmin, tenantry.RoleOwner} {
		if r.CanGrant(x) {
			out = append(out, x)
		}
	}
	return out
}

// members lists members and pending invitations (owners and admins).
func (h *Handler) members(q *request) error {
	return h.renderMembers(q, http.StatusOK, nil, nil)
}

// renderMembers renders the members page with a failed form's error.
func (h *Handler) renderMembers(q *request, status int, formErr error, form map[string]string) error {
	ts := q.store
	ms, err := allMembers(q, ts)
	if err != nil {
		return err
	}
	invs, _, err := ts.Invitations(q.ctx(), tenantry.Page{Limit: tenantry.MaxPageSize})
	if err != nil {
		return err
	}
	u, err := q.usage()
	if err != nil {
		return err
	}
	v := &view{Title: "Members", Nav: "members", Form: form, Page: &membersPage{Members: memberRows(ms, q.member), Invitations: invs, Roles: grantable(q.member.Role), Quota: h.quota(q.tenant, u)[1]}}
	v.formErr(formErr)
	h.renderView(q, status, "members", v)
	return nil
}

// team returns the page's tenant's members and invitations as the signed-in
// member may change them: the rules the API applies (tenantry.Team).
func (h *Handler) team(q *request) tenantry.Team {
	return tenantry.Team{Store: q.store, UserID: q.user.ID, Role: q.member.Role}
}

// invitationCreate invites an e-mail address with auth.CreateInvitation and
// shows the one-time link once.
func (h *Handler) invitationCreate(q *request) error {
	f := q.r.PostForm
	role := tenantry.Role(f.Get("role"))
	form := map[string]string{"email": f.Get("email")}
	team := h.team(q)
	email, err := team.CheckInvite(f.Get("email"), role)
	if err != nil {
		return h.renderMembers(q, statusOf(err), err, form)
	}
	_, token, err := h.cfg.Auth.CreateInvitation(q.ctx(), team.Store, email, role)
	if err != nil {
		return h.renderMembers(q, statusOf(err), err, form)
	}
	scheme := "http"
	if h.secure(q.r) {
		scheme = "https"
	}
	q.sess.Secret = scheme + "://" + q.r.Host + q.link("/invitations/"+token)
	q.sess.Flash = invitationFlash(h.cfg.Auth.SendsMail(), email)
	if err := q.save(); err != nil {
		return err
	}
	q.redirect("/members")
	return nil
}

// invitationRevoke revokes a pending invitation (tenantry.Team: the
// caller must be able to grant its role).
func (h *Handler) invitationRevoke(q *request) error {
	if err := h.team(q).RevokeInvitation(q.ctx(), q.r.PathValue("id")); tenantry.IsCode(err, tenantry.EFORBIDDEN) {
		return h.renderMembers(q, statusOf(err), err, nil)
	} else if err != nil {
		return err
	}
	if err := q.flash("Invitation revoked."); err != nil {
		return err
	}
	q.redirect("/members")
	return nil
}

// memberRole changes a member's role (tenantry.Team: the caller must be
// able to grant both the old and the new role).
func (h *Handler) memberRole(q *request) error {
	role := tenantry.Role(strings.TrimSpace(q.r.PostForm.Get("role")))
	cur, _, err := h.team(q).ChangeRole(q.ctx(), q.r.PathValue("uid"), role)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return err
	} else if err != nil {
		return h.renderMembers(q, statusOf(err), err, nil)
	}
	if err := q.flash(cur.Name + " is now " + string(role) + "."); err != nil {
		return err
	}
	q.redirect("/members")
	return nil
}

// memberRemove removes a member from the tenant, or the caller leaves it
// (tenantry.Team: any member may leave).
func (h *Handler) memberRemove(q *request) error {
	uid := q.r.PathValue("uid")
	cur, err := h.team(q).Remove(q.ctx(), uid)
	switch {
	case tenantry.IsCode(err, tenantry.ENOTFOUND):
		return err
	case err != nil && q.member.Role.CanManage():
		return h.renderMembers(q, statusOf(err), err, nil)
	case err != nil:
		return err
	}
	if cur.UserID == q.user.ID {
		if err := q.flash("You left " + q.tenant.Name + "."); err != nil {
			return err
		}
		http.Redirect(q.w, q.r, "/", http.StatusSeeOther)
		return nil
	}
	if err := q.flash(cur.Name + " was removed."); err != nil {
		return err
	}
	q.redirect("/members")
	return nil
}
