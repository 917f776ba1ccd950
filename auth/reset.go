package auth

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
)

// PasswordResetPrefix starts every password-reset token.
const PasswordResetPrefix = "pr_"

// NewPasswordResetToken returns a new password-reset token,
// pr_<43 base64url secret> (256 random bits), and the hash to store.
func NewPasswordResetToken() (token, hash string) {
	token = PasswordResetPrefix + newSecret()
	return token, HashToken(token)
}

// validResetToken reports whether token has the password-reset format.
func validResetToken(token string) bool {
	s, ok := strings.CutPrefix(token, PasswordResetPrefix)
	return ok && validSecret(s)
}

// errBadReset is the one answer to a reset token that cannot be used.
func errBadReset() error {
	return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The password reset link is invalid or has expired.")
}

// ResetLink returns the link of a password-reset token: the page that sets
// the new password.
func (s *Service) ResetLink(token string) string {
	return s.cfg.PublicURL + "/reset-password?token=" + token
}

// InvitationLink returns the link of an invitation token: the page that
// accepts it.
func (s *Service) InvitationLink(token string) string {
	return s.cfg.PublicURL + "/invitations/" + token
}

// SendsMail reports whether the service has a Mailer, i.e. whether
// invitations and reset links are e-mailed.
func (s *Service) SendsMail() bool { return s.cfg.Mailer != nil }

// RequestPasswordReset e-mails a one-time link that sets a new password,
// valid for tenantry.PasswordResetTTL, when a user has email. It answers
// the same whether or not one has (validation_failed only for a missing
// or malformed address), so that nobody can learn which addresses have
// accounts; mail failures are logged, not returned.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = tenantry.NormalizeEmail(email)
	if email == "" {
		return tenantry.Invalid(map[string]string{"email": "required"})
	} else if !tenantry.ValidEmail(email) {
		return tenantry.Invalid(map[string]string{"email": "must be an e-mail address"})
	}
	u, err := s.store.UserByEmail(ctx, email)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil
	} else if err != nil {
		return fmt.Errorf("auth: password reset: %w", err)
	}
	token, hash := NewPasswordResetToken()
	now := s.now()
	pr := &tenantry.PasswordReset{ID: tenantry.NewID(), UserID: u.ID, TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(tenantry.PasswordResetTTL)}
	if err := s.store.CreatePasswordReset(ctx, pr); err != nil {
		return fmt.Errorf("auth: password reset: %w", err)
	}
	s.send(ctx, tenantry.Message{
		To:      u.Email,
		Subject: "Reset your Tenantry password",
		Text: "Hello " + u.Name + ",\n\n" +
			"Someone asked to reset the password of your Tenantry account. To choose a new password, open this link within " +
			humanTTL(tenantry.PasswordResetTTL) + ":\n\n" + s.ResetLink(token) + "\n\n" +
			"The link works once. If you did not ask for it, ignore this message: your password stays as it is.\n",
	})
	return nil
}

// ResetPassword sets a new password with a reset token from
// RequestPasswordReset, once, and signs the user out everywhere (all
// refresh tokens revoked). A short password is validation_failed; a
// malformed, unknown, used or expired token is unauthenticated.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*tenantry.User, error) {
	switch n := len([]rune(password)); {
	case password == "":
		return nil, tenantry.Invalid(map[string]string{"password": "required"})
	case n < tenantry.MinPasswordLength:
		return nil, tenantry.Invalid(map[string]string{"password": "must be at least 8 characters"})
	case len(password) > 1024:
		return nil, tenantry.Invalid(map[string]string{"password": "too long"})
	}
	token = strings.TrimSpace(token)
	if !validResetToken(token) {
		return nil, errBadReset()
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	u, err := s.store.ResetPassword(ctx, HashToken(token), hash)
	if err != nil {
		if tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
			return nil, errBadReset()
		}
		return nil, fmt.Errorf("auth: reset password: %w", err)
	}
	return u, nil
}

// mailInvitation e-mails the invitee the accept link of a new invitation.
func (s *Service) mailInvitation(ctx context.Context, ts tenantry.TenantStore, inv *tenantry.Invitation, token string) {
	if s.cfg.Mailer == nil {
		return
	}
	name := "a tenant"
	if t, err := ts.Tenant(ctx); err == nil {
		name = t.Name
	}
	s.send(ctx, tenantry.Message{
		To:      inv.Email,
		Subject: "You are invited to " + name + " on Tenantry",
		Text: "Hello,\n\nYou are invited to join " + name + " on Tenantry as " + string(inv.Role) + ". " +
			"To accept, open this link and sign in or create an account with this e-mail address (" + inv.Email + "):\n\n" +
			s.InvitationLink(token) + "\n\nThe link works once and expires on " + inv.ExpiresAt.UTC().Format("2 January 2006 at 15:04 UTC") + ".\n",
	})
}

// send hands m to the Mailer, if any, and logs a failure.
func (s *Service) send(ctx context.Context, m tenantry.Message) {
	if s.cfg.Mailer == nil {
		return
	}
	if err := s.cfg.Mailer.Send(ctx, m); err != nil {
		s.cfg.Logger.LogAttrs(ctx, slog.LevelError, "auth: mail not sent", slog.String("subject", m.Subject), slog.String("error", err.Error()))
	}
}

// humanTTL says a duration of whole minutes in words ("1 hour",
// "30 minutes").
func humanTTL(d time.Duration) string {
	m := int(d / time.Minute)
	switch {
	case m == 60:
		return "1 hour"
	case m%60 == 0:
		return fmt.Sprintf("%d hours", m/60)
	case m == 1:
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
