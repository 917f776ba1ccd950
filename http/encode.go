package http

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tenantry/tenantry"
)

// jsonAppender is a response body that encodes itself. The hot responses
// (projects) implement it to skip encoding/json's reflection and its
// re-validation of every json.Marshaler result, which for a page of
// projects costs more than reading the page from SQLite. The bytes are
// those encoding/json writes for the same value; encode_test.go checks it.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// projectSize is about the encoded size of a project, to size buffers in
// one allocation.
const projectSize = 320

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string escaped the way
// encoding/json.Marshal escapes it: quotes, backslashes and control
// characters; <, > and & as \u003c, \u003e and \u0026; invalid UTF-8 as
// \ufffd; and U+2028 and U+2029.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == utf8.RuneError && size == 1:
			esc = `\ufffd`
		case r == '\u2028':
			esc = `\u2028`
		case r == '\u2029':
			esc = `\u2029`
		default:
			i += size
			continue
		}
		b = append(b, s[done:i]...)
		b = append(b, esc...)
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}

// appendJSONTime appends t as time.Time.MarshalJSON does (RFC 3339 with
// as many fractional digits as needed). Stored times are always within
// the years 0 to 9999 that MarshalJSON accepts.
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendProject appends p as encoding/json encodes a tenantry.Project.
func appendProject(b []byte, p *tenantry.Project) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, p.ID)
	b = append(b, `,"tenant_id":`...)
	b = appendJSONString(b, p.TenantID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, p.Description)
	b = append(b, `,"is_active":`...)
	b = strconv.AppendBool(b, p.IsActive)
	b = append(b, `,"created_at":`...)
	b = appendJSONTime(b, p.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendJSONTime(b, p.UpdatedAt)
	return append(b, '}')
}

// projectBody is the response body of one project.
type projectBody struct{ p *tenantry.Project }

func (v projectBody) appendJSON(b []byte) []byte {
	return appendProject(slices.Grow(b, projectSize), v.p)
}

// projectListBody is a page of projects, shaped as newList shapes it.
type projectListBody struct {
	items []*tenantry.Project
	next  string
}

func (v projectListBody) appendJSON(b []byte) []byte {
	b = slices.Grow(b, 64+projectSize*len(v.items))
	b = append(b, `{"items":[`...)
	for i, p := range v.items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendProject(b, p)
	}
	b = append(b, `],"next_cursor":`...)
	if v.next == "" {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, v.next)
	}
	return append(b, '}')
}
