package ui

import (
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// resetRoutes are the password-reset pages, on every host: ask for a link
// by e-mail, and the link's page that sets the new password.
func (h *Handler) resetRoutes(m *http.ServeMux) {
	m.Handle("GET /forgot-password", h.page(h.forgotPassword))
	m.Handle("POST /forgot-password", h.page(h.forgotPasswordSubmit))
	m.Handle("GET /reset-password", h.page(h.resetPassword))
	m.Handle("POST /reset-password", h.page(h.resetPasswordSubmit))
}

// resetPage is the data of the password-reset pages.
type resetPage struct {
	// Sent is set once a link was asked for.
	Sent  bool
	Email string
	Token string
}

// forgotPassword shows the form that asks for a reset link.
func (h *Handler) forgotPassword(q *request) error {
	q.ensureCSRF()
	form := map[string]string{"email": q.r.URL.Query().Get("email")}
	return h.renderAuth(q, http.StatusOK, "reset_request", &view{Title: "Forgot your password?", Page: &resetPage{}}, form)
}

// forgotPasswordSubmit asks auth.RequestPasswordReset for a link. The page
// says the same whether or not an account has the address.
func (h *Handler) forgotPasswordSubmit(q *request) error {
	email := q.r.PostForm.Get("email")
	err := h.throttleSignIn(q, email)
	if err == nil {
		err = h.cfg.Auth.RequestPasswordReset(q.ctx(), email)
	}
	if err != nil {
		v := &view{Title: "Forgot your password?", Page: &resetPage{}}
		v.formErr(err)
		return h.renderAuth(q, statusOf(err), "reset_request", v, map[string]string{"email": email})
	}
	v := &view{Title: "Check your e-mail", Page: &resetPage{Sent: true, Email: tenantry.NormalizeEmail(email)}}
	return h.renderAuth(q, http.StatusOK, "reset_request", v, nil)
}

// resetPassword shows the form of a reset link that sets a new password.
func (h *Handler) resetPassword(q *request) error {
	q.ensureCSRF()
	token := strings.TrimSpace(q.r.URL.Query().Get("token"))
	return h.renderAuth(q, http.StatusOK, "reset_password", &view{Title: "Choose a new password", Page: &resetPage{Token: token}}, nil)
}

// resetPasswordSubmit sets the new password with auth.ResetPassword, signs
// every browser of that user out (this one too) and sends the user to sign
// in.
func (h *Handler) resetPasswordSubmit(q *request) error {
	f := q.r.PostForm
	token := strings.TrimSpace(f.Get("token"))
	err := h.throttleSignIn(q, "")
	var u *tenantry.User
	if err == nil {
		if f.Get("password") != f.Get("confirm") {
			err = tenantry.Invalid(map[string]string{"password": "does not match the repeated password"})
		} else {
			u, err = h.cfg.Auth.ResetPassword(q.ctx(), token, f.Get("password"))
		}
	}
	if err != nil {
		v := &view{Title: "Choose a new password", Page: &resetPage{Token: token}}
		v.formErr(err)
		if tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
			v.Error = "This reset link is invalid, used or expired. Ask for a new one."
		}
		return h.renderAuth(q, statusOf(err), "reset_password", v, nil)
	}
	// Every browser session of the user is signed out, this one too when
	// it is theirs: the reset is for a password someone else may know.
	if err := h.sessions.DeleteUser(q.r.Context(), u.ID); err != nil {
		return err
	}
	if q.sess != nil && q.sess.UserID == u.ID {
		q.sess, q.user = nil, nil
	}
	// Nothing is stored for an anonymous browser: the sign-in page says it
	// from the query.
	q.redirect("/login?reset=done")
	return nil
}

// invitationFlash is the notice above a new invitation's link: it was
// e-mailed when the server sends mail, and the link is shown only once.
func invitationFlash(mailed bool, email string) string {
	if mailed {
		return "Invitation created and e-mailed to " + email + ". You can also copy the link and send it yourself; it is shown only once."
	}
	return "Invitation created for " + email + ". Send them this link; it is shown only once."
}
