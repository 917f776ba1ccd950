//go:build nooutbox

package outbox

// Enabled reports whether audited changes write their tenant event: not
// in a nooutbox build (benchmarks only).
const Enabled = false
