package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{tenantry.EBADREQUEST, 400}, {tenantry.ETENANTREQUIRED, 400}, {tenantry.ETENANTCONFLICT, 400},
		{tenantry.EUNAUTHENTICATED, 401},
		{tenantry.ETENANTSUSPENDED, 403}, {tenantry.ETENANTARCHIVED, 403}, {tenantry.ENOTAMEMBER, 403},
		{tenantry.EFORBIDDEN, 403}, {tenantry.EPLANLIMIT, 403}, {tenantry.EFEATUREDISABLED, 403},
		{tenantry.ETENANTNOTFOUND, 404}, {tenantry.ENOTFOUND, 404},
		{tenantry.EMETHODNOTALLOWED, 405}, {tenantry.ECONFLICT, 409}, {tenantry.ETOOLARGE, 413},
		{tenantry.EUNSUPPORTEDMEDIA, 415}, {tenantry.EINVALID, 422}, {tenantry.ERATELIMITED, 429},
		{tenantry.EUPSTREAM, 502}, {tenantry.EUPSTREAMTIMEOUT, 504}, {tenantry.EUNAVAILABLE, 503},
		{tenantry.EINTERNAL, 500}, {"no_such_code", 500},
	}
	for _, tt := range tests {
		if got := tenantry.Status(tt.code); got != tt.want {
			t.Errorf("Status(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}
