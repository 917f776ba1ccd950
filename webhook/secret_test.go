package webhook

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestSecret(t *testing.T) {
	s, err := New(Config{Secret: []byte("server-secret-server-secret-0123")})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := New(Config{Secret: []byte("another-server-secret-0123456789")})
	secret := newSecret()
	key, err := secretKey(secret)
	if !strings.HasPrefix(secret, SecretPrefix) || err != nil || len(key) != 32 {
		t.Fatalf("newSecret() = %q (%d key bytes, %v), want whsec_ and 32 bytes", secret, len(key), err)
	}
	if newSecret() == secret {
		t.Fatal("two secrets are equal")
	}
	sealed := s.seal("tenant-a", "hook-1", secret)
	if strings.Contains(sealed, strings.TrimPrefix(secret, SecretPrefix)) {
		t.Fatal("the sealed secret holds the secret in clear")
	}
	tests := []struct {
		name           string
		svc            *Service
		tenant, id, in string
		ok             bool
	}{
		{"same row", s, "tenant-a", "hook-1", sealed, true},
		{"another tenant's row", s, "tenant-b", "hook-1", sealed, false},
		{"another endpoint", s, "tenant-a", "hook-2", sealed, false},
		{"another server secret", other, "tenant-a", "hook-1", sealed, false},
		{"not sealed", s, "tenant-a", "hook-1", secret, false},
		{"truncated", s, "tenant-a", "hook-1", sealedPrefix + base64.StdEncoding.EncodeToString([]byte("short")), false},
	}
	for _, tt := range tests {
		got, err := tt.svc.open(tt.tenant, tt.id, tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != secret) {
			t.Errorf("%s: open = %q, %v; want ok %v", tt.name, got, err, tt.ok)
		}
	}
	if _, err := New(Config{Secret: []byte("short")}); err == nil {
		t.Error("New with a short server secret: want an error")
	}
	if _, err := New(Config{Secret: []byte("server-secret-server-secret-0123"), AllowOrigins: []string{"https://hooks.example.com/path"}}); err == nil {
		t.Error("New with an allowed origin that has a path: want an error")
	}
}
