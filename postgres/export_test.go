package postgres_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestExportTenant(t *testing.T) {
	db, _ := open(t)
	a, b := seedTwoTenants(t, db)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := db.Platform().ExportTenant(ctx, a.ID, &buf); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	sc := bufio.NewScanner(&buf)
	first := ""
	for sc.Scan() {
		var rec tenantry.ExportRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = rec.Type
		}
		counts[rec.Type]++
		if bytes.Contains(rec.Data, []byte(b.ID)) {
			t.Fatalf("export of A contains tenant B: %s", rec.Data)
		}
	}
	if first != tenantry.ExportTenant {
		t.Fatalf("first record: got %q, want tenant", first)
	}
	for _, typ := range []string{tenantry.ExportUser, tenantry.ExportMember, tenantry.ExportProject, tenantry.ExportTask,
		tenantry.ExportChatMessage, tenantry.ExportAPIKey, tenantry.ExportInvitation, tenantry.ExportUsage, tenantry.ExportAuditEvent} {
		if counts[typ] == 0 {
			t.Errorf("export: no %s record", typ)
		}
	}
	wantCode(t, db.Platform().ExportTenant(ctx, tenantry.NewID(), &buf), tenantry.ETENANTNOTFOUND)
}
