package webhook

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/tenantry/tenantry"
)

// fanOutBatch is how many events one step of fanOut reads.
const fanOutBatch = 200

// cursor is where an enabled endpoint stands in its tenant's outbox.
type cursor struct {
	id     string
	events []string
	after  int64
	since  string
}

// job is one claimed attempt.
type job struct {
	id, webhookID, messageID string
	eventID, eventType       string
	seq                      int64
	attempt                  int
	payload                  string
	url, sealed              string
}

// cursors reads where each enabled endpoint of the tenant stands in its
// outbox.
func cursors(ctx context.Context, ts tenantry.TenantStore) ([]cursor, error) {
	var cs []cursor
	err := ts.Read(ctx, func(tx tenantry.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, events, after_seq, since FROM webhooks WHERE tenant_id = $1 AND disabled_at IS NULL ORDER BY id`, tx.TenantID())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c cursor
			var events string
			if err := rows.Scan(&c.id, &events, &c.after, &c.since); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(events), &c.events); err != nil {
				return err
			}
			cs = append(cs, c)
		}
		return rows.Err()
	})
	return cs, err
}

// fanOut turns the tenant's new events into pending deliveries, one per
// event and enabled endpoint (cs, as cursors read them) that wants it,
// and moves each endpoint's place in the outbox past them. The move is
// conditional on the place read, so two processes never fan one event out
// twice (and the unique key on (webhook, event, attempt) backs that up).
func (s *Service) fanOut(ctx context.Context, ts tenantry.TenantStore, es tenantry.EventStore, cs []cursor) error {
	for len(cs) > 0 {
		from := cs[0].after
		for _, c := range cs {
			from = min(from, c.after)
		}
		evs, err := es.Events(ctx, from, fanOutBatch)
		if err != nil || len(evs) == 0 {
			return err
		}
		if err := ts.Write(ctx, func(tx tenantry.Tx) error { return s.enqueue(ctx, tx, cs, evs) }); err != nil {
			return err
		}
		if len(evs) < fanOutBatch {
			return nil
		}
		if cs, err = cursors(ctx, ts); err != nil {
			return err
		}
	}
	return nil
}

// enqueue writes the deliveries of evs for each endpoint of cs in tx.
func (s *Service) enqueue(ctx context.Context, tx tenantry.Tx, cs []cursor, evs []*tenantry.Event) error {
	last := evs[len(evs)-1].Seq
	now := stamp(time.Now())
	for _, c := range cs {
		if last <= c.after {
			continue
		}
		n, err := tx.Exec(ctx, `UPDATE webhooks SET after_seq = $3 WHERE tenant_id = $1 AND id = $2 AND after_seq = $4 AND disabled_at IS NULL`,
			tx.TenantID(), c.id, last, c.after)
		if err != nil {
			return err
		}
		if n == 0 {
			continue // another process moved it, or it was disabled
		}
		for _, ev := range evs {
			if ev.Seq <= c.after || !wants(c.events, ev.Type) || stamp(ev.At) < c.since {
				continue
			}
			payload, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, message_id, event_seq, event_id, event_type, payload, attempt, status, created_at, next_attempt_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 'pending', $9, $9)`,
				tx.TenantID(), tenantry.NewID(), c.id, tenantry.NewID(), ev.Seq, ev.ID, ev.Type, string(payload), now); err != nil {
				return err
			}
		}
	}
	return nil
}

// nextDue returns when the tenant's next pending attempt falls due (an
// attempt claimed by a process falls due again when its claim runs out),
// false when there is none.
func nextDue(ctx context.Context, ts tenantry.TenantStore) (time.Time, bool, error) {
	var next sql.NullString
	err := ts.Read(ctx, func(tx tenantry.Tx) error {
		return tx.QueryRow(ctx, `SELECT MIN(CASE WHEN claimed_until IS NOT NULL AND claimed_until > next_attempt_at THEN claimed_until ELSE next_attempt_at END)
			FROM webhook_deliveries WHERE tenant_id = $1 AND status = 'pending'`, tx.TenantID()).Scan(&next)
	})
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return parseStamp(next.String), true, nil
}

