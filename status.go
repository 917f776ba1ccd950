package tenantry

import "net/http"

// Status returns the HTTP status of an error code, for the JSON API and the
// web pages alike: the one table of codes and statuses. An unknown code is
// 500.
func Status(code string) int {
	switch code {
	case EBADREQUEST, ETENANTREQUIRED, ETENANTCONFLICT:
		return http.StatusBadRequest
	case EUNAUTHENTICATED:
		return http.StatusUnauthorized
	case ETENANTSUSPENDED, ETENANTARCHIVED, ENOTAMEMBER, EFORBIDDEN, EPLANLIMIT, EFEATUREDISABLED:
		return http.StatusForbidden
	case ETENANTNOTFOUND, ENOTFOUND:
		return http.StatusNotFound
	case EMETHODNOTALLOWED:
		return http.StatusMethodNotAllowed
	case ECONFLICT:
		return http.StatusConflict
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case EUNSUPPORTEDMEDIA:
		return http.StatusUnsupportedMediaType
	case EINVALID:
		return http.StatusUnprocessableEntity
	case ERATELIMITED:
		return http.StatusTooManyRequests
	case EUPSTREAM:
		return http.StatusBadGateway
	case EUPSTREAMTIMEOUT:
		return http.StatusGatewayTimeout
	case EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
