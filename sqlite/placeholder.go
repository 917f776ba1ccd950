package sqlite

import (
	"strings"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// numbered rewrites the PostgreSQL-style numbered placeholders of query
// ($1, $2, ...) as SQLite's own numbered ones (?1, ?2, ...), which bind the
// same way: $2 before $1, or $1 twice, mean what they say. Text inside
// string literals, quoted identifiers and comments is left alone, so a
// builder's statement is the same text on both backends. A query without
// '$' is returned as it is, without allocating.
func numbered(query string) string {
	if !strings.Contains(query, "$") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query))
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := quotedEnd(query, i, c)
			b.WriteString(query[i:j])
			i = j
		case c == '[':
			j := strings.IndexByte(query[i:], ']')
			if j < 0 {
				j = len(query) - i - 1
			}
			b.WriteString(query[i : i+j+1])
			i += j + 1
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i - 1
			}
			b.WriteString(query[i : i+j+1])
			i += j + 1
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			j := strings.Index(query[i+2:], "*/")
			end := len(query)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(query[i:end])
			i = end
		case c == '$' && i+1 < len(query) && isDigit(query[i+1]):
			b.WriteByte('?')
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// quotedEnd returns the index just past the literal that starts at i with
// quote q; a doubled quote inside is part of the literal. An unterminated
// literal runs to the end of the query.
func quotedEnd(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			j++
			continue
		}
		return j + 1
	}
	return len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maxRewrites bounds the rewritten statements a store keeps: a builder's
// statements built from filters vary, so the cache evicts the least used.
const maxRewrites = 2048

// rewrites is a bounded cache of numbered's answers.
type rewrites struct {
	mu  sync.Mutex
	lru *simplelru.LRU[string, string]
}

func newRewrites() *rewrites {
	l, _ := simplelru.NewLRU[string, string](maxRewrites, nil) // a positive size never fails
	return &rewrites{lru: l}
}

// numbered returns numbered(query), from the cache when it is there.
func (r *rewrites) numbered(query string) string {
	if !strings.Contains(query, "$") {
		return query
	}
	r.mu.Lock()
	out, ok := r.lru.Get(query)
	r.mu.Unlock()
	if ok {
		return out
	}
	out = numbered(query)
	r.mu.Lock()
	r.lru.Add(query, out)
	r.mu.Unlock()
	return out
}
