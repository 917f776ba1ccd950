// Package presence keeps who is looking at what inside one tenant: an
// event stream that joins a topic ("project:<id>", "projects") holds an
// entry there, refreshed by its heartbeats, until it leaves or goes quiet
// for longer than the entry's time to live. Every key carries the tenant,
// in memory (Memory) and in Redis (Redis), so two tenants on "the same"
// page never see each other.
//
// The same entries bound a tenant's open streams: a stream joins the
// tenant's StreamsTopic with the tenant's max_event_streams as the most
// entries it may hold, so the limit holds across every process that
// shares the store.
package presence
