package http

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
)

// StatusClientClosedRequest is the status logged and counted for a request
// whose client went away before the answer (nginx's 499): it is neither
// a server error nor an answer anybody read.
const StatusClientClosedRequest = 499

// HeaderRequestID carries the request id in requests and responses.
const HeaderRequestID = "X-Request-ID"

// Header names as net/http spells them on the wire (its canonical form).
// Header.Get and Set rewrite any other spelling on every call, which costs
// an allocation per header on the hot path; these need no rewriting.
// TestCanonicalHeaderNames ties them to the names the API documents.
const (
	hdrRequestID          = "X-Request-Id"        // HeaderRequestID
	hdrTenant             = "X-Tenant-Id"         // HeaderTenant
	hdrRateLimitLimit     = "Ratelimit-Limit"     // RateLimit-Limit
	hdrRateLimitRemaining = "Ratelimit-Remaining" // RateLimit-Remaining
	hdrRateLimitReset     = "Ratelimit-Reset"     // RateLimit-Reset
	hdrWWWAuthenticate    = "Www-Authenticate"    // WWW-Authenticate
)

// CORS answers.
const (
	corsAllowMethods  = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	corsAllowHeaders  = "Authorization, Content-Type, X-Tenant-ID, X-Request-ID"
	corsExposeHeaders = "X-Request-ID, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
	corsMaxAge        = "600"
)

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		f.Flush()
	}
}

// middleware wraps next in the server's chain: request id, the client
// (address and scheme, through trusted proxies), panic recovery, access
// log and metrics, CORS and the /t/{slug}/ prefix.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get(hdrRequestID)
		if !saneRequestID(rid) {
			rid = tenantry.NewID()
		}
		rw.Header().Set(hdrRequestID, rid)
		info := &requestInfo{logger: s.logger}
		ctx := tenantry.NewContextWithRequestID(r.Context(), rid)
		ctx = contextWithInfo(ctx, info)
		ctx = tenantry.NewContextWithClient(ctx, s.cfg.TrustedProxies.client(r))
		r = r.WithContext(ctx)
		w := &statusWriter{ResponseWriter: rw}

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.LogAttrs(ctx, slog.LevelError, "panic",
					slog.String("request_id", rid), slog.String("panic", fmt.Sprint(v)),
					slog.String("stack", string(debug.Stack())))
				if w.status == 0 {
					Error(w, r, tenantry.Errorf(tenantry.EINTERNAL, "Internal error."))
				}
			}
			s.observe(r, w, info, time.Since(start))
		}()

		// /t/{slug}/api/... is the API of tenant slug; other /t/{slug}/
		// paths are web pages, which keep their prefix for the UI.
		if slug, rest, ok := tenantry.SplitTenantPath(r.URL.Path); ok && strings.HasPrefix(rest, "/api/") {
			info.pathSlug = slug
			r = stripPath(r, rest)
		}
		if origin := r.Header.Get("Origin"); origin != "" {
			if s.corsAllowed(r, origin) {
				h := w.Header()
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
			}
			w.Header().Add("Vary", "Origin")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				if w.Header().Get("Access-Control-Allow-Origin") != "" {
					h := w.Header()
					h.Set("Access-Control-Allow-Methods", corsAllowMethods)
					h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
					h.Set("Access-Control-Max-Age", corsMaxAge)
				}
				info.route = "OPTIONS preflight"
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// stripPath returns a shallow copy of r whose URL path is path.
func stripPath(r *http.Request, path string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = path
	u.RawPath = ""
	r2.URL = &u
	r2.RequestURI = u.RequestURI()
	return r2
}

// observe writes the access log line and the request metrics.
func (s *Server) observe(r *http.Request, w *statusWriter, info *requestInfo, d time.Duration) {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	if info.clientGone {
		status = StatusClientClosedRequest
	}
	route := info.route
	if route == "" {
		route = "unmatched"
	}
	s.metrics.observe(route, status, d)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	ctx := r.Context()
	if !s.logger.Enabled(ctx, level) {
		return
	}
	s.logger.LogAttrs(ctx, level, "request",
		slog.String("request_id", tenantry.RequestIDFromContext(ctx)),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int64("bytes", w.size),
		slog.Duration("duration", d),
		slog.String("tenant_id", info.tenantID),
		slog.String("user_id", info.userID),
		slog.String("api_key_id", info.apiKeyID),
		slog.String("error_code", info.errCode),
		slog.String("client_ip", clientOf(r).IP),
	)
}

// saneRequestID reports whether a client's request id may be echoed: 1 to
// 128 characters of letters, digits and -_.:
func saneRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// corsAllowed reports whether a browser origin may call this request: it
// is one of Config.CORSOrigins (or that list holds "*"), or, on a tenant
// API path, one of the settings.cors_origins of the tenant the request
// names by header, host or path prefix.
func (s *Server) corsAllowed(r *http.Request, origin string) bool {
	if slices.Contains(s.cfg.CORSOrigins, "*") || slices.Contains(s.cfg.CORSOrigins, origin) {
		return true
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/api/admin/") {
		return false
	}
	t, err := s.tenantOfRequest(r)
	if err != nil || t == nil {
		return false
	}
	return slices.Contains(corsOrigins(t.Settings), origin)
}

// corsOrigins returns the tenant settings' cors_origins list.
func corsOrigins(st tenantry.Settings) []string {
	switch v := st["cors_origins"].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return strings.Split(v, ",")
	}
	return nil
}
