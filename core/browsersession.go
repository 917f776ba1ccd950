package core

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tenantry/tenantry"
)

// browserSessionPruneEvery is how often Save also deletes expired rows.
const browserSessionPruneEvery = time.Minute

var _ tenantry.BrowserSessionStore = (*BrowserSessions)(nil)

// BrowserSessions is a tenantry.BrowserSessionStore in the browser_sessions
// and browser_handovers tables of a backend (global tables: no tenant rows),
// shared by every process on the same database and kept across restarts.
type BrowserSessions struct {
	g         Globals
	idle      time.Duration
	lastPrune atomic.Int64 // unix nanoseconds
}

// NewBrowserSessions returns the browser-session store over g, whose
// sessions expire after idle without use (tenantry.BrowserSessionIdle when
// idle <= 0).
func NewBrowserSessions(g Globals, idle time.Duration) *BrowserSessions {
	if idle <= 0 {
		idle = tenantry.BrowserSessionIdle
	}
	return &BrowserSessions{g: g, idle: idle}
}

// Get returns the session with id, or (nil, nil) when it is unknown or has
// expired.
func (b *BrowserSessions) Get(ctx context.Context, id string) (*tenantry.BrowserSession, error) {
	s := &tenantry.BrowserSession{ID: id}
	var chats []byte
	err := b.g.Read(ctx, func(tx GlobalTx) error {
		return tx.QueryRow(ctx, `SELECT host, user_id, refresh_hash, chats, flash, secret, created_at, last_seen
			FROM browser_sessions WHERE id = $1 AND expires_at > $2`, id, time.Now()).
			Scan(&s.Host, &s.UserID, &s.RefreshHash, &chats, &s.Flash, &s.Secret, &s.CreatedAt, &s.LastSeen)
	})
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("get browser session: %w", err)
	}
	if err := json.Unmarshal(chats, &s.Chats); err != nil {
		return nil, fmt.Errorf("decode browser session chats: %w", err)
	}
	if len(s.Chats) == 0 {
		s.Chats = nil
	}
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
	now := time.Now()
	prune := b.prune(now)
	err = b.g.Write(ctx, func(tx GlobalTx) error {
		tx.Queue(ctx, `INSERT INTO browser_sessions
			(id, host, user_id, refresh_hash, chats, flash, secret, created_at, last_seen, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE SET host = excluded.host, user_id = excluded.user_id,
				refresh_hash = excluded.refresh_hash, chats = excluded.chats, flash = excluded.flash,
				secret = excluded.secret, created_at = excluded.created_at, last_seen = excluded.last_seen,
				expires_at = excluded.expires_at`,
			s.ID, s.Host, s.UserID, s.RefreshHash, string(chats), s.Flash, s.Secret,
			s.CreatedAt, s.LastSeen, s.LastSeen.Add(b.idle))
		tx.Queue(ctx, `DELETE FROM browser_sessions WHERE user_id = $1 AND id NOT IN (
			SELECT id FROM browser_sessions WHERE user_id = $1
			ORDER BY last_seen DESC, id DESC LIMIT $2)`, s.UserID, tenantry.MaxBrowserSessionsPerUser)
		if prune {
			tx.Queue(ctx, `DELETE FROM browser_sessions WHERE expires_at <= $1`, now)
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
	err := b.g.Write(ctx, func(tx GlobalTx) error {
		tx.Queue(ctx, `DELETE FROM browser_sessions WHERE id = $1`, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete browser session: %w", err)
	}
	return nil
}

// DeleteUser removes every session and pending handover of userID.
func (b *BrowserSessions) DeleteUser(ctx context.Context, userID string) error {
	err := b.g.Write(ctx, func(tx GlobalTx) error {
		tx.Queue(ctx, `DELETE FROM browser_sessions WHERE user_id = $1`, userID)
		tx.Queue(ctx, `DELETE FROM browser_handovers WHERE user_id = $1`, userID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete a user's browser sessions: %w", err)
	}
	return nil
}

// Prune deletes the expired sessions and returns how many it deleted.
func (b *BrowserSessions) Prune(ctx context.Context) (int64, error) {
	n, err := write(ctx, b.g, func(tx GlobalTx) (int64, error) {
		return tx.Exec(ctx, `DELETE FROM browser_sessions WHERE expires_at <= $1`, time.Now())
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

// SaveHandover stores h until its ExpiresAt and deletes the expired
// handovers.
func (b *BrowserSessions) SaveHandover(ctx context.Context, h *tenantry.BrowserHandover) error {
	err := b.g.Write(ctx, func(tx GlobalTx) error {
		tx.Queue(ctx, `INSERT INTO browser_handovers (hash, host, user_id, flash, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, h.Hash, h.Host, h.UserID, h.Flash, h.ExpiresAt)
		tx.Queue(ctx, `DELETE FROM browser_handovers WHERE expires_at <= $1`, time.Now())
		return nil
	})
	if err != nil {
		return fmt.Errorf("save browser handover: %w", err)
	}
	return nil
}

// TakeHandover deletes the handover with hash and returns it, or
// (nil, nil) when it is unknown, taken or expired. The delete returns the
// row, so that of concurrent callers only one gets it.
func (b *BrowserSessions) TakeHandover(ctx context.Context, hash string) (*tenantry.BrowserHandover, error) {
	h := &tenantry.BrowserHandover{Hash: hash}
	err := b.g.Write(ctx, func(tx GlobalTx) error {
		return tx.QueryRow(ctx, `DELETE FROM browser_handovers WHERE hash = $1
			RETURNING host, user_id, flash, expires_at`, hash).Scan(&h.Host, &h.UserID, &h.Flash, &h.ExpiresAt)
	})
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("take browser handover: %w", err)
	}
	if !time.Now().Before(h.ExpiresAt) {
		return nil, nil
	}
	return h, nil
}
