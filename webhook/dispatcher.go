package webhook

import (
	"context"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
)

// Timings of the dispatcher.
const (
	// claimMargin is how much longer than an attempt's timeout a claim
	// lasts, so that no other process takes an attempt still in flight.
	claimMargin = 30 * time.Second
	// errorWait is how long a tenant's loop waits after a database error.
	errorWait = 5 * time.Second
	// dbTimeout bounds the dispatcher's own transactions.
	dbTimeout = 10 * time.Second
	// pruneEvery is the least time between two prunes of one tenant's
	// finished attempts by one process.
	pruneEvery = time.Hour
)

// Dispatcher delivers the events of every tenant to its endpoints in the
// background. Each tenant with work has a loop of its own that fans new
// events out into pending deliveries, claims due ones (at most Concurrency
// of the tenant's in flight) and sends them; so a tenant whose receiver
// hangs fills only its own slots, and its queue waits in the database.
//
// It learns of work three ways: Notify(tenantID), which the server calls
// when a tenant's events commit; a walk of every tenant at Start and every
// SweepInterval (one read per tenant, and for each tenant with an enabled
// endpoint a look at its outbox: the cost grows with the number of
// tenants, about tenants/SweepInterval small reads a second per process);
// and the tenant loop's own timer for the next due retry.
//
// Several processes may run one each on the same database: an attempt is
// claimed in a write transaction of its tenant (claimed_until,
// claimed_by), so one process sends it, and a claim left by a process that
// died runs out and is taken by another.
type Dispatcher struct {
	svc   *Service
	store tenantry.Store
	// owner names this dispatcher in claimed_by.
	owner string

	// run ends the loops (Close); sends ends the attempts in flight when
	// Close's context ends first.
	run, sends         context.Context
	stopRun, stopSends context.CancelFunc
	loops, inflight    sync.WaitGroup
	mu                 sync.Mutex
	tenants            map[string]*tenantLoop
	pruned             map[string]time.Time
	started, closed    bool
}

// tenantLoop is the state of one tenant's loop.
type tenantLoop struct {
	id   string
	wake chan struct{}
	busy int // attempts in flight, under Dispatcher.mu
}

// Dispatcher returns a dispatcher of s's endpoints on store; Start starts
// it.
func (s *Service) Dispatcher(store tenantry.Store) *Dispatcher {
	d := &Dispatcher{svc: s, store: store, owner: tenantry.NewID(), tenants: map[string]*tenantLoop{}, pruned: map[string]time.Time{}}
	d.run, d.stopRun = context.WithCancel(context.Background())
	d.sends, d.stopSends = context.WithCancel(context.Background())
	return d
}

// Start starts the walk of the tenants: at once, then every
// SweepInterval, until Close.
func (d *Dispatcher) Start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started || d.closed {
		return
	}
	d.started = true
	if d.svc.cfg.Events(d.store.Tenant(tenantry.NewID())) == nil {
		d.svc.cfg.Logger.Warn("webhooks: the store keeps no event outbox; endpoints can be registered, but no event is delivered")
	}
	d.loops.Add(1)
	go d.sweepLoop()
}

// Notify tells the dispatcher that tenantID has new events (or due
// deliveries); it returns at once.
func (d *Dispatcher) Notify(tenantID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.started || d.closed {
		return
	}
	t := d.tenants[tenantID]
	if t == nil {
		t = &tenantLoop{id: tenantID, wake: make(chan struct{}, 1)}
		d.tenants[tenantID] = t
		d.loops.Add(1)
		go d.loop(t)
	}
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Close stops the dispatcher: no attempt starts any more, the ones in
// flight finish and are recorded, and those still in flight when ctx ends
// are cancelled and released for another process (or the next start) to
// make again.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.stopRun()
	d.loops.Wait()
	done := make(chan struct{})
	go func() { d.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		d.stopSends()
		<-done
		return ctx.Err()
	}
}

// loop serves one tenant until it has nothing in flight and nothing due
// within a SweepInterval (the walk wakes it again for later work). With
// nothing to do it lingers for the rest of notifyGap before it ends, so
// that the commits of a busy tenant meanwhile make one round, not one
// each: every commit notifies, and a round reads the tenant's endpoints.
func (d *Dispatcher) loop(t *tenantLoop) {
	defer d.loops.Done()
	defer func() {
		d.mu.Lock()
		if d.tenants[t.id] == t {
			delete(d.tenants, t.id)
		}
		d.mu.Unlock()
	}()
	for d.run.Err() == nil {
		select {
		case <-t.wake:
		default:
		}
		began := time.Now()
		next, timed := d.round(t)
		d.mu.Lock()
		idle := d.idle(t, next, timed)
		d.mu.Unlock()
		if idle {
			if !d.linger(time.Until(began.Add(notifyGap))) {
				return
			}
			d.mu.Lock()
			if d.idle(t, next, timed) {
				// Under the lock that Notify takes: a Notify after
				// this starts a new loop.
				delete(d.tenants, t.id)
				d.mu.Unlock()
				return
			}
			d.mu.Unlock()
		}
		d.wait(t, next, timed)
	}
}

