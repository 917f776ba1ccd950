package ui

import (
	"io/fs"
	"net/http"
	"strings"
	"unicode/utf8"
)

// staticFiles serves the embedded assets under /static/. A path that is not
// a valid UTF-8, slash-separated name of a file (an overlong "..", an
// invalid byte, a NUL, an empty or dot element, a directory) is 404, never
// a listing or a 500.
type staticFiles struct{ fsys fs.FS }

// ServeHTTP implements http.Handler.
func (s staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/static/")
	if !ok || !utf8.ValidString(name) || strings.ContainsAny(name, "\x00\\") || !fs.ValidPath(name) || name == "." {
		http.NotFound(w, r)
		return
	}
	info, err := fs.Stat(s.fsys, name)
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	http.ServeFileFS(w, r, s.fsys, name)
}
