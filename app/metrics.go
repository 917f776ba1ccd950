package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tenantry/tenantry"
)

// poolCollector exports a storage backend's connection pool figures.
type poolCollector struct {
	stats                           func() tenantry.PoolStats
	max, open, inUse, waits, waited *prometheus.Desc
}

func newPoolCollector(stats func() tenantry.PoolStats) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("tenantry_db_"+name, help, nil, nil)
	}
	return &poolCollector{
		stats:  stats,
		max:    d("max_connections", "Most connections the database pool opens."),
		open:   d("open_connections", "Open database connections."),
		inUse:  d("in_use_connections", "Database connections serving a transaction."),
		waits:  d("wait_total", "Waits for a free database connection."),
		waited: d("wait_seconds_total", "Time spent waiting for a free database connection."),
	}
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.max, c.open, c.inUse, c.waits, c.waited} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(c.max, prometheus.GaugeValue, float64(s.Max))
	ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(s.Open))
	ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(s.InUse))
	ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(s.WaitCount))
	ch <- prometheus.MustNewConstMetric(c.waited, prometheus.CounterValue, s.WaitDuration.Seconds())
}
