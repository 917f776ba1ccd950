package tenantry_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestCheckTable(t *testing.T) {
	ok := func() tenantry.TableShape {
		return tenantry.TableShape{
			Name:       "invoices",
			Columns:    []string{"tenant_id", "id", "number", "customer_id"},
			PrimaryKey: []string{"tenant_id", "id"},
			Unique:     [][]string{{"tenant_id", "number"}},
			ForeignKeys: []tenantry.ForeignKey{
				{Columns: []string{"tenant_id"}, RefTable: "tenants", RefColumns: []string{"id"}, Cascade: true},
				{Columns: []string{"tenant_id", "customer_id"}, RefTable: "customers", RefColumns: []string{"tenant_id", "id"}},
			},
		}
	}
	tests := []struct {
		name   string
		change func(*tenantry.TableShape)
		want   string // "" for no error
	}{
		{"follows the rules", func(*tenantry.TableShape) {}, ""},
		{"no tenant_id", func(s *tenantry.TableShape) { s.Columns = []string{"id"} }, "has no tenant_id column"},
		{"id first in the key", func(s *tenantry.TableShape) { s.PrimaryKey = []string{"id", "tenant_id"} }, "tenant_id must lead the primary key"},
		{"no primary key", func(s *tenantry.TableShape) { s.PrimaryKey = nil }, "tenant_id must lead the primary key"},
		{"unique without tenant_id", func(s *tenantry.TableShape) { s.Unique = [][]string{{"number"}} }, "tenant_id must lead every unique key, got UNIQUE (number)"},
		{"foreign key without tenant_id", func(s *tenantry.TableShape) {
			s.ForeignKeys[1] = tenantry.ForeignKey{Columns: []string{"customer_id"}, RefTable: "customers", RefColumns: []string{"id"}}
		}, "every foreign key must include tenant_id"},
		{"tenant_id matched to another column", func(s *tenantry.TableShape) {
			s.ForeignKeys[1].RefColumns = []string{"id", "tenant_id"}
		}, "must match tenant_id to customers.tenant_id"},
		{"no cascade from tenants", func(s *tenantry.TableShape) { s.ForeignKeys[0].Cascade = false }, "ON DELETE CASCADE"},
		{"no foreign key to tenants", func(s *tenantry.TableShape) { s.ForeignKeys = s.ForeignKeys[1:] }, "ON DELETE CASCADE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok()
			tt.change(&s)
			err := tenantry.CheckTable(s)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("CheckTable: got %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "table invoices")):
				t.Fatalf("CheckTable: got %v, want an error naming invoices and %q", err, tt.want)
			}
		})
	}
}

func TestValidateExtensions(t *testing.T) {
	good := tenantry.Extension{Name: "billing", Tables: []string{"invoices"}}
	tests := []struct {
		name string
		exts []tenantry.Extension
		ok   bool
	}{
		{"one", []tenantry.Extension{good}, true},
		{"bad name", []tenantry.Extension{{Name: "Billing", Tables: []string{"invoices"}}}, false},
		{"no tables", []tenantry.Extension{{Name: "billing"}}, false},
		{"bad table", []tenantry.Extension{{Name: "billing", Tables: []string{"in-voices"}}}, false},
		{"table twice", []tenantry.Extension{{Name: "billing", Tables: []string{"invoices", "invoices"}}}, false},
		{"same name", []tenantry.Extension{good, {Name: "billing", Tables: []string{"x"}}}, false},
		{"shared table", []tenantry.Extension{good, {Name: "crm", Tables: []string{"invoices"}}}, false},
	}
	for _, tt := range tests {
		if err := tenantry.ValidateExtensions(tt.exts); (err == nil) != tt.ok {
			t.Errorf("%s: got %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
