package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

func TestParseServeEventFlags(t *testing.T) {
	tests := []struct {
		name                  string
		env                   map[string]string
		args                  []string
		retention, beat, poll time.Duration
		wantErr               bool
	}{
		{"defaults", nil, nil, 168 * time.Hour, 15 * time.Second, 5 * time.Second, false},
		{"flags", nil, []string{"--event-retention", "1h", "--event-heartbeat", "2s", "--event-poll", "1s"}, time.Hour, 2 * time.Second, time.Second, false},
		{"env", map[string]string{"TENANTRY_EVENT_RETENTION": "48h", "TENANTRY_EVENT_HEARTBEAT": "5s", "TENANTRY_EVENT_POLL": "3s"}, nil, 48 * time.Hour, 5 * time.Second, 3 * time.Second, false},
		{"flag over env", map[string]string{"TENANTRY_EVENT_RETENTION": "48h"}, []string{"--event-retention", "2h"}, 2 * time.Hour, 15 * time.Second, 5 * time.Second, false},
		{"bad env", map[string]string{"TENANTRY_EVENT_RETENTION": "soon"}, nil, 0, 0, 0, true},
		{"zero env", map[string]string{"TENANTRY_EVENT_HEARTBEAT": "0s"}, nil, 0, 0, 0, true},
		{"negative flag", nil, []string{"--event-poll", "-1s"}, 0, 0, 0, true},
	}
	for _, tt := range tests {
		env := &environment{getenv: func(k string) string { return tt.env[k] }, stderr: io.Discard}
		c, err := env.parseServe(tt.args)
		if tt.wantErr {
			if err == nil {
				t.Errorf("%s: no error", tt.name)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := c.events; got.retention != tt.retention || got.heartbeat != tt.beat || got.poll != tt.poll {
			t.Errorf("%s: got %+v, want retention %v heartbeat %v poll %v", tt.name, *got, tt.retention, tt.beat, tt.poll)
		}
	}
}

func TestPruneEvents(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tn, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Old", Slug: "old", Plan: "free"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pj(db.Tenant(tn.ID)).CreateProject(ctx, tenantry.ProjectCreate{Name: "p"}); err != nil {
		t.Fatal(err)
	}
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pruneEvents(pctx, db.Platform(), 100*time.Millisecond, slog.New(slog.DiscardHandler))
	}()
	deadline := time.Now().Add(3 * time.Second)
	for {
		evs, err := db.Tenant(tn.ID).Events(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("events older than the retention still there: %d", len(evs))
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}
