package postgres

import (
	"reflect"
	"strings"
	"testing"
)

// sqlToken is one token of a statement: a word (lower-cased), a quoted
// identifier (unquoted), or one punctuation character. Strings, comments
// and dollar-quoted bodies are left out; a dollar-quoted body is one
// token "$body$", so that the words of a DO block are not the
// statement's.
type sqlToken struct {
	text   string
	quoted bool
}

// sqlTokens splits a statement into tokens.
func sqlTokens(sql string) []sqlToken {
	var out []sqlToken
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case strings.HasPrefix(sql[i:], "/*"):
			depth := 0
			for i < len(sql) {
				if strings.HasPrefix(sql[i:], "/*") {
					depth, i = depth+1, i+2
				} else if strings.HasPrefix(sql[i:], "*/") {
					depth, i = depth-1, i+2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
		case c == '\'':
			i++
			for i < len(sql) {
				if sql[i] == '\'' && i+1 < len(sql) && sql[i+1] == '\'' {
					i += 2
				} else if sql[i] == '\'' {
					i++
					break
				} else {
					i++
				}
			}
		case c == '"':
			j := i + 1
			var name strings.Builder
			for j < len(sql) {
				if sql[j] == '"' && j+1 < len(sql) && sql[j+1] == '"' {
					name.WriteByte('"')
					j += 2
				} else if sql[j] == '"' {
					j++
					break
				} else {
					name.WriteByte(sql[j])
					j++
				}
			}
			out = append(out, sqlToken{text: name.String(), quoted: true})
			i = j
		case c == '$' && dollarTag(sql[i:]) != "":
			tag := dollarTag(sql[i:])
			end := strings.Index(sql[i+len(tag):], tag)
			if end < 0 {
				i = len(sql)
			} else {
				i += len(tag) + end + len(tag)
			}
			out = append(out, sqlToken{text: "$body$"})
		case isWordByte(c):
			j := i
			for j < len(sql) && (isWordByte(sql[j]) || sql[j] == '$') {
				j++
			}
			out = append(out, sqlToken{text: strings.ToLower(sql[i:j])})
			i = j
		default:
			out = append(out, sqlToken{text: string(c)})
			i++
		}
	}
	return out
}

// dollarTag returns the opening tag of a dollar-quoted string at the start
// of s ("$$", "$p$"), or "" when s does not start with one ($1 does not).
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		switch {
		case s[j] == '$':
			return s[:j+1]
		case !isWordByte(s[j]) || j == 1 && s[j] >= '0' && s[j] <= '9':
			return ""
		}
	}
	return ""
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// sqlCommands counts the commands of a query string: the parts between
// semicolons (outside strings, comments and dollar quotes) that hold a
// token.
func sqlCommands(sql string) int {
	n, open := 0, false
	for _, t := range sqlTokens(sql) {
		switch {
		case t.text == ";" && !t.quoted:
			open = false
		case !open:
			open = true
			n++
		}
	}
	return n
}

// insertSelectTargets returns the tables that a statement inserts into
// with a query (INSERT ... SELECT, INSERT ... WITH, INSERT ... TABLE)
// rather than VALUES or DEFAULT VALUES, its CTEs included, in order.
func insertSelectTargets(sql string) []string {
	toks := sqlTokens(sql)
	word := func(i int, w string) bool { return i < len(toks) && !toks[i].quoted && toks[i].text == w }
	var out []string
	for i := 0; i+2 < len(toks); i++ {
		if !word(i, "insert") || !word(i+1, "into") {
			continue
		}
		j := i + 2
		table := toks[j].text
		for j++; word(j, ".") && j+1 < len(toks); j += 2 {
			table = toks[j+1].text
		}
		if word(j, "as") {
			j += 2
		}
		if word(j, "(") && !word(j+1, "select") && !word(j+1, "with") {
			for depth := 0; j < len(toks); j++ {
				if word(j, "(") {
					depth++
				} else if word(j, ")") {
					if depth--; depth == 0 {
						j++
						break
					}
				}
			}
		}
		if word(j, "overriding") {
			j += 3
		}
		if word(j, "select") || word(j, "with") || word(j, "table") || word(j, "(") {
			out = append(out, table)
		}
	}
	return out
}

func TestSQLCommands(t *testing.T) {
	tests := []struct {
		sql  string
		want int
	}{
		{"SELECT 1", 1},
		{"SELECT 1;", 1},
		{"SET ROLE tenantry_app; SET statement_timeout = 5000", 2},
		{"ALTER TABLE a ENABLE ROW LEVEL SECURITY; ALTER TABLE a FORCE ROW LEVEL SECURITY;", 2},
		{"SELECT ';'; -- ; two?\n", 1},
		{"SELECT 1 /* ; /* nested ; */ ; */", 1},
		{`SELECT "a;b" FROM t`, 1},
		{"DO $$ BEGIN EXECUTE 'ALTER TABLE a ENABLE ROW LEVEL SECURITY'; EXECUTE 'x'; END $$", 1},
		{"DO $body$ SELECT 1; $body$; SELECT 2", 2},
		{"SELECT $1; SELECT $2", 2},
		{"  ;  ; ", 0},
	}
	for _, tt := range tests {
		if got := sqlCommands(tt.sql); got != tt.want {
			t.Errorf("sqlCommands(%q): got %d, want %d", tt.sql, got, tt.want)
		}
	}
}

func TestInsertSelectTargets(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"INSERT INTO tasks (tenant_id, id) VALUES ($1, $2)", nil},
		{"INSERT INTO usage_counters (tenant_id, day, counter, value) SELECT c.id, $3, $4, c.n FROM unnest($1::uuid[], $2::bigint[]) AS c (id, n)", []string{"usage_counters"}},
		{"INSERT INTO t SELECT * FROM u", []string{"t"}},
		{"INSERT INTO public.t AS x (a) WITH q AS (SELECT 1) SELECT * FROM q", []string{"t"}},
		{`INSERT INTO "Odd" (a) TABLE other`, []string{"Odd"}},
		{"INSERT INTO t DEFAULT VALUES", nil},
		{"INSERT INTO t (a) OVERRIDING SYSTEM VALUE VALUES (1)", nil},
		{"INSERT INTO t (SELECT 1)", []string{"t"}},
		{"INSERT INTO t VALUES ((jsonb_populate_record(NULL::t, $1::jsonb)).*)", nil},
		{"WITH ins AS (INSERT INTO projects (a) SELECT $1 FROM quota RETURNING id), audit AS (INSERT INTO audit_events (a) SELECT $2 FROM ins) SELECT 1",
			[]string{"projects", "audit_events"}},
		{"SELECT 'INSERT INTO t SELECT 1'", nil},
		{"-- INSERT INTO t SELECT 1\nSELECT 1", nil},
		{"INSERT INTO invalidations (kind) SELECT $2::text FROM l", []string{"invalidations"}},
	}
	for _, tt := range tests {
		if got := insertSelectTargets(tt.sql); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("insertSelectTargets(%q): got %q, want %q", tt.sql, got, tt.want)
		}
	}
}
