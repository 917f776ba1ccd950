package ui

import (
	"net/http"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
)

// chatPage is the data of the assistant chat.
type chatPage struct {
	Welcome  string
	Model    string
	Messages []*tenantry.ChatMessage
	Enabled  bool
}

// chat shows the conversation of this browser session with the tenant's
// assistant.
func (h *Handler) chat(q *request) error {
	return h.renderChat(q, http.StatusOK, nil, "")
}

// renderChat renders the chat with a failed message's error.
func (h *Handler) renderChat(q *request, status int, formErr error, typed string) error {
	cfg := assistant.ConfigFor(q.tenant)
	p := &chatPage{Welcome: cfg.Welcome, Model: cfg.Model, Enabled: h.cfg.Assistant != nil}
	if sid := q.sess.Chats[q.tenant.ID]; sid != "" && h.cfg.Assistant != nil {
		msgs, _, err := h.cfg.Assistant.Messages(q.ctx(), q.tenant, sid, tenantry.Page{Limit: tenantry.MaxPageSize})
		switch {
		case err == nil:
			p.Messages = msgs
		case statusOf(err) >= 500:
			return err
		}
	}
	v := &view{Title: "Assistant", Nav: "chat", Page: p, Form: map[string]string{"message": typed}}
	v.formErr(formErr)
	h.renderView(q, status, "chat", v)
	return nil
}

// chatSend sends a message, starting an assistant session the first time
// (or when the old one is gone).
func (h *Handler) chatSend(q *request) error {
	if h.cfg.Assistant == nil {
		return tenantry.Errorf(tenantry.EFEATUREDISABLED, "The assistant is not available.")
	}
	msg := q.r.PostForm.Get("message")
	sid := q.sess.Chats[q.tenant.ID]
	for attempt := 0; ; attempt++ {
		if sid == "" {
			s, err := h.cfg.Assistant.CreateSession(q.ctx(), q.tenant)
			if err != nil {
				return h.renderChat(q, statusOf(err), err, msg)
			}
			sid = s.ID
			if q.sess.Chats == nil {
				q.sess.Chats = map[string]string{}
			}
			q.sess.Chats[q.tenant.ID] = sid
			if err := q.save(); err != nil {
				return err
			}
		}
		_, err := h.cfg.Assistant.Chat(q.ctx(), q.tenant, sid, msg)
		if err == nil {
			break
		}
		code := tenantry.ErrorCode(err)
		if attempt == 0 && (code == tenantry.ENOTFOUND || code == tenantry.EFORBIDDEN) {
			sid = ""
			continue
		}
		return h.renderChat(q, statusOf(err), err, msg)
	}
	q.redirect("/chat#last")
	return nil
}
