package storetest

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// testImportMalformedRecords checks that an import whose records hold a
// role their kind does not have, or text that is not UTF-8 or has NUL
// characters, is refused with a client error and leaves nothing behind.
func testImportMalformedRecords(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	tid, uid, sid := tenantry.NewID(), tenantry.NewID(), tenantry.NewID()
	tenant := `{"type":"tenant","data":{"id":"` + tid + `","name":"Imported","slug":"imported","plan":"free","status":"active","settings":{}}}`
	user := `{"type":"user","data":{"id":"` + uid + `","email":"imported@example.com","name":"Imported"}}`
	session := `{"type":"chat_session","data":{"id":"` + sid + `","user_id":"` + uid + `"}}`
	rec := func(typ, data string) string { return `{"type":"` + typ + `","data":` + data + `}` }
	lines := func(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
	tests := []struct {
		name, input, code string
	}{
		{"api key role", lines(tenant, rec("api_key", `{"id":"`+tenantry.NewID()+`","name":"k","role":"god","prefix":"tnt_","hash":"h"}`)), tenantry.EBADREQUEST},
		{"api key no role", lines(tenant, rec("api_key", `{"id":"`+tenantry.NewID()+`","name":"k","prefix":"tnt_","hash":"h"}`)), tenantry.EBADREQUEST},
		{"invitation role", lines(tenant, rec("invitation", `{"id":"`+tenantry.NewID()+`","email":"x@example.com","role":"god","token_hash":"t"}`)), tenantry.EBADREQUEST},
		{"chat message role", lines(tenant, user, session, rec("chat_message", `{"id":"`+tenantry.NewID()+`","session_id":"`+sid+`","role":"god","content":"x"}`)), tenantry.EBADREQUEST},
		{"member role", lines(tenant, user, rec("member", `{"user_id":"`+uid+`","role":"god"}`)), tenantry.EINVALID},
		{"NUL in a project name", lines(tenant, rec("project", `{"id":"`+tenantry.NewID()+`","name":"a\u0000b"}`)), tenantry.EBADREQUEST},
		{"NUL in a key", lines(tenant, rec("audit_event", `{"id":"`+tenantry.NewID()+`","action":"x","data":{"\u0000":1}}`)), tenantry.EBADREQUEST},
		{"NUL in the tenant", strings.Replace(tenant, `"Imported"`, `"a\u0000"`, 1), tenantry.EBADREQUEST},
		{"invalid UTF-8 in a message", lines(tenant, user, session, rec("chat_message", `{"id":"`+tenantry.NewID()+`","session_id":"`+sid+`","role":"user","content":"`+"\xff"+`"}`)), tenantry.EBADREQUEST},
		{"invalid UTF-8 in audit data", lines(tenant, rec("audit_event", `{"id":"`+tenantry.NewID()+`","action":"x","data":{"k":"`+"\xc0\xae"+`"}}`)), tenantry.EBADREQUEST},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Platform().ImportTenant(ctx, strings.NewReader(tt.input))
			wantCode(t, "ImportTenant", err, tt.code)
		})
	}
	_, err := s.TenantByID(ctx, tid)
	wantCode(t, "TenantByID after the refused imports", err, tenantry.ETENANTNOTFOUND)
}
