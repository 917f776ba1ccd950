package tenantry

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Import is an export stream (Platform.ExportTenant) decoded and checked
// by DecodeImport, the one decoder of every backend: the tenant and its
// rows in export order, each with the line it came from, so that a store
// only writes them. Every row carries the tenant's id; the user ids of
// members, chat sessions and extension rows are the exported ones until
// MapUsers rewrites them to the importing server's users.
type Import struct {
	Tenant *Tenant
	// Records is the number of records in the stream.
	Records      int
	Users        []Imported[ExportedUser]
	Members      []Imported[Member]
	Invitations  []Imported[ExportedInvitation]
	APIKeys      []Imported[ExportedAPIKey]
	ChatSessions []Imported[ChatSession]
	ChatMessages []Imported[ChatMessage]
	Usage        []Imported[ExportedUsage]
	AuditEvents  []Imported[AuditEvent]
	// Rows are the extension tables' rows, projects and tasks of older
	// exports included (ExportRecord.AsRow).
	Rows []Imported[ExportedRow]
	// MemberRowIDs are the row ids of Members, one each: fresh ids in
	// increasing order, so the join order is kept.
	MemberRowIDs []string
}

// Imported is one record of an import and its line in the stream.
type Imported[T any] struct {
	Line  int
	Value T
}

// BadImport is the bad_request error of a malformed import stream.
func BadImport(format string, args ...any) error {
	return Errorf(EBADREQUEST, "The import is not valid: "+format, args...)
}

// exportRanks returns the rank of each record type in an export: records
// come in this order, the tenant first and once.
func exportRanks() map[string]int {
	return map[string]int{
		ExportTenant: 0, ExportUser: 1, ExportMember: 2, ExportInvitation: 3, ExportAPIKey: 4, ExportProject: 5,
		ExportTask: 6, ExportChatSession: 7, ExportChatMessage: 8, ExportUsage: 9, ExportAuditEvent: 10, ExportRow: 11,
	}
}

// DecodeImport reads an export stream, one record a line (blank lines are
// skipped), and checks every record without touching a database:
// bad_request naming the line for a record that is malformed, out of
// order, of an unknown type or of a table that tables (the extension
// tables and their columns) does not hold; validation_failed for a tenant,
// user or member that breaks the rules of creating one. plans are the
// plans a tenant's plan must be among.
func DecodeImport(r io.Reader, plans Plans, tables map[string][]string) (*Import, error) {
	recs, err := readImport(r)
	if err != nil {
		return nil, err
	}
	im := &Import{Records: len(recs)}
	if err := im.decodeTenant(recs[0], plans); err != nil {
		return nil, err
	}
	for _, l := range recs[1:] {
		if err := im.decode(l, tables); err != nil {
			return nil, err
		}
	}
	im.MemberRowIDs = make([]string, len(im.Members))
	for i := range im.MemberRowIDs {
		im.MemberRowIDs[i] = NewID()
	}
	slices.Sort(im.MemberRowIDs)
	return im, nil
}

// readImport reads the records of a stream and checks their types, order
// and text.
func readImport(r io.Reader) ([]Imported[ExportRecord], error) {
	br := bufio.NewReader(r)
	ranks := exportRanks()
	var out []Imported[ExportRecord]
	last := -1
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read import: %w", err)
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			var rec ExportRecord
			if json.Unmarshal(line, &rec) != nil {
				return nil, BadImport("line %d is not an export record.", n)
			}
			rank, ok := ranks[rec.Type]
			switch {
			case !ok:
				return nil, BadImport("line %d has unknown type %q.", n, rec.Type)
			case (len(out) == 0) != (rank == 0) || rank < last:
				return nil, BadImport("line %d (%s) is out of order.", n, rec.Type)
			case !rec.ValidText():
				return nil, BadImport("line %d (%s) holds text that is not UTF-8 or has NUL characters.", n, rec.Type)
			}
			last = rank
			out = append(out, Imported[ExportRecord]{Line: n, Value: rec})
		}
		if err != nil { // io.EOF
			break
		}
	}
	if len(out) == 0 {
		return nil, BadImport("the stream is empty.")
	}
	return out, nil
}

// decodeRecord decodes the data of record l into v (bad_request).
func decodeRecord(l Imported[ExportRecord], v any) error {
	if len(l.Value.Data) == 0 || json.Unmarshal(l.Value.Data, v) != nil {
		return BadImport("line %d (%s) does not decode.", l.Line, l.Value.Type)
	}
	return nil
}

// recordID parses id, the id of record l or one it names (bad_request).
func recordID(l Imported[ExportRecord], id string) (string, error) {
	out, ok := ParseID(id)
	if !ok {
		return "", BadImport("line %d (%s) has no valid id.", l.Line, l.Value.Type)
	}
	return out, nil
}

// unknownRole is the error of a record with a role that is not one.
func unknownRole(l Imported[ExportRecord]) error {
	return BadImport("line %d (%s) has an unknown role.", l.Line, l.Value.Type)
}

