package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mock"
)

// cheapParams make password hashing fast in tests.
func cheapParams() Params { return Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} }

// fakeDB is an in-memory backing for mock.Store and mock.TenantStore with
// the refresh token semantics of tenantry.UserStore.
type fakeDB struct {
	mu          sync.Mutex
	users       map[string]*tenantry.User
	refresh     map[string]*tenantry.RefreshToken // by hash
	tenants     map[string]*tenantry.Tenant
	memberships map[string][]*tenantry.UserMembership      // by user id
	apiKeys     map[string]map[string]*tenantry.APIKey     // tenant id -> hash
	invitations map[string]map[string]*tenantry.Invitation // tenant id -> hash
	members     map[string]map[string]tenantry.Role        // tenant id -> user id
	handles     []string                                   // tenant ids asked of Store.Tenant
	signups     []*tenantry.TenantCreate                   // tc given to Signup
	adminGrants []string                                   // SetPlatformAdmin user ids
	failWith    error                                      // when set, APIKeyByHash fails with it
	now         func() time.Time
}

func newFakeDB() *fakeDB {
	return &fakeDB{
		users:       map[string]*tenantry.User{},
		refresh:     map[string]*tenantry.RefreshToken{},
		tenants:     map[string]*tenantry.Tenant{},
		memberships: map[string][]*tenantry.UserMembership{},
		apiKeys:     map[string]map[string]*tenantry.APIKey{},
		invitations: map[string]map[string]*tenantry.Invitation{},
		members:     map[string]map[string]tenantry.Role{},
		now:         tenantry.Now,
	}
}

// setMember makes userID a member of tenantID with role, or removes the
// membership when role is empty.
func (db *fakeDB) setMember(tenantID, userID string, role tenantry.Role) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.members[tenantID] == nil {
		db.members[tenantID] = map[string]tenantry.Role{}
	}
	if role == "" {
		delete(db.members[tenantID], userID)
		return
	}
	db.members[tenantID][userID] = role
}

func (db *fakeDB) addTenant(slug string) *tenantry.Tenant {
	db.mu.Lock()
	defer db.mu.Unlock()
	t := &tenantry.Tenant{ID: tenantry.NewID(), Name: slug, Slug: slug, Plan: "free", Status: tenantry.TenantActive}
	db.tenants[t.ID] = t
	return t
}

func (db *fakeDB) createUser(uc tenantry.UserCreate) (*tenantry.User, error) {
	for _, u := range db.users {
		if u.Email == uc.Email {
			return nil, tenantry.Errorf(tenantry.ECONFLICT, "E-mail taken.")
		}
	}
	now := db.now()
	u := &tenantry.User{ID: tenantry.NewID(), Email: uc.Email, Name: uc.Name, PasswordHash: uc.PasswordHash,
		PlatformAdmin: uc.PlatformAdmin, CreatedAt: now, UpdatedAt: now}
	db.users[u.ID] = u
	return u, nil
}

func copyUser(u *tenantry.User) *tenantry.User { c := *u; return &c }

func (db *fakeDB) store() *mock.Store {
	return &mock.Store{
		CreateUserFn: func(ctx context.Context, uc tenantry.UserCreate) (*tenantry.User, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			if err := uc.Validate(); err != nil {
				return nil, err
			}
			u, err := db.createUser(uc)
			if err != nil {
				return nil, err
			}
			return copyUser(u), nil
		},
		SignupFn: func(ctx context.Context, uc tenantry.UserCreate, tc *tenantry.TenantCreate) (*tenantry.User, *tenantry.Tenant, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			db.signups = append(db.signups, tc)
			if err := uc.Validate(); err != nil {
				return nil, nil, err
			}
			u, err := db.createUser(uc)
			if err != nil {
				return nil, nil, err
			}
			var t *tenantry.Tenant
			if tc != nil {
				t = &tenantry.Tenant{ID: tenantry.NewID(), Name: tc.Name, Slug: tc.Slug, Plan: tc.Plan, Status: tenantry.TenantActive}
				db.tenants[t.ID] = t
				db.memberships[u.ID] = append(db.memberships[u.ID], &tenantry.UserMembership{Tenant: t, Role: tenantry.RoleOwner})
				u.DefaultTenantID = t.ID
			}
			return copyUser(u), t, nil
		},
		TenantByIDFn: func(ctx context.Context, id string) (*tenantry.Tenant, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			if t, ok := db.tenants[id]; ok {
				c := *t
				return &c, nil
			}
			return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
		},
		UserFn: func(ctx context.Context, id string) (*tenantry.User, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			if u, ok := db.users[id]; ok {
				return copyUser(u), nil
			}
			return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		},
		UserByEmailFn: func(ctx context.Context, email string) (*tenantry.User, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			for _, u := range db.users {
				if u.Email == email {
					return copyUser(u), nil
				}
			}
			return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		},
		SetPlatformAdminFn: func(ctx context.Context, userID string, admin bool) error {
			db.mu.Lock()
			defer db.mu.Unlock()
			u, ok := db.users[userID]
			if !ok {
				return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
			}
			db.adminGrants = append(db.adminGrants, userID)
			u.PlatformAdmin = admin
			return nil
		},
		UserMembershipsFn: func(ctx context.Context, userID string) ([]*tenantry.UserMembership, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			return append([]*tenantry.UserMembership(nil), db.memberships[userID]...), nil
		},
		CreateRefreshTokenFn: func(ctx context.Context, rt *tenantry.RefreshToken) error {
			db.mu.Lock()
			defer db.mu.Unlock()
			c := *rt
			db.refresh[rt.Hash] = &c
			return nil
		},
		RotateRefreshTokenFn: func(ctx context.Context, oldHash string, next *tenantry.RefreshToken) (*tenantry.RefreshToken, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			old, ok := db.refresh[oldHash]
			now := db.now()
			switch {
			case !ok || !old.ExpiresAt.After(now):
				return nil, tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Invalid refresh token.")
			case old.RevokedAt != nil:
				db.revokeFamily(old.FamilyID, now)
				r := *old
				return &r, tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Invalid refresh token.")
			}
			old.RevokedAt = &now
			c := *next
			c.UserID, c.FamilyID = old.UserID, old.FamilyID
			db.refresh[c.Hash] = &c
			r := *old
			return &r, nil
		},
		RevokeRefreshTokenFn: func(ctx context.Context, hash string) (*tenantry.RefreshToken, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			rt, ok := db.refresh[hash]
			if !ok {
				return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
			}
			db.revokeFamily(rt.FamilyID, db.now())
			r := *rt
			return &r, nil
		},
		RefreshFamilyLiveFn: func(ctx context.Context, familyID string) (bool, error) {
			db.mu.Lock()
			defer db.mu.Unlock()
			for _, rt := range db.refresh {
				if rt.FamilyID == familyID && rt.RevokedAt == nil {
					return true, nil
				}
			}
			return false, nil
		},
		TenantFn: func(id string) tenantry.TenantStore {
			db.mu.Lock()
			defer db.mu.Unlock()
			db.handles = append(db.handles, id)
			return db.tenantStore(id)
		},
	}
}

