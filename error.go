package tenantry

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each is mapped to one HTTP status by the http package.
const (
	EBADREQUEST       = "bad_request"
	ETENANTREQUIRED   = "tenant_required"
	ETENANTCONFLICT   = "tenant_conflict"
	EUNAUTHENTICATED  = "unauthenticated"
	ETENANTSUSPENDED  = "tenant_suspended"
	ETENANTARCHIVED   = "tenant_archived"
	ENOTAMEMBER       = "not_a_member"
	EFORBIDDEN        = "forbidden"
	EPLANLIMIT        = "plan_limit"
	EFEATUREDISABLED  = "feature_disabled"
	ETENANTNOTFOUND   = "tenant_not_found"
	ENOTFOUND         = "not_found"
	ECONFLICT         = "conflict"
	ETOOLARGE         = "payload_too_large"
	EUNSUPPORTEDMEDIA = "unsupported_media_type"
	EMETHODNOTALLOWED = "method_not_allowed"
	EINVALID          = "validation_failed"
	ERATELIMITED      = "rate_limited"
	EUPSTREAM         = "upstream_error"
	EUPSTREAMTIMEOUT  = "upstream_timeout"
	EUNAVAILABLE      = "unavailable"
	EINTERNAL         = "internal"
)

// Error is the one error type of Tenantry. Its Message is safe to show to a
// client; internal causes are never put in it.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message is a human sentence for the client.
	Message string
	// Fields names the invalid fields of a validation_failed error and why.
	Fields map[string]string
	// RetryAfter, when set on a rate_limited error, says when to try again.
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("tenantry error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation_failed error naming the invalid fields.
func Invalid(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "Some fields are invalid.", Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain,
// EINTERNAL for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return wrappedCode(err)
}

// wrappedCode is ErrorCode of an error that is not an *Error itself: its
// errors.As target escapes, so only this path allocates.
func wrappedCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of the first *Error in err's
// chain, or a generic sentence for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }
