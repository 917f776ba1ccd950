package core

import (
	"context"
	"encoding/json"

	"github.com/tenantry/tenantry"
)

// UpdateSettings merges patch into the settings (RFC 7386) and returns the
// tenant (validation_failed naming each key a tenant may not set, or
// settings that break their rules). The settings come back as a reader
// decodes them from the database: numbers as float64.
func (s Rules) UpdateSettings(ctx context.Context, patch tenantry.Settings) (*tenantry.Tenant, error) {
	if err := patch.CheckPatch(tenantry.ByTenant, ""); err != nil {
		return nil, err
	}
	var out *tenantry.Tenant
	err := s.ts.Write(ctx, func(tx tenantry.Tx) error {
		t, err := tx.Tenant(ctx)
		if err != nil {
			return err
		}
		next := t.Settings.MergePatch(patch)
		if msg := next.Validate(); msg != "" {
			return tenantry.Invalid(map[string]string{"settings": msg})
		}
		raw, err := json.Marshal(next)
		if err != nil {
			return tenantry.Invalid(map[string]string{"settings": "must be a JSON object"})
		}
		u := *t
		u.Settings, u.UpdatedAt = tenantry.Settings{}, tenantry.Now()
		if err := json.Unmarshal(raw, &u.Settings); err != nil {
			return err
		}
		tx.Queue(ctx, `UPDATE tenants SET settings = $2, updated_at = $3 WHERE id = $1`, t.ID, string(raw), u.UpdatedAt)
		out = &u
		return tx.Audit(ctx, "settings.update", "tenant", t.ID, map[string]any{"patch": patch})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
