package webhook

import (
	"context"
	"time"

	"github.com/tenantry/tenantry"
)

// sweepPage is how many tenants one page of the walk reads.
const sweepPage = 200

// sweepLoop walks the tenants at once and then every SweepInterval.
func (d *Dispatcher) sweepLoop() {
	defer d.loops.Done()
	tick := time.NewTicker(d.svc.cfg.SweepInterval)
	defer tick.Stop()
	for {
		if err := d.sweep(d.run); err != nil && d.run.Err() == nil {
			d.svc.cfg.Logger.Error("webhooks: walk the tenants", "error", err.Error())
		}
		select {
		case <-tick.C:
		case <-d.run.Done():
			return
		}
	}
}

// sweep notifies every active tenant that has an enabled endpoint: its
// loop then fans out the events it was not told of and sends what is due
// (pending deliveries belong to enabled endpoints only: disabling one
// cancels them). The directory is read through the platform, page by
// page; each tenant's endpoints through its own read transaction.
func (d *Dispatcher) sweep(ctx context.Context) error {
	f := tenantry.TenantFilter{Status: tenantry.TenantActive, Page: tenantry.Page{Limit: sweepPage}}
	for {
		tenants, next, err := d.store.Platform().Tenants(ctx, f)
		if err != nil {
			return err
		}
		for _, t := range tenants {
			var n int
			err := d.store.Tenant(t.ID).Read(ctx, func(tx tenantry.Tx) error {
				return tx.QueryRow(ctx, `SELECT count(*) FROM webhooks WHERE tenant_id = $1 AND disabled_at IS NULL`, tx.TenantID()).Scan(&n)
			})
			if err != nil {
				return err
			}
			if n > 0 {
				d.Notify(t.ID)
			}
		}
		if next == "" {
			return nil
		}
		f.Cursor = next
	}
}
