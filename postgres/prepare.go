package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
)

// How statements reach the server. The pool runs in pgx's exec mode
// (QueryExecModeExec), in which a batch sends a statement prepared on its
// connection by name and any other one unnamed, parsed with its own Bind
// in the same round trip. Every batch goes through sendBatch, which
// prepares its statements on the connection first, once each, except the
// ones whose text carries a value (SET LOCAL app.tenant_id = '<uuid>'):
// those travel unnamed with the rest and are never cached. So a tenant's
// first request on a connection costs what its thousandth does, with
// 10,000 tenants as with ten, and SET LOCAL keeps the text form Citus
// forwards to its workers. Outside batches, in the pool's mode (unnamed,
// never cached), run only the checks at Open and a read's lazy tenant row
// (pgTx.Tenant).

// batchMode is the pool's query mode.
const batchMode = pgx.QueryExecModeExec

// setTenantPrefix and setUserPrefix begin the statements that set the
// transaction's tenant and user: their text holds a UUID, so they are
// sent unprepared.
const (
	setTenantPrefix = "SET LOCAL app.tenant_id = '"
	setUserPrefix   = "SET LOCAL app.user_id = '"
)

// maxPrepared bounds the statements prepared on one connection: past it
// the connection's statements are deallocated and prepared again as they
// come. Tenantry's own and an extension's statements are constant texts,
// far fewer than this.
const maxPrepared = 1000

// preparedKey names the set of statements prepared on a connection, kept
// in the connection's CustomData.
const preparedKey = "tenantry.prepared"

// unprepared reports whether sql carries a value in its text.
func unprepared(sql string) bool {
	return strings.HasPrefix(sql, setTenantPrefix) || strings.HasPrefix(sql, setUserPrefix)
}

// prepare prepares on c each statement of b not yet prepared there, but
// the unprepared ones: in exec mode a batch then sends the prepared ones
// by name. A statement new to c costs one round trip, once.
func prepare(ctx context.Context, c *pgx.Conn, b *pgx.Batch) error {
	data := c.PgConn().CustomData()
	done, _ := data[preparedKey].(map[string]struct{})
	if done == nil {
		done = map[string]struct{}{}
		data[preparedKey] = done
	}
	for _, q := range b.QueuedQueries {
		if _, ok := done[q.SQL]; ok || unprepared(q.SQL) {
			continue
		}
		if len(done) >= maxPrepared {
			if err := c.DeallocateAll(ctx); err != nil {
				return err
			}
			clear(done)
		}
		if _, err := c.Prepare(ctx, q.SQL, q.SQL); err != nil {
			return err
		}
		done[q.SQL] = struct{}{}
	}
	return nil
}

// sendBatch prepares b's statements on c (prepare) and sends b.
func sendBatch(ctx context.Context, c *pgx.Conn, b *pgx.Batch) (pgx.BatchResults, error) {
	if err := prepare(ctx, c, b); err != nil {
		return nil, err
	}
	return c.SendBatch(ctx, b), nil
}
