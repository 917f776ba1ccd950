package http

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/tenantry/tenantry"
)

// ErrorStatus returns the HTTP status of an error code (tenantry.Status,
// the one table the API and the pages share).
func ErrorStatus(code string) int { return tenantry.Status(code) }

// errorBody is the error envelope.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Error writes err as the error envelope with its status. A *tenantry.Error
// is shown as it is (with Retry-After for rate_limited); any other error is
// logged and answered 500 internal "Internal error.".
func Error(w http.ResponseWriter, r *http.Request, err error) {
	var e *tenantry.Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			// The client went away; nobody reads the answer.
			e = tenantry.Errorf(tenantry.EUNAVAILABLE, "The request was canceled.")
			if info := infoOf(r); info != nil {
				info.clientGone = true
			}
		} else if errors.Is(err, context.DeadlineExceeded) {
			// The request's deadline (Config.RequestTimeout) ended its
			// work; say so without the internals.
			loggerOf(r).LogAttrs(r.Context(), slog.LevelWarn, "request deadline exceeded",
				slog.String("request_id", tenantry.RequestIDFromContext(r.Context())),
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("error", err.Error()))
			e = &tenantry.Error{Code: tenantry.EUNAVAILABLE, Message: "The request took too long; try again.", RetryAfter: time.Second}
		} else {
			loggerOf(r).LogAttrs(r.Context(), slog.LevelError, "internal error",
				slog.String("request_id", tenantry.RequestIDFromContext(r.Context())),
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("error", err.Error()))
			e = &tenantry.Error{Code: tenantry.EINTERNAL, Message: "Internal error."}
		}
	}
	status := ErrorStatus(e.Code)
	if e.Code == tenantry.EINTERNAL && e.Message == "" {
		e = &tenantry.Error{Code: tenantry.EINTERNAL, Message: "Internal error."}
	}
	if info := infoOf(r); info != nil {
		info.errCode = e.Code
	}
	h := w.Header()
	if e.Code == tenantry.ERATELIMITED || e.RetryAfter > 0 {
		secs := int64(math.Ceil(e.RetryAfter.Seconds()))
		if secs < 1 {
			secs = 1
		}
		h.Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	switch e.Code {
	case tenantry.EUNAUTHENTICATED:
		h.Set(hdrWWWAuthenticate, `Bearer realm="tenantry"`)
	}
	_ = writeJSON(w, status, errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Fields: e.Fields}})
}

// loggerOf returns the request's logger, or a discarding one.
func loggerOf(r *http.Request) *slog.Logger {
	if info := infoOf(r); info != nil && info.logger != nil {
		return info.logger
	}
	return slog.New(slog.DiscardHandler)
}
