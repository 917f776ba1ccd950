package mail_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry/mail"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw     string
		want    mail.Config
		wantErr string
	}{
		{raw: "smtp://user:pass@mail.example.com", want: mail.Config{Host: "mail.example.com", Port: 587, Username: "user", Password: "pass", TLS: mail.TLSStartTLS}},
		{raw: "smtp://mail.example.com:2525?tls=opportunistic", want: mail.Config{Host: "mail.example.com", Port: 2525, TLS: mail.TLSOpportunistic}},
		{raw: "smtp://127.0.0.1:1025?tls=none", want: mail.Config{Host: "127.0.0.1", Port: 1025, TLS: mail.TLSNone}},
		{raw: "smtps://u%40x:p%2Fw@smtp.example.com", want: mail.Config{Host: "smtp.example.com", Port: 465, Username: "u@x", Password: "p/w", TLS: mail.TLSImplicit}},
		{raw: "smtp://[::1]:25?tls=starttls", want: mail.Config{Host: "::1", Port: 25, TLS: mail.TLSStartTLS}},
		{raw: "http://mail.example.com", wantErr: "smtp:// or smtps://"},
		{raw: "smtp://", wantErr: "no host"},
		{raw: "smtp:mail.example.com", wantErr: "no host"},
		{raw: "smtp://mail.example.com:0", wantErr: "not a port"},
		{raw: "smtp://mail.example.com:99999", wantErr: "not a port"},
		{raw: "smtp://mail.example.com?tls=sometimes", wantErr: "want starttls"},
		{raw: "smtps://mail.example.com?tls=none", wantErr: "always TLS"},
		{raw: "smtp://mail.example.com?auth=plain", wantErr: "unknown SMTP URL parameter"},
		{raw: "smtp://%zz", wantErr: "not a URL"},
	}
	for _, tt := range tests {
		got, err := mail.ParseURL(tt.raw)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseURL(%q): got error %v, want one containing %q", tt.raw, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", tt.raw, got, err, tt.want)
		}
	}
}

// FuzzParseURL checks that ParseURL never panics and that what it accepts
// has a host, a valid port and a known TLS mode, and never leaks the
// password into an error.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"smtp://user:pass@host:587", "smtps://h", "smtp://h?tls=none", "smtp://[::1]:25", "smtp://%zz", "smtp://u:secret@h:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := mail.ParseURL(raw)
		if err != nil {
			if strings.Contains(raw, ":secret@") && strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseURL(%q): error %q shows the password", raw, err)
			}
			return
		}
		if c.Host == "" || c.Port < 1 || c.Port > 65535 {
			t.Errorf("ParseURL(%q) = %+v: accepted without host or port", raw, c)
		}
		switch c.TLS {
		case mail.TLSStartTLS, mail.TLSOpportunistic, mail.TLSImplicit, mail.TLSNone:
		default:
			t.Errorf("ParseURL(%q): TLS mode %q", raw, c.TLS)
		}
	})
}
