package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/tenantry/tenantry"
)

// Secret token prefixes. API keys and invitation tokens carry the tenant id
// after the prefix so the server can find the tenant before any lookup.
const (
	APIKeyPrefix     = "tnt_"
	InvitationPrefix = "inv_"
	RefreshPrefix    = "rt_"
)

// Lengths of the parts of a secret token.
const (
	tenantHexLen = 32 // a UUID without hyphens
	secretLen    = 43 // 32 random bytes in unpadded base64url
	// apiKeyDisplayLen is how much of an API key is kept as its Prefix:
	// the "tnt_" prefix, the tenant id and 6 secret characters.
	apiKeyDisplayLen = len(APIKeyPrefix) + tenantHexLen + 6
)

// newSecret returns 256 random bits in unpadded base64url.
func newSecret() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand.Read panics on failure)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tenantToken returns prefix + tenant id hex + secret and its hash. It
// panics when tenantID is not a UUID: callers hold validated ids.
func tenantToken(prefix, tenantID string) (token, hash string) {
	id, ok := tenantry.ParseID(tenantID)
	if !ok {
		panic("auth: token for a tenant id that is not a UUID")
	}
	token = prefix + strings.ReplaceAll(id, "-", "") + newSecret()
	return token, HashToken(token)
}

// NewAPIKeyToken returns a new API key of tenantID,
// tnt_<32 hex tenant id><43 base64url secret>, and the hash to store. It
// panics when tenantID is not a UUID.
func NewAPIKeyToken(tenantID string) (token, hash string) {
	return tenantToken(APIKeyPrefix, tenantID)
}

// NewInvitationToken returns a new invitation token of tenantID,
// inv_<32 hex tenant id><43 base64url secret>, and the hash to store. It
// panics when tenantID is not a UUID.
func NewInvitationToken(tenantID string) (token, hash string) {
	return tenantToken(InvitationPrefix, tenantID)
}

// NewRefreshToken returns a new refresh token, rt_<43 base64url secret>,
// and the hash to store.
func NewRefreshToken() (token, hash string) {
	token = RefreshPrefix + newSecret()
	return token, HashToken(token)
}

// HashToken returns the stored form of a secret token: the lower-case hex
// SHA-256 of the whole token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// APIKeyDisplayPrefix returns the part of an API key kept in clear as
// tenantry.APIKey.Prefix so that people can tell keys apart.
func APIKeyDisplayPrefix(token string) string {
	if len(token) < apiKeyDisplayLen {
		return token
	}
	return token[:apiKeyDisplayLen]
}

// TenantOfToken returns the tenant id inside a well-formed API key (tnt_)
// or invitation token (inv_). It reports false for anything else.
func TenantOfToken(token string) (tenantID string, ok bool) {
	var rest string
	if r, found := strings.CutPrefix(token, APIKeyPrefix); found {
		rest = r
	} else if r, found := strings.CutPrefix(token, InvitationPrefix); found {
		rest = r
	} else {
		return "", false
	}
	if len(rest) != tenantHexLen+secretLen || !validSecret(rest[tenantHexLen:]) {
		return "", false
	}
	h := rest[:tenantHexLen]
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false
		}
	}
	return tenantry.ParseID(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32])
}

// IsAPIKey reports whether a bearer credential is an API key rather than
// an access token.
func IsAPIKey(bearer string) bool { return strings.HasPrefix(bearer, APIKeyPrefix) }

// validRefreshToken reports whether token has the refresh token format.
func validRefreshToken(token string) bool {
	s, ok := strings.CutPrefix(token, RefreshPrefix)
	return ok && validSecret(s)
}

// validSecret reports whether s is the canonical unpadded base64url
// encoding of 32 bytes.
func validSecret(s string) bool {
	if len(s) != secretLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 32
}
