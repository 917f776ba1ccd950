package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool returns the runtime pool, for tests that bypass the application's
// own filters to prove that row level security holds on its own.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }
