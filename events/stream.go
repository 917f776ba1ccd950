package events

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/presence"
)

// Defaults of Streamer.
const (
	// DefaultHeartbeat is how often a quiet stream sends a comment line,
	// refreshes its presence and looks at its tenant and credential.
	DefaultHeartbeat = 15 * time.Second
	// DefaultPoll is how often a stream reads its outbox with no
	// notification: the bound on the delay of a lost one.
	DefaultPoll = 5 * time.Second
	// batch is the most events one read of the outbox returns.
	batch = 500
	// writeTimeout bounds one write to a client: a client that reads
	// nothing for that long loses its stream (and resumes with
	// Last-Event-ID).
	writeTimeout = 30 * time.Second
	// retryMillis is the reconnection delay the stream asks of
	// EventSource.
	retryMillis = 2000
)

// Streamer serves Server-Sent Events streams of tenants' events.
type Streamer struct {
	Hub      *Hub
	Presence presence.Store
	// Roles says which role sees which event (tenantry.DefaultEventRoles
	// with the extensions' when nil).
	Roles tenantry.EventRoles
	// Heartbeat and Poll default to DefaultHeartbeat and DefaultPoll.
	Heartbeat time.Duration
	Poll      time.Duration
	Logger    *slog.Logger
}

// Stream is one caller's stream of one tenant.
type Stream struct {
	// Store is the tenant's handle, Tenant the tenant as resolved.
	Store  tenantry.TenantStore
	Tenant *tenantry.Tenant
	// Role is the caller's role (an API key's own), which filters events.
	Role tenantry.Role
	// Who is the caller as other members see it on a topic (Conn is set
	// by Serve).
	Who presence.Entry
	// MemberID is the member whose removal or change of role ends the
	// stream: the user, or an API key's creator. APIKeyID is the key
	// whose revocation ends it.
	MemberID, APIKeyID string
	// After is the seq the stream resumes after: 0 is from the oldest
	// event kept, FromNow (a client with no Last-Event-ID) from the
	// latest event on.
	After int64
	// Topic is the presence topic ("" for none), from ParseTopic.
	Topic string
	// MaxStreams is the tenant's max_event_streams (tenantry.Unlimited
	// for none).
	MaxStreams int64
	// Expires is when the caller's credential expires (zero: never); the
	// stream ends then, and the client reconnects with a fresh one.
	Expires time.Time
}

// FromNow is Stream.After for a stream of the events committed from now
// on.
const FromNow = -1

// End reasons, the data of the final "end" event.
const (
	EndTenantSuspended = "tenant_suspended"
	EndTenantArchived  = "tenant_archived"
	EndTenantGone      = "tenant_gone"
	EndMemberRemoved   = "member_removed"
	EndRoleChanged     = "role_changed"
	EndKeyRevoked      = "api_key_revoked"
	EndExpired         = "credentials_expired"
)

// heartbeat returns the heartbeat interval.
func (s *Streamer) heartbeat() time.Duration {
	if s.Heartbeat > 0 {
		return s.Heartbeat
	}
	return DefaultHeartbeat
}

// poll returns the polling interval.
func (s *Streamer) poll() time.Duration {
	if s.Poll > 0 {
		return s.Poll
	}
	return DefaultPoll
}

// ttl is how long a presence entry lives without a heartbeat.
func (s *Streamer) ttl() time.Duration { return 3 * s.heartbeat() }

