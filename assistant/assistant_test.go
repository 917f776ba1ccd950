package assistant_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/mock"
)

func tutorialTenants() []*tenantry.Tenant {
	mk := func(slug, name, welcome, model string, chat int) *tenantry.Tenant {
		return &tenantry.Tenant{ID: tenantry.NewID(), Slug: slug, Name: name, Plan: "free", Status: tenantry.TenantActive,
			Settings: tenantry.Settings{"welcome": welcome, "model": model}, Limits: tenantry.Limits{tenantry.LimitChatPer10s: int64(chat)}}
	}
	return []*tenantry.Tenant{
		mk("acme", "Acme Corp", "Howdy from Acme!", "mock-1", 8),
		mk("globex", "Globex Inc.", "Welcome from Globex.", "mock-2", 4),
		mk("initech", "Initech", "Initech says hi.", "mock-3", 6),
	}
}

func newService(t *testing.T, opts ...assistant.Option) (*assistant.Service, *memStore, *countLimiter) {
	t.Helper()
	ms := newMemStore()
	lim := newCountLimiter()
	return assistant.New(ms.store(), tenantry.DefaultPlans(), lim, nil, opts...), ms, lim
}

func TestChatTutorial(t *testing.T) {
	svc, ms, _ := newService(t)
	ctx := context.Background()
	tenants := tutorialTenants()
	tests := []struct {
		tenant  *tenantry.Tenant
		message string
		want    string
	}{
		{tenants[0], "hello from acme", "Howdy from Acme! [ACME MOCK] You said: 'hello from acme'. Here's it reversed: 'emca morf olleh'"},
		{tenants[1], "hello from globex", "Welcome from Globex. [GLOBEX MOCK] Echo: HELLO FROM GLOBEX"},
		{tenants[2], "  hello from initech ", "Initech says hi. [INITECH MOCK] Got it. 'hello from initech'. (pretend-smart summary)."},
	}
	for _, tt := range tests {
		t.Run(tt.tenant.Slug, func(t *testing.T) {
			sess, err := svc.CreateSession(ctx, tt.tenant)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := sess.TenantID, tt.tenant.ID; got != want {
				t.Errorf("session tenant = %q, want %q", got, want)
			}
			ans, err := svc.Chat(ctx, tt.tenant, sess.ID, tt.message)
			if err != nil {
				t.Fatal(err)
			}
			if got := ans.Reply; got != tt.want {
				t.Errorf("reply = %q, want %q", got, tt.want)
			}
			if got, want := ans.Model, tt.tenant.Settings.String("model"); got != want {
				t.Errorf("model = %q, want %q", got, want)
			}
			if got, want := ans.SessionID, sess.ID; got != want {
				t.Errorf("session id = %q, want %q", got, want)
			}
			if got, want := ans.TenantID, tt.tenant.ID; got != want {
				t.Errorf("tenant id = %q, want %q", got, want)
			}
			msgs, _, err := svc.Messages(ctx, tt.tenant, sess.ID, tenantry.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(msgs), 2; got != want {
				t.Fatalf("messages = %d, want %d", got, want)
			}
			if got, want := msgs[0].Content, strings.TrimSpace(tt.message); got != want || msgs[0].Role != tenantry.ChatRoleUser {
				t.Errorf("first message = %s %q, want user %q", msgs[0].Role, got, want)
			}
			if got, want := msgs[1].Content, tt.want; got != want || msgs[1].Role != tenantry.ChatRoleAssistant {
				t.Errorf("second message = %s %q, want assistant %q", msgs[1].Role, got, want)
			}
			for _, m := range msgs {
				if m.SessionID != sess.ID {
					t.Errorf("message session id = %q, want public id %q", m.SessionID, sess.ID)
				}
			}
		})
	}
	if got, want := ms.appends, 3; got != want {
		t.Errorf("AppendChatMessages calls = %d, want %d (one per chat)", got, want)
	}
	for _, tn := range tenants {
		if got, want := ms.usage[tn.ID+"/"+tenantry.CounterChatMessages], int64(1); got != want {
			t.Errorf("%s chat usage = %d, want %d", tn.Slug, got, want)
		}
	}
}

func TestChatCrossTenantForbiddenWithoutRead(t *testing.T) {
	svc, ms, _ := newService(t)
	ctx := context.Background()
	tenants := tutorialTenants()
	acme, globex := tenants[0], tenants[1]
	sess, err := svc.CreateSession(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	before := ms.touches(acme.ID)

	_, err = svc.Chat(ctx, globex, sess.ID, "should fail")
	if got, want := tenantry.ErrorCode(err), tenantry.EFORBIDDEN; got != want {
		t.Fatalf("chat code = %q, want %q", got, want)
	}
	if got, want := tenantry.ErrorMessage(err), "session does not belong to tenant"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	_, _, err = svc.Messages(ctx, globex, sess.ID, tenantry.Page{})
	if got, want := tenantry.ErrorCode(err), tenantry.EFORBIDDEN; got != want {
		t.Fatalf("messages code = %q, want %q", got, want)
	}
	if got := ms.touches(acme.ID) - before; got != 0 {
		t.Errorf("acme store calls during cross-tenant use = %d, want 0", got)
	}
	if got := ms.touches(globex.ID); got != 0 {
		t.Errorf("globex store calls = %d, want 0", got)
	}
}

func TestChatUnknownSession(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := context.Background()
	acme := tutorialTenants()[0]
	other := tutorialTenants()[0] // same slug, another id
	real, err := svc.CreateSession(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, sid, code string
	}{
		{"empty", "", tenantry.ENOTFOUND},
		{"garbage", "not-a-session", tenantry.ENOTFOUND},
		{"uuid", tenantry.NewID(), tenantry.ENOTFOUND},
		{"padded", real.ID + "=", tenantry.ENOTFOUND},
		{"unknown", assistant.PublicSessionID(acme.ID, tenantry.NewID()), tenantry.ENOTFOUND},
		{"other tenant id", assistant.PublicSessionID(other.ID, tenantry.NewID()), tenantry.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Chat(ctx, acme, tt.sid, "hi")
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Errorf("chat code = %q, want %q (%v)", got, tt.code, err)
			}
			_, _, err = svc.Messages(ctx, acme, tt.sid, tenantry.Page{})
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Errorf("messages code = %q, want %q (%v)", got, tt.code, err)
			}
		})
	}
}

