package tenantry_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

const importTenantID = "0190aaaa-0000-7000-8000-000000000001"

// importLines joins records into a stream.
func importLines(recs ...string) string { return strings.Join(recs, "\n") + "\n" }

var (
	importTenant = `{"type":"tenant","data":{"id":"` + importTenantID + `","name":"Acme","slug":"acme","plan":"free","status":"active"}}`
	importUser   = `{"type":"user","data":{"id":"0190bbbb-0000-7000-8000-000000000002","email":" Ann@Example.com ","name":"Ann"}}`
	importMember = `{"type":"member","data":{"user_id":"0190bbbb-0000-7000-8000-000000000002","role":"owner"}}`
	importRow    = `{"type":"row","data":{"table":"notes","row":{"tenant_id":"` + importTenantID + `","id":"n1","author":"0190bbbb-0000-7000-8000-000000000002"}}}`
)

var importTables = map[string][]string{"notes": {"tenant_id", "id", "author"}, "projects": {"tenant_id", "id", "name"}}

// TestDecodeImportErrors: each malformed stream is refused with its code
// and the line it names, the same on every backend.
func TestDecodeImportErrors(t *testing.T) {
	tests := []struct {
		name, stream, code, message string
	}{
		{"empty", "\n\n", tenantry.EBADREQUEST, "the stream is empty"},
		{"not JSON", "hello", tenantry.EBADREQUEST, "line 1 is not an export record"},
		{"no tenant first", importLines(importUser), tenantry.EBADREQUEST, "line 1 (user) is out of order"},
		{"unknown type", importLines(importTenant, `{"type":"secret","data":{}}`), tenantry.EBADREQUEST, `line 2 has unknown type "secret"`},
		{"out of order", importLines(importTenant, importMember, importUser), tenantry.EBADREQUEST, "line 3 (user) is out of order"},
		{"two tenants", importLines(importTenant, importTenant), tenantry.EBADREQUEST, "line 2 (tenant) is out of order"},
		{"no data", importLines(importTenant, `{"type":"usage"}`), tenantry.EBADREQUEST, "line 2 (usage) does not decode"},
		{"bad user id", importLines(importTenant, `{"type":"user","data":{"id":"x'; --","email":"a@b.c"}}`), tenantry.EBADREQUEST, "line 2 (user) has no valid id"},
		{"bad member role", importLines(importTenant, importUser, `{"type":"member","data":{"user_id":"0190bbbb-0000-7000-8000-000000000002","role":"god"}}`), tenantry.EINVALID, ""},
		{"key without hash", importLines(importTenant, `{"type":"api_key","data":{"id":"0190cccc-0000-7000-8000-000000000003","role":"member"}}`), tenantry.EBADREQUEST, "line 2 (api_key) has no hash"},
		{"unknown table", importLines(importTenant, `{"type":"row","data":{"table":"secrets","row":{"tenant_id":"`+importTenantID+`"}}}`), tenantry.EBADREQUEST, `line 2 names table "secrets"`},
		{"unknown column", importLines(importTenant, `{"type":"row","data":{"table":"notes","row":{"tenant_id":"`+importTenantID+`","x":1}}}`), tenantry.EBADREQUEST, `line 2 (row) has column "x"`},
		{"another tenant's row", importLines(importTenant, `{"type":"row","data":{"table":"notes","row":{"tenant_id":"0190dddd-0000-7000-8000-000000000004"}}}`), tenantry.EBADREQUEST, "does not belong to the imported tenant"},
		{"NUL in text", importLines(importTenant, `{"type":"project","data":{"id":"p","name":"a\u0000b"}}`), tenantry.EBADREQUEST, "line 2 (project) holds text"},
		{"bad plan", importLines(strings.Replace(importTenant, `"free"`, `"gold-plated"`, 1)), tenantry.EINVALID, ""},
	}
	for _, tt := range tests {
		_, err := tenantry.DecodeImport(strings.NewReader(tt.stream), tenantry.DefaultPlans(), importTables)
		if got := tenantry.ErrorCode(err); got != tt.code {
			t.Errorf("%s: got code %q (%v), want %q", tt.name, got, err, tt.code)
		}
		if err != nil && !strings.Contains(tenantry.ErrorMessage(err), tt.message) {
			t.Errorf("%s: got message %q, want it to contain %q", tt.name, tenantry.ErrorMessage(err), tt.message)
		}
	}
}

