package ui

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/presence"
)

// eventStream serves GET /events?topic= to a signed-in member: the
// tenant's event stream (events.Streamer, as GET /api/events serves it to
// bearer credentials) with the browser session as the credential, so that
// an EventSource of the pages (live.js) needs no token. It ends when the
// member is removed or the tenant suspended; the session's own end shows
// at the next page load.
func (h *Handler) eventStream(q *request) error {
	if h.cfg.Events == nil {
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "Live updates are not enabled on this server.")
	}
	topic, err := presence.ParseTopic(q.r.URL.Query().Get("topic"))
	if err != nil {
		return err
	}
	after := int64(events.FromNow)
	if v := q.r.Header.Get("Last-Event-ID"); v != "" {
		if after, err = events.ParseLastEventID(v); err != nil {
			return err
		}
	}
	st := events.Stream{
		Store: q.store, Tenant: q.tenant, Role: q.member.Role,
		Who:      presence.Entry{UserID: q.user.ID, Name: q.user.Name, Email: q.user.Email},
		MemberID: q.user.ID, After: after, Topic: topic,
		MaxStreams: h.cfg.Plans.Limit(q.tenant, tenantry.LimitMaxEventStreams),
	}
	return h.cfg.Events.Serve(q.w, q.r.WithContext(q.ctx()), st)
}
