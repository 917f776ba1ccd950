package webhook

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestAttempt makes single attempts against local servers and checks what
// each result says, without internals.
func TestAttempt(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	defer ok.Close()
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, ok.URL, http.StatusMovedPermanently)
	}))
	defer moved.Close()
	untrusted := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	untrusted.StartTLS()
	defer untrusted.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	s, err := New(Config{Secret: []byte("server-secret-server-secret-0123"), AllowOrigins: []string{ok.URL, moved.URL, untrusted.URL, closed}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	strict, _ := New(Config{Secret: []byte("server-secret-server-secret-0123")})
	tests := []struct {
		name    string
		svc     *Service
		url     string
		sealed  string
		code    int
		errText string
	}{
		{"2xx", s, ok.URL, "", 202, ""},
		{"redirect", s, moved.URL, "", 301, "The endpoint answered 301, a redirect; redirects are not followed."},
		{"untrusted certificate", s, untrusted.URL, "", 0, msgTLS},
		{"nothing listening", s, closed, "", 0, msgConnect},
		{"loopback not allowed", strict, ok.URL, "", 0, msgRefused},
		{"secret sealed for another row", s, ok.URL, s.seal("tenant", "other", newSecret()), 0, msgSecret},
	}
	for _, tt := range tests {
		j := job{id: "d", webhookID: "w", messageID: "m", url: tt.url, payload: `{"type":"project.created"}`, sealed: tt.sealed}
		if j.sealed == "" {
			j.sealed = tt.svc.seal("tenant", "w", newSecret())
		}
		r, aborted := tt.svc.attempt(context.Background(), "tenant", j)
		if aborted || r.code != tt.code || r.errText != tt.errText {
			t.Errorf("%s: got %d %q (aborted %v), want %d %q", tt.name, r.code, r.errText, aborted, tt.code, tt.errText)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, aborted := s.attempt(ctx, "tenant", job{webhookID: "w", url: ok.URL, sealed: s.seal("tenant", "w", newSecret())}); !aborted {
		t.Error("an attempt on a cancelled context: want it aborted, to be released")
	}
}
