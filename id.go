package tenantry

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// NewID returns a new time-ordered identifier: a UUID version 7 (RFC 9562)
// in its canonical lower-case text form. IDs made later sort after IDs made
// earlier in the same process to the millisecond.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[6:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16|uint64(binary.BigEndian.Uint16(b[6:8])))
	b[6] = 0x70 | b[6]&0x0f // version 7
	b[8] = 0x80 | b[8]&0x3f // variant 10
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
	var b [16]byte
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i--
			continue
		}
		if _, err := hex.Decode(b[j:j+1], []byte(s[i:i+2])); err != nil {
			return "", false
		}
		j++
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
