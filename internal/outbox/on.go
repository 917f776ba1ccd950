//go:build !nooutbox

// Package outbox says whether the stores write the outbox of tenant
// events. It is always on; the nooutbox build tag turns it off for one
// purpose only, the side-by-side benchmark of what the outbox adds to a
// write (docs/benchmarks.md). A server built with it has no events.
package outbox

// Enabled reports whether audited changes write their tenant event.
const Enabled = true
