// Package tenantry holds the domain of a multi-tenant SaaS backend: tenants,
// users, memberships, plans, projects, tasks, audit events and assistant
// sessions, the storage interfaces that every backend implements, the error
// type whose codes the HTTP layer maps to statuses, and the context helpers
// that carry a request's identity.
//
// Tenant-scoped rows are reachable only through a TenantStore, a handle bound
// to one tenant and obtained from Store.Tenant. Work that crosses tenants
// (creating, exporting and purging tenants, the platform audit trail) lives in
// Platform, and nowhere else.
//
// This package imports the standard library only.
package tenantry
