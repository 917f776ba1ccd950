package tenantry

import (
	"bytes"
	"encoding/json"
)

// JSONTooDeep reports whether the JSON text b nests objects and arrays more
// than max levels deep (a top-level object of scalars is 1 level). It reads
// b as a stream of tokens and stops at the first level past max, so a
// hostile body is refused before it is decoded into memory. Malformed JSON
// is not too deep: decoding it reports the error.
func JSONTooDeep(b []byte, max int) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth > max {
				return true
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
			if depth == 0 {
				return false
			}
		}
	}
}