func TestChatValidation(t *testing.T) {
	svc, ms, lim := newService(t)
	ctx := context.Background()
	acme := tutorialTenants()[0]
	sess, err := svc.CreateSession(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, message, code string
	}{
		{"empty", "", tenantry.EINVALID},
		{"blank", " \n\t", tenantry.EINVALID},
		{"too long", strings.Repeat("é", assistant.MaxMessageChars+1), tenantry.EINVALID},
		{"bad utf8", "\xff\xfe", tenantry.EINVALID},
		{"max", strings.Repeat("é", assistant.MaxMessageChars), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Chat(ctx, acme, sess.ID, tt.message)
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			var e *tenantry.Error
			if tt.code == tenantry.EINVALID && (!errors.As(err, &e) || e.Fields["message"] == "") {
				t.Errorf("error %v does not name field message", err)
			}
		})
	}
	if got, want := len(lim.keys), 1; got != want {
		t.Errorf("rate limiter calls = %d, want %d (invalid messages are not counted)", got, want)
	}
	if got, want := ms.appends, 1; got != want {
		t.Errorf("appends = %d, want %d", got, want)
	}
}

func TestChatRateLimited(t *testing.T) {
	svc, ms, lim := newService(t)
	ctx := context.Background()
	globex := tutorialTenants()[1] // chat_per_10s 4
	acme := tutorialTenants()[0]
	sess, err := svc.CreateSession(ctx, globex)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := svc.Chat(ctx, globex, sess.ID, "hi"); err != nil {
			t.Fatalf("chat %d: %v", i, err)
		}
	}
	_, err = svc.Chat(ctx, globex, sess.ID, "one too many")
	var e *tenantry.Error
	if !errors.As(err, &e) || e.Code != tenantry.ERATELIMITED {
		t.Fatalf("err = %v, want rate_limited", err)
	}
	if got, want := e.RetryAfter, 2500*time.Millisecond; got != want {
		t.Errorf("RetryAfter = %v, want %v", got, want)
	}
	if got, want := lim.keys[0], "chat:"+globex.ID; got != want {
		t.Errorf("key = %q, want %q", got, want)
	}
	if got, want := lim.rates[0], (tenantry.Rate{Events: 4, Per: 10 * time.Second, Burst: 4}); got != want {
		t.Errorf("rate = %+v, want %+v", got, want)
	}
	if got, want := ms.appends, 4; got != want {
		t.Errorf("appends = %d, want %d", got, want)
	}
	// Another tenant has its own budget.
	s2, err := svc.CreateSession(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Chat(ctx, acme, s2.ID, "hi"); err != nil {
		t.Errorf("other tenant chat: %v", err)
	}
}

