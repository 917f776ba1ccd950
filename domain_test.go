package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestUnderBaseDomain(t *testing.T) {
	bases := []string{"localhost", "Tenantry.Example."}
	tests := []struct {
		domain string
		want   bool
	}{
		{"acme.localhost", true},
		{"ACME.localhost.", true},
		{"a.b.localhost", true},
		{"localhost", true},
		{"tenantry.example", true},
		{"acme.tenantry.example:8080", true},
		{"notlocalhost", false},
		{"acme.notlocalhost", false},
		{"shop.acme.com", false},
		{"tenantry.example.com", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := tenantry.UnderBaseDomain(tt.domain, bases); got != tt.want {
			t.Errorf("UnderBaseDomain(%q): got %v, want %v", tt.domain, got, tt.want)
		}
		err := tenantry.ValidateCustomDomain(tt.domain, bases)
		if got := tenantry.IsCode(err, tenantry.EINVALID); got != tt.want {
			t.Errorf("ValidateCustomDomain(%q): got %v, want validation_failed %v", tt.domain, err, tt.want)
		}
	}
}
