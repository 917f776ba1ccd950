package postgres

import (
	"time"

	"github.com/tenantry/tenantry/core"
)

// BrowserSessions returns the browser-session store of db (package core's,
// over the store's global transactions, in tables without tenant rows or
// row level security), shared by every process on the same database and
// kept across restarts; its sessions expire after idle without use
// (tenantry.BrowserSessionIdle when idle <= 0).
func (db *DB) BrowserSessions(idle time.Duration) *core.BrowserSessions {
	return core.NewBrowserSessions(db.globals(), idle)
}
