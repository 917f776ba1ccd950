package tenantry

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// NewID returns a new time-ordered identifier: a UUID version 7 (RFC 9562)
// in its canonical lower-case text form. It follows the RFC's method 3: the
// 12 bits after the millisecond timestamp and the 8 bits after the variant
// carry the sub-millisecond fraction of the clock, so that ids made one
// after another sort in the order they were made (to about a nanosecond),
// and the remaining 54 bits are random.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[8:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	now := time.Now()
	ms := uint64(now.UnixMilli())
	// The fraction of the millisecond in units of 2^-20 ms (~0.95 ns).
	frac := uint64(now.Nanosecond()%1e6) << 20 / 1e6
	binary.BigEndian.PutUint64(b[:8], ms<<16|0x7000|frac>>8) // version 7, 12 bits
	b[8] = 0x80 | byte(frac&0xff)>>2                         // variant 10, 6 bits
	b[9] = byte(frac&0x03)<<6 | b[9]&0x3f                    // 2 bits, then random
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// ParseID parses a UUID in canonical text form (either case) and returns it
// in lower case. It reports false for anything else, so a value it accepts
// is safe to place in a SET LOCAL statement.
func ParseID(s string) (string, bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return "", false
	}
	lower := true
	for i := 0; i < 36; i++ {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
		case c >= '0' && c <= '9' || c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			lower = false
		default:
			return "", false
		}
	}
	if lower {
		return s, true // already the canonical form: no copy
	}
	var b [16]byte
	if _, err := hex.Decode(b[:], []byte(s[0:8]+s[9:13]+s[14:18]+s[19:23]+s[24:36])); err != nil {
		return "", false
	}
	return formatUUID(b), true
}

// Page asks for one page of a list.
type Page struct {
	// Limit is the page size; Normalize clamps it to 1..MaxPageSize.
	Limit int
	// Cursor is the opaque cursor a previous page returned, or "".
	Cursor string
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Normalize returns p with its limit clamped and its cursor decoded into the
// id after which the page starts. A cursor that does not decode is a
// bad_request error.
func (p Page) Normalize() (limit int, after string, err error) {
	limit = p.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	} else if limit > MaxPageSize {
		limit = MaxPageSize
	}
	if p.Cursor == "" {
		return limit, "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err != nil {
		return 0, "", Errorf(EBADREQUEST, "The cursor is not valid.")
	}
	id, ok := ParseID(string(raw))
	if !ok {
		return 0, "", Errorf(EBADREQUEST, "The cursor is not valid.")
	}
	return limit, id, nil
}

// Cursor returns the opaque cursor of a page that ends with the row lastID.
func Cursor(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastID))
}
