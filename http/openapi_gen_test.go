package http

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var updateOpenAPI = flag.Bool("update-openapi", false, "rewrite openapi.json and docs.html from Operations()")

// TestOpenAPIGenerated checks that openapi.json and docs.html are what
// OpenAPIDocument and RenderDocs make from Operations() and the Go types;
// run with -update-openapi to rewrite them.
func TestOpenAPIGenerated(t *testing.T) {
	doc, err := OpenAPIDocument(Operations())
	if err != nil {
		t.Fatal(err)
	}
	page, err := RenderDocs(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		want []byte
	}{{"openapi.json", doc}, {"docs.html", page}} {
		if *updateOpenAPI {
			if err := os.WriteFile(f.name, f.want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s is not what the generator makes from Operations(); run go test ./http/ -run TestOpenAPIGenerated -update-openapi", f.name)
		}
	}
}
