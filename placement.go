package tenantry

import (
	"context"
	"net"
	"strconv"
)

// Placement modes: how Citus copies a tenant's shards (TenantPlacement.Mode).
const (
	// PlaceBlockWrites copies while writes to the tenant's shards wait for
	// the copy; it works on every cluster. The default.
	PlaceBlockWrites = "block_writes"
	// PlaceAuto copies with logical replication when the tables allow it,
	// writes going on meanwhile (Citus's own default).
	PlaceAuto = "auto"
	// PlaceForceLogical copies with logical replication.
	PlaceForceLogical = "force_logical"
)

// TenantPlacement says where one tenant's rows go on a distributed
// (Citus) database.
type TenantPlacement struct {
	// Isolate gives the tenant shards of its own, which no other tenant's
	// rows share.
	Isolate bool `json:"isolate"`
	// Node moves the tenant's shards to this worker, host:port as the
	// cluster names it.
	Node string `json:"node,omitempty"`
	// Mode is PlaceBlockWrites (the default), PlaceAuto or
	// PlaceForceLogical.
	Mode string `json:"mode,omitempty"`
}

// Validate checks p (validation_failed naming each field) and sets the
// default mode.
func (p *TenantPlacement) Validate() error {
	fields := map[string]string{}
	if p.Mode == "" {
		p.Mode = PlaceBlockWrites
	}
	switch p.Mode {
	case PlaceBlockWrites, PlaceAuto, PlaceForceLogical:
	default:
		fields["mode"] = "must be block_writes, auto or force_logical"
	}
	if p.Node != "" && !validNode(p.Node) {
		fields["node"] = "must be host:port"
	}
	if !p.Isolate && p.Node == "" {
		fields["isolate"] = "isolate, a node or both are required"
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// validNode reports whether s is host:port with a port from 1 to 65535
// and a host of letters, digits, '.', '-', '_' or ':' (an IPv6 address in
// brackets).
func validNode(s string) bool {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" || len(host) > 253 {
		return false
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || port[0] == '0' || port[0] == '+' {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':') {
			return false
		}
	}
	return true
}

// Placement is where a tenant's rows are on a distributed database.
type Placement struct {
	TenantID string `json:"tenant_id"`
	// Shard is the shard that holds the tenant's rows of the anchor table;
	// the tenant's rows of every other tenant table are in the shards
	// co-located with it, on the same node.
	Shard int64 `json:"shard"`
	// Node is the worker that holds them, host:port.
	Node string `json:"node"`
	// Isolated says that no other tenant's rows share the shards.
	Isolated bool `json:"isolated"`
	// Done lists what the call changed, in order: "isolate", "move"; none
	// when the tenant was placed so already.
	Done []string `json:"done"`
}

// TenantPlacer is a store on a distributed database that places tenants.
type TenantPlacer interface {
	// PlaceTenant isolates the tenant's rows to shards of their own, moves
	// them to a worker, or both (tenant_not_found, validation_failed,
	// conflict when the database is not a Citus cluster or cannot copy in
	// the mode). Each change is audited in the platform trail.
	PlaceTenant(ctx context.Context, tenantID string, p TenantPlacement) (*Placement, error)
}

// NotCitus is the answer of a placement on a database that is not a Citus
// cluster.
func NotCitus() *Error {
	return Errorf(ECONFLICT, "This database is not a Citus cluster.")
}
