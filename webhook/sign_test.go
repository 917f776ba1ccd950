package webhook

import (
	"net/http"
	"testing"
	"time"
)

// TestSign checks Sign against the example of the Standard Webhooks
// specification and refuses secrets that are not whsec_ and base64.
func TestSign(t *testing.T) {
	tests := []struct {
		secret, id string
		at         int64
		body, want string
		ok         bool
	}{
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, `{"test": 2432232314}`, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", true},
		{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg", 1, "{}", "", false},
		{"whsec_not base64!", "msg", 1, "{}", "", false},
		{"whsec_", "msg", 1, "{}", "", false},
	}
	for _, tt := range tests {
		got, err := Sign(tt.secret, tt.id, time.Unix(tt.at, 0), []byte(tt.body))
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("Sign(%q) = %q, %v; want %q", tt.secret, got, err, tt.want)
		}
	}
	h := http.Header{}
	if err := setHeaders(h, tests[0].secret, tests[0].id, time.Unix(tests[0].at, 0), []byte(tests[0].body)); err != nil {
		t.Fatal(err)
	}
	if h.Get("webhook-id") != tests[0].id || h.Get("webhook-timestamp") != "1614265330" || h.Get("webhook-signature") != tests[0].want {
		t.Errorf("headers: %v", h)
	}
}
