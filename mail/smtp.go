package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/tenantry/tenantry"
)

// DefaultTimeout bounds the connection and each command of one SMTP
// delivery.
const DefaultTimeout = 15 * time.Second

// TLS modes of an SMTP connection.
const (
	// TLSStartTLS upgrades the connection with STARTTLS and refuses a
	// server that cannot (the default of smtp://).
	TLSStartTLS = "starttls"
	// TLSOpportunistic uses STARTTLS when the server offers it.
	TLSOpportunistic = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (smtps://, port 465).
	TLSImplicit = "tls"
	// TLSNone never encrypts: only for a relay on loopback.
	TLSNone = "none"
)

// Config is where and how to deliver mail over SMTP.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is one of TLSStartTLS, TLSOpportunistic, TLSImplicit, TLSNone.
	TLS string
	// From is the sender address, e.g. "Tenantry <no-reply@example.com>".
	From string
	// Timeout is DefaultTimeout when zero.
	Timeout time.Duration
}

// ParseURL reads an SMTP URL into a Config: smtp://user:pass@host:587
// (STARTTLS required; port 587 by default) or smtps://user:pass@host:465
// (implicit TLS; port 465 by default). The query parameter tls= chooses
// starttls, opportunistic or none on smtp://. User and password are
// optional and percent-decoded.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, errors.New("mail: the SMTP URL is not a URL")
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.Port, c.TLS = 587, TLSStartTLS
	case "smtps":
		c.Port, c.TLS = 465, TLSImplicit
	default:
		return Config{}, fmt.Errorf("mail: the SMTP URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return Config{}, errors.New("mail: the SMTP URL has no host")
	}
	c.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("mail: the SMTP URL's port %q is not a port", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return Config{}, fmt.Errorf("mail: unknown SMTP URL parameter %q (only tls)", k)
		}
	}
	if t := q.Get("tls"); t != "" {
		if u.Scheme == "smtps" {
			return Config{}, errors.New("mail: smtps:// is always TLS; tls= is for smtp://")
		}
		switch t {
		case TLSStartTLS, TLSOpportunistic, TLSNone:
			c.TLS = t
		default:
			return Config{}, fmt.Errorf("mail: tls=%q: want starttls, opportunistic or none", t)
		}
	}
	return c, nil
}

// SMTP sends messages through an SMTP server. It is safe for concurrent
// use: each Send opens its own connection.
type SMTP struct {
	cfg  Config
	opts []gomail.Option
}

var _ tenantry.Mailer = (*SMTP)(nil)

// NewSMTP returns an SMTP sender for cfg (an error for a config without
// host or sender, or an unknown TLS mode).
func NewSMTP(cfg Config) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: SMTP needs a host")
	}
	if cfg.From == "" {
		return nil, errors.New("mail: SMTP needs a sender address (--mail-from)")
	}
	if err := gomail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout)}
	switch cfg.TLS {
	case TLSStartTLS, "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("mail: unknown TLS mode %q", cfg.TLS)
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return &SMTP{cfg: cfg, opts: opts}, nil
}

// Send delivers m in one SMTP session.
func (s *SMTP) Send(ctx context.Context, m tenantry.Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	c, err := gomail.NewClient(s.cfg.Host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}
