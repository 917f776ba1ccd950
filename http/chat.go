package http

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tenantry/tenantry"
)

// sessionResponse is the answer of POST /api/sessions.
type sessionResponse struct {
	SessionID string        `json:"session_id"`
	Tenant    sessionTenant `json:"tenant"`
}

// sessionTenant is the tenant as a chat client sees it.
type sessionTenant struct {
	ID      string `json:"id"`
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	Welcome string `json:"welcome"`
}

// chatRequest is the body of POST /api/chat.
type chatRequest struct {
	SessionID string `json:"session_id"`
	Message   string `json:"message"`
}

// assistantOf returns the configured assistant, or unavailable.
func (s *Server) assistantOf() (tenantry.Assistant, error) {
	if s.assistant == nil {
		return nil, tenantry.Errorf(tenantry.EUNAVAILABLE, "The assistant is not available.")
	}
	return s.assistant, nil
}

// handleSessionCreate answers POST /api/sessions with 201: a new assistant
// session in the current tenant. It needs no body; a body, when sent, must
// be the empty JSON object (the tenant comes from the request, as on every
// tenant route, never from the body).
func (s *Server) handleSessionCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct{}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	return s.startSession(w, r)
}

// startSession starts an assistant session in the request's tenant for the
// caller in its context and answers 201 with it.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assistantOf()
	if err != nil {
		return err
	}
	t := tenantOf(r)
	sess, err := a.CreateSession(r.Context(), t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, sessionResponse{
		SessionID: sess.ID,
		Tenant: sessionTenant{
			ID: t.ID, Slug: t.Slug, Name: t.Name, Welcome: t.Settings.String(tenantry.SettingWelcome),
		},
	})
}

// handleChat answers POST /api/chat: one message to the tenant's assistant
// and its reply. A session of another tenant is forbidden.
func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) error {
	var req chatRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	return s.answerChat(w, r, req.SessionID, req.Message, 0)
}

// answerChat sends message to the assistant session sessionID of the
// request's tenant and writes the reply, for members and visitors alike;
// maxChars, when not 0, bounds the message here (the assistant has its own
// bound).
func (s *Server) answerChat(w http.ResponseWriter, r *http.Request, sessionID, message string, maxChars int) error {
	a, err := s.assistantOf()
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if strings.TrimSpace(sessionID) == "" {
		fields["session_id"] = "required"
	}
	switch msg := strings.TrimSpace(message); {
	case msg == "":
		fields["message"] = "required"
	case maxChars > 0 && utf8.RuneCountInString(msg) > maxChars:
		fields["message"] = fmt.Sprintf("too long (at most %d characters)", maxChars)
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	ans, err := a.Chat(r.Context(), tenantOf(r), sessionID, message)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ans)
}

// handleSessionMessages answers GET /api/sessions/{id}/messages: the
// conversation, oldest first.
func (s *Server) handleSessionMessages(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assistantOf()
	if err != nil {
		return err
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if id == "" {
		id = r.PathValue("session_id")
	}
	items, next, err := a.Messages(r.Context(), tenantOf(r), id, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}
