// Package events delivers a tenant's outbox to its members' live streams:
// the Hub wakes the streams of a tenant when a commit grew its outbox, in
// this process at once and in every other through the tenantry.Bus
// (InvEvents: Redis pub/sub with --redis-url, the database's invalidations
// table otherwise), and Streamer serves one Server-Sent Events stream:
// the tenant's events its role may see (tenantry.EventRoles), id = seq,
// resumable after any seq (Last-Event-ID), heartbeats, presence on a
// topic (package presence), and a clean end when the tenant is suspended
// or the member removed.
//
// A notification only says "look": every stream then reads the outbox
// after the last seq it sent, so a lost notification delays an event (at
// most until the next poll, Streamer.Poll), never loses or repeats one.
package events