// decodeTenant decodes the first record, the tenant, under the rules of
// creating one.
func (im *Import) decodeTenant(l Imported[ExportRecord], plans Plans) error {
	var t Tenant
	if err := decodeRecord(l, &t); err != nil {
		return err
	}
	if t.ID == "" {
		return BadImport("line %d (tenant) has no id.", l.Line)
	}
	tc := TenantCreate{ID: t.ID, Name: t.Name, Slug: t.Slug, Domain: t.Domain, Plan: t.Plan, Settings: t.Settings, Limits: t.Limits}
	if err := tc.Validate(plans); err != nil {
		return err
	}
	if !t.Status.Valid() {
		return Invalid(map[string]string{"status": "must be active, suspended or archived"})
	}
	t.ID, t.Name, t.Slug, t.Domain, t.Plan, t.Settings, t.Limits = tc.ID, tc.Name, tc.Slug, tc.Domain, tc.Plan, tc.Settings, tc.Limits
	if t.Settings == nil {
		t.Settings = Settings{}
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = Now()
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	im.Tenant = &t
	return nil
}

// decode decodes one record after the tenant.
func (im *Import) decode(l Imported[ExportRecord], tables map[string][]string) error {
	tid := im.Tenant.ID
	if row, ok, err := l.Value.AsRow(tid); err != nil {
		return BadImport("line %d (%s) is not a JSON object.", l.Line, l.Value.Type)
	} else if ok {
		l.Value = row
	}
	switch l.Value.Type {
	case ExportUser:
		return im.decodeUser(l)
	case ExportMember:
		return im.decodeMember(l)
	case ExportInvitation:
		return im.decodeInvitation(l)
	case ExportAPIKey:
		return im.decodeAPIKey(l)
	case ExportChatSession:
		return im.decodeChatSession(l)
	case ExportChatMessage:
		return im.decodeChatMessage(l)
	case ExportUsage:
		return im.decodeUsage(l)
	case ExportAuditEvent:
		return im.decodeAuditEvent(l)
	case ExportRow:
		return im.decodeRow(l, tables)
	}
	return BadImport("line %d (%s) is out of order.", l.Line, l.Value.Type)
}

func (im *Import) decodeUser(l Imported[ExportRecord]) error {
	var u ExportedUser
	if err := decodeRecord(l, &u); err != nil {
		return err
	}
	id, err := recordID(l, u.ID)
	if err != nil {
		return err
	}
	uc := UserCreate{Email: u.Email, Name: u.Name, PasswordHash: "!"}
	if err := uc.Validate(); err != nil {
		return err
	}
	im.Users = append(im.Users, Imported[ExportedUser]{l.Line, ExportedUser{ID: id, Email: uc.Email, Name: uc.Name}})
	return nil
}

func (im *Import) decodeMember(l Imported[ExportRecord]) error {
	var m Member
	if err := decodeRecord(l, &m); err != nil {
		return err
	}
	if !m.Role.Valid() {
		return Invalid(map[string]string{"role": "must be owner, admin or member"})
	}
	uid, err := recordID(l, m.UserID)
	if err != nil {
		return err
	}
	m.TenantID, m.UserID = im.Tenant.ID, uid
	im.Members = append(im.Members, Imported[Member]{l.Line, m})
	return nil
}

func (im *Import) decodeInvitation(l Imported[ExportRecord]) error {
	var inv ExportedInvitation
	if err := decodeRecord(l, &inv); err != nil {
		return err
	}
	id, err := recordID(l, inv.ID)
	if err != nil {
		return err
	}
	if !inv.Role.Valid() {
		return unknownRole(l)
	}
	inv.ID, inv.TenantID = id, im.Tenant.ID
	im.Invitations = append(im.Invitations, Imported[ExportedInvitation]{l.Line, inv})
	return nil
}

func (im *Import) decodeAPIKey(l Imported[ExportRecord]) error {
	var k ExportedAPIKey
	if err := decodeRecord(l, &k); err != nil {
		return err
	}
	id, err := recordID(l, k.ID)
	if err != nil {
		return err
	}
	if k.Hash == "" {
		return BadImport("line %d (api_key) has no hash.", l.Line)
	}
	if !k.Role.Valid() {
		return unknownRole(l)
	}
	k.ID, k.TenantID = id, im.Tenant.ID
	im.APIKeys = append(im.APIKeys, Imported[ExportedAPIKey]{l.Line, k})
	return nil
}

func (im *Import) decodeChatSession(l Imported[ExportRecord]) error {
	var s ChatSession
	if err := decodeRecord(l, &s); err != nil {
		return err
	}
	id, err := recordID(l, s.ID)
	if err != nil {
		return err
	}
	s.ID, s.TenantID = id, im.Tenant.ID
	im.ChatSessions = append(im.ChatSessions, Imported[ChatSession]{l.Line, s})
	return nil
}

func (im *Import) decodeChatMessage(l Imported[ExportRecord]) error {
	var m ChatMessage
	if err := decodeRecord(l, &m); err != nil {
		return err
	}
	id, err := recordID(l, m.ID)
	if err != nil {
		return err
	}
	sid, err := recordID(l, m.SessionID)
	if err != nil {
		return err
	}
	if !ValidChatRole(m.Role) {
		return unknownRole(l)
	}
	m.ID, m.SessionID, m.TenantID = id, sid, im.Tenant.ID
	im.ChatMessages = append(im.ChatMessages, Imported[ChatMessage]{l.Line, m})
	return nil
}

func (im *Import) decodeUsage(l Imported[ExportRecord]) error {
	var u ExportedUsage
	if err := decodeRecord(l, &u); err != nil {
		return err
	}
	if u.Counter == "" {
		return BadImport("line %d (usage) has no counter.", l.Line)
	}
	u.Day = u.Day.UTC()
	im.Usage = append(im.Usage, Imported[ExportedUsage]{l.Line, u})
	return nil
}

func (im *Import) decodeAuditEvent(l Imported[ExportRecord]) error {
	var e AuditEvent
	if err := decodeRecord(l, &e); err != nil {
		return err
	}
	id, err := recordID(l, e.ID)
	if err != nil {
		return err
	}
	e.ID, e.TenantID = id, im.Tenant.ID
	im.AuditEvents = append(im.AuditEvents, Imported[AuditEvent]{l.Line, e})
	return nil
}

// decodeRow checks an extension row: its table one of tables, its tenant
// the imported one, and every column one the table has.
func (im *Import) decodeRow(l Imported[ExportRecord], tables map[string][]string) error {
	var r ExportedRow
	if err := decodeRecord(l, &r); err != nil {
		return err
	}
	cols, ok := tables[r.Table]
	if !ok {
		return BadImport("line %d names table %q, which no extension of this server declares.", l.Line, r.Table)
	}
	if err := r.CheckRowTenant(im.Tenant.ID); err != nil {
		return err
	}
	var row map[string]json.RawMessage
	if err := json.Unmarshal(r.Row, &row); err != nil || row == nil {
		return BadImport("line %d (row) is not a JSON object.", l.Line)
	}
	for c := range row {
		if !slices.Contains(cols, c) {
			return BadImport("line %d (row) has column %q, which table %s does not have.", l.Line, c, r.Table)
		}
	}
	im.Rows = append(im.Rows, Imported[ExportedRow]{l.Line, r})
	return nil
}

// UserIDsAndEmails returns the exported ids and the e-mails of the
// import's users, for a store to look up the users it has of either.
func (im *Import) UserIDsAndEmails() (ids, emails []string) {
	for _, u := range im.Users {
		ids, emails = append(ids, u.Value.ID), append(emails, u.Value.Email)
	}
	return ids, emails
}

// PlanUsers decides the importing server's user of each exported one:
// the user with the same e-mail (byEmail, the existing users by e-mail),
// else a new user with the exported id, or a fresh id when an existing
// user has it (taken). It returns the exported-to-local map for MapUsers
// and the users to create, without passwords: they must reset them.
func (im *Import) PlanUsers(byEmail map[string]string, taken map[string]bool) (local map[string]string, create []Imported[ExportedUser]) {
	local = make(map[string]string, len(im.Users))
	for _, u := range im.Users {
		if id, ok := byEmail[u.Value.Email]; ok {
			local[u.Value.ID] = id
			continue
		}
		nu := u
		if taken[nu.Value.ID] {
			nu.Value.ID = NewID()
		}
		byEmail[nu.Value.Email], taken[nu.Value.ID], local[u.Value.ID] = nu.Value.ID, true, nu.Value.ID
		create = append(create, nu)
	}
	return local, create
}

// MapUsers rewrites the exported user ids to local ones (PlanUsers): a
// member's user must be a user record of the export (bad_request naming
// the line), a chat session's need not (a visitor's has none), and the
// columns of userColumns (each extension table's user columns) of every
// row are mapped as ExportedRow.MapUsers does.
func (im *Import) MapUsers(local map[string]string, userColumns map[string][]string) error {
	for i := range im.Members {
		m := &im.Members[i]
		id, ok := local[m.Value.UserID]
		if !ok {
			return BadImport("line %d (member) names user %s, who has no user record.", m.Line, m.Value.UserID)
		}
		m.Value.UserID = id
	}
	for i := range im.ChatSessions {
		if id, ok := local[im.ChatSessions[i].Value.UserID]; ok {
			im.ChatSessions[i].Value.UserID = id
		}
	}
	for i := range im.Rows {
		r := &im.Rows[i]
		mapped, err := r.Value.MapUsers(userColumns[r.Value.Table], func(id string) (string, bool) {
			out, ok := local[id]
			return out, ok
		})
		if err != nil {
			return BadImport("line %d (row): %s.", r.Line, err)
		}
		r.Value = mapped
	}
	return nil
}
