package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// refreshColumns are the columns scanRefresh reads, in order.
const refreshColumns = `id, user_id, family_id, hash, expires_at, created_at, revoked_at`

// scanRefresh scans one row of refreshColumns (not_found).
func scanRefresh(row scanner) (*tenantry.RefreshToken, error) {
	var rt tenantry.RefreshToken
	if err := row.Scan(&rt.ID, &rt.UserID, &rt.FamilyID, &rt.Hash, &rt.ExpiresAt, &rt.CreatedAt, &rt.RevokedAt); err != nil {
		return nil, err
	}
	return &rt, nil
}

// errBadRefresh is the one answer to a refresh token that cannot be used.
func errBadRefresh() error {
	return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The refresh token is not valid.")
}

// insertRefresh checks rt, fills in its ID, FamilyID and CreatedAt when
// empty and inserts it in tx (validation_failed, not_found for an unknown
// user, conflict for a hash that exists).
func insertRefresh(ctx context.Context, tx GlobalTx, rt *tenantry.RefreshToken) error {
	if rt.Hash == "" || rt.UserID == "" || rt.ExpiresAt.IsZero() {
		return tenantry.Invalid(map[string]string{"refresh_token": "hash, user and expiry are required"})
	}
	uid, err := userOf(rt.UserID)
	if err != nil {
		return err
	}
	rt.UserID = uid
	if rt.ID == "" {
		rt.ID = tenantry.NewID()
	}
	if rt.FamilyID == "" {
		rt.FamilyID = tenantry.NewID()
	}
	if rt.CreatedAt.IsZero() {
		rt.CreatedAt = tenantry.Now()
	}
	_, err = tx.Exec(ctx, `INSERT INTO refresh_tokens (id, user_id, family_id, hash, expires_at, created_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, rt.ID, rt.UserID, rt.FamilyID, rt.Hash, rt.ExpiresAt, rt.CreatedAt, rt.RevokedAt)
	switch {
	case tenantry.IsCode(err, tenantry.ECONFLICT):
		return tenantry.Errorf(tenantry.ECONFLICT, "This refresh token already exists.")
	case tenantry.IsCode(err, tenantry.ENOTFOUND):
		return errUserNotFound()
	}
	return err
}

// revokeFamily revokes every live token of rt's family, whose access
// tokens then stop in every process (SessionRevoked).
func revokeFamily(ctx context.Context, tx GlobalTx, rt *tenantry.RefreshToken) {
	tx.Queue(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
		rt.FamilyID, tenantry.Now())
	tx.Invalidate(tenantry.SessionRevoked(rt))
}

// CreateRefreshToken stores a new refresh token; ID, FamilyID and
// CreatedAt are filled in when empty (validation_failed without a hash,
// user or expiry; not_found for an unknown user).
func (a Accounts) CreateRefreshToken(ctx context.Context, rt *tenantry.RefreshToken) error {
	return a.g.Write(ctx, func(tx GlobalTx) error { return insertRefresh(ctx, tx, rt) })
}

// RotateRefreshToken revokes the live token with oldHash and stores next in
// its family and for its user, in one transaction. The revocation is one
// UPDATE of a live, unexpired token, so of two rotations of one token only
// the first finds it live. A token that is unknown, expired or already
// revoked is unauthenticated; a revoked one also revokes its whole family
// (reuse detection), which is committed, and is returned with the error.
func (a Accounts) RotateRefreshToken(ctx context.Context, oldHash string, next *tenantry.RefreshToken) (*tenantry.RefreshToken, error) {
	var (
		old    *tenantry.RefreshToken
		reused bool
	)
	err := a.g.Write(ctx, func(tx GlobalTx) error {
		now := tenantry.Now()
		var err error
		old, err = scanRefresh(tx.QueryRow(ctx, `UPDATE refresh_tokens SET revoked_at = $2
			WHERE hash = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING `+refreshColumns, oldHash, now))
		if err == nil {
			next.UserID, next.FamilyID = old.UserID, old.FamilyID
			return insertRefresh(ctx, tx, next)
		} else if !tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return err
		}
		old, err = scanRefresh(tx.QueryRow(ctx, `SELECT `+refreshColumns+` FROM refresh_tokens WHERE hash = $1`, oldHash))
		switch {
		case tenantry.IsCode(err, tenantry.ENOTFOUND):
			return errBadRefresh()
		case err != nil:
			return err
		case old.RevokedAt == nil: // expired
			return errBadRefresh()
		}
		reused = true
		revokeFamily(ctx, tx, old)
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case reused:
		return old, errBadRefresh()
	}
	return old, nil
}

// RevokeRefreshToken revokes the token with hash and its family and
// returns the token (not_found when unknown).
func (a Accounts) RevokeRefreshToken(ctx context.Context, hash string) (*tenantry.RefreshToken, error) {
	return write(ctx, a.g, func(tx GlobalTx) (*tenantry.RefreshToken, error) {
		rt, err := scanRefresh(tx.QueryRow(ctx, `SELECT `+refreshColumns+` FROM refresh_tokens WHERE hash = $1`, hash))
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Refresh token not found.")
		} else if err != nil {
			return nil, err
		}
		revokeFamily(ctx, tx, rt)
		return rt, nil
	})
}

// RefreshFamilyLive reports whether the refresh token family familyID
// still has a token that is not revoked (false for an unknown family).
func (a Accounts) RefreshFamilyLive(ctx context.Context, familyID string) (bool, error) {
	id, ok := tenantry.ParseID(familyID)
	if !ok {
		return false, nil
	}
	return read(ctx, a.g, func(tx GlobalTx) (bool, error) {
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM refresh_tokens
			WHERE family_id = $1 AND revoked_at IS NULL LIMIT 1) AS f`, id).Scan(&n)
		return n > 0, err
	})
}
