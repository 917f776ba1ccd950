package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/tenantry/tenantry/internal/netguard"
)

// The error texts of attempts, as the tenant's admins read them: they say
// what happened without internals (no addresses, no Go errors).
const (
	msgRefused    = "The endpoint's address is not public, and its origin is not one the operator allows."
	msgDNS        = "The endpoint's host name does not resolve."
	msgTLS        = "The TLS handshake with the endpoint failed."
	msgConnect    = "The connection to the endpoint failed."
	msgSecret     = "The endpoint's signing secret cannot be read by this server; register the endpoint again."
	msgURL        = "The endpoint's URL is not usable."
	msgCancelled  = "The endpoint was disabled."
	maxReadAnswer = 64 << 10
)

// result is the outcome of one attempt.
type result struct {
	code     int // 0: no answer
	errText  string
	duration time.Duration
	at       time.Time
}

// ok reports whether the attempt succeeded (2xx).
func (r result) ok() bool { return r.code >= 200 && r.code < 300 }

// attempt sends one delivery, signed, and reports its result; aborted is
// true when ctx ended first (the dispatcher is stopping), and the attempt
// must be released rather than recorded.
func (s *Service) attempt(ctx context.Context, tenantID string, j job) (r result, aborted bool) {
	r.at = time.Now()
	secret, err := s.open(tenantID, j.webhookID, j.sealed)
	if err != nil {
		r.errText = msgSecret
		return r, false
	}
	client, err := s.client(j.url)
	if err != nil {
		r.errText = msgURL
		return r, false
	}
	actx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, j.url, bytes.NewReader([]byte(j.payload)))
	if err != nil {
		r.errText = msgURL
		return r, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tenantry-Webhooks/1")
	if err := setHeaders(req.Header, secret, j.messageID, r.at, []byte(j.payload)); err != nil {
		r.errText = msgSecret
		return r, false
	}
	res, err := client.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxReadAnswer))
		res.Body.Close()
	}
	r.duration = time.Since(r.at)
	if ctx.Err() != nil {
		return r, true
	}
	if err != nil {
		r.errText = s.describe(actx, err)
		return r, false
	}
	r.code = res.StatusCode
	switch {
	case r.ok():
	case r.code >= 300 && r.code < 400:
		r.errText = fmt.Sprintf("The endpoint answered %d, a redirect; redirects are not followed.", r.code)
	default:
		r.errText = fmt.Sprintf("The endpoint answered %d.", r.code)
	}
	return r, false
}

// describe returns the error text of a request that got no answer.
func (s *Service) describe(actx context.Context, err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("The endpoint did not answer within %v.", s.cfg.Timeout)
	case netguard.IsRefused(err):
		return msgRefused
	case errors.As(err, &dnsErr):
		return msgDNS
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &recordErr):
		return msgTLS
	}
	return msgConnect
}
