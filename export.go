package tenantry

import (
	"bytes"
	"encoding/json"
	"io"
	"time"
	"unicode/utf8"
)

// ExportRecord is one line of a tenant export (NDJSON). The first line is
// the tenant; then, in this order, users, members, invitations, API keys,
// projects, tasks, chat sessions, chat messages, usage counters and audit
// events. Data is the row as the Export* or domain type of its Type.
type ExportRecord struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// Export record types and the type of their Data.
const (
	ExportTenant      = "tenant"       // Tenant
	ExportUser        = "user"         // ExportedUser
	ExportMember      = "member"       // Member
	ExportInvitation  = "invitation"   // ExportedInvitation
	ExportAPIKey      = "api_key"      // ExportedAPIKey
	ExportProject     = "project"      // Project
	ExportTask        = "task"         // Task
	ExportChatSession = "chat_session" // ChatSession
	ExportChatMessage = "chat_message" // ChatMessage
	ExportUsage       = "usage"        // ExportedUsage
	ExportAuditEvent  = "audit_event"  // AuditEvent
	// ExportRow is a row of an extension's table, after every record of
	// Tenantry's own tables, tables in their extension's declared order.
	ExportRow = "row" // ExportedRow
)

// ExportedRow is one row of an extension table: its columns by name, as
// the database encodes them in JSON (on SQLite, a BLOB column is exported
// as text).
type ExportedRow struct {
	Table string          `json:"table"`
	Row   json.RawMessage `json:"row"`
}

// ExtensionTables returns the tables of exts in declared order: the order
// in which export writes and import inserts their rows.
func ExtensionTables(exts []Extension) []string {
	var out []string
	for _, e := range exts {
		out = append(out, e.Tables...)
	}
	return out
}

// CheckRowTenant decodes an exported row's tenant_id and returns
// bad_request when it is not tenantID: a row of an export always belongs to
// the tenant the export is of.
func (r ExportedRow) CheckRowTenant(tenantID string) error {
	var head struct {
		TenantID string `json:"tenant_id"`
	}
	if err := json.Unmarshal(r.Row, &head); err != nil || head.TenantID != tenantID {
		return Errorf(EBADREQUEST, "The import is not valid: a row of table %s does not belong to the imported tenant.", r.Table)
	}
	return nil
}

// ExportedUser is a member's user account, without its password: an
// import reuses the user with the same e-mail, or creates one that must
// reset its password.
type ExportedUser struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// ExportedInvitation is an invitation with its token hash.
type ExportedInvitation struct {
	Invitation
	TokenHash string `json:"token_hash"`
}

// ExportedAPIKey is an API key with its hash, so keys keep working after an
// import.
type ExportedAPIKey struct {
	APIKey
	Hash string `json:"hash"`
}

// ExportedUsage is one daily usage counter.
type ExportedUsage struct {
	Day     time.Time `json:"day"`
	Counter string    `json:"counter"`
	Value   int64     `json:"value"`
}

// ValidText reports whether every string of the record's data, object keys
// included, is ValidText and the data itself is valid UTF-8: an import
// refuses any other record before it reaches the database.
func (r ExportRecord) ValidText() bool {
	if !utf8.Valid(r.Data) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(r.Data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return true
		} else if err != nil {
			return true // not JSON: decoding the record reports it
		}
		if s, ok := tok.(string); ok && !ValidText(s) {
			return false
		}
	}
}
