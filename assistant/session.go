package assistant

import (
	"encoding/base64"
	"encoding/hex"

	"github.com/tenantry/tenantry"
)

// sessionIDLen is the length of a public session id: base64url (no
// padding) of 32 bytes.
const sessionIDLen = 43

// PublicSessionID returns the opaque session id given to clients for the
// session sessionID of tenant tenantID: the base64url encoding (without
// padding) of the tenant's 16 UUID bytes followed by the session's. Both
// arguments must be UUIDs in text form; it returns "" otherwise.
func PublicSessionID(tenantID, sessionID string) string {
	t, ok := uuidBytes(tenantID)
	if !ok {
		return ""
	}
	s, ok := uuidBytes(sessionID)
	if !ok {
		return ""
	}
	var b [32]byte
	copy(b[:16], t[:])
	copy(b[16:], s[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ParseSessionID decodes a public session id into the tenant id and the
// session id it embeds, in canonical UUID text form. It reports false for
// anything PublicSessionID did not make.
func ParseSessionID(public string) (tenantID, sessionID string, ok bool) {
	if len(public) != sessionIDLen {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(public)
	if err != nil || len(b) != 32 {
		return "", "", false
	}
	tenantID, ok1 := tenantry.ParseID(formatUUID(b[:16]))
	sessionID, ok2 := tenantry.ParseID(formatUUID(b[16:]))
	if !ok1 || !ok2 {
		return "", "", false
	}
	return tenantID, sessionID, true
}

// resolveSession checks that public names a session of tenant t and
// returns the session's storage id. A session id embedding another tenant
// is forbidden without any read of that tenant; a malformed one is
// not_found.
func resolveSession(t *tenantry.Tenant, public string) (string, error) {
	tenantID, sessionID, ok := ParseSessionID(public)
	if !ok {
		return "", errSessionNotFound()
	}
	if own, ok := tenantry.ParseID(t.ID); !ok || own != tenantID {
		return "", tenantry.Errorf(tenantry.EFORBIDDEN, "session does not belong to tenant")
	}
	return sessionID, nil
}

func errSessionNotFound() error {
	return tenantry.Errorf(tenantry.ENOTFOUND, "Session not found.")
}

func uuidBytes(s string) ([16]byte, bool) {
	var b [16]byte
	id, ok := tenantry.ParseID(s)
	if !ok {
		return b, false
	}
	hexs := id[0:8] + id[9:13] + id[14:18] + id[19:23] + id[24:]
	if _, err := hex.Decode(b[:], []byte(hexs)); err != nil {
		return b, false
	}
	return b, true
}

func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
