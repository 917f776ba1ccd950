package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tenantry/tenantry"
)

// browserSessionPruneEvery is how often Save also deletes expired rows.
const browserSessionPruneEvery = time.Minute

var _ tenantry.BrowserSessionStore = (*BrowserSessions)(nil)

// BrowserSessions is a tenantry.BrowserSessionStore in the browser_sessions
// table, shared by every process on the same database file and kept across
// restarts.
type BrowserSessions struct {
	db        *DB
	idle      time.Duration
	lastPrune atomic.Int64 // unix nanoseconds
}

// BrowserSessions returns the browser-session store of db, whose sessions
// expire after idle without use (tenantry.BrowserSessionIdle when idle <= 0).
func (db *DB) BrowserSessions(idle time.Duration) *BrowserSessions {
	if idle <= 0 {
		idle = tenantry.BrowserSessionIdle
	}
	return &BrowserSessions{db: db, idle: idle}
}

// Get returns the session with id, or (nil, nil) when it is unknown or has
// expired.
func (b *BrowserSessions) Get(ctx context.Context, id string) (*tenantry.BrowserSession, error) {
	s := &tenantry.BrowserSession{ID: id}
	var chats string
	err := b.db.reader().QueryRowContext(ctx, `SELECT host, user_id, refresh_hash, chats, flash, secret, created_at, last_seen
		FROM browser_sessions WHERE id = ? AND expires_at > ?`, id, encTime(time.Now())).
		Scan(&s.Host, &s.UserID, &s.RefreshHash, &chats, &s.Flash, &s.Secret, timeScan{&s.CreatedAt}, timeScan{&s.LastSeen})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get browser session: %w", dbErr(err))
	}
	if err := json.Unmarshal([]byte(chats), &s.Chats); err != nil {
		return nil, fmt.Errorf("decode browser session chats: %w", err)
	}
	if len(s.Chats) == 0 {
		s.Chats = nil
	}
	return s, nil
}

// Save inserts or replaces s, expiring at its LastSeen plus the idle
// timeout, and drops the least recently seen sessions of its user beyond
// tenantry.MaxBrowserSessionsPerUser; about once a minute it also deletes
// the expired rows.
func (b *BrowserSessions) Save(ctx context.Context, s *tenantry.BrowserSession) error {
	chats, err := json.Marshal(s.Chats)
	if err != nil || s.Chats == nil {
		chats = []byte("{}")
	}
	now := time.Now()
	prune := b.prune(now)
	err = b.db.write(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO browser_sessions
			(id, host, user_id, refresh_hash, chats, flash, secret, created_at, last_seen, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET host = excluded.host, user_id = excluded.user_id,
				refresh_hash = excluded.refresh_hash, chats = excluded.chats, flash = excluded.flash,
				secret = excluded.secret, created_at = excluded.created_at, last_seen = excluded.last_seen,
				expires_at = excluded.expires_at`,
			s.ID, s.Host, s.UserID, s.RefreshHash, string(chats), s.Flash, s.Secret,
			encTime(s.CreatedAt), encTime(s.LastSeen), encTime(s.LastSeen.Add(b.idle))); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM browser_sessions WHERE id IN (
			SELECT id FROM browser_sessions WHERE user_id = ?
			ORDER BY last_seen DESC, id DESC LIMIT -1 OFFSET ?)`, s.UserID, tenantry.MaxBrowserSessionsPerUser); err != nil {
			return err
		}
		if prune {
			if _, err := tx.ExecContext(ctx, `DELETE FROM browser_sessions WHERE expires_at <= ?`, encTime(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save browser session: %w", err)
	}
	return nil
}

// Delete removes the session with id; deleting an unknown one is no error.
func (b *BrowserSessions) Delete(ctx context.Context, id string) error {
	err := b.db.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM browser_sessions WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete browser session: %w", err)
	}
	return nil
}

// DeleteUser removes every session and pending handover of userID.
func (b *BrowserSessions) DeleteUser(ctx context.Context, userID string) error {
	err := b.db.write(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM browser_sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM browser_handovers WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete a user's browser sessions: %w", err)
	}
	return nil
}

// Prune deletes the expired sessions and returns how many it deleted.
func (b *BrowserSessions) Prune(ctx context.Context) (int64, error) {
	var n int64
	err := b.db.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM browser_sessions WHERE expires_at <= ?`, encTime(time.Now()))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune browser sessions: %w", err)
	}
	return n, nil
}

// prune reports whether a Save at now should also prune, at most once per
// browserSessionPruneEvery.
func (b *BrowserSessions) prune(now time.Time) bool {
	last := b.lastPrune.Load()
	if now.UnixNano()-last < int64(browserSessionPruneEvery) {
		return false
	}
	return b.lastPrune.CompareAndSwap(last, now.UnixNano())
}
