package sqlite

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"zombiezen.com/go/sqlite"
	"zombiezen.com/go/sqlite/sqlitex"
)

// checkpointEvery is how often the checkpointer copies the WAL's pages
// into the database file.
const checkpointEvery = 100 * time.Millisecond

// backstopPages is the writer's own auto-checkpoint, in WAL pages: it only
// runs when the checkpointer falls that far behind (readers holding old
// snapshots, a stalled disk), so that the WAL stays bounded.
const backstopPages = 20000

// checkpointer copies the pages of the WAL into the database file on a
// connection of its own, off the writer's path. SQLite's own
// auto-checkpoint runs inside the commit that crosses its threshold (1,000
// pages, a few hundred creates), so the writer, and every write queued
// behind it, waited for the copy and its two fsyncs. A PASSIVE checkpoint
// takes no lock a writer needs: the writer goes on appending while the
// checkpointer copies what was committed before.
type checkpointer struct {
	c *sqlite.Conn
	// wrote is set by each commit of this process's writer and cleared by
	// the round that copies it, so an idle store does no checkpoint.
	wrote atomic.Bool
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// startCheckpointer opens the checkpointer's connection to the database at
// path and starts it.
func startCheckpointer(path string) (*checkpointer, error) {
	c, err := sqlite.OpenConn(path, sqlite.OpenReadWrite|sqlite.OpenWAL)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open checkpointer: %w", err)
	}
	c.SetBusyTimeout(time.Second)
	k := &checkpointer{c: c, stop: make(chan struct{}), done: make(chan struct{})}
	go k.run()
	return k, nil
}

// run checkpoints every checkpointEvery until close, when this process
// wrote since the last complete checkpoint; an error or a partial one
// (busy, or frames readers still need) is left to the next round.
func (k *checkpointer) run() {
	defer close(k.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-t.C:
			if k.wrote.Swap(false) && !k.checkpoint() {
				k.wrote.Store(true) // readers held frames back: the next round goes on
			}
		}
	}
}

// checkpoint runs one PASSIVE checkpoint and reports whether it copied
// every frame of the WAL.
func (k *checkpointer) checkpoint() bool {
	done := false
	err := sqlitex.ExecuteTransient(k.c, "PRAGMA wal_checkpoint(PASSIVE)", &sqlitex.ExecOptions{
		ResultFunc: func(st *sqlite.Stmt) error {
			done = st.ColumnInt(0) == 0 && st.ColumnInt(1) == st.ColumnInt(2) // not busy; log frames = checkpointed
			return nil
		}})
	return err == nil && done
}

// close stops the checkpointer and closes its connection, once.
func (k *checkpointer) close() (err error) {
	k.once.Do(func() {
		close(k.stop)
		<-k.done
		err = k.c.Close()
	})
	return err
}
