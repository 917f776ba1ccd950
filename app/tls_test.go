package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTestCert writes a self-signed certificate for 127.0.0.1 and its key
// to dir and returns their paths and the certificate.
func writeTestCert(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "tenantry test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

func TestServeTLS(t *testing.T) {
	tests := []struct {
		name string
		// flags picks how the certificate and key are named.
		flags func(cert, key string) ([]string, map[string]string)
	}{
		{"flags", func(cert, key string) ([]string, map[string]string) {
			return []string{"--tls-cert", cert, "--tls-key", key}, nil
		}},
		{"environment", func(cert, key string) ([]string, map[string]string) {
			return nil, map[string]string{"TENANTRY_TLS_CERT": cert, "TENANTRY_TLS_KEY": key}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certFile, keyFile, cert := writeTestCert(t, t.TempDir())
			addr := freeAddr(t)
			args, extra := tt.flags(certFile, keyFile)
			env := map[string]string{"TENANTRY_DATA": t.TempDir()}
			for k, v := range extra {
				env[k] = v
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var logs syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, append([]string{"serve", "--addr", addr}, args...),
					func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &logs)
			}()

			pool := x509.NewCertPool()
			pool.AddCert(cert)
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
			defer client.CloseIdleConnections()
			base := "https://" + addr
			var resp *http.Response
			var err error
			for range 100 {
				if resp, err = client.Get(base + "/healthz"); err == nil {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("server never answered /healthz over TLS: %v\nlogs:\n%s", err, logs.String())
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
				t.Fatalf("/healthz over TLS: got status %d, TLS %v", resp.StatusCode, resp.TLS)
			}

			// Pages served over TLS set secure cookies (before sign-in, the
			// CSRF cookie; the session cookie is named the same way).
			resp, err = client.Get(base + "/login")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var got []string
			for _, c := range resp.Cookies() {
				got = append(got, c.Name)
				if c.Name == "__Host-tenantry_csrf" && !c.Secure {
					t.Errorf("cookie %s is not Secure", c.Name)
				}
			}
			if len(got) != 1 || got[0] != "__Host-tenantry_csrf" {
				t.Errorf("/login over TLS: got cookies %v, want [__Host-tenantry_csrf]", got)
			}

			// TLS older than 1.2 is refused.
			old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
			if resp, err := old.Get(base + "/healthz"); err == nil {
				resp.Body.Close()
				t.Errorf("TLS 1.1 client: got status %d, want a handshake failure", resp.StatusCode)
			}
			// Plain HTTP on the TLS port is not served.
			if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					t.Errorf("plain HTTP on the TLS listener: got 200")
				}
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v after shutdown, want nil", err)
				}
			case <-time.After(25 * time.Second):
				t.Fatal("serve did not shut down within 25s")
			}
		})
	}
}
