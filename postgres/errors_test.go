package postgres

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tenantry/tenantry"
)

// TestMapErrCitus maps the errors of a single PostgreSQL, which name their
// constraint and table in fields, and the same errors as a Citus
// coordinator relays them from a worker: without those fields, the shard
// names in the message.
func TestMapErrCitus(t *testing.T) {
	tests := []struct {
		name      string
		err       *pgconn.PgError
		wantCode  string
		wantField string
	}{
		{"assignee (a plain foreign key: package projects checks members first), PostgreSQL", &pgconn.PgError{Code: "23503", ConstraintName: "tasks_assignee_fkey", TableName: "tasks",
			Message: `insert or update on table "tasks" violates foreign key constraint "tasks_assignee_fkey"`}, tenantry.ENOTFOUND, ""},
		{"assignee, Citus worker", &pgconn.PgError{Code: "23503",
			Message: `insert or update on table "tasks_102214" violates foreign key constraint "tasks_assignee_fkey_102214"`}, tenantry.ENOTFOUND, ""},
		{"assignee, Citus worker, shard name in the field", &pgconn.PgError{Code: "23503", ConstraintName: "tasks_assignee_fkey_102214",
			Message: `insert or update on table "tasks_102214" violates foreign key constraint "tasks_assignee_fkey_102214"`}, tenantry.ENOTFOUND, ""},
		{"project, Citus worker", &pgconn.PgError{Code: "23503",
			Message: `insert or update on table "tasks_102214" violates foreign key constraint "tasks_project_fkey_102214"`}, tenantry.ENOTFOUND, ""},
		{"tenant, PostgreSQL", &pgconn.PgError{Code: "23503", ConstraintName: "usage_counters_tenant_id_fkey",
			Message: `insert or update on table "usage_counters" violates foreign key constraint "usage_counters_tenant_id_fkey"`}, tenantry.ETENANTNOTFOUND, ""},
		{"tenant, Citus worker", &pgconn.PgError{Code: "23503",
			Message: `insert or update on table "usage_counters_102301" violates foreign key constraint "usage_counters_tenant_id_fkey_102301"`}, tenantry.ETENANTNOTFOUND, ""},
		{"referenced row, Citus worker", &pgconn.PgError{Code: "23503",
			Message: `update or delete on table "projects_102040" violates foreign key constraint "tasks_project_fkey_102214" on table "tasks_102214"`}, tenantry.ENOTFOUND, ""},
		{"no name at all", &pgconn.PgError{Code: "23503", Message: "foreign key violation"}, tenantry.ENOTFOUND, ""},
		{"unique, Citus worker", &pgconn.PgError{Code: "23505",
			Message: `duplicate key value violates unique constraint "projects_tenant_id_name_key_102040"`}, tenantry.ECONFLICT, ""},
		{"row level security, Citus worker", &pgconn.PgError{Code: "42501",
			Message: `new row violates row-level security policy for table "tasks_102214"`}, tenantry.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		err := mapErr(tt.err)
		if got := tenantry.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: got %v, want code %s", tt.name, err, tt.wantCode)
			continue
		}
		if tt.wantField != "" {
			var te *tenantry.Error
			if !errors.As(err, &te) || te.Fields[tt.wantField] == "" {
				t.Errorf("%s: got %v, want a message for field %s", tt.name, err, tt.wantField)
			}
		}
	}
}

func TestPgNames(t *testing.T) {
	tests := []struct {
		name                      string
		err                       *pgconn.PgError
		wantConstraint, wantTable string
	}{
		{"fields", &pgconn.PgError{ConstraintName: "tasks_assignee_fkey", TableName: "tasks"}, "tasks_assignee_fkey", "tasks"},
		{"insert, message", &pgconn.PgError{Message: `insert or update on table "tasks_102214" violates foreign key constraint "tasks_assignee_fkey_102214"`},
			"tasks_assignee_fkey", "tasks"},
		{"delete, message", &pgconn.PgError{Message: `update or delete on table "members_102010" violates foreign key constraint "tasks_assignee_fkey_102214" on table "tasks_102214"`},
			"tasks_assignee_fkey", "members"},
		{"check, message", &pgconn.PgError{Message: `new row for relation "invoices_102300" violates check constraint "invoices_amount_cents_check_102300"`},
			"invoices_amount_cents_check", "invoices"},
		{"unique, message", &pgconn.PgError{Message: `duplicate key value violates unique constraint "tenants_slug_key_102008"`}, "tenants_slug_key", ""},
		{"unterminated quote", &pgconn.PgError{Message: `violates foreign key constraint "tasks_assignee_fkey`}, "", ""},
		{"nothing", &pgconn.PgError{Message: "canceling statement due to statement timeout"}, "", ""},
	}
	for _, tt := range tests {
		c, tb := pgNames(tt.err)
		if c != tt.wantConstraint || tb != tt.wantTable {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", tt.name, c, tb, tt.wantConstraint, tt.wantTable)
		}
	}
}

func TestStripShardSuffix(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tasks_assignee_fkey_102214", "tasks_assignee_fkey"},
		{"tasks_assignee_fkey", "tasks_assignee_fkey"},
		{"tenants_102008", "tenants"},
		{"a_1", "a"},
		{"members_tenant_id_id_key1", "members_tenant_id_id_key1"},
		{"_102008", "_102008"},
		{"102008", "102008"},
		{"tasks_", "tasks_"},
		{"a__1", "a_"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := stripShardSuffix(tt.in); got != tt.want {
			t.Errorf("stripShardSuffix(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzStripShardSuffix: the result is a non-empty prefix of the name (or
// the name itself), what is cut is "_" and digits only, and a name with a
// shard id appended comes back as it was.
func FuzzStripShardSuffix(f *testing.F) {
	f.Add("tasks_assignee_fkey", uint64(102214))
	f.Add("tenants_slug_key_1", uint64(0))
	f.Add("", uint64(7))
	f.Add("_", uint64(102008))
	f.Fuzz(func(t *testing.T, name string, shard uint64) {
		got := stripShardSuffix(name)
		if !strings.HasPrefix(name, got) {
			t.Fatalf("stripShardSuffix(%q) = %q: not a prefix", name, got)
		}
		if cut := name[len(got):]; cut != "" {
			if got == "" || len(cut) < 2 || cut[0] != '_' || strings.Trim(cut[1:], "0123456789") != "" {
				t.Fatalf("stripShardSuffix(%q) = %q: cut %q is not _ and digits, or left nothing", name, got, cut)
			}
		}
		if name != "" {
			sharded := name + "_" + strconv.FormatUint(shard, 10)
			if back := stripShardSuffix(sharded); back != name {
				t.Fatalf("stripShardSuffix(%q) = %q, want %q", sharded, back, name)
			}
		}
	})
}
