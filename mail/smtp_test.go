package mail_test

import (
	"bufio"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mail"
)

// delivery is what the test SMTP server received in one session.
type delivery struct {
	auth, from string
	to         []string
	data       string
}

// smtpServer is a tiny SMTP server on loopback: no TLS, AUTH CRAM-MD5, one
// message per session, recorded in deliveries.
type smtpServer struct {
	ln         net.Listener
	password   string
	mu         sync.Mutex
	deliveries []delivery
	wg         sync.WaitGroup
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &smtpServer{ln: ln, password: "s:cret"}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	var d delivery
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-test")
			say("250-AUTH CRAM-MD5")
			say("250 8BITMIME")
		case cmd == "AUTH CRAM-MD5":
			// The client answers "user hex(HMAC-MD5(password, challenge))";
			// the server records the user and whether the digest matches.
			const challenge = "<1896.697170952@test>"
			say("334 " + base64.StdEncoding.EncodeToString([]byte(challenge)))
			l, _ := r.ReadString('\n')
			b, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(l))
			user, digest, _ := strings.Cut(string(b), " ")
			mac := hmac.New(md5.New, []byte(s.password))
			mac.Write([]byte(challenge))
			d.auth = user + " ok=" + strconv.FormatBool(hmac.Equal([]byte(digest), []byte(hex.EncodeToString(mac.Sum(nil)))))
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			d.from = strings.TrimSpace(line[len("MAIL FROM:"):])
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			d.to = append(d.to, strings.TrimSpace(line[len("RCPT TO:"):]))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			d.data = b.String()
			s.mu.Lock()
			s.deliveries = append(s.deliveries, d)
			s.mu.Unlock()
			d = delivery{}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default: // RSET, NOOP
			say("250 ok")
		}
	}
}

func (s *smtpServer) got() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.deliveries...)
}

// TestSMTPSend sends one message through the SMTP sender to the test
// server on loopback and checks the envelope, the login and the message.
func TestSMTPSend(t *testing.T) {
	srv := newSMTPServer(t)
	cfg, err := mail.ParseURL("smtp://mailer:s%3Acret@" + srv.ln.Addr().String() + "?tls=none")
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	cfg.From = "Tenantry <no-reply@example.com>"
	m, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	link := "http://localhost:8080/reset-password?token=pr_abc"
	err = m.Send(t.Context(), tenantry.Message{To: "ann@example.com", Subject: "Reset your Tenantry password", Text: "Open " + link + " to choose a new password.\n"})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	ds := srv.got()
	if len(ds) != 1 {
		t.Fatalf("got %d deliveries, want 1", len(ds))
	}
	d := ds[0]
	checks := []struct{ name, got, want string }{
		{"auth", d.auth, "mailer ok=true"},
		{"from", d.from, "<no-reply@example.com>"},
		{"to", strings.Join(d.to, ","), "<ann@example.com>"},
	}
	for _, c := range checks {
		if !strings.HasPrefix(c.got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	msg, err := netmail.ReadMessage(strings.NewReader(d.data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, d.data)
	}
	if got := msg.Header.Get("Subject"); got != "Reset your Tenantry password" {
		t.Errorf("Subject: got %q", got)
	}
	if got := msg.Header.Get("To"); got != "<ann@example.com>" {
		t.Errorf("To: got %q", got)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("decode body: %v", err)
	}
	if !strings.Contains(string(body), link) {
		t.Errorf("body %q does not contain the link %q", body, link)
	}
}

// TestSMTPSendFails checks that a refused connection is an error.
func TestSMTPSendFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, err := mail.ParseURL("smtp://" + addr + "?tls=none")
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	cfg.From, cfg.Timeout = "no-reply@example.com", 2*time.Second
	m, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	if err := m.Send(t.Context(), tenantry.Message{To: "ann@example.com", Subject: "s", Text: "t"}); err == nil {
		t.Errorf("Send to a closed port: got no error, want one")
	}
}

func TestNewSMTPRefusesBadConfig(t *testing.T) {
	tests := map[string]mail.Config{
		"no host":    {From: "a@example.com", Port: 25},
		"no sender":  {Host: "localhost", Port: 25},
		"bad sender": {Host: "localhost", Port: 25, From: "not an address"},
		"bad tls":    {Host: "localhost", Port: 25, From: "a@example.com", TLS: "maybe"},
	}
	for name, cfg := range tests {
		if _, err := mail.NewSMTP(cfg); err == nil {
			t.Errorf("NewSMTP(%s): got no error, want one", name)
		}
	}
}
