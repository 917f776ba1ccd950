package assistant_test

import (
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
)

func TestSessionIDRoundTrip(t *testing.T) {
	tid, sid := tenantry.NewID(), tenantry.NewID()
	pub := assistant.PublicSessionID(tid, sid)
	if got, want := len(pub), 43; got != want {
		t.Fatalf("len = %d, want %d", got, want)
	}
	gt, gs, ok := assistant.ParseSessionID(pub)
	if !ok || gt != tid || gs != sid {
		t.Errorf("ParseSessionID = %q, %q, %v, want %q, %q, true", gt, gs, ok, tid, sid)
	}
	for _, bad := range []string{"", "x", pub[:42], pub + "A", tenantry.NewID(), pub[:42] + "!"} {
		if _, _, ok := assistant.ParseSessionID(bad); ok {
			t.Errorf("ParseSessionID(%q) ok, want not ok", bad)
		}
	}
	if got := assistant.PublicSessionID("acme", sid); got != "" {
		t.Errorf("PublicSessionID(bad tenant) = %q, want empty", got)
	}
}

func FuzzParseSessionID(f *testing.F) {
	f.Add(assistant.PublicSessionID(tenantry.NewID(), tenantry.NewID()))
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		tid, sid, ok := assistant.ParseSessionID(s)
		if !ok {
			return
		}
		if got := assistant.PublicSessionID(tid, sid); got != s {
			t.Errorf("round trip of %q = %q", s, got)
		}
	})
}