// notifyGap is the least time between two rounds of an idle tenant's
// loop: the first notification after a quiet spell is served at once,
// those within notifyGap of its round in one round after it.
const notifyGap = 50 * time.Millisecond

// idle says whether t has nothing in flight, no wake-up and nothing due
// within a SweepInterval, after a round that returned next and timed. The
// caller holds d.mu.
func (d *Dispatcher) idle(t *tenantLoop, next time.Time, timed bool) bool {
	return t.busy == 0 && len(t.wake) == 0 && (!timed || time.Until(next) > d.svc.cfg.SweepInterval)
}

// linger waits for dt (at most until Close begins); it says whether the
// dispatcher still runs.
func (d *Dispatcher) linger(dt time.Duration) bool {
	if dt > 0 {
		tm := time.NewTimer(dt)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-d.run.Done():
		}
	}
	return d.run.Err() == nil
}

// wait waits until t is woken, next comes (when timed) or Close begins.
func (d *Dispatcher) wait(t *tenantLoop, next time.Time, timed bool) {
	var timer <-chan time.Time
	if timed {
		tm := time.NewTimer(time.Until(next))
		defer tm.Stop()
		timer = tm.C
	}
	select {
	case <-t.wake:
	case <-timer:
	case <-d.run.Done():
	}
}

// round does one tenant's work: fan out, claim what is due into the free
// slots and start sending it. It returns when to look again (timed false:
// only when woken).
func (d *Dispatcher) round(t *tenantLoop) (next time.Time, timed bool) {
	ctx, cancel := context.WithTimeout(d.run, dbTimeout)
	defer cancel()
	ts := d.store.Tenant(t.id)
	log := func(what string, err error) (time.Time, bool) {
		if tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
			return time.Time{}, false // deleted: its rows went with it
		}
		if d.run.Err() == nil {
			d.svc.cfg.Logger.Error("webhooks: "+what, "tenant_id", t.id, "error", err.Error())
		}
		return time.Now().Add(errorWait), true
	}
	cs, err := cursors(ctx, ts)
	if err != nil {
		return log("read endpoints", err)
	}
	if len(cs) == 0 {
		// No enabled endpoint, so nothing pending either (disabling one
		// cancels its attempts): nothing to do.
		return time.Time{}, false
	}
	if es := d.svc.cfg.Events(ts); es != nil {
		if err := d.svc.fanOut(ctx, ts, es, cs); err != nil {
			return log("fan out events", err)
		}
	}
	if err := d.prune(ctx, ts); err != nil {
		return log("prune deliveries", err)
	}
	for {
		due, ok, err := nextDue(ctx, ts)
		if err != nil {
			return log("read due deliveries", err)
		}
		d.mu.Lock()
		free := d.svc.cfg.Concurrency - t.busy
		d.mu.Unlock()
		if !ok || free <= 0 || time.Now().Before(due) {
			// Full: a finished attempt wakes the loop.
			return due, ok && free > 0
		}
		jobs, err := d.svc.claim(ctx, ts, d.owner, free, time.Now().Add(d.svc.cfg.Timeout+claimMargin))
		if err != nil {
			return log("claim deliveries", err)
		}
		if len(jobs) == 0 {
			// Due but not claimable: the tenant is not active, or
			// another process was first. The walk looks again.
			return time.Now().Add(d.svc.cfg.SweepInterval), true
		}
		for _, j := range jobs {
			d.send(t, j)
		}
	}
}

// send makes one claimed attempt in the background and records it (or
// releases it, when Close cut it short).
func (d *Dispatcher) send(t *tenantLoop, j job) {
	d.mu.Lock()
	t.busy++
	d.mu.Unlock()
	d.inflight.Add(1)
	go func() {
		defer d.inflight.Done()
		r, aborted := d.svc.attempt(d.sends, t.id, j)
		ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
		defer cancel()
		ts := d.store.Tenant(t.id)
		var err error
		if aborted {
			err = release(ctx, ts, d.owner, j)
		} else {
			err = d.svc.record(ctx, ts, d.owner, j, r)
		}
		if err != nil {
			d.svc.cfg.Logger.Error("webhooks: record attempt", "tenant_id", t.id, "delivery_id", j.id, "error", err.Error())
		}
		d.mu.Lock()
		t.busy--
		d.mu.Unlock()
		d.Notify(t.id)
	}()
}

// prune deletes the tenant's finished attempts older than Retention, at
// most once every pruneEvery per tenant.
func (d *Dispatcher) prune(ctx context.Context, ts tenantry.TenantStore) error {
	d.mu.Lock()
	last := d.pruned[ts.ID()]
	d.mu.Unlock()
	if time.Since(last) < pruneEvery {
		return nil
	}
	if err := prune(ctx, ts, time.Now().Add(-d.svc.cfg.Retention)); err != nil {
		return err
	}
	d.mu.Lock()
	d.pruned[ts.ID()] = time.Now()
	d.mu.Unlock()
	return nil
}
