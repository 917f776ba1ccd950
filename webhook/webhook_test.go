package webhook

import "testing"

func TestNewDefaults(t *testing.T) {
	s, err := New(Config{Secret: []byte("server-secret-server-secret-0123"), AllowOrigins: []string{"http://10.0.0.5:8080", "hooks.internal"}})
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	if c.Concurrency != DefaultConcurrency || c.Timeout != DefaultTimeout || len(c.Retries) != 4 || c.DisableAfter != DefaultDisableAfter ||
		c.SweepInterval != DefaultSweepInterval || c.Retention != DefaultRetention || c.Jitter != 0.2 || c.Logger == nil {
		t.Errorf("defaults: %+v", c)
	}
	if c.Events(nil) != nil {
		t.Error("Events of no handle: want nil")
	}
	for _, tt := range []struct {
		url      string
		operator bool
	}{
		{"http://10.0.0.5:8080/in", true},
		{"https://hooks.internal/in", true},
		{"https://hooks.internal:8443/in", false},
		{"https://hooks.example.com/in", false},
	} {
		client, err := s.client(tt.url)
		if err != nil || (client == s.operator) != tt.operator {
			t.Errorf("client(%q): operator %v, %v; want operator %v", tt.url, client == s.operator, err, tt.operator)
		}
	}
	if d := s.Dispatcher(nil); d == nil {
		t.Fatal("Dispatcher: nil")
	}
}