// claim takes up to n due attempts of an active tenant for owner until
// the claim runs out, in one write transaction (the tenant's row is
// locked, so two processes never claim one attempt).
func (s *Service) claim(ctx context.Context, ts tenantry.TenantStore, owner string, n int, until time.Time) ([]job, error) {
	var jobs []job
	err := ts.Write(ctx, func(tx tenantry.Tx) error {
		jobs = nil
		t, err := tx.Tenant(ctx)
		if err != nil || t.Status != tenantry.TenantActive {
			return err
		}
		now := stamp(time.Now())
		rows, err := tx.Query(ctx, `SELECT d.id, d.webhook_id, d.message_id, d.event_id, d.event_type, d.event_seq, d.attempt, d.payload, w.url, w.secret
			FROM webhook_deliveries d JOIN webhooks w ON w.tenant_id = d.tenant_id AND w.id = d.webhook_id
			WHERE d.tenant_id = $1 AND d.status = 'pending' AND d.next_attempt_at <= $2 AND (d.claimed_until IS NULL OR d.claimed_until <= $2) AND w.disabled_at IS NULL
			ORDER BY d.next_attempt_at, d.id LIMIT $3`, tx.TenantID(), now, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j job
			if err := rows.Scan(&j.id, &j.webhookID, &j.messageID, &j.eventID, &j.eventType, &j.seq, &j.attempt, &j.payload, &j.url, &j.sealed); err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for _, j := range jobs {
			if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET claimed_until = $3, claimed_by = $4 WHERE tenant_id = $1 AND id = $2`,
				tx.TenantID(), j.id, stamp(until), owner); err != nil {
				return err
			}
		}
		return nil
	})
	return jobs, err
}

// release gives a claimed attempt back, unsent, for any process to make.
func release(ctx context.Context, ts tenantry.TenantStore, owner string, j job) error {
	return ts.Write(ctx, func(tx tenantry.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET claimed_until = NULL, claimed_by = NULL WHERE tenant_id = $1 AND id = $2 AND claimed_by = $3 AND status = 'pending'`,
			tx.TenantID(), j.id, owner)
		return err
	})
}

// record writes the result of a claimed attempt: the attempt's row, the
// next attempt when it failed and another is left, the endpoint's count of
// failed deliveries, and its disablement when the count reaches
// DisableAfter (audited as webhook.disable by the system). An attempt whose
// claim was lost (its endpoint deleted or disabled meanwhile) is dropped.
func (s *Service) record(ctx context.Context, ts tenantry.TenantStore, owner string, j job, r result) error {
	return ts.Write(ctx, func(tx tenantry.Tx) error {
		status := StatusSucceeded
		var next *string
		retry, again := s.retryAfter(j.attempt)
		if !r.ok() {
			status = StatusFailed
			if again {
				at := stamp(r.at.Add(r.duration + retry))
				next = &at
			}
		}
		var code *int
		if r.code != 0 {
			code = &r.code
		}
		var errText *string
		if r.errText != "" {
			errText = &r.errText
		}
		n, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = $3, status_code = $4, error = $5, duration_ms = $6, attempted_at = $7, next_attempt_at = $8,
			claimed_until = NULL, claimed_by = NULL WHERE tenant_id = $1 AND id = $2 AND claimed_by = $9 AND status = 'pending'`,
			tx.TenantID(), j.id, status, code, errText, r.duration.Milliseconds(), stamp(r.at), next, owner)
		if err != nil || n == 0 {
			return err
		}
		switch {
		case r.ok():
			_, err = tx.Exec(ctx, `UPDATE webhooks SET failures = 0 WHERE tenant_id = $1 AND id = $2 AND failures <> 0`, tx.TenantID(), j.webhookID)
			return err
		case next != nil:
			_, err = tx.Exec(ctx, `INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, message_id, event_seq, event_id, event_type, payload, attempt, status, created_at, next_attempt_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)`,
				tx.TenantID(), tenantry.NewID(), j.webhookID, j.messageID, j.seq, j.eventID, j.eventType, j.payload, j.attempt+1, stamp(time.Now()), *next)
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE webhooks SET failures = failures + 1 WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), j.webhookID); err != nil {
			return err
		}
		var failures int
		if err := tx.QueryRow(ctx, `SELECT failures FROM webhooks WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), j.webhookID).Scan(&failures); err != nil {
			return err
		}
		if failures < s.cfg.DisableAfter {
			return nil
		}
		return disable(ctx, tx, j.webhookID, "Disabled after repeated failed deliveries.", map[string]any{"reason": "failures", "failures": failures})
	})
}

// prune deletes the tenant's finished attempts created before cutoff.
func prune(ctx context.Context, ts tenantry.TenantStore, cutoff time.Time) error {
	return ts.Write(ctx, func(tx tenantry.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND status <> 'pending' AND created_at < $2`, tx.TenantID(), stamp(cutoff))
		return err
	})
}
