package http

import (
	"net/http"
)

// passwordResetRequest is the body of POST /api/auth/password-reset.
type passwordResetRequest struct {
	Email string `json:"email"`
}

// passwordResetConfirmRequest is the body of POST
// /api/auth/password-reset/confirm.
type passwordResetConfirmRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// handlePasswordReset answers POST /api/auth/password-reset {email} with
// 202 whether or not an account has the address (no enumeration): when
// one has, a one-time link that sets a new password is e-mailed to it.
// Requests count against the sign-in limits, per client address and per
// e-mail address.
func (s *Server) handlePasswordReset(w http.ResponseWriter, r *http.Request) error {
	var in passwordResetRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.limitSignIn(r.Context(), r, in.Email); err != nil {
		return err
	}
	if err := s.auth.RequestPasswordReset(r.Context(), in.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// handlePasswordResetConfirm answers POST /api/auth/password-reset/confirm
// {token, password} with 204 once the password is set; every refresh
// token of the user is revoked. A short password is validation_failed; a
// malformed, unknown, used or expired token is unauthenticated. Attempts
// count against the sign-in limit of the client address.
func (s *Server) handlePasswordResetConfirm(w http.ResponseWriter, r *http.Request) error {
	var in passwordResetConfirmRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.limitSignIn(r.Context(), r, ""); err != nil {
		return err
	}
	u, err := s.auth.ResetPassword(r.Context(), in.Token, in.Password)
	if err != nil {
		return err
	}
	if s.cfg.BrowserSessions != nil {
		if err := s.cfg.BrowserSessions.DeleteUser(r.Context(), u.ID); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
