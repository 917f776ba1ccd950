// Package dbbus is the engine of the database-backed tenantry.Bus of the
// sqlite and postgres packages: invalidations travel as rows of a
// platform table, invalidations (id increasing, kind, subject tenant,
// user, key, origin, created_at), which every subscribed process polls.
//
// A backend supplies the four statements (Table); this package does the
// rest (Bus, and Local for the rows a store writes in a change's own
// transaction): immediate delivery to the publishing Bus's own subscribers,
// polling in id order, skipping the rows the Bus itself published, logging
// and retrying database errors, and pruning old rows now and then.
//
// The table must give ids in commit order: a poller that has read id n
// never looks below n again, so a row committed after a higher id was
// already read would be missed. SQLite has one writer at a time; the
// PostgreSQL backend serialises its inserts with an advisory lock.
package dbbus

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
)

// Defaults of Options.
const (
	DefaultPollInterval = 250 * time.Millisecond
	DefaultBatch        = 500
	DefaultRetention    = 10 * time.Minute
	DefaultPruneEvery   = time.Minute
	// publishTimeout bounds one insert, so that an unreachable database
	// does not hold the change that caused the publication for long.
	publishTimeout = 2 * time.Second
)

// Options tunes a Bus. Zero values take the defaults.
type Options struct {
	// PollInterval is how often a subscriber reads new rows (default
	// 250 ms): the bound on how late another process hears of a change.
	PollInterval time.Duration
	// Batch is the most rows one poll reads (default 500); a full batch is
	// followed at once by another read.
	Batch int
	// Retention is how old a row gets before pruning deletes it (default
	// 10 minutes).
	Retention time.Duration
	// PruneEvery is the least time between two prunes by one Bus (default
	// one minute). Subscribers prune; a Bus that only publishes never does.
	PruneEvery time.Duration
	// Logger receives database errors (default slog.Default()).
	Logger *slog.Logger
}

// Row is one invalidation read back from the table.
type Row struct {
	ID     int64
	Origin string
	Inv    tenantry.Invalidation
}

// Table is the backend's side: the statements on the invalidations table.
type Table interface {
	// Insert adds a row for inv published by origin.
	Insert(ctx context.Context, origin string, inv tenantry.Invalidation) error
	// MaxID returns the highest id in the table, 0 when it is empty.
	MaxID(ctx context.Context) (int64, error)
	// After returns up to limit rows with an id above id, in id order.
	After(ctx context.Context, id int64, limit int) ([]Row, error)
	// Prune deletes the rows created more than olderThan ago and returns
	// how many it deleted.
	Prune(ctx context.Context, olderThan time.Duration) (int64, error)
}

// Bus is a tenantry.Bus over a Table.
type Bus struct {
	table  Table
	opts   Options
	name   string // the backend, for logs
	origin string

	mu        sync.Mutex
	local     map[*inmem.Bus]struct{}
	lastPrune time.Time
}

var _ tenantry.Bus = (*Bus)(nil)

