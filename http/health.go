package http

import (
	"context"
	"net/http"
	"time"

	"github.com/tenantry/tenantry"
)

// handleHealthz answers 200 while the process is alive.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz answers 200 when the database answers, else 503 unavailable.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is not reachable.")
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
