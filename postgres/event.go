package postgres

// OnEvents sets the function called after each commit of a tenant's write
// transaction (and of a platform change that wrote the tenant an event)
// with the tenant's id: the server wakes its event streams and tells the
// other processes. A write that wrote no event calls it too, which costs
// a stream one read that finds nothing. Set it before serving; nil
// removes it.
func (db *DB) OnEvents(fn func(tenantID string)) { db.onEvents.Store(&fn) }

// eventsCommitted calls the OnEvents function for tenantID.
func (db *DB) eventsCommitted(tenantID string) {
	if p := db.onEvents.Load(); p != nil && *p != nil {
		(*p)(tenantID)
	}
}