// New returns a Bus over table; name (for example "sqlite") appears in its
// log lines. Its rows are marked with origin, the Origin of the handle's
// Local, and its pollers skip the rows so marked.
func New(table Table, name, origin string, opts Options) *Bus {
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.PruneEvery <= 0 {
		opts.PruneEvery = DefaultPruneEvery
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Bus{
		table:  table,
		opts:   opts,
		name:   name,
		origin: origin,
		local:  make(map[*inmem.Bus]struct{}),
		// The first prune waits one PruneEvery, so that short-lived
		// processes never prune.
		lastPrune: time.Now(),
	}
}

// Publish delivers inv to this Bus's own subscribers at once, then inserts
// it for the other processes, waiting at most two seconds. Local delivery
// happens even when the insert fails; the error then says the other
// processes were not told.
func (b *Bus) Publish(ctx context.Context, inv tenantry.Invalidation) error {
	b.mu.Lock()
	for q := range b.local {
		q.Publish(ctx, inv)
	}
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := b.table.Insert(ctx, b.origin, inv); err != nil {
		return fmt.Errorf("%s: publish invalidation: %w", b.name, err)
	}
	return nil
}

// Subscribe registers fn before it returns and calls it, from one
// goroutine and one invalidation at a time, for every invalidation
// published through this Bus or (polled from the table, in id order)
// through any other Bus on the same database, until ctx is done. Rows
// already in the table when Subscribe is called are not delivered. When
// the database cannot be read at that moment, the starting point is taken
// on the first poll that succeeds.
func (b *Bus) Subscribe(ctx context.Context, fn func(tenantry.Invalidation)) {
	q := inmem.NewBus()
	q.Subscribe(ctx, fn)
	b.mu.Lock()
	b.local[q] = struct{}{}
	b.mu.Unlock()
	p := &poller{bus: b, q: q}
	if ctx.Err() == nil {
		p.start(ctx)
	}
	go func() {
		defer func() {
			b.mu.Lock()
			delete(b.local, q)
			b.mu.Unlock()
		}()
		p.run(ctx)
	}()
}

// Prune deletes the rows older than Options.Retention and returns how many
// it deleted. Subscribers call it at most once per Options.PruneEvery.
func (b *Bus) Prune(ctx context.Context) (int64, error) {
	n, err := b.table.Prune(ctx, b.opts.Retention)
	if err != nil {
		return 0, fmt.Errorf("%s: prune invalidations: %w", b.name, err)
	}
	return n, nil
}

// prune prunes when PruneEvery has passed since this Bus last did.
func (b *Bus) prune(ctx context.Context) {
	b.mu.Lock()
	due := time.Since(b.lastPrune) >= b.opts.PruneEvery
	if due {
		b.lastPrune = time.Now()
	}
	b.mu.Unlock()
	if !due {
		return
	}
	n, err := b.Prune(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		b.opts.Logger.Warn("invalidation bus: prune failed; trying again later", "backend", b.name, "err", err)
	case n > 0:
		b.opts.Logger.Debug("invalidation bus: pruned old rows", "backend", b.name, "rows", n)
	}
}

// poller is the table-reading half of one Subscribe.
type poller struct {
	bus     *Bus
	q       *inmem.Bus
	last    int64
	started bool // last is known
	down    bool // the last read failed
}

// start takes the starting point: the current highest id.
func (p *poller) start(ctx context.Context) {
	id, err := p.bus.table.MaxID(ctx)
	if err != nil {
		p.failed(ctx, err)
		return
	}
	p.last, p.started = id, true
	p.recovered()
}

// run polls every PollInterval until ctx is done.
func (p *poller) run(ctx context.Context) {
	t := time.NewTicker(p.bus.opts.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !p.started {
			p.start(ctx)
			continue
		}
		p.poll(ctx)
		if ctx.Err() == nil {
			p.bus.prune(ctx)
		}
	}
}

// poll reads and delivers the new rows, batch after batch while batches
// come back full.
func (p *poller) poll(ctx context.Context) {
	for ctx.Err() == nil {
		rows, err := p.bus.table.After(ctx, p.last, p.bus.opts.Batch)
		if err != nil {
			p.failed(ctx, err)
			return
		}
		p.recovered()
		for _, r := range rows {
			p.last = r.ID
			if r.Origin != p.bus.origin {
				p.q.Publish(ctx, r.Inv)
			}
		}
		if len(rows) < p.bus.opts.Batch {
			return
		}
	}
}

// failed logs the first of a run of read errors; the next tick retries.
func (p *poller) failed(ctx context.Context, err error) {
	if ctx.Err() != nil || p.down {
		return
	}
	p.down = true
	p.bus.opts.Logger.Warn("invalidation bus: cannot read the database; retrying every poll interval",
		"backend", p.bus.name, "err", err)
}

// recovered logs the end of a run of read errors.
func (p *poller) recovered() {
	if p.down {
		p.down = false
		p.bus.opts.Logger.Info("invalidation bus: reading the database again", "backend", p.bus.name)
	}
}
