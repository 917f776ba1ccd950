package app

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tenantry/tenantry"
)

func TestPoolCollector(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(newPoolCollector(func() tenantry.PoolStats {
		return tenantry.PoolStats{Max: 9, Open: 4, InUse: 2, WaitCount: 7, WaitDuration: 1500 * time.Millisecond}
	}))
	want := `
# HELP tenantry_db_in_use_connections Database connections serving a transaction.
# TYPE tenantry_db_in_use_connections gauge
tenantry_db_in_use_connections 2
# HELP tenantry_db_max_connections Most connections the database pool opens.
# TYPE tenantry_db_max_connections gauge
tenantry_db_max_connections 9
# HELP tenantry_db_open_connections Open database connections.
# TYPE tenantry_db_open_connections gauge
tenantry_db_open_connections 4
# HELP tenantry_db_wait_seconds_total Time spent waiting for a free database connection.
# TYPE tenantry_db_wait_seconds_total counter
tenantry_db_wait_seconds_total 1.5
# HELP tenantry_db_wait_total Waits for a free database connection.
# TYPE tenantry_db_wait_total counter
tenantry_db_wait_total 7
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}
