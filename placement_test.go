package tenantry

import (
	"reflect"
	"testing"
)

func TestTenantPlacementValidate(t *testing.T) {
	tests := []struct {
		name     string
		in       TenantPlacement
		wantMode string
		want     map[string]string
	}{
		{"isolate", TenantPlacement{Isolate: true}, PlaceBlockWrites, nil},
		{"move", TenantPlacement{Node: "w2.internal:5432"}, PlaceBlockWrites, nil},
		{"both, auto", TenantPlacement{Isolate: true, Node: "10.0.0.7:6432", Mode: PlaceAuto}, PlaceAuto, nil},
		{"IPv6 worker, logical", TenantPlacement{Node: "[fd00::7]:5432", Mode: PlaceForceLogical}, PlaceForceLogical, nil},
		{"nothing asked", TenantPlacement{}, PlaceBlockWrites, map[string]string{"isolate": "isolate, a node or both are required"}},
		{"unknown mode", TenantPlacement{Isolate: true, Mode: "fast"}, "fast", map[string]string{"mode": "must be block_writes, auto or force_logical"}},
		{"no port", TenantPlacement{Node: "w2"}, PlaceBlockWrites, map[string]string{"node": "must be host:port"}},
		{"port 0", TenantPlacement{Node: "w2:0"}, PlaceBlockWrites, map[string]string{"node": "must be host:port"}},
		{"port too high", TenantPlacement{Node: "w2:65536"}, PlaceBlockWrites, map[string]string{"node": "must be host:port"}},
		{"no host", TenantPlacement{Node: ":5432"}, PlaceBlockWrites, map[string]string{"node": "must be host:port"}},
		{"a space", TenantPlacement{Node: "w 2:5432"}, PlaceBlockWrites, map[string]string{"node": "must be host:port"}},
		{"a quote", TenantPlacement{Node: "w'2:5432"}, PlaceBlockWrites, map[string]string{"node": "must be host:port"}},
		{"everything wrong", TenantPlacement{Node: "x", Mode: "y"}, "y", map[string]string{"node": "must be host:port", "mode": "must be block_writes, auto or force_logical"}},
	}
	for _, tt := range tests {
		p := tt.in
		err := p.Validate()
		var got map[string]string
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Errorf("%s: got %v, want validation_failed", tt.name, err)
				continue
			}
			got = e.Fields
		}
		if !reflect.DeepEqual(got, tt.want) || p.Mode != tt.wantMode {
			t.Errorf("%s: got fields %v, mode %q; want %v, %q", tt.name, got, p.Mode, tt.want, tt.wantMode)
		}
	}
}

func TestNotCitus(t *testing.T) {
	err := NotCitus()
	if err.Code != ECONFLICT || Status(err.Code) != 409 || err.Message != "This database is not a Citus cluster." {
		t.Errorf("NotCitus: got %+v (status %d)", err, Status(err.Code))
	}
}
