package projects_test

import (
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

func TestExtension(t *testing.T) {
	e := projects.Extension()
	if err := e.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got, want := e.Tables, []string{"projects", "tasks"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Tables: got %v, want %v (parents first)", got, want)
	}
	for _, name := range []string{projects.UsageProjects, projects.UsageTasks} {
		if e.Usage[name] == "" {
			t.Errorf("Usage[%s]: got no count query", name)
		}
	}
	if len(e.MemberRemoved) != 1 {
		t.Errorf("MemberRemoved: got %d statements, want 1 (the unassignment)", len(e.MemberRemoved))
	}
}

func TestWith(t *testing.T) {
	other := tenantry.Extension{Name: "billing", Tables: []string{"invoices"}}
	tests := []struct {
		name string
		in   []tenantry.Extension
		want []string
	}{
		{"none", nil, []string{"projects"}},
		{"a builder's", []tenantry.Extension{other}, []string{"projects", "billing"}},
		{"already there", []tenantry.Extension{other, projects.Extension()}, []string{"billing", "projects"}},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range projects.With(tt.in) {
			got = append(got, e.Name)
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}
