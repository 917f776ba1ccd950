package http

import (
	"net/http"
	"strconv"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/presence"
)

// streamHandler is a handler of a long-lived stream: it gets the caller's
// principal too (its credential's expiry ends the stream).
type streamHandler func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// streamRoute serves a tenant's long-lived stream inside the tenant chain
// (authentication, resolution, status, membership, the tenant's rate
// limit and request count, metrics and the access log, which see the
// stream when it ends) but outside the request deadline, the in-flight
// cap and the fair gate: a stream holds no database connection while it
// waits, and max_event_streams bounds how many a tenant holds. It has no
// body, so the body limit does not apply.
func (s *Server) streamRoute(h streamHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.serveStream(w, r, h); err != nil {
			Error(w, r, err)
		}
	})
}

// serveStream is serveTenant for a stream.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, h streamHandler) error {
	if err := prologue(r, w, 0); err != nil {
		return err
	}
	p, t, id, err := s.tenantCaller(r)
	if err != nil {
		return err
	}
	if err := s.rateLimitTenant(w, r, t); err != nil {
		return err
	}
	s.requests.add(t.ID)
	ctx := tenantry.NewContextWithIdentity(s.withTenant(r.Context(), t), id)
	return h(w, r.WithContext(ctx), p)
}

// handleEvents answers GET /api/events: the resolved tenant's events that
// the caller's role may see, as Server-Sent Events (events.Streamer),
// from the event after Last-Event-ID (or ?after=), or from now on; with
// ?topic= the stream also tells who else is on that topic (presence).
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if s.cfg.Events == nil {
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "Event streams are not enabled on this server.")
	}
	ctx := r.Context()
	t, id := tenantOf(r), tenantry.IdentityFromContext(ctx)
	q := r.URL.Query()
	after := int64(events.FromNow)
	var err error
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		after, err = events.ParseLastEventID(v)
	} else if q.Has("after") {
		after, err = events.ParseLastEventID(q.Get("after"))
	}
	if err != nil {
		return err
	}
	topic, err := presence.ParseTopic(q.Get("topic"))
	if err != nil {
		return err
	}
	st := events.Stream{Store: s.store.Tenant(t.ID), Tenant: t, Role: id.Role, After: after, Topic: topic,
		MaxStreams: s.plans.Limit(t, tenantry.LimitMaxEventStreams), Expires: p.ExpiresAt}
	if p.APIKeyID != "" {
		st.APIKeyID, st.MemberID = p.APIKeyID, p.CreatorID
		st.Who = presence.Entry{UserID: p.APIKeyID, Name: "API key"}
	} else {
		u, err := s.user(ctx, p.UserID)
		if err != nil {
			return err
		}
		st.MemberID = u.ID
		st.Who = presence.Entry{UserID: u.ID, Name: u.Name, Email: u.Email}
	}
	err = s.cfg.Events.Serve(w, r, st)
	if tenantry.IsCode(err, tenantry.ERATELIMITED) {
		s.metrics.throttled.Inc()
	}
	return err
}

// handleAdminEvents answers GET /api/admin/events?tenant_id=&after=&limit=
// (platform admins): one tenant's outbox after seq after, oldest first.
// Sequences are per tenant, so the tenant is required.
func (s *Server) handleAdminEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ref := q.Get("tenant_id")
	if ref == "" {
		return tenantry.Invalid(map[string]string{"tenant_id": "required"})
	}
	t, err := s.resolver.Ref(r.Context(), ref)
	if err != nil {
		return err
	}
	after, err := events.ParseLastEventID(q.Get("after"))
	if err != nil {
		return tenantry.Invalid(map[string]string{"after": "must be a whole number from 0"})
	}
	limit := 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > tenantry.MaxEventLimit {
			return tenantry.Invalid(map[string]string{"limit": "must be a whole number from 1 to 1000"})
		}
	}
	evs, err := s.store.Platform().Events(r.Context(), tenantry.EventFilter{TenantID: t.ID, After: after, Limit: limit})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, eventList{Items: evs})
}

// eventList is the answer of GET /api/admin/events.
type eventList struct {
	Items []*tenantry.Event `json:"items"`
}
