package tenantry

import (
	"context"
	"maps"
	"time"
)

// BrowserSessionIdle is how long a browser session lives without a request
// unless a store is told otherwise.
const BrowserSessionIdle = 12 * time.Hour

// MaxBrowserSessionsPerUser is how many browser sessions one user may hold
// at once; saving one more drops the least recently seen.
const MaxBrowserSessionsPerUser = 10

// BrowserSession is a signed-in browser session of the web pages, kept on
// the server; the browser only holds its random ID. Anonymous visitors have
// none: nothing is stored before sign-in.
type BrowserSession struct {
	// ID is 256 random bits, base64url.
	ID string
	// Host is the request host the session was made on; a cookie
	// presented on another host is ignored.
	Host string
	// UserID is the signed-in user.
	UserID string
	// RefreshHash is the SHA-256 (lower-case hex) of the user's refresh
	// token, the form the database stores: enough to revoke the token at
	// sign-out, useless to replay it.
	RefreshHash string
	// Chats maps a tenant id to the assistant session of this browser
	// session in that tenant.
	Chats map[string]string
	// Flash is a one-time notice shown on the next page.
	Flash string
	// Secret is a one-time secret (new API key, invitation link) shown on
	// the next page only.
	Secret string
	// CreatedAt and LastSeen are for expiry: a session expires once it has
	// been idle (since LastSeen) longer than its store's idle timeout.
	CreatedAt, LastSeen time.Time
}

// Clone returns a deep copy of s.
func (s *BrowserSession) Clone() *BrowserSession {
	c := *s
	c.Chats = maps.Clone(s.Chats)
	return &c
}

// BrowserHandoverTTL is how long a browser handover code can be exchanged.
const BrowserHandoverTTL = time.Minute

// BrowserHandover is a one-time code that hands a signed-in browser over
// from the central host to a tenant's own host, where sessions of the
// central host do not count (they are host-bound). Only the code's hash is
// stored; the code itself travels once, in a redirect.
type BrowserHandover struct {
	// Hash is the SHA-256 (lower-case hex) of the code.
	Hash string
	// Host is the only request host the code may be exchanged on.
	Host string
	// UserID is the user the new session signs in.
	UserID string
	// Flash is the first notice of the new session.
	Flash string
	// ExpiresAt is when the code stops working, BrowserHandoverTTL after
	// it was made.
	ExpiresAt time.Time
}

// BrowserSessionStore keeps browser sessions on the server. Implementations
// are safe for concurrent use, and keep a session until its LastSeen plus
// their idle timeout: Get returns (nil, nil) for an unknown or expired
// session, and expired sessions are pruned. Save keeps at most
// MaxBrowserSessionsPerUser sessions of one user, dropping the least
// recently seen. Delete of an unknown session is no error. DeleteUser
// deletes every session of a user (a password reset signs them all out);
// a user without sessions is no error, and the user's pending handovers
// are deleted too.
//
// SaveHandover stores a handover until its ExpiresAt. TakeHandover deletes
// and returns the handover with hash, atomically, so that only one of
// concurrent callers gets it; it returns (nil, nil) for an unknown, taken
// or expired one.
type BrowserSessionStore interface {
	Get(ctx context.Context, id string) (*BrowserSession, error)
	Save(ctx context.Context, s *BrowserSession) error
	Delete(ctx context.Context, id string) error
	DeleteUser(ctx context.Context, userID string) error
	SaveHandover(ctx context.Context, h *BrowserHandover) error
	TakeHandover(ctx context.Context, hash string) (*BrowserHandover, error)
}