// liveSession stores a refresh token of userID in a new family and returns
// the family id, for access tokens signed by the tests.
func (db *fakeDB) liveSession(userID string) string {
	db.mu.Lock()
	defer db.mu.Unlock()
	id := tenantry.NewID()
	db.refresh["session-"+id] = &tenantry.RefreshToken{ID: id, UserID: userID, FamilyID: id, Hash: "session-" + id,
		CreatedAt: db.now(), ExpiresAt: db.now().Add(time.Hour)}
	return id
}

func (db *fakeDB) revokeFamily(family string, now time.Time) {
	for _, rt := range db.refresh {
		if rt.FamilyID == family && rt.RevokedAt == nil {
			rt.RevokedAt = &now
		}
	}
}

// tenantStore returns a handle of tenant id; like the real backends every
// call fails with tenant_required for an id that is not a UUID.
func (db *fakeDB) tenantStore(id string) *mock.TenantStore {
	tenantID, valid := tenantry.ParseID(id)
	required := tenantry.Errorf(tenantry.ETENANTREQUIRED, "A tenant is required.")
	return &mock.TenantStore{
		IDFn: func() string { return id },
		MemberFn: func(ctx context.Context, userID string) (*tenantry.Member, error) {
			if !valid {
				return nil, required
			}
			db.mu.Lock()
			defer db.mu.Unlock()
			role, ok := db.members[tenantID][userID]
			if !ok {
				return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Member not found.")
			}
			return &tenantry.Member{TenantID: tenantID, UserID: userID, Role: role}, nil
		},
		CreateAPIKeyFn: func(ctx context.Context, key *tenantry.APIKey) error {
			if !valid {
				return required
			}
			db.mu.Lock()
			defer db.mu.Unlock()
			if db.apiKeys[tenantID] == nil {
				db.apiKeys[tenantID] = map[string]*tenantry.APIKey{}
			}
			c := *key
			c.TenantID = tenantID
			db.apiKeys[tenantID][key.Hash] = &c
			return nil
		},
		APIKeyFn: func(ctx context.Context, keyID string) (*tenantry.APIKey, error) {
			if !valid {
				return nil, required
			}
			db.mu.Lock()
			defer db.mu.Unlock()
			for _, k := range db.apiKeys[tenantID] {
				if k.ID == keyID {
					c := *k
					return &c, nil
				}
			}
			return nil, tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.")
		},
		APIKeyByHashFn: func(ctx context.Context, hash string) (*tenantry.APIKey, error) {
			if !valid {
				return nil, required
			}
			db.mu.Lock()
			defer db.mu.Unlock()
			if db.failWith != nil {
				return nil, db.failWith
			}
			k, ok := db.apiKeys[tenantID][hash]
			if !ok || k.RevokedAt != nil {
				return nil, tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Invalid API key.")
			}
			c := *k
			return &c, nil
		},
		CreateInvitationFn: func(ctx context.Context, inv *tenantry.Invitation) error {
			if !valid {
				return required
			}
			db.mu.Lock()
			defer db.mu.Unlock()
			if db.invitations[tenantID] == nil {
				db.invitations[tenantID] = map[string]*tenantry.Invitation{}
			}
			c := *inv
			db.invitations[tenantID][inv.TokenHash] = &c
			return nil
		},
		AcceptInvitationFn: func(ctx context.Context, tokenHash, userID string) (*tenantry.Member, error) {
			if !valid {
				return nil, required
			}
			db.mu.Lock()
			defer db.mu.Unlock()
			if _, ok := db.tenants[tenantID]; !ok {
				return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
			}
			inv, ok := db.invitations[tenantID][tokenHash]
			if !ok || inv.AcceptedAt != nil {
				return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
			}
			now := db.now()
			inv.AcceptedAt = &now
			return &tenantry.Member{TenantID: tenantID, UserID: userID, Email: inv.Email, Role: inv.Role, CreatedAt: now}, nil
		},
	}
}

// newTestService returns a Service over a fresh fakeDB with cheap
// password parameters.
func newTestService(t testing.TB) (*Service, *fakeDB) {
	t.Helper()
	db := newFakeDB()
	p := cheapParams()
	return New(db.store(), Config{Secret: []byte("0123456789abcdef0123456789abcdef"), Params: &p}), db
}
