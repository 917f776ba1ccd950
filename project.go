package tenantry

import (
	"context"
	"strings"
	"time"
)

// Project is a tenant's project. Names are unique within a tenant.
type Project struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	IsActive    bool      `json:"is_active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ProjectCreate is the input of ProjectStore.CreateProject.
type ProjectCreate struct {
	Name        string
	Description string
	// IsActive defaults to true.
	IsActive *bool
}

// Validate normalises and checks the input.
func (pc *ProjectCreate) Validate() error {
	pc.Name = strings.TrimSpace(pc.Name)
	fields := map[string]string{}
	validateProjectName(pc.Name, fields)
	validateProjectDescription(pc.Description, fields)
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// ProjectUpdate is the input of ProjectStore.UpdateProject; nil fields are
// left alone.
type ProjectUpdate struct {
	Name        *string
	Description *string
	IsActive    *bool
}

// Validate normalises and checks the input.
func (pu *ProjectUpdate) Validate() error {
	fields := map[string]string{}
	if pu.Name != nil {
		n := strings.TrimSpace(*pu.Name)
		pu.Name = &n
		validateProjectName(n, fields)
	}
	if pu.Description != nil {
		validateProjectDescription(*pu.Description, fields)
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

func validateProjectName(name string, fields map[string]string) {
	switch {
	case !CheckText(fields, "name", name):
	case name == "":
		fields["name"] = "required"
	case len(name) > 200:
		fields["name"] = "too long"
	}
}

func validateProjectDescription(desc string, fields map[string]string) {
	if CheckText(fields, "description", desc) && len(desc) > 10000 {
		fields["description"] = "too long"
	}
}

// ProjectFilter selects projects.
type ProjectFilter struct {
	IsActive *bool
	// Q matches the name or description, case-insensitively.
	Q string
	Page
}

// ProjectStore manages the projects of one tenant.
type ProjectStore interface {
	// CreateProject creates a project (validation_failed, conflict on the
	// name, plan_limit over max_projects, checked atomically).
	CreateProject(ctx context.Context, pc ProjectCreate) (*Project, error)
	// Project returns a project (not_found).
	Project(ctx context.Context, id string) (*Project, error)
	// Projects lists projects in creation order.
	Projects(ctx context.Context, f ProjectFilter) ([]*Project, string, error)
	// UpdateProject changes a project (not_found, validation_failed, conflict).
	UpdateProject(ctx context.Context, id string, pu ProjectUpdate) (*Project, error)
	// DeleteProject deletes a project and its tasks (not_found).
	DeleteProject(ctx context.Context, id string) error
}
