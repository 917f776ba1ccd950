package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
)

// browserSessionPruneEvery is how often Save also deletes expired rows.
const browserSessionPruneEvery = time.Minute

var _ tenantry.BrowserSessionStore = (*BrowserSessions)(nil)

// BrowserSessions is a tenantry.BrowserSessionStore in the browser_sessions
// table (a global table: no tenant rows, no row level security), shared by
// every process on the same database and kept across restarts.
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
	var chats []byte
	err := b.db.pool.QueryRow(ctx, `SELECT host, user_id, refresh_hash, chats, flash, secret, created_at, last_seen
		FROM browser_sessions WHERE id = $1 AND expires_at > now()`, cached, id).
		Scan(&s.Host, &s.UserID, &s.RefreshHash, &chats, &s.Flash, &s.Secret, &s.CreatedAt, &s.LastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get browser session: %w", mapErr(err))
	}
	if err := json.Unmarshal(chats, &s.Chats); err != nil {
		return nil, fmt.Errorf("decode browser session chats: %w", err)
	}
	if len(s.Chats) == 0 {
		s.Chats = nil
	}
	s.CreatedAt, s.LastSeen = s.CreatedAt.UTC(), s.LastSeen.UTC()
	return s, nil
}

// Save inserts or replaces s, expiring at its LastSeen plus the idle
// timeout, and drops the least recently seen sessions of its user beyond
// tenantry.MaxBrowserSessionsPerUser, in one transaction; about once a
// minute it also deletes the expired rows.
func (b *BrowserSessions) Save(ctx context.Context, s *tenantry.BrowserSession) error {
	chats, err := json.Marshal(s.Chats)
	if err != nil || s.Chats == nil {
		chats = []byte("{}")
	}
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO browser_sessions
		(id, host, user_id, refresh_hash, chats, flash, secret, created_at, last_seen, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET host = excluded.host, user_id = excluded.user_id,
			refresh_hash = excluded.refresh_hash, chats = excluded.chats, flash = excluded.flash,
			secret = excluded.secret, created_at = excluded.created_at, last_seen = excluded.last_seen,
			expires_at = excluded.expires_at`,
		s.ID, s.Host, s.UserID, s.RefreshHash, string(chats), s.Flash, s.Secret,
		s.CreatedAt, s.LastSeen, s.LastSeen.Add(b.idle))
	batch.Queue(`DELETE FROM browser_sessions WHERE id IN (
		SELECT id FROM browser_sessions WHERE user_id = $1
		ORDER BY last_seen DESC, id DESC OFFSET $2)`, s.UserID, tenantry.MaxBrowserSessionsPerUser)
	if b.prune(time.Now()) {
		batch.Queue(`DELETE FROM browser_sessions WHERE expires_at <= now()`)
	}
	if err := b.db.globalTx(ctx, batch, nil); err != nil {
		return fmt.Errorf("save browser session: %w", err)
	}
	return nil
}

// Delete removes the session with id; deleting an unknown one is no error.
func (b *BrowserSessions) Delete(ctx context.Context, id string) error {
	if _, err := b.db.pool.Exec(ctx, `DELETE FROM browser_sessions WHERE id = $1`, cached, id); err != nil {
		return fmt.Errorf("delete browser session: %w", mapErr(err))
	}
	return nil
}

// DeleteUser removes every session and pending handover of userID.
func (b *BrowserSessions) DeleteUser(ctx context.Context, userID string) error {
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM browser_sessions WHERE user_id = $1`, userID)
	batch.Queue(`DELETE FROM browser_handovers WHERE user_id = $1`, userID)
	if err := b.db.globalTx(ctx, batch, nil); err != nil {
		return fmt.Errorf("delete a user's browser sessions: %w", err)
	}
	return nil
}

// Prune deletes the expired sessions and returns how many it deleted.
func (b *BrowserSessions) Prune(ctx context.Context) (int64, error) {
	tag, err := b.db.pool.Exec(ctx, `DELETE FROM browser_sessions WHERE expires_at <= now()`)
	if err != nil {
		return 0, fmt.Errorf("prune browser sessions: %w", mapErr(err))
	}
	return tag.RowsAffected(), nil
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
