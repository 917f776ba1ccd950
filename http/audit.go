package http

import (
	"net/http"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
)

// auditEventResponse is one event of GET /api/audit.
type auditEventResponse struct {
	ID         string              `json:"id"`
	Actor      tenantry.AuditActor `json:"actor"`
	Action     string              `json:"action"`
	TargetType string              `json:"target_type"`
	TargetID   string              `json:"target_id"`
	At         time.Time           `json:"at"`
	RequestID  string              `json:"request_id"`
}

// handleAuditList answers GET /api/audit (owner/admin): this tenant's
// events, newest first (?action=, ?limit=, ?cursor=).
func (s *Server) handleAuditList(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	action := strings.TrimSpace(r.URL.Query().Get("action"))
	if len(action) > 100 {
		return tenantry.Errorf(tenantry.EBADREQUEST, "The action parameter is too long.")
	}
	events, next, err := s.scope(r).AuditEvents(r.Context(), tenantry.AuditFilter{Action: action, Page: page})
	if err != nil {
		return err
	}
	items := make([]auditEventResponse, 0, len(events))
	for _, e := range events {
		items = append(items, auditEventResponse{
			ID: e.ID, Actor: e.Actor, Action: e.Action, TargetType: e.TargetType,
			TargetID: e.TargetID, At: e.At, RequestID: e.RequestID,
		})
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}
