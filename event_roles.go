package tenantry

import (
	"maps"
	"strings"
)

// EventRoles says which members see which events in GET /api/events: the
// resource of an event type (the part before the first dot, "project" of
// "project.created") maps to the least role that sees it. A resource not
// in the table is seen by owners and admins only, so a builder's table
// whose events are not declared (Extension.EventRoles) never reaches plain
// members.
type EventRoles map[string]Role

// DefaultEventRoles returns Tenantry's table: what every member works with
// (projects, tasks, who the members are, the tenant's status) to every
// member; what only owners and admins manage (settings, invitations, API
// keys, webhooks, assistant sessions) to them alone.
//
//	resource      least role
//	project       member
//	task          member
//	member        member
//	tenant        member
//	settings      admin
//	invitation    admin
//	api_key       admin
//	webhook       admin
//	chat_session  admin
func DefaultEventRoles() EventRoles {
	return EventRoles{
		"project": RoleMember, "task": RoleMember, "member": RoleMember, "tenant": RoleMember,
		"settings": RoleAdmin, "invitation": RoleAdmin, "api_key": RoleAdmin, "webhook": RoleAdmin,
		"chat_session": RoleAdmin,
	}
}

// WithExtensions returns a copy of er with each extension's EventRoles
// added; Tenantry's own resources keep their roles.
func (er EventRoles) WithExtensions(exts []Extension) EventRoles {
	out := maps.Clone(er)
	if out == nil {
		out = EventRoles{}
	}
	for _, e := range exts {
		for res, role := range e.EventRoles {
			if _, ok := out[res]; !ok {
				out[res] = role
			}
		}
	}
	return out
}

// Visible reports whether a member with role sees events of type typ.
func (er EventRoles) Visible(role Role, typ string) bool {
	res, _, _ := strings.Cut(typ, ".")
	min, ok := er[res]
	if !ok {
		min = RoleAdmin
	}
	return role.AtLeast(min)
}
