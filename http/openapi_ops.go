package http

import (
	"net/http"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// openAPIIntro is the description of the API in the OpenAPI document.
const openAPIIntro = "Tenantry is a multi-tenant SaaS backend. Every error is the envelope " +
	"{\"error\":{\"code\",\"message\",\"fields\"}} with one HTTP status per code; every response carries X-Request-ID. " +
	"A path that exists with another method answers 405 method_not_allowed with an Allow header; " +
	"an unknown path under /api/ is 404 not_found. " +
	"Tenant resolution: API key > X-Tenant-ID > host (a custom domain, else a subdomain of a base domain; " +
	"www, api, admin and app are reserved) > the /t/{slug}/ path prefix > the user's default tenant; " +
	"two different tenants are 400 tenant_conflict. A POST that needs no body needs no Content-Type. " +
	"Lists page by ?limit= (1–200, default 50) and ?cursor= (next_cursor of the previous page, null on the last)."

// openAPITags describe the groups of operations.
var openAPITags = []any{
	map[string]any{"name": "ops", "description": "Health, metrics and this reference."},
	map[string]any{"name": "auth", "description": "Sign-up, sign-in, tokens and the signed-in user."},
	map[string]any{"name": "admin", "description": "Platform administration (platform admins only)."},
	map[string]any{"name": "tenant", "description": "The request's tenant: settings, members and invitations."},
	map[string]any{"name": "projects", "description": "The tenant's projects and tasks."},
	map[string]any{"name": "api-keys", "description": "The tenant's API keys and audit trail."},
	map[string]any{"name": "assistant", "description": "The tenant's assistant, for members and for anonymous visitors."},
}

// Operations returns the documentation of every route of registerRoutes.
func Operations() []Operation {
	type (
		tenants  = listResponse[*tenantry.Tenant]
		members  = listResponse[*tenantry.Member]
		projects = listResponse[*tenantry.Project]
		tasks    = listResponse[*tenantry.Task]
		keys     = listResponse[*tenantry.APIKey]
		invites  = listResponse[*tenantry.Invitation]
		audits   = listResponse[auditEventResponse]
		events   = listResponse[*tenantry.AuditEvent]
		outbox   = eventList
		messages = listResponse[*tenantry.ChatMessage]
	)
	ok, created, none := http.StatusOK, http.StatusCreated, http.StatusNoContent
	signIn := []string{"rate_limited"}
	return []Operation{
		{Method: "GET", Path: "/healthz", ID: "getHealthz", Summary: "Process liveness", Tag: "ops", Status: ok, Response: map[string]string{}},
		{Method: "GET", Path: "/readyz", ID: "getReadyz", Summary: "Database readiness", Tag: "ops", Status: ok, Response: map[string]string{}, Errors: []string{"unavailable"}},
		{Method: "GET", Path: "/metrics", ID: "getMetrics", Summary: "Prometheus metrics", Tag: "ops", Description: "Prometheus text format; not served when metrics are disabled.", Status: ok, Response: "", ResponseMedia: "text/plain", Errors: []string{"not_found"}},
		{Method: "GET", Path: "/api/openapi.json", ID: "getOpenAPI", Summary: "This OpenAPI document", Tag: "ops", Status: ok, Response: map[string]any{}},
		{Method: "GET", Path: "/api/docs", ID: "getDocs", Summary: "This reference as an HTML page", Tag: "ops", Status: ok, Response: "", ResponseMedia: "text/html"},

		{Method: "POST", Path: "/api/auth/signup", ID: "signup", Summary: "Sign up (optionally with a new tenant)", Tag: "auth",
			Description: "Creates a user and, with tenant_name and tenant_slug, a tenant on the free plan owned by the user; signs them in.",
			Body:        auth.SignupInput{}, Required: []string{"email", "password"}, Example: map[string]any{"email": "alice@acme.test", "password": "alice-password", "name": "Alice", "tenant_name": "Acme Corp", "tenant_slug": "acme-corp"},
			Status: created, Response: auth.Session{}, Errors: append(signIn, "conflict")},
		{Method: "POST", Path: "/api/auth/login", ID: "login", Summary: "Sign in with e-mail and password", Tag: "auth",
			Body: loginRequest{}, Required: []string{"email", "password"}, Example: map[string]any{"email": "alice@acme.test", "password": "alice-password"},
			Status: ok, Response: auth.Session{}, Errors: append(signIn, "unauthenticated")},
		{Method: "POST", Path: "/api/auth/refresh", ID: "refresh", Summary: "Trade a refresh token for a new session", Tag: "auth",
			Description: "A refresh token used twice revokes its whole family.",
			Body:        refreshRequest{}, Required: []string{"refresh_token"}, Status: ok, Response: auth.Session{}, Errors: []string{"unauthenticated"}},
		{Method: "POST", Path: "/api/auth/logout", ID: "logout", Summary: "Revoke a refresh token's family", Tag: "auth",
			Body: refreshRequest{}, Required: []string{"refresh_token"}, Status: none},
		{Method: "GET", Path: "/api/auth/me", ID: "getMe", Summary: "The signed-in user, memberships and default tenant", Tag: "auth", Access: AccessUser, Status: ok, Response: meResponse{}},
		{Method: "PUT", Path: "/api/auth/me/default-tenant", ID: "setDefaultTenant", Summary: "Switch the default tenant", Tag: "auth", Access: AccessUser,
			Body: defaultTenantRequest{}, Required: []string{"tenant"}, Example: map[string]any{"tenant": "acme-corp"}, Status: ok, Response: meResponse{}, Errors: []string{"not_a_member", "tenant_not_found"}},
		{Method: "POST", Path: "/api/auth/password-reset", ID: "requestPasswordReset", Summary: "E-mail a password reset link", Tag: "auth",
			Description: "Answers 202 whether or not an account has the address.",
			Body:        passwordResetRequest{}, Required: []string{"email"}, Status: http.StatusAccepted, Errors: signIn},
		{Method: "POST", Path: "/api/auth/password-reset/confirm", ID: "confirmPasswordReset", Summary: "Set a new password with a reset token", Tag: "auth",
			Body: passwordResetConfirmRequest{}, Required: []string{"token", "password"}, Status: none, Errors: append(signIn, "unauthenticated")},

		{Method: "POST", Path: "/api/admin/tenants", ID: "adminCreateTenant", Summary: "Create a tenant", Tag: "admin", Access: AccessAdmin,
			Description: "An owner_email of an unknown user answers with an owner invitation token.",
			Body:        adminTenantCreateRequest{}, Required: []string{"name", "slug"}, Example: map[string]any{"name": "Initech", "slug": "initech", "plan": "pro", "owner_email": "peter@initech.test"},
			Status: created, Response: adminTenant{}, Errors: []string{"conflict"}},
		{Method: "GET", Path: "/api/admin/tenants", ID: "adminListTenants", Summary: "List tenants", Tag: "admin", Access: AccessAdmin,
			Query: append([]Param{{"status", "string", "Only tenants with this status."}, {"plan", "string", "Only tenants on this plan."}, {"q", "string", "Only tenants whose name or slug contains this text."}}, listQuery...), Status: ok, Response: tenants{}},
		{Method: "POST", Path: "/api/admin/tenants/import", ID: "adminImportTenant", Summary: "Recreate a tenant from an export", Tag: "admin", Access: AccessAdmin,
			Body: "", BodyMedia: "application/x-ndjson", Status: created, Response: tenantry.Tenant{}, Errors: []string{"conflict"}},
		{Method: "GET", Path: "/api/admin/tenants/{id}", ID: "adminGetTenant", Summary: "A tenant with its usage", Tag: "admin", Access: AccessAdmin, Status: ok, Response: adminTenant{}, Errors: []string{"tenant_not_found"}},
		{Method: "PATCH", Path: "/api/admin/tenants/{id}", ID: "adminUpdateTenant", Summary: "Change a tenant's name, plan, domain, settings or limits", Tag: "admin", Access: AccessAdmin,
			Description: "settings and limits are merge patches; null removes a key or an override.",
			Body:        adminTenantUpdateRequest{}, Example: map[string]any{"plan": "pro", "limits": map[string]any{"max_projects": 10}},
			Status: ok, Response: tenantry.Tenant{}, Errors: []string{"tenant_not_found", "conflict"}},
		{Method: "DELETE", Path: "/api/admin/tenants/{id}", ID: "adminDeleteTenant", Summary: "Delete a tenant and all its data", Tag: "admin", Access: AccessAdmin, Status: none, Errors: []string{"tenant_not_found"}},
		{Method: "POST", Path: "/api/admin/tenants/{id}/suspend", ID: "adminSuspendTenant", Summary: "Suspend a tenant", Tag: "admin", Access: AccessAdmin, Status: ok, Response: tenantry.Tenant{}, Errors: []string{"tenant_not_found", "conflict"}},
		{Method: "POST", Path: "/api/admin/tenants/{id}/activate", ID: "adminActivateTenant", Summary: "Activate a suspended tenant", Tag: "admin", Access: AccessAdmin, Status: ok, Response: tenantry.Tenant{}, Errors: []string{"tenant_not_found", "conflict"}},
		{Method: "POST", Path: "/api/admin/tenants/{id}/archive", ID: "adminArchiveTenant", Summary: "Archive a tenant", Tag: "admin", Access: AccessAdmin, Status: ok, Response: tenantry.Tenant{}, Errors: []string{"tenant_not_found", "conflict"}},
		{Method: "GET", Path: "/api/admin/tenants/{id}/export", ID: "adminExportTenant", Summary: "Export a tenant as NDJSON", Tag: "admin", Access: AccessAdmin, Status: ok, Response: "", ResponseMedia: "application/x-ndjson", Errors: []string{"tenant_not_found"}},
		{Method: "GET", Path: "/api/admin/tenants/{id}/members", ID: "adminListTenantMembers", Summary: "List a tenant's members", Tag: "admin", Access: AccessAdmin,
			Query: listQuery, Status: ok, Response: members{}, Errors: []string{"tenant_not_found"}},
		{Method: "POST", Path: "/api/admin/tenants/{id}/members", ID: "adminAddTenantMember", Summary: "Add or invite a member or owner of a tenant by e-mail", Tag: "admin", Access: AccessAdmin,
			Description: "An existing user joins at once ({member}); an unknown e-mail gets an invitation, e-mailed, whose token the answer carries once ({invitation, token}). This is how a seeded tenant gets its first owner.",
			Body:        grantRequest{}, Required: []string{"email", "role"}, Example: map[string]any{"email": "owner@acme.test", "role": "owner"}, Status: created, Response: auth.Grant{}, Errors: []string{"tenant_not_found", "conflict", "plan_limit"}},
		{Method: "POST", Path: "/api/admin/tenants/{id}/placement", ID: "adminPlaceTenant", Summary: "Isolate a tenant to shards of its own or move it to a worker (Citus)", Tag: "admin", Access: AccessAdmin,
			Description: "On a Citus cluster: isolate gives the tenant's rows shards no other tenant shares (isolate_tenant_to_new_shard), node moves them to that worker (citus_move_shard_placement), both do both; what is so already is skipped, each change is audited (tenant.isolate, tenant.move). mode is block_writes (default: writes to the tenant wait for the copy), auto or force_logical (logical replication, which needs citus in output_plugin_libraries on PostgreSQL 15.19 and later). Any other database answers 409 \"This database is not a Citus cluster.\"",
			Body:        tenantry.TenantPlacement{}, Example: map[string]any{"isolate": true, "node": "worker-2:5432", "mode": "block_writes"},
			Status: ok, Response: tenantry.Placement{}, Errors: []string{"tenant_not_found", "conflict"}},
		{Method: "GET", Path: "/api/admin/audit", ID: "adminListAudit", Summary: "The platform's audit trail", Tag: "admin", Access: AccessAdmin,
			Query: append([]Param{{"tenant_id", "string", "Only this tenant's events (id or slug)."}, {"action", "string", "Only this action."}}, listQuery...), Status: ok, Response: events{}},
		{Method: "GET", Path: "/api/admin/events", ID: "adminListEvents", Summary: "One tenant's outbox of events", Tag: "admin", Access: AccessAdmin,
			Description: "The events of the tenant with seq above after, oldest first. Sequences are per tenant, so tenant_id is required.",
			Query: []Param{{"tenant_id", "string", "The tenant (id or slug); required."}, {"after", "integer", "Only events with a higher seq (default 0)."},
				{"limit", "integer", "At most this many events (1–1000, default 100)."}}, Status: ok, Response: outbox{}, Errors: []string{"validation_failed", "tenant_not_found"}},

		{Method: "POST", Path: "/api/invitations/{token}/accept", ID: "acceptInvitation", Summary: "Accept an invitation", Tag: "tenant", Access: AccessUser, Status: ok, Response: acceptResponse{}, Errors: []string{"not_found", "plan_limit", "conflict"}},

		{Method: "GET", Path: "/api/tenant", ID: "getTenant", Summary: "The tenant, your role, its limits, features and usage", Tag: "tenant", Access: AccessTenant, Status: ok, Response: tenantResponse{}},
		{Method: "GET", Path: "/api/settings", ID: "getSettings", Summary: "The tenant's settings", Tag: "tenant", Access: AccessTenant, Status: ok, Response: tenantry.Settings{}},
		{Method: "PATCH", Path: "/api/settings", ID: "updateSettings", Summary: "Merge-patch the tenant's settings", Tag: "tenant", Access: AccessTenant,
			Body: tenantry.Settings{}, Example: map[string]any{"welcome": "Howdy from Acme!"}, Status: ok, Response: tenantry.Settings{}},
		{Method: "GET", Path: "/api/members", ID: "listMembers", Summary: "List members", Tag: "tenant", Access: AccessTenant, Query: listQuery, Status: ok, Response: members{}},
		{Method: "POST", Path: "/api/members", ID: "addMember", Summary: "Add an existing user as a member", Tag: "tenant", Access: AccessTenant,
			Body: grantRequest{}, Required: []string{"email", "role"}, Example: map[string]any{"email": "carol@acme.test", "role": "member"}, Status: created, Response: tenantry.Member{}, Errors: []string{"not_found", "conflict", "plan_limit"}},
		{Method: "PATCH", Path: "/api/members/{user_id}", ID: "updateMember", Summary: "Change a member's role", Tag: "tenant", Access: AccessTenant,
			Body: memberUpdateRequest{}, Required: []string{"role"}, Example: map[string]any{"role": "admin"}, Status: ok, Response: tenantry.Member{}, Errors: []string{"not_found", "conflict"}},
		{Method: "DELETE", Path: "/api/members/{user_id}", ID: "removeMember", Summary: "Remove a member (or leave)", Tag: "tenant", Access: AccessTenant,
			Description: "Removing the last owner is validation_failed.", Status: none, Errors: []string{"not_found", "conflict", "validation_failed"}},
		{Method: "GET", Path: "/api/invitations", ID: "listInvitations", Summary: "List pending invitations", Tag: "tenant", Access: AccessTenant, Query: listQuery, Status: ok, Response: invites{}},
		{Method: "POST", Path: "/api/invitations", ID: "createInvitation", Summary: "Invite someone by e-mail", Tag: "tenant", Access: AccessTenant,
			Body: grantRequest{}, Required: []string{"email", "role"}, Example: map[string]any{"email": "dave@acme.test", "role": "member"}, Status: created, Response: invitationResponse{}, Errors: []string{"conflict", "plan_limit"}},
		{Method: "DELETE", Path: "/api/invitations/{id}", ID: "revokeInvitation", Summary: "Revoke an invitation", Tag: "tenant", Access: AccessTenant, Status: none, Errors: []string{"not_found"}},

		{Method: "GET", Path: "/api/projects", ID: "listProjects", Summary: "List projects", Tag: "projects", Access: AccessTenant,
			Query: append([]Param{{"is_active", "boolean", "Only active (true) or inactive (false) projects."}, {"q", "string", "Only projects whose name contains this text."}}, listQuery...), Status: ok, Response: projects{}},
		{Method: "POST", Path: "/api/projects", ID: "createProject", Summary: "Create a project", Tag: "projects", Access: AccessTenant,
			Body: projectCreateRequest{}, Required: []string{"name"}, Example: map[string]any{"name": "Website"}, Status: created, Response: tenantry.Project{}, Errors: []string{"plan_limit", "conflict"}},
		{Method: "GET", Path: "/api/projects/{id}", ID: "getProject", Summary: "A project", Tag: "projects", Access: AccessTenant, Status: ok, Response: tenantry.Project{}, Errors: []string{"not_found"}},
		{Method: "PATCH", Path: "/api/projects/{id}", ID: "updateProject", Summary: "Change a project", Tag: "projects", Access: AccessTenant,
			Body: projectUpdateRequest{}, Example: map[string]any{"is_active": false}, Status: ok, Response: tenantry.Project{}, Errors: []string{"not_found", "conflict"}},
		{Method: "DELETE", Path: "/api/projects/{id}", ID: "deleteProject", Summary: "Delete a project and its tasks", Tag: "projects", Access: AccessTenant, Status: none, Errors: []string{"not_found"}},
		{Method: "GET", Path: "/api/tasks", ID: "listTasks", Summary: "List tasks", Tag: "projects", Access: AccessTenant,
			Query: append([]Param{{"project_id", "string", "Only this project's tasks."}, {"completed", "boolean", "Only completed (true) or open (false) tasks."}, {"assigned_to_id", "string", "Only tasks assigned to this member."}}, listQuery...), Status: ok, Response: tasks{}},
		{Method: "POST", Path: "/api/tasks", ID: "createTask", Summary: "Create a task in a project", Tag: "projects", Access: AccessTenant,
			Body: taskCreateRequest{}, Required: []string{"project_id", "title"}, Example: map[string]any{"project_id": "01J0000000000000000000000", "title": "Write the copy"}, Status: created, Response: tenantry.Task{}, Errors: []string{"plan_limit"}},
		{Method: "GET", Path: "/api/tasks/{id}", ID: "getTask", Summary: "A task", Tag: "projects", Access: AccessTenant, Status: ok, Response: tenantry.Task{}, Errors: []string{"not_found"}},
		{Method: "PATCH", Path: "/api/tasks/{id}", ID: "updateTask", Summary: "Change a task", Tag: "projects", Access: AccessTenant,
			Body: taskUpdateRequest{}, Example: map[string]any{"completed": true}, Status: ok, Response: tenantry.Task{}, Errors: []string{"not_found"}},
		{Method: "DELETE", Path: "/api/tasks/{id}", ID: "deleteTask", Summary: "Delete a task", Tag: "projects", Access: AccessTenant, Status: none, Errors: []string{"not_found"}},

		{Method: "GET", Path: "/api/api-keys", ID: "listAPIKeys", Summary: "List API keys", Tag: "api-keys", Access: AccessTenant, Query: listQuery, Status: ok, Response: keys{}},
		{Method: "POST", Path: "/api/api-keys", ID: "createAPIKey", Summary: "Create an API key (its secret is shown once)", Tag: "api-keys", Access: AccessTenant,
			Body: apiKeyCreateRequest{}, Required: []string{"name", "role"}, Example: map[string]any{"name": "CI", "role": "member", "expires_at": "2030-01-01T00:00:00Z"}, Status: created, Response: apiKeyResponse{}, Errors: []string{"plan_limit"}},
		{Method: "DELETE", Path: "/api/api-keys/{id}", ID: "revokeAPIKey", Summary: "Revoke an API key", Tag: "api-keys", Access: AccessTenant, Status: none, Errors: []string{"not_found"}},
		{Method: "GET", Path: "/api/audit", ID: "listAudit", Summary: "The tenant's audit trail, newest first", Tag: "api-keys", Access: AccessTenant,
			Query: append([]Param{{"action", "string", "Only this action."}}, listQuery...), Status: ok, Response: audits{}},
		{Method: "GET", Path: "/api/events", ID: "streamEvents", Summary: "Stream the tenant's events (Server-Sent Events)", Tag: "tenant", Access: AccessTenant,
			Description: "text/event-stream of the tenant's events that the caller's role may see: each is id: <seq> and data: an event " +
				"({seq, id, tenant_id, type, actor, target_type, target_id, data, at}). Resumes after the Last-Event-ID header (or ?after=), " +
				"else starts from now. With ?topic= (\"projects\", \"project:<id>\") it also sends event: presence, the other members on that topic. " +
				"event: reset says events after the id were pruned; event: end ({reason}) ends it for good (tenant suspended, member removed, " +
				"role changed, key revoked, credentials expired). Comment lines are heartbeats. Over the plan's max_event_streams: 429.",
			Query:  []Param{{"after", "integer", "Resume after this seq (Last-Event-ID wins)."}, {"topic", "string", "Join this presence topic."}},
			Status: ok, Response: "", ResponseMedia: "text/event-stream", Errors: []string{"validation_failed", "rate_limited"}},

		{Method: "POST", Path: "/api/sessions", ID: "createSession", Summary: "Start an assistant session", Tag: "assistant", Access: AccessTenant,
			Description: "Takes no body or {}; any field is validation_failed (the tenant comes from the request).",
			Body:        struct{}{}, BodyOptional: true, Example: map[string]any{}, Status: created, Response: sessionResponse{}, Errors: []string{"feature_disabled"}},
		{Method: "POST", Path: "/api/chat", ID: "chat", Summary: "Send a message to the tenant's assistant", Tag: "assistant", Access: AccessTenant,
			Body: chatRequest{}, Required: []string{"session_id", "message"}, Example: map[string]any{"session_id": "01J0000000000000000000000", "message": "hello world"}, Status: ok, Response: tenantry.ChatAnswer{}, Errors: []string{"not_found", "feature_disabled", "upstream_error", "upstream_timeout"}},
		{Method: "GET", Path: "/api/sessions/{id}/messages", ID: "listSessionMessages", Summary: "A session's conversation, oldest first", Tag: "assistant", Access: AccessTenant, Query: listQuery, Status: ok, Response: messages{}, Errors: []string{"not_found"}},
		{Method: "POST", Path: "/api/public/session", ID: "createPublicSession", Summary: "Start a visitor session of the public assistant", Tag: "assistant", Access: AccessPublicTenant,
			Body: publicSessionRequest{}, BodyOptional: true, Example: map[string]any{"tenant_id": "acme"}, Status: created, Response: sessionResponse{}},
		{Method: "POST", Path: "/api/public/chat", ID: "publicChat", Summary: "Send a visitor message to the public assistant", Tag: "assistant", Access: AccessPublicTenant,
			Body: publicChatRequest{}, Required: []string{"session_id", "message"}, Example: map[string]any{"session_id": "01J0000000000000000000000", "message": "hello from acme"}, Status: ok, Response: tenantry.ChatAnswer{}, Errors: []string{"not_found", "upstream_error", "upstream_timeout"}},
	}
}
