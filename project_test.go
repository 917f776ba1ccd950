package tenantry_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func fieldsOf(err error) map[string]string {
	if e, ok := err.(*tenantry.Error); ok && e.Code == tenantry.EINVALID {
		return e.Fields
	}
	return nil
}

func TestProjectValidate(t *testing.T) {
	long := strings.Repeat("x", 201)
	empty := "  "
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"create ok", (&tenantry.ProjectCreate{Name: " Apollo "}).Validate(), ""},
		{"create no name", (&tenantry.ProjectCreate{Name: " "}).Validate(), "name"},
		{"create long name", (&tenantry.ProjectCreate{Name: long}).Validate(), "name"},
		{"update nothing", (&tenantry.ProjectUpdate{}).Validate(), ""},
		{"update blank name", (&tenantry.ProjectUpdate{Name: &empty}).Validate(), "name"},
		{"task ok", (&tenantry.TaskCreate{ProjectID: "p", Title: "t"}).Validate(), ""},
		{"task missing", (&tenantry.TaskCreate{}).Validate(), "project_id"},
		{"task blank title update", (&tenantry.TaskUpdate{Title: &empty}).Validate(), "title"},
	}
	for _, tt := range tests {
		got := fieldsOf(tt.err)
		if tt.want == "" && tt.err != nil {
			t.Errorf("%s: error %v, want nil", tt.name, tt.err)
		}
		if tt.want != "" && got[tt.want] == "" {
			t.Errorf("%s: fields %v, want %q", tt.name, got, tt.want)
		}
	}
	pc := tenantry.ProjectCreate{Name: " Apollo "}
	_ = pc.Validate()
	if got, want := pc.Name, "Apollo"; got != want {
		t.Errorf("trimmed name = %q, want %q", got, want)
	}
}