// TestDecodeImportUsers: users are normalised, a legacy project becomes a
// row of the tenant, and the user ids of members and rows map to the
// importing server's users: the one with the same e-mail, or a new one.
func TestDecodeImportUsers(t *testing.T) {
	stream := importLines(importTenant, importUser,
		`{"type":"user","data":{"id":"0190eeee-0000-7000-8000-000000000005","email":"bo@example.com","name":"Bo"}}`,
		importMember, `{"type":"project","data":{"id":"p1","name":"P"}}`, importRow)
	im, err := tenantry.DecodeImport(strings.NewReader(stream), tenantry.DefaultPlans(), importTables)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := im.Records, 6; got != want {
		t.Errorf("Records: got %d, want %d", got, want)
	}
	if got, want := im.Users[0].Value.Email, "ann@example.com"; got != want {
		t.Errorf("user e-mail: got %q, want %q", got, want)
	}
	if got, want := len(im.Rows), 2; got != want {
		t.Fatalf("rows: got %d, want %d (the project and the note)", got, want)
	}
	if got := string(im.Rows[0].Value.Row); im.Rows[0].Value.Table != "projects" || !strings.Contains(got, importTenantID) || im.Rows[0].Line != 5 {
		t.Errorf("legacy project: got table %s, row %s at line %d; want projects of the tenant at line 5", im.Rows[0].Value.Table, got, im.Rows[0].Line)
	}
	const annHere = "0190ffff-0000-7000-8000-000000000006"
	local, create := im.PlanUsers(map[string]string{"ann@example.com": annHere},
		map[string]bool{annHere: true, "0190eeee-0000-7000-8000-000000000005": true})
	if len(create) != 1 || create[0].Value.Email != "bo@example.com" || create[0].Value.ID == "0190eeee-0000-7000-8000-000000000005" {
		t.Errorf("create: got %+v, want Bo alone with a fresh id (the exported one is taken)", create)
	}
	if err := im.MapUsers(local, map[string][]string{"notes": {"author"}}); err != nil {
		t.Fatal(err)
	}
	if got := im.Members[0].Value.UserID; got != annHere {
		t.Errorf("member user: got %s, want %s", got, annHere)
	}
	if got := string(im.Rows[1].Value.Row); !strings.Contains(got, `"author":"`+annHere+`"`) {
		t.Errorf("note author: got %s, want %s", got, annHere)
	}
}

// TestDecodeImportMemberWithoutUser: a member whose user has no record
// fails at MapUsers, naming the member's line.
func TestDecodeImportMemberWithoutUser(t *testing.T) {
	im, err := tenantry.DecodeImport(strings.NewReader(importLines(importTenant, importMember)), tenantry.DefaultPlans(), nil)
	if err != nil {
		t.Fatal(err)
	}
	local, _ := im.PlanUsers(map[string]string{}, map[string]bool{})
	err = im.MapUsers(local, nil)
	if got := tenantry.ErrorMessage(err); !tenantry.IsCode(err, tenantry.EBADREQUEST) || !strings.Contains(got, "line 2 (member)") {
		t.Errorf("got %v, want bad_request naming line 2 (member)", err)
	}
}

// FuzzDecodeImport: no stream panics, and whatever decodes holds its
// tenant's id on every row.
func FuzzDecodeImport(f *testing.F) {
	f.Add(importLines(importTenant, importUser, importMember, importRow))
	f.Add(importLines(importTenant, `{"type":"task","data":{"id":"t","project_id":"p"}}`))
	f.Add("{}")
	f.Fuzz(func(t *testing.T, stream string) {
		im, err := tenantry.DecodeImport(strings.NewReader(stream), tenantry.DefaultPlans(), importTables)
		if err != nil {
			if tenantry.ErrorCode(err) == tenantry.EINTERNAL {
				t.Fatalf("internal error for client input: %v", err)
			}
			return
		}
		for _, m := range im.Members {
			if m.Value.TenantID != im.Tenant.ID {
				t.Fatalf("member of tenant %q in an import of %q", m.Value.TenantID, im.Tenant.ID)
			}
		}
		for _, r := range im.Rows {
			if err := r.Value.CheckRowTenant(im.Tenant.ID); err != nil {
				t.Fatalf("row %s: %v", r.Value.Row, err)
			}
		}
	})
}
