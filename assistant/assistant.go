// Package assistant implements tenantry.Assistant: chat sessions bound to
// one tenant, answered by the tenant's own model and persona through a
// tenantry.Provider (the deterministic built-in family or an
// OpenAI-compatible endpoint), with the conversation stored through the
// tenant's TenantStore and every tenant rate limited on its own.
package assistant

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenantry/tenantry"
)

// Defaults of a Service.
const (
	DefaultHistoryMessages = 20
	DefaultHistoryChars    = 24000
	MaxMessageChars        = 8000
	// ChatWindow is the period of the chat_per_10s limit.
	ChatWindow = 10 * time.Second
)

var _ tenantry.Assistant = (*Service)(nil)

// Service is the assistant of every tenant.
type Service struct {
	store     tenantry.Store
	plans     tenantry.Plans
	limiter   tenantry.RateLimiter
	providers Providers
	logger    *slog.Logger

	historyMessages int
	historyChars    int
}

// Option configures a Service.
type Option func(*Service)

// WithHistoryMessages sets how many earlier messages of a session are sent
// to the provider with a new one (default 20; 0 sends none).
func WithHistoryMessages(n int) Option {
	return func(s *Service) {
		if n >= 0 {
			s.historyMessages = n
		}
	}
}

// WithHistoryChars sets the character budget of the earlier messages sent
// to the provider; the oldest are dropped first (default 24,000).
func WithHistoryChars(n int) Option {
	return func(s *Service) {
		if n >= 0 {
			s.historyChars = n
		}
	}
}

// WithLogger sets the logger of failures that do not fail a request.
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) {
		if l != nil {
			s.logger = l
		}
	}
}

// New returns the assistant service. store holds the sessions, plans give
// each tenant's chat_per_10s limit, limiter (required) enforces it, and
// providers answer; providers is copied and "builtin" is added when
// missing, so nil gives the built-in family only.
func New(store tenantry.Store, plans tenantry.Plans, limiter tenantry.RateLimiter, providers Providers, opts ...Option) *Service {
	ps := Providers{}
	for k, v := range providers {
		ps[k] = v
	}
	if ps[ProviderBuiltin] == nil {
		ps[ProviderBuiltin] = BuiltinFor
	}
	s := &Service{
		store:           store,
		plans:           plans,
		limiter:         limiter,
		providers:       ps,
		logger:          slog.New(slog.DiscardHandler),
		historyMessages: DefaultHistoryMessages,
		historyChars:    DefaultHistoryChars,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// CreateSession starts a session in tenant t for the caller in ctx: a
// visitor's session when the caller is a visitor of t's public assistant,
// else a member's. The returned session's ID is the opaque public id (see
// PublicSessionID).
func (s *Service) CreateSession(ctx context.Context, t *tenantry.Tenant) (*tenantry.ChatSession, error) {
	if err := t.Usable(); err != nil {
		return nil, err
	}
	id := tenantry.IdentityFromContext(ctx)
	sess := &tenantry.ChatSession{
		ID:        tenantry.NewID(),
		TenantID:  t.ID,
		UserID:    id.UserID,
		Visitor:   id.Visitor,
		CreatedAt: tenantry.Now(),
	}
	if err := s.store.Tenant(t.ID).CreateChatSession(ctx, sess); err != nil {
		return nil, err
	}
	public := PublicSessionID(t.ID, sess.ID)
	if public == "" {
		return nil, fmt.Errorf("assistant: session or tenant id is not a UUID")
	}
	out := *sess
	out.ID = public
	return &out, nil
}

// Chat sends message in the session sessionID (a public id) of tenant t and
// returns the reply. A session of another tenant is forbidden before any
// read; a malformed or unknown one, one started by another user of the
// tenant when the caller is a plain member, and a visitor's session used by
// a member or a member's used by a visitor, is not_found. The user's
// message and the reply are stored together once the provider has
// answered; a failed provider call stores nothing.
func (s *Service) Chat(ctx context.Context, t *tenantry.Tenant, sessionID, message string) (*tenantry.ChatAnswer, error) {
	if err := t.Usable(); err != nil {
		return nil, err
	}
	message = strings.TrimSpace(message)
	if err := validateMessage(message); err != nil {
		return nil, err
	}
	sid, err := resolveSession(t, sessionID)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, t); err != nil {
		return nil, err
	}

	ts := s.store.Tenant(t.ID)
	if err := checkSession(ctx, ts, sid); err != nil {
		return nil, err
	}
	cfg := ConfigFor(t)
	provider, err := s.providers.For(t)
	if err != nil {
		return nil, err
	}

	var history []*tenantry.ChatMessage
	if s.historyMessages > 0 {
		if history, err = ts.RecentChatMessages(ctx, sid, s.historyMessages); err != nil {
			return nil, err
		}
	}
	last := ""
	if len(history) > 0 && history[len(history)-1] != nil {
		last = history[len(history)-1].ID
	}
	user := &tenantry.ChatMessage{
		ID:        idAfter(last),
		TenantID:  t.ID,
		SessionID: sid,
		Role:      tenantry.ChatRoleUser,
		Content:   message,
		CreatedAt: tenantry.Now(),
	}
	req := tenantry.ChatRequest{
		Model:        cfg.Model,
		SystemPrompt: cfg.SystemPrompt,
		Messages:     append(trimHistory(history, s.historyChars), user),
	}
	reply, err := provider.Chat(ctx, req)
	if err != nil {
		return nil, err
	}
	model := reply.Model
	if model == "" {
		model = cfg.Model
	}
	answer := &tenantry.ChatMessage{
		ID:        idAfter(user.ID),
		TenantID:  t.ID,
		SessionID: sid,
		Role:      tenantry.ChatRoleAssistant,
		Content:   reply.Content,
		Model:     model,
		CreatedAt: tenantry.Now(),
	}
	if err := ts.AppendChatMessages(ctx, sid, user, answer); err != nil {
		return nil, err
	}
	if err := ts.AddUsage(ctx, tenantry.CounterChatMessages, 1); err != nil {
		s.logger.WarnContext(ctx, "assistant: counting chat usage failed", "tenant_id", t.ID, "error", err)
	}
	return &tenantry.ChatAnswer{
		TenantID:  t.ID,
		SessionID: sessionID,
		Reply:     reply.Content,
		Model:     model,
	}, nil
}

// Messages lists the conversation of session sessionID (a public id) of
// tenant t, oldest first. Each message's SessionID is the public id.
func (s *Service) Messages(ctx context.Context, t *tenantry.Tenant, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
	sid, err := resolveSession(t, sessionID)
	if err != nil {
		return nil, "", err
	}
	ts := s.store.Tenant(t.ID)
	if err := checkSession(ctx, ts, sid); err != nil {
		return nil, "", err
	}
	msgs, next, err := ts.ChatMessages(ctx, sid, p)
	if err != nil {
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return nil, "", errSessionNotFound()
		}
		return nil, "", err
	}
	out := make([]*tenantry.ChatMessage, len(msgs))
	for i, m := range msgs {
		c := *m
		c.SessionID = sessionID
		out[i] = &c
	}
	return out, next, nil
}

