package webhook

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// secretKeyInfo is the HKDF info that derives the key sealing the signing
// secrets from the server's signing secret, so that the key is used for
// nothing else.
const secretKeyInfo = "tenantry webhook secrets v1"

// sealedPrefix marks a sealed secret of this format (AES-256-GCM under the
// derived key, nonce first, base64).
const sealedPrefix = "v1:"

// secretCipher returns the AEAD that seals signing secrets at rest, its key
// derived from the server's signing secret with HKDF-SHA256.
func secretCipher(serverSecret []byte) (cipher.AEAD, error) {
	if len(serverSecret) < 16 {
		return nil, errors.New("webhook: the server's signing secret is missing or shorter than 16 bytes")
	}
	key, err := hkdf.Key(sha256.New, serverSecret, nil, secretKeyInfo, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// newSecret returns a new signing secret: the prefix and the base64 of 32
// random bytes.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey returns the HMAC key of a signing secret: the base64-decoded
// part after the prefix.
func secretKey(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, errors.New("webhook: a signing secret starts with " + SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) == 0 {
		return nil, errors.New("webhook: a signing secret is base64 after its prefix")
	}
	return key, nil
}

// seal encrypts the signing secret of webhook id of tenant tenantID for
// the database; the tenant and webhook ids are bound in as additional
// data, so a sealed secret copied to another row does not open.
func (s *Service) seal(tenantID, id, secret string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, []byte(secret), []byte(tenantID+"/"+id))
	return sealedPrefix + base64.StdEncoding.EncodeToString(out)
}

// open decrypts what seal made for the same tenant and webhook; it fails
// under another server secret or for another row.
func (s *Service) open(tenantID, id, sealed string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, sealedPrefix)
	b, err := base64.StdEncoding.DecodeString(rest)
	n := s.aead.NonceSize()
	if !ok || err != nil || len(b) < n {
		return "", errors.New("webhook: sealed secret is malformed")
	}
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(tenantID+"/"+id))
	if err != nil {
		return "", errors.New("webhook: sealed secret does not open with this server's secret")
	}
	return string(plain), nil
}
