package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/storetest"
)

// openAgain opens the database at url once more and closes it when the
// test ends.
func openAgain(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url, tenantry.DefaultPlans())
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestBus runs the shared Bus behaviour on one database opened once per
// Bus, as separate processes would; every Bus works as the runtime role.
func TestBus(t *testing.T) {
	storetest.RunBus(t, func(t *testing.T) func(dbbus.Options) storetest.DBBus {
		url := pgtest.URL(t)
		return func(opts dbbus.Options) storetest.DBBus { return openAgain(t, url).Bus(opts) }
	})
}

// TestBusPrivileges checks that the runtime role has exactly the
// privileges the Bus needs on its table (read, insert, delete; never
// update or truncate) and that the table has no row level security.
func TestBusPrivileges(t *testing.T) {
	url := pgtest.URL(t)
	openAgain(t, url)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tests := []struct {
		object, privilege string
		want              bool
	}{
		{"invalidations", "SELECT", true},
		{"invalidations", "INSERT", true},
		{"invalidations", "DELETE", true},
		{"invalidations", "UPDATE", false},
		{"invalidations", "TRUNCATE", false},
		{"invalidations", "REFERENCES", false},
		{"invalidations", "TRIGGER", false},
	}
	for _, tt := range tests {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT has_table_privilege($1, $2, $3)`, postgres.RuntimeRole, tt.object, tt.privilege).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s %s on %s: got %v, want %v", postgres.RuntimeRole, tt.privilege, tt.object, got, tt.want)
		}
	}
	for _, p := range []struct {
		privilege string
		want      bool
	}{{"USAGE", true}, {"UPDATE", false}} {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT has_sequence_privilege($1, 'invalidations_id_seq', $2)`, postgres.RuntimeRole, p.privilege).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != p.want {
			t.Errorf("%s %s on invalidations_id_seq: got %v, want %v", postgres.RuntimeRole, p.privilege, got, p.want)
		}
	}
	var rls bool
	if err := conn.QueryRow(ctx, `SELECT relrowsecurity FROM pg_class WHERE relname = 'invalidations'`).Scan(&rls); err != nil {
		t.Fatal(err)
	}
	if rls {
		t.Error("invalidations has row level security, want none (a platform table)")
	}
}

// TestBusSurvivesLostConnections kills every connection of the runtime
// role while a subscriber polls: the poller logs, retries on the next
// tick and delivers what was published after.
func TestBusSurvivesLostConnections(t *testing.T) {
	url := pgtest.URL(t)
	opts := dbbus.Options{PollInterval: 20 * time.Millisecond}
	a, b := openAgain(t, url).Bus(opts), openAgain(t, url).Bus(opts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan tenantry.Invalidation, 10)
	b.Subscribe(ctx, func(inv tenantry.Invalidation) { got <- inv })

	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	want := tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: tenantry.NewID()}
	deadline := time.Now().Add(5 * time.Second)
	// The publisher's pool may hand out a killed connection once.
	for err := a.Publish(ctx, want); err != nil; err = a.Publish(ctx, want) {
		if time.Now().After(deadline) {
			t.Fatalf("Publish after the connections were killed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case inv := <-got:
		if inv != want {
			t.Fatalf("got %+v, want %+v", inv, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing delivered within 5s of the connections coming back")
	}
}

// TestInvalidations runs the invalidations outbox checks: the store and a
// second handle on the same database, both as the runtime role.
func TestInvalidations(t *testing.T) {
	storetest.RunInvalidations(t, func(t *testing.T) (tenantry.Store, func(dbbus.Options) storetest.DBBus) {
		url := pgtest.URL(t)
		return openAgain(t, url), func(opts dbbus.Options) storetest.DBBus { return openAgain(t, url).Bus(opts) }
	})
}