// checkSession checks that session sid exists in ts and that the caller in
// ctx may use it: visitors' sessions are for visitors only and members'
// sessions for members only; a session started by a signed-in user is that
// user's (and readable by the tenant's owners and admins); others get
// not_found.
func checkSession(ctx context.Context, ts tenantry.TenantStore, sid string) error {
	sess, err := ts.ChatSession(ctx, sid)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return errSessionNotFound()
	} else if err != nil {
		return err
	}
	id := tenantry.IdentityFromContext(ctx)
	if sess.Visitor != id.Visitor {
		return errSessionNotFound()
	}
	if sess.UserID != "" && id.UserID != "" && id.UserID != sess.UserID && !id.Role.CanManage() {
		return errSessionNotFound()
	}
	return nil
}

// allow takes one event from tenant t's chat rate (rate_limited).
func (s *Service) allow(ctx context.Context, t *tenantry.Tenant) error {
	limit := s.plans.Limit(t, tenantry.LimitChatPer10s)
	if limit == tenantry.Unlimited {
		return nil
	}
	if limit <= 0 {
		return &tenantry.Error{Code: tenantry.ERATELIMITED, Message: "The assistant is disabled for this tenant.", RetryAfter: ChatWindow}
	}
	res, err := s.limiter.Allow(ctx, "chat:"+t.ID, tenantry.Rate{Events: limit, Per: ChatWindow, Burst: limit})
	if err != nil {
		return fmt.Errorf("assistant: rate limit: %w", err)
	}
	if !res.Allowed {
		retry := res.RetryAfter
		if retry <= 0 {
			retry = time.Second
		}
		return &tenantry.Error{
			Code:       tenantry.ERATELIMITED,
			Message:    "Too many chat messages: this tenant allows " + strconv.FormatInt(limit, 10) + " every 10 seconds.",
			RetryAfter: retry,
		}
	}
	return nil
}

func validateMessage(message string) error {
	switch {
	case message == "":
		return tenantry.Invalid(map[string]string{"message": "required"})
	case !tenantry.ValidText(message):
		return tenantry.Invalid(map[string]string{"message": "must be UTF-8 text"})
	case utf8.RuneCountInString(message) > MaxMessageChars:
		return tenantry.Invalid(map[string]string{"message": "too long (at most 8000 characters)"})
	}
	return nil
}

// trimHistory keeps the latest user and assistant messages of history
// whose contents fit in budget characters, oldest first.
func trimHistory(history []*tenantry.ChatMessage, budget int) []*tenantry.ChatMessage {
	var kept []*tenantry.ChatMessage
	used := 0
	for i := len(history) - 1; i >= 0; i-- {
		m := history[i]
		if m == nil || m.Role == tenantry.ChatRoleSystem {
			continue
		}
		n := utf8.RuneCountInString(m.Content)
		if used+n > budget {
			break
		}
		used += n
		kept = append(kept, m)
	}
	out := make([]*tenantry.ChatMessage, 0, len(kept)+1)
	for i := len(kept) - 1; i >= 0; i-- {
		out = append(out, kept[i])
	}
	return out
}