func TestChatLimitZeroAndUnlimited(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		limit int64
		code  string
		calls int
	}{
		{0, tenantry.ERATELIMITED, 0},
		{-1, "", 0},
	}
	for _, tt := range tests {
		svc, _, lim := newService(t)
		tn := tutorialTenants()[0]
		tn.Limits[tenantry.LimitChatPer10s] = tt.limit
		sess, err := svc.CreateSession(ctx, tn)
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Chat(ctx, tn, sess.ID, "hi")
		if got := tenantry.ErrorCode(err); got != tt.code {
			t.Errorf("limit %v: code = %q, want %q", tt.limit, got, tt.code)
		}
		if got := len(lim.keys); got != tt.calls {
			t.Errorf("limit %v: limiter calls = %d, want %d", tt.limit, got, tt.calls)
		}
	}
}

func TestChatHistoryBounded(t *testing.T) {
	ms := newMemStore()
	var seen []tenantry.ChatRequest
	prov := &mock.Provider{ChatFn: func(ctx context.Context, req tenantry.ChatRequest) (*tenantry.ChatReply, error) {
		seen = append(seen, req)
		return &tenantry.ChatReply{Content: "ok", Model: "remote-1"}, nil
	}}
	svc := assistant.New(ms.store(), tenantry.DefaultPlans(), newCountLimiter(),
		assistant.Providers{"openai": assistant.Fixed(prov)},
		assistant.WithHistoryMessages(4), assistant.WithHistoryChars(10))
	ctx := context.Background()
	tn := &tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Name: "Acme", Plan: "enterprise",
		Settings: tenantry.Settings{"provider": "openai", "model": "gpt-x", "system_prompt": "Be brief."}}
	sess, err := svc.CreateSession(ctx, tn)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"aaaa", "bbbb", "cccc"} {
		ans, err := svc.Chat(ctx, tn, sess.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ans.Model, "remote-1"; got != want {
			t.Errorf("model = %q, want %q", got, want)
		}
	}
	last := seen[len(seen)-1]
	if got, want := last.Model, "gpt-x"; got != want {
		t.Errorf("model = %q, want %q", got, want)
	}
	if got, want := last.SystemPrompt, "Be brief."; got != want {
		t.Errorf("system prompt = %q, want %q", got, want)
	}
	var got []string
	for _, m := range last.Messages {
		got = append(got, m.Role+":"+m.Content)
	}
	// History: last 4 stored (bbbb ok cccc... ) trimmed to 10 chars: "ok","bbbb","ok" = 8; then the new message.
	want := []string{"assistant:ok", "user:bbbb", "assistant:ok", "user:cccc"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages = %v, want %v", got, want)
	}
}

func TestChatProviderFailureStoresNothing(t *testing.T) {
	ms := newMemStore()
	prov := &mock.Provider{ChatFn: func(ctx context.Context, req tenantry.ChatRequest) (*tenantry.ChatReply, error) {
		return nil, tenantry.Errorf(tenantry.EUPSTREAMTIMEOUT, "The assistant provider did not answer in time.")
	}}
	svc := assistant.New(ms.store(), tenantry.DefaultPlans(), newCountLimiter(), assistant.Providers{"openai": assistant.Fixed(prov)})
	ctx := context.Background()
	tn := &tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Name: "Acme", Plan: "free", Settings: tenantry.Settings{"provider": "openai"}}
	sess, err := svc.CreateSession(ctx, tn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Chat(ctx, tn, sess.ID, "hi")
	if got, want := tenantry.ErrorCode(err), tenantry.EUPSTREAMTIMEOUT; got != want {
		t.Fatalf("code = %q, want %q", got, want)
	}
	if got := ms.appends; got != 0 {
		t.Errorf("appends = %d, want 0", got)
	}
	if got := ms.usage[tn.ID+"/"+tenantry.CounterChatMessages]; got != 0 {
		t.Errorf("usage = %d, want 0", got)
	}
}

func TestChatConfigErrors(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		settings tenantry.Settings
		status   tenantry.TenantStatus
		code     string
	}{
		{"unknown provider", tenantry.Settings{"provider": "nope"}, tenantry.TenantActive, tenantry.EUPSTREAM},
		{"unknown builtin model", tenantry.Settings{"model": "gpt-4"}, tenantry.TenantActive, tenantry.EUPSTREAM},
		{"suspended", tenantry.Settings{}, tenantry.TenantSuspended, tenantry.ETENANTSUSPENDED},
		{"defaults", tenantry.Settings{}, tenantry.TenantActive, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := &tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Name: "Acme", Plan: "free", Settings: tt.settings}
			sess, err := svc.CreateSession(ctx, tn)
			if err != nil {
				t.Fatal(err)
			}
			tn.Status = tt.status
			ans, err := svc.Chat(ctx, tn, sess.ID, "hi")
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if err == nil {
				if got, want := ans.Reply, "Welcome to Acme. [ACME MOCK] You said: 'hi'. Here's it reversed: 'ih'"; got != want {
					t.Errorf("reply = %q, want %q", got, want)
				}
			}
		})
	}
}

