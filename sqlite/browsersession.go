package sqlite

import (
	"time"

	"github.com/tenantry/tenantry/core"
)

// BrowserSessions returns the browser-session store of db (package core's,
// over the store's global transactions), shared by every process on the
// same database file and kept across restarts; its sessions expire after
// idle without use (tenantry.BrowserSessionIdle when idle <= 0).
func (db *DB) BrowserSessions(idle time.Duration) *core.BrowserSessions {
	return core.NewBrowserSessions(db.globals(), idle)
}
