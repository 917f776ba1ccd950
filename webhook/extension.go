package webhook

import (
	"embed"
	"io/fs"

	"github.com/tenantry/tenantry"
)

//go:embed migrations
var migrations embed.FS

// LimitMaxWebhooks is the extension's plan limit: how many endpoints one
// tenant may register.
const LimitMaxWebhooks = "max_webhooks"

// Extension declares the webhooks tables (webhooks, webhook_deliveries),
// their migrations per dialect, the max_webhooks limit and the webhooks
// usage counter. Tenantry's own server always opens its store with it.
func Extension() tenantry.Extension {
	sqlite, _ := fs.Sub(migrations, "migrations/sqlite")
	postgres, _ := fs.Sub(migrations, "migrations/postgres")
	return tenantry.Extension{Name: "webhooks", Tables: []string{"webhooks", "webhook_deliveries"}, SQLite: sqlite, Postgres: postgres,
		Limits: map[string]map[string]int64{LimitMaxWebhooks: {"free": 3, "starter": 10, "pro": 50}},
		Usage:  map[string]string{"webhooks": `SELECT count(*) FROM webhooks WHERE tenant_id = $1`}}
}
