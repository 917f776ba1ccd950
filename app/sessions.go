package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/sqlite"
	"github.com/tenantry/tenantry/ui"
)

// parseSessionIdle sets c.sessionIdle from TENANTRY_SESSION_IDLE when the
// flag is unset, and to ui.DefaultIdleTimeout when neither is.
func (e *environment) parseSessionIdle(c *serveConfig) error {
	if c.sessionIdle == 0 {
		if v := e.getenv("TENANTRY_SESSION_IDLE"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("TENANTRY_SESSION_IDLE: want a positive duration such as 12h, got %q", v)
			}
			c.sessionIdle = d
		}
	}
	if c.sessionIdle < 0 {
		return errors.New("--session-idle must be positive")
	}
	if c.sessionIdle == 0 {
		c.sessionIdle = ui.DefaultIdleTimeout
	}
	return nil
}

// browserSessions returns the browser-session store in db's
// browser_sessions table, whose sessions expire after idle without use.
func browserSessions(db database, idle time.Duration) (tenantry.BrowserSessionStore, error) {
	switch d := db.(type) {
	case *sqlite.DB:
		return d.BrowserSessions(idle), nil
	case *postgres.DB:
		return d.BrowserSessions(idle), nil
	}
	return nil, fmt.Errorf("no browser-session store for a %T store", db)
}