func (s *Streamer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// Serve streams st to w until the client goes away, the stream ends (a
// final "end" event) or the outbox cannot be read. It returns an error
// only before anything is written, for the caller to answer: rate_limited
// when the tenant has MaxStreams streams open already, or the store's
// error. Once the stream has started it logs what cut it and returns
// nil: the client reconnects with Last-Event-ID.
//
// The stream is text/event-stream: each visible event is "id: <seq>" and
// "data: <tenantry.Event as JSON>"; an event the role may not see only
// moves the id on ("id: <seq>" alone, which EventSource records without
// dispatching), so resuming skips it too. "event: presence" lists the
// other members on the topic, "event: reset" says events after After
// were pruned (reload), and "event: end" ({"reason": ...}) comes last when
// the stream ends for good. Comment lines are heartbeats.
func (s *Streamer) Serve(w http.ResponseWriter, r *http.Request, st Stream) error {
	ctx := r.Context()
	c := &conn{s: s, st: st, w: w, rc: http.NewResponseController(w), after: st.After}
	c.st.Who.Conn = tenantry.NewID()
	tid := st.Tenant.ID
	ok, err := s.Presence.Join(ctx, tid, presence.StreamsTopic, c.st.Who, s.ttl(), st.MaxStreams)
	if err != nil {
		// The limit is not known: serve rather than refuse everybody.
		s.logger().Warn("events: cannot count the tenant's streams; serving", "tenant_id", tid, "err", err)
	} else if !ok {
		return &tenantry.Error{Code: tenantry.ERATELIMITED, RetryAfter: 10 * time.Second,
			Message: fmt.Sprintf("This tenant has %d event streams open, the most its plan allows (max_event_streams).", st.MaxStreams)}
	}
	defer s.leave(tid, presence.StreamsTopic, c.st.Who.Conn)
	wt, stop := s.Hub.watch(tid, st.Topic)
	defer stop()
	if c.after < 0 {
		// Watching first: an event committed after this read wakes the
		// stream, one committed before it is not "from now".
		if c.after, err = st.Store.LatestEventSeq(ctx); err != nil {
			return err
		}
		c.checked = true
	}
	if st.Topic != "" {
		if _, err := s.Presence.Join(ctx, tid, st.Topic, c.st.Who, s.ttl(), tenantry.Unlimited); err != nil {
			s.logger().Warn("events: cannot join the topic", "tenant_id", tid, "err", err)
		}
		s.Hub.Presence(tid, st.Topic)
		defer func() {
			s.leave(tid, st.Topic, c.st.Who.Conn)
			s.Hub.Presence(tid, st.Topic)
		}()
	}

	if err := c.start(); err != nil {
		return nil
	}
	if st.Topic != "" {
		if err := c.presence(ctx); err != nil {
			return err
		}
	}
	c.loop(ctx, wt)
	return nil
}

// start writes the stream's head and its retry interval. The stream
// outlives the server's read and write timeouts: each write gets a
// deadline of its own instead.
func (c *conn) start() error {
	_ = c.rc.SetReadDeadline(time.Time{})
	h := c.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	c.w.WriteHeader(http.StatusOK)
	c.buf.WriteString("retry: " + strconv.Itoa(retryMillis) + "\n\n")
	return c.flush()
}

// loop sends the tenant's events as they come (woken by the hub, or at
// each poll), the topic's presence when it changes and heartbeats, until
// the client goes, the hub stops or the stream ends for good.
func (c *conn) loop(ctx context.Context, wt *waiter) {
	beat := time.NewTicker(c.s.heartbeat())
	defer beat.Stop()
	poll := time.NewTicker(c.s.poll())
	defer poll.Stop()
	for {
		done, err := c.catchUp(ctx)
		if done || err != nil {
			c.cut(ctx, err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-c.s.Hub.done:
			return
		case <-wt.events:
		case <-poll.C:
		case <-wt.presence:
			err = c.presence(ctx)
		case <-beat.C:
			done, err = c.heartbeat(ctx)
		}
		if done || err != nil {
			c.cut(ctx, err)
			return
		}
	}
}

// cut logs the error that ended a started stream, unless the client went
// away.
func (c *conn) cut(ctx context.Context, err error) {
	if err != nil && ctx.Err() == nil {
		c.s.logger().Warn("events: stream cut; the client resumes with Last-Event-ID",
			"tenant_id", c.st.Tenant.ID, "err", err)
	}
}

// leave removes a presence entry, even after the request's context ended.
func (s *Streamer) leave(tenantID, topic, connID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.Presence.Leave(ctx, tenantID, topic, connID); err != nil {
		s.logger().Warn("events: cannot leave a topic; the entry expires by itself", "tenant_id", tenantID, "err", err)
	}
}

// conn is one stream being served.
type conn struct {
	s     *Streamer
	st    Stream
	w     http.ResponseWriter
	rc    *http.ResponseController
	buf   bytes.Buffer
	after int64
	// reset is set once the pruned-gap check ran.
	checked bool
	// lastPresence is the presence data last sent.
	lastPresence []byte
}

// flush writes the buffer to the client with a deadline of its own.
func (c *conn) flush() error {
	_ = c.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := c.w.Write(c.buf.Bytes())
	c.buf.Reset()
	if err != nil {
		return err
	}
	return c.rc.Flush()
}

// roles returns the role table.
func (c *conn) roles() tenantry.EventRoles {
	if c.s.Roles != nil {
		return c.s.Roles
	}
	return tenantry.DefaultEventRoles()
}

// catchUp sends every event after c.after, batch after batch; done
// reports that the stream ended.
func (c *conn) catchUp(ctx context.Context) (done bool, err error) {
	for {
		evs, err := c.st.Store.Events(ctx, c.after, batch)
		if err != nil {
			return false, err
		}
		if !c.checked {
			c.checked = true
			if c.after > 0 && len(evs) > 0 && evs[0].Seq > c.after+1 {
				c.buf.WriteString("event: reset\ndata: {\"after\":" + strconv.FormatInt(c.after, 10) + "}\n\n")
			}
		}
		moved := false
		for _, ev := range evs {
			c.after = ev.Seq
			id := strconv.FormatInt(ev.Seq, 10)
			if c.roles().Visible(c.st.Role, ev.Type) {
				data, err := json.Marshal(ev)
				if err != nil {
					return false, err
				}
				c.buf.WriteString("id: " + id + "\ndata: ")
				c.buf.Write(data)
				c.buf.WriteString("\n\n")
				moved = false
			} else {
				moved = true
			}
			if reason := c.ends(ev); reason != "" {
				if moved {
					c.buf.WriteString("id: " + id + "\n\n")
				}
				return true, c.end(reason)
			}
		}
		if moved {
			c.buf.WriteString("id: " + strconv.FormatInt(c.after, 10) + "\n\n")
		}
		if c.buf.Len() > 0 {
			if err := c.flush(); err != nil {
				return false, err
			}
		}
		if len(evs) < batch {
			return false, nil
		}
	}
}

// ends returns why ev ends the stream, or "".
func (c *conn) ends(ev *tenantry.Event) string {
	switch {
	case ev.Type == "tenant.suspended":
		return EndTenantSuspended
	case ev.Type == "tenant.archived":
		return EndTenantArchived
	case ev.TargetType == "member" && ev.TargetID == c.st.MemberID && c.st.MemberID != "":
		switch ev.Type {
		case "member.removed":
			return EndMemberRemoved
		case "member.updated":
			return EndRoleChanged
		}
	case ev.Type == "api_key.revoked" && c.st.APIKeyID != "" && ev.TargetID == c.st.APIKeyID:
		return EndKeyRevoked
	}
	return ""
}

// end sends the final event.
func (c *conn) end(reason string) error {
	c.buf.WriteString(`event: end` + "\n" + `data: {"reason":"` + reason + `"}` + "\n\n")
	return c.flush()
}

// heartbeat sends a comment, refreshes the stream's presence entries and
// ends the stream when its tenant is no longer usable or its credential
// expired.
func (c *conn) heartbeat(ctx context.Context) (done bool, err error) {
	if !c.st.Expires.IsZero() && !time.Now().Before(c.st.Expires) {
		return true, c.end(EndExpired)
	}
	t, err := c.st.Store.Tenant(ctx)
	switch {
	case tenantry.IsCode(err, tenantry.ETENANTNOTFOUND):
		return true, c.end(EndTenantGone)
	case err != nil:
		return false, err
	case t.Status == tenantry.TenantSuspended:
		return true, c.end(EndTenantSuspended)
	case t.Status == tenantry.TenantArchived:
		return true, c.end(EndTenantArchived)
	}
	tid := c.st.Tenant.ID
	if _, err := c.s.Presence.Join(ctx, tid, presence.StreamsTopic, c.st.Who, c.s.ttl(), tenantry.Unlimited); err != nil {
		c.s.logger().Warn("events: cannot refresh the stream's entry", "tenant_id", tid, "err", err)
	}
	c.buf.WriteString(": heartbeat\n\n")
	if c.st.Topic != "" {
		if _, err := c.s.Presence.Join(ctx, tid, c.st.Topic, c.st.Who, c.s.ttl(), tenantry.Unlimited); err != nil {
			c.s.logger().Warn("events: cannot refresh the topic's entry", "tenant_id", tid, "err", err)
		}
		if err := c.presence(ctx); err != nil {
			return false, err
		}
	}
	if c.buf.Len() > 0 {
		return false, c.flush()
	}
	return false, nil
}

// viewer is one other member on the topic, as a presence event lists it.
type viewer struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	// Email is shown to owners and admins only, as the members page is.
	Email string `json:"email,omitempty"`
}

// presence sends the other members on the topic when they changed since
// the last presence event.
func (c *conn) presence(ctx context.Context) error {
	es, err := c.s.Presence.List(ctx, c.st.Tenant.ID, c.st.Topic)
	if err != nil {
		c.s.logger().Warn("events: cannot list a topic", "tenant_id", c.st.Tenant.ID, "err", err)
		return nil
	}
	vs := []viewer{}
	for _, e := range presence.Others(es, c.st.Who.UserID) {
		v := viewer{UserID: e.UserID, Name: e.Name}
		if c.st.Role.CanManage() {
			v.Email = e.Email
		}
		vs = append(vs, v)
	}
	data, err := json.Marshal(map[string]any{"topic": c.st.Topic, "members": vs})
	if err != nil {
		return err
	}
	if bytes.Equal(data, c.lastPresence) {
		return nil
	}
	c.lastPresence = data
	c.buf.WriteString("event: presence\ndata: ")
	c.buf.Write(data)
	c.buf.WriteString("\n\n")
	return c.flush()
}
