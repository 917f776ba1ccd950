package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tenantry/tenantry"
)

// Access token defaults.
const (
	DefaultIssuer    = "tenantry"
	DefaultAudience  = "tenantry-api"
	DefaultAccessTTL = 15 * time.Minute
	// Leeway is the clock skew tolerated when checking exp and iat.
	Leeway = 30 * time.Second
	// SecretSize is the size in bytes of a generated signing secret.
	SecretSize = 32
	// SecretFile is the name of the signing secret file in the data
	// directory.
	SecretFile = "jwt.key"
)

// Claims are the claims of an access token: the registered ones (iss, sub =
// user id, aud, exp, iat, jti), adm, set when the user is a platform admin
// at issue time, and sid, the refresh token family (the sign-in session)
// the token was issued for.
type Claims struct {
	jwt.RegisteredClaims
	Admin     bool   `json:"adm,omitempty"`
	SessionID string `json:"sid"`
}

// IssueAccessToken signs an HS256 access token for user in the sign-in
// session (refresh token family) sessionID and returns it with its
// lifetime.
func (s *Service) IssueAccessToken(user *tenantry.User, sessionID string) (string, time.Duration, error) {
	if user == nil || user.ID == "" {
		return "", 0, errors.New("auth: access token for no user")
	}
	if _, ok := tenantry.ParseID(sessionID); !ok {
		return "", 0, errors.New("auth: access token for no session")
	}
	now := s.now()
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.cfg.Issuer,
			Subject:   user.ID,
			Audience:  jwt.ClaimStrings{s.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.AccessTTL)),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        tenantry.NewID(),
		},
		Admin:     user.PlatformAdmin,
		SessionID: sessionID,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.cfg.Secret)
	if err != nil {
		return "", 0, fmt.Errorf("auth: sign access token: %w", err)
	}
	return tok, s.cfg.AccessTTL, nil
}

// parseAccessToken verifies an access token and returns its claims: exp
// and iat are required JSON numbers, iat not in the future beyond Leeway;
// sub and sid are UUIDs. Any failure is unauthenticated.
func (s *Service) parseAccessToken(tok string) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return s.cfg.Secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(s.cfg.Issuer),
		jwt.WithAudience(s.cfg.Audience),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil || !strictDates(tok) {
		return nil, errUnauthenticated()
	}
	if _, ok := tenantry.ParseID(c.Subject); !ok {
		return nil, errUnauthenticated()
	}
	if _, ok := tenantry.ParseID(c.SessionID); !ok {
		return nil, errUnauthenticated()
	}
	return &c, nil
}

// errUnauthenticated is the one error every refused credential gets.
func errUnauthenticated() error {
	return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Missing or invalid credentials.")
}

// LoadOrCreateSecret returns the signing secret kept in
// <dataDir>/jwt.key, creating the directory and the file (SecretSize random
// bytes, mode 0600) when missing. Creation is atomic: the file is written
// under a temporary name and linked into place only if no other process
// created it first, in which case that one is used.
func LoadOrCreateSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, SecretFile)
	if b, err := readSecret(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: create data directory: %w", err)
	}
	f, err := os.CreateTemp(dataDir, ".jwt.key-*")
	if err != nil {
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	secret := make([]byte, SecretSize)
	rand.Read(secret) // never fails (crypto/rand.Read panics on failure)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	if _, err := f.Write(secret); err != nil {
		f.Close()
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readSecret(path) // another process won the race
		}
		return nil, fmt.Errorf("auth: install secret: %w", err)
	}
	return secret, nil
}

// readSecret reads a secret file and checks its size.
func readSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("auth: read secret: %w", err)
	}
	if len(b) != SecretSize {
		return nil, fmt.Errorf("auth: secret file %s holds %d bytes, want %d", path, len(b), SecretSize)
	}
	return b, nil
}
