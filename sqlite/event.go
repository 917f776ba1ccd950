package sqlite

// OnEvents sets the function called, after each commit that wrote events,
// once per tenant whose outbox grew: the server wakes its event streams
// and tells the other processes. Set it before serving; nil removes it.
func (db *DB) OnEvents(fn func(tenantID string)) { db.onEvents.Store(&fn) }

// eventsCommitted calls the OnEvents function for each tenant.
func (db *DB) eventsCommitted(tenants []string) {
	p := db.onEvents.Load()
	if p == nil || *p == nil {
		return
	}
	for _, id := range tenants {
		(*p)(id)
	}
}