func TestChatConcurrentRateLimit(t *testing.T) {
	ms := newMemStore()
	svc := assistant.New(ms.store(), tenantry.DefaultPlans(), inmem.NewRateLimiter(inmem.RateLimiterOptions{}), nil)
	ctx := context.Background()
	globex := tutorialTenants()[1] // 4 per 10s
	sess, err := svc.CreateSession(ctx, globex)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Chat(ctx, globex, sess.ID, "hi")
			mu.Lock()
			codes[tenantry.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if got, want := codes[""], 4; got != want {
		t.Errorf("allowed = %d, want %d (%v)", got, want, codes)
	}
	if got, want := codes[tenantry.ERATELIMITED], 16; got != want {
		t.Errorf("rate limited = %d, want %d (%v)", got, want, codes)
	}
	msgs, _, err := svc.Messages(ctx, globex, sess.ID, tenantry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(msgs), 8; got != want {
		t.Errorf("stored messages = %d, want %d", got, want)
	}
}

func TestSessionsArePrivateToTheirUser(t *testing.T) {
	svc, _, _ := newService(t)
	tn := tutorialTenants()[0]
	as := func(user string, role tenantry.Role) context.Context {
		return tenantry.NewContextWithIdentity(context.Background(), tenantry.Identity{UserID: user, TenantID: tn.ID, Role: role})
	}
	alice, bob := tenantry.NewID(), tenantry.NewID()
	sess, err := svc.CreateSession(as(alice, tenantry.RoleMember), tn)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sess.UserID, alice; got != want {
		t.Errorf("session user = %q, want %q", got, want)
	}
	tests := []struct {
		name string
		ctx  context.Context
		code string
	}{
		{"owner of the session", as(alice, tenantry.RoleMember), ""},
		{"another member", as(bob, tenantry.RoleMember), tenantry.ENOTFOUND},
		{"an admin", as(bob, tenantry.RoleAdmin), ""},
		{"an API key", tenantry.NewContextWithIdentity(context.Background(), tenantry.Identity{APIKeyID: tenantry.NewID(), Role: tenantry.RoleMember}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Chat(tt.ctx, tn, sess.ID, "hi")
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Errorf("chat code = %q, want %q", got, tt.code)
			}
			_, _, err = svc.Messages(tt.ctx, tn, sess.ID, tenantry.Page{})
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Errorf("messages code = %q, want %q", got, tt.code)
			}
		})
	}
}

func TestVisitorAndMemberSessionsAreApart(t *testing.T) {
	svc, _, _ := newService(t)
	tn := tutorialTenants()[0]
	member := tenantry.NewContextWithIdentity(context.Background(), tenantry.Identity{UserID: tenantry.NewID(), TenantID: tn.ID, Role: tenantry.RoleOwner})
	apiKey := tenantry.NewContextWithIdentity(context.Background(), tenantry.Identity{APIKeyID: tenantry.NewID(), TenantID: tn.ID, Role: tenantry.RoleAdmin})
	visitor := tenantry.NewContextWithIdentity(context.Background(), tenantry.Identity{TenantID: tn.ID, Visitor: true})
	msess, err := svc.CreateSession(member, tn)
	if err != nil {
		t.Fatal(err)
	}
	vsess, err := svc.CreateSession(visitor, tn)
	if err != nil {
		t.Fatal(err)
	}
	if msess.Visitor || !vsess.Visitor || vsess.UserID != "" {
		t.Fatalf("got member session %+v and visitor session %+v, want only the second a visitor's", msess, vsess)
	}
	tests := []struct {
		name    string
		ctx     context.Context
		session string
		code    string
	}{
		{"visitor in its session", visitor, vsess.ID, ""},
		{"visitor in a member's session", visitor, msess.ID, tenantry.ENOTFOUND},
		{"owner in a visitor's session", member, vsess.ID, tenantry.ENOTFOUND},
		{"API key in a visitor's session", apiKey, vsess.ID, tenantry.ENOTFOUND},
		{"owner in its session", member, msess.ID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Chat(tt.ctx, tn, tt.session, "hi")
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Errorf("chat code = %q, want %q", got, tt.code)
			}
			_, _, err = svc.Messages(tt.ctx, tn, tt.session, tenantry.Page{})
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Errorf("messages code = %q, want %q", got, tt.code)
			}
		})
	}
}
