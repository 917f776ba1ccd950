package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestBareHandler(t *testing.T) {
	body := syntheticPage(20)
	srv := httptest.NewServer(bareHandler(body))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/projects?limit=20")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if string(got) != string(body) {
		t.Errorf("body: got %d bytes, want the %d-byte page", len(got), len(body))
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "X-Content-Type-Options": "nosniff"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	if resp.ContentLength != int64(len(body)) {
		t.Errorf("Content-Length: got %d, want %d", resp.ContentLength, len(body))
	}
}

func TestSyntheticPage(t *testing.T) {
	var page struct {
		Items []map[string]any `json:"items"`
	}
	b := syntheticPage(20)
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatal(err)
	}
	if got, want := len(page.Items), 20; got != want {
		t.Errorf("items: got %d, want %d", got, want)
	}
	// A real 20-project page is about 4.5 KB.
	if len(b) < 4000 || len(b) > 6000 {
		t.Errorf("size: got %d bytes, want 4000–6000", len(b))
	}
}

func TestBareBodyErrors(t *testing.T) {
	empty := t.TempDir() + "/empty.json"
	if err := writeFile(empty, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{empty, t.TempDir() + "/missing.json"} {
		if _, err := bareBody(name); err == nil {
			t.Errorf("bareBody(%q): got no error, want one", name)
		}
	}
}
