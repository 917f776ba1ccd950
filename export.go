package tenantry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// ExportRecord is one line of a tenant export (NDJSON). The first line is
// the tenant; then, in this order, users, members, invitations, API keys,
// chat sessions, chat messages, usage counters, audit events and the rows
// of the extensions' tables (projects and tasks among them). Data is the
// row as the Export* or domain type of its Type. Exports written before
// projects and tasks were an extension have "project" and "task" records
// after the API keys; imports still read them (AsRow).
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
	ExportProject     = "project"      // Project, in older exports only
	ExportTask        = "task"         // Task, in older exports only
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

// AsRow returns a "project" or "task" record of an older export as the row
// record it is now (ok true), with its tenant_id set to tenantID as the
// importers of those records did; every other record comes back as it is,
// with ok false. Their data are rows of the projects and tasks tables,
// column for column; data that is not a JSON object is bad_request.
func (r ExportRecord) AsRow(tenantID string) (_ ExportRecord, ok bool, err error) {
	var table string
	switch r.Type {
	case ExportProject:
		table = "projects"
	case ExportTask:
		table = "tasks"
	default:
		return r, false, nil
	}
	var row map[string]json.RawMessage
	if err := json.Unmarshal(r.Data, &row); err != nil || row == nil {
		return r, true, Errorf(EBADREQUEST, "The import is not valid: a %s record is not a JSON object.", r.Type)
	}
	row["tenant_id"], _ = json.Marshal(tenantID) // a string always encodes
	raw, err := json.Marshal(row)
	if err != nil {
		return r, true, err
	}
	data, err := json.Marshal(ExportedRow{Table: table, Row: raw})
	if err != nil {
		return r, true, err
	}
	return ExportRecord{Type: ExportRow, Data: data}, true, nil
}

// UserColumns returns the columns of a table that hold a user id: those of
// its foreign keys paired with members (user_id) or users (id). An import
// maps them from the exported user ids to the importing server's, as it
// does for members.
func (t TableShape) UserColumns() []string {
	var out []string
	for _, fk := range t.ForeignKeys {
		for i, c := range fk.Columns {
			if i < len(fk.RefColumns) && (fk.RefTable == "members" && fk.RefColumns[i] == "user_id" || fk.RefTable == "users" && fk.RefColumns[i] == "id") {
				out = append(out, c)
			}
		}
	}
	return out
}

// MapUsers rewrites the user columns of an exported row through users
// (exported id to local id); a user id the map does not hold is an error
// saying so, for the importer to report as the line's.
func (r ExportedRow) MapUsers(columns []string, users func(string) (string, bool)) (ExportedRow, error) {
	if len(columns) == 0 {
		return r, nil
	}
	var row map[string]json.RawMessage
	if err := json.Unmarshal(r.Row, &row); err != nil {
		return r, fmt.Errorf("a row of table %s is not a JSON object", r.Table)
	}
	for _, c := range columns {
		var id *string
		if raw, ok := row[c]; !ok || json.Unmarshal(raw, &id) != nil || id == nil {
			continue
		}
		local, ok := users(*id)
		if !ok {
			return r, fmt.Errorf("a row of table %s names user %s, who has no user record", r.Table, *id)
		}
		row[c], _ = json.Marshal(local) // a string always encodes
	}
	out, err := json.Marshal(row)
	if err != nil {
		return r, err
	}
	return ExportedRow{Table: r.Table, Row: out}, nil
}
