package http

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
)

// Public assistant bounds.
const (
	// MaxPublicBodyBytes is the largest body of a public assistant request
	// (413 above it).
	MaxPublicBodyBytes = 32 << 10
	// MaxVisitorMessageChars is the longest chat message a visitor may send
	// (members may send assistant.MaxMessageChars).
	MaxVisitorMessageChars = 2000
)

// publicSessionRequest is the body of POST /api/public/session.
type publicSessionRequest struct {
	TenantID string `json:"tenant_id"`
}

// publicChatRequest is the body of POST /api/public/chat.
type publicChatRequest struct {
	TenantID  string `json:"tenant_id"`
	SessionID string `json:"session_id"`
	Message   string `json:"message"`
}

// publicTenantRoute serves h for an anonymous visitor of the request's
// tenant, with no sign-in: it reads the body (at most MaxPublicBodyBytes),
// resolves the tenant from X-Tenant-ID, the host, the /t/{slug}/ prefix
// and the body's tenant_id, refuses a tenant whose public assistant is off
// as if it did not exist, checks the tenant's status, applies the visitor
// limits (per client address and tenant, per tenant) and the tenant's own
// rate and in-flight cap, and runs h under the request deadline with a
// visitor identity. Gated requests take a seat of the fair gate.
func (s *Server) publicTenantRoute(gated bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.servePublicTenant(w, r, gated, h); err != nil {
			Error(w, r, err)
		}
	})
}

// servePublicTenant is publicTenantRoute's work.
func (s *Server) servePublicTenant(w http.ResponseWriter, r *http.Request, gated bool, h handlerFunc) error {
	if err := prologue(r, w, MaxPublicBodyBytes); err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	ref, err := publicTenantRef(body)
	if err != nil {
		return err
	}
	t, err := s.resolvePublicTenant(r, ref)
	if err != nil {
		return err
	}
	if info := infoOf(r); info != nil {
		info.tenantID = t.ID
	}
	if err := s.limitVisitor(r, t); err != nil {
		return err
	}
	if body == nil {
		r.Body = http.NoBody
	} else {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return s.runTenant(w, r, t, tenantry.Identity{TenantID: t.ID, Visitor: true}, gated, h)
}

// publicTenantRef returns the tenant_id of a public assistant body, or ""
// when the body is empty or names none. A body that is not a JSON object,
// or whose tenant_id is not a string, is bad_request.
func publicTenantRef(body []byte) (string, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return "", nil
	}
	var v struct {
		TenantID *string `json:"tenant_id"`
	}
	if err := json.Unmarshal(body, &v); err != nil || bytes.TrimSpace(body)[0] != '{' {
		return "", tenantry.Errorf(tenantry.EBADREQUEST, "The request body must be a JSON object whose tenant_id, if any, is a string.")
	}
	if v.TenantID == nil {
		return "", nil
	}
	return strings.TrimSpace(*v.TenantID), nil
}

// resolvePublicTenant returns the tenant that the request's X-Tenant-ID,
// host, /t/{slug}/ prefix and body reference ref name, with the usual
// conflict rule. A tenant whose settings do not say public_assistant: true
// is tenant_not_found, exactly as an unknown one, from whichever source
// names it, so that an anonymous caller learns nothing of tenants that keep
// their assistant private. No source is tenant_required; a suspended or
// archived tenant is refused as on every tenant route.
func (s *Server) resolvePublicTenant(r *http.Request, ref string) (*tenantry.Tenant, error) {
	t, err := s.tenantOfSources(r, ref, func(t *tenantry.Tenant, err error) error {
		if tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) || err == nil && t != nil && !t.Settings.Bool(tenantry.SettingPublicAssistant) {
			return tenantry.ErrNoTenant()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, tenantry.Errorf(tenantry.ETENANTREQUIRED, "This route needs a tenant: send tenant_id, X-Tenant-ID, use the tenant's host or a /t/{slug}/ path.")
	}
	if err := t.Usable(); err != nil {
		return nil, err
	}
	return t, nil
}

// limitVisitor applies the public assistant's rates: per client address
// within tenant t, then per tenant t. A limiter failure lets the request
// through.
func (s *Server) limitVisitor(r *http.Request, t *tenantry.Tenant) error {
	if s.cfg.Limiter == nil {
		return nil
	}
	keys := [...]struct {
		scope, key, message string
		rate                tenantry.Rate
	}{
		{"public_address", "public:addr:" + t.ID + ":" + clientOf(r).IP, "Too many requests from this address; try again later.", *s.cfg.PublicRatePerAddress},
		{"public_tenant", "public:tenant:" + t.ID, "This tenant's public assistant is busy; try again later.", *s.cfg.PublicRatePerTenant},
	}
	for _, k := range keys {
		res, err := s.cfg.Limiter.Allow(r.Context(), k.key, k.rate)
		if err != nil {
			loggerOf(r).LogAttrs(r.Context(), slog.LevelWarn, "rate limiter failed", slog.String("error", err.Error()))
			continue
		}
		if !res.Allowed {
			s.metrics.rateLimited.WithLabelValues(k.scope).Inc()
			retry := res.RetryAfter
			if retry <= 0 {
				retry = time.Second
			}
			return &tenantry.Error{Code: tenantry.ERATELIMITED, Message: k.message, RetryAfter: retry}
		}
	}
	return nil
}

// handlePublicSession answers POST /api/public/session with 201: a new
// visitor session of the tenant's public assistant. The body is optional;
// its tenant_id, when given, took part in resolving the tenant.
func (s *Server) handlePublicSession(w http.ResponseWriter, r *http.Request) error {
	var in publicSessionRequest
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	return s.startSession(w, r)
}

// handlePublicChat answers POST /api/public/chat: one visitor message to
// the tenant's public assistant and its reply. A session of another tenant
// is forbidden; a member's session is not_found.
func (s *Server) handlePublicChat(w http.ResponseWriter, r *http.Request) error {
	var req publicChatRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	return s.answerChat(w, r, req.SessionID, req.Message, MaxVisitorMessageChars)
}
