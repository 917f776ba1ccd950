package postgres

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tenantry/tenantry"
)

// mapErr turns database errors into tenantry errors where a client should
// see them. Constraint names come from pgNames, so an error a Citus worker
// raised maps like one of a single PostgreSQL.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var te *tenantry.Error
	if errors.As(err, &te) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return tenantry.Errorf(tenantry.ECONFLICT, "It already exists.")
		case "23503":
			constraint, _ := pgNames(pe)
			if len(constraint) > len("tenant_id_fkey") && strings.HasSuffix(constraint, "tenant_id_fkey") {
				return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
			}
			return tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
		case "42501":
			return tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
		case "57014", "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006", "08001", "08004":
			return tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable.")
		case "22021", "22P05":
			return tenantry.Errorf(tenantry.EINVALID, "A text value is not UTF-8 or has NUL characters.")
		case "23514", "22P02", "22001", "22003", "22007", "22008":
			return tenantry.Errorf(tenantry.EBADREQUEST, "The request is not valid.")
		}
		return fmt.Errorf("postgres: %w", err)
	}
	var ne net.Error
	if errors.As(err, &ne) || pgconn.SafeToRetry(err) || isConnectErr(err) {
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable.")
	}
	return fmt.Errorf("postgres: %w", err)
}

func isConnectErr(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

// pgNames returns the constraint and the table an error names, without a
// Citus shard suffix. A single PostgreSQL sets them as fields of the
// error; an error that a Citus worker raised reaches the coordinator
// without them, its message naming the shards instead ("insert or update
// on table "tasks_102214" violates foreign key constraint
// "tasks_assignee_fkey_102214""), so they are read from the message then.
func pgNames(pe *pgconn.PgError) (constraint, table string) {
	constraint, table = pe.ConstraintName, pe.TableName
	if constraint == "" {
		constraint = quotedAfter(pe.Message, `constraint "`)
	}
	if table == "" {
		table = quotedAfter(pe.Message, `table "`)
	}
	if table == "" {
		table = quotedAfter(pe.Message, `relation "`)
	}
	return stripShardSuffix(constraint), stripShardSuffix(table)
}

// quotedAfter returns the double-quoted name that follows the first
// prefix in msg (prefix ends with the opening quote), or "".
func quotedAfter(msg, prefix string) string {
	_, rest, ok := strings.Cut(msg, prefix)
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, `"`)
	if !ok {
		return ""
	}
	return name
}

// stripShardSuffix removes the "_<shard id>" that Citus appends to the
// names of a shard and of its constraints and indexes
// ("tasks_assignee_fkey_102214" → "tasks_assignee_fkey"). A name with no
// such suffix, or that would be left empty, comes back as it is.
func stripShardSuffix(name string) string {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	if i == len(name) || i < 2 || name[i-1] != '_' {
		return name
	}
	return name[:i-1]
}
