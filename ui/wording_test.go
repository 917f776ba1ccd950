package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestOneWordForTenants keeps the pages to one word for a customer
// organisation, "tenant", as in the API, the CLI and every error message.
func TestOneWordForTenants(t *testing.T) {
	other := regexp.MustCompile(`(?i)organi[sz]ation`)
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: got %d files (err %v), want some", len(files), err)
	}
	gofiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, gofiles...) {
		if f == "wording_test.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := other.Find(b); m != nil {
			t.Errorf("%s says %q, want \"tenant\"", f, m)
		}
	}
}
