package assistant

import "github.com/tenantry/tenantry"

// idAfter returns a new id that sorts after prev. tenantry.NewID orders ids
// only to the millisecond, and a session's messages are listed by id, so a
// reply made in the same millisecond as its question could otherwise sort
// before it.
func idAfter(prev string) string {
	for range 64 {
		if id := tenantry.NewID(); id > prev {
			return id
		}
	}
	if id, ok := increment(prev); ok {
		return id
	}
	return tenantry.NewID()
}

// increment adds one to the last 12 hex digits (the random tail) of the
// UUID id, keeping its version and variant.
func increment(id string) (string, bool) {
	if _, ok := tenantry.ParseID(id); !ok {
		return "", false
	}
	b := []byte(id)
	for i := len(b) - 1; i >= 24; i-- {
		switch {
		case b[i] == 'f':
			b[i] = '0'
			continue
		case b[i] == '9':
			b[i] = 'a'
		default:
			b[i]++
		}
		return string(b), true
	}
	return "", false
}
