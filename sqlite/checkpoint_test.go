package sqlite

import (
	"fmt"
	"os"
	"testing"
	"time"

	"zombiezen.com/go/sqlite"
	"zombiezen.com/go/sqlite/sqlitex"

	"github.com/tenantry/tenantry"
)

// TestCheckpointerCopiesTheWAL: the writer's own auto-checkpoint is only
// the backstop, and the pages that commits append to the WAL reach the
// database file anyway, copied by the checkpointer with no write waiting
// for it.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	db := openTest(t)
	c := <-db.writer.token
	var pages int
	err := sqlitex.ExecuteTransient(c, "PRAGMA wal_autocheckpoint", &sqlitex.ExecOptions{
		ResultFunc: func(st *sqlite.Stmt) error { pages = st.ColumnInt(0); return nil }})
	db.writer.token <- c
	if err != nil || pages != backstopPages {
		t.Fatalf("writer's wal_autocheckpoint: got %d, %v; want %d", pages, err, backstopPages)
	}
	size := func() int64 {
		fi, err := os.Stat(db.path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	_, ts := mustTenant(t, db, "checkpoint", "enterprise", "")
	for i := range 200 {
		if err := ts.Write(t.Context(), func(tx tenantry.Tx) error {
			return tx.Audit(t.Context(), "test.write", "test", fmt.Sprint(i), map[string]string{"pad": fmt.Sprintf("%0200d", i)})
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes after 200 commits and 5 s: nothing checkpointed", before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCheckpointerCloses: Close stops the checkpointer, and closing twice
// is fine.
func TestCheckpointerCloses(t *testing.T) {
	db := openTest(t)
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-db.checkpointer.done:
	default:
		t.Fatal("checkpointer still running after Close")
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
