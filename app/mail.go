package app

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mail"
)

// mailFlags are serve's flags for e-mail: where invitations and
// password-reset links go, and the base URL of their links.
type mailFlags struct {
	smtpURL   string
	from      string
	publicURL string
}

// addMailFlags adds --smtp-url, --mail-from and --public-url to fs.
func (e *environment) addMailFlags(fs *flag.FlagSet) *mailFlags {
	m := &mailFlags{}
	fs.StringVar(&m.smtpURL, "smtp-url", e.getenv("TENANTRY_SMTP_URL"), "SMTP server for invitations and password-reset links: smtp://user:pass@host:587 (STARTTLS; ?tls=opportunistic or ?tls=none for a relay on loopback) or smtps://user:pass@host:465 (TLS); when empty, messages go to the log at INFO (TENANTRY_SMTP_URL)")
	fs.StringVar(&m.from, "mail-from", e.env("TENANTRY_MAIL_FROM", "Tenantry <no-reply@localhost>"), "sender address of e-mail (TENANTRY_MAIL_FROM)")
	fs.StringVar(&m.publicURL, "public-url", e.getenv("TENANTRY_PUBLIC_URL"), "base URL of the links in e-mail, as users reach the server (default http://localhost:<port of --addr>) (TENANTRY_PUBLIC_URL)")
	return m
}

// resolvePublicURL checks --public-url, or derives the default from the
// listen address, and returns it without a trailing slash.
func (m *mailFlags) resolvePublicURL(addr string) (string, error) {
	if m.publicURL == "" {
		port := "8080"
		if _, p, err := net.SplitHostPort(addr); err == nil && p != "" {
			port = p
		}
		return "http://localhost:" + port, nil
	}
	u, err := url.Parse(m.publicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--public-url: want an http:// or https:// URL with a host and no query, got %q", m.publicURL)
	}
	return strings.TrimRight(m.publicURL, "/"), nil
}

// mailer returns the SMTP sender of --smtp-url, or the log sink when it is
// empty.
func (m *mailFlags) mailer(logger *slog.Logger) (tenantry.Mailer, error) {
	if m.smtpURL == "" {
		return mail.NewLog(logger), nil
	}
	cfg, err := mail.ParseURL(m.smtpURL)
	if err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	cfg.From = m.from
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	logger.Info("sending e-mail through SMTP", "host", cfg.Host, "port", cfg.Port, "tls", cfg.TLS, "from", m.from)
	return s, nil
}
