package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
)

// DefaultRefreshTTL is how long a refresh token lives.
const DefaultRefreshTTL = 30 * 24 * time.Hour

// Config configures a Service. Zero fields take the defaults.
type Config struct {
	// Secret is the HS256 signing key (see LoadOrCreateSecret); it must
	// not be empty.
	Secret []byte
	// Issuer and Audience are the iss and aud of access tokens
	// (DefaultIssuer, DefaultAudience).
	Issuer, Audience string
	// AccessTTL and RefreshTTL are token lifetimes (DefaultAccessTTL,
	// DefaultRefreshTTL).
	AccessTTL, RefreshTTL time.Duration
	// Params are the argon2id parameters of new password hashes
	// (DefaultParams). Tests use cheap ones.
	Params *Params
	// Mailer, when set, e-mails invitations and password-reset links.
	Mailer tenantry.Mailer
	// PublicURL is the base of the links in those e-mails, without a
	// trailing slash (DefaultPublicURL).
	PublicURL string
	// Logger receives mail failures (none when nil).
	Logger *slog.Logger
	// HashSlots is how many argon2id computations (hashes and
	// verifications) run at once; the others wait. Each holds Params.Memory
	// KiB until the garbage collector returns it, so this bounds the
	// memory that sign-ins take. Zero means GOMAXPROCS.
	HashSlots int
	// CollectAfterHash makes each computation's slot stay taken until a
	// garbage collection (run in the background: the caller does not wait)
	// has returned its memory to the heap, so that the next computation
	// reuses it: hashing then holds at most HashSlots × Params.Memory,
	// instead of up to about twice that while finished computations wait
	// for the collector. It costs one collection per computation, a few
	// milliseconds with a small heap: for a tight memory limit, not a large
	// heap.
	CollectAfterHash bool
}

// DefaultPublicURL is the base of e-mailed links when Config.PublicURL is
// empty.
const DefaultPublicURL = "http://localhost:8080"

// Service signs users in and authenticates requests against a store.
type Service struct {
	store  tenantry.Store
	cfg    Config
	params Params
	// dummyHash is verified for unknown e-mails so that a failed login
	// takes as long whether or not the user exists.
	dummyHash string
	now       func() time.Time
	// hashing admits at most Config.HashSlots (default GOMAXPROCS)
	// argon2id computations at once: each takes about 19 MiB and tens of
	// milliseconds of CPU, so a burst of sign-ins queues instead of
	// exhausting memory.
	hashing chan struct{}
}

// withHashSlot runs fn while holding one of the hashing slots. With
// Config.CollectAfterHash the slot is freed only once a collection has
// returned fn's garbage to the heap; that runs in the background, so the
// caller does not wait for it.
func (s *Service) withHashSlot(ctx context.Context, fn func()) error {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "The server is busy; try again.")
	}
	release := func() { <-s.hashing }
	if s.cfg.CollectAfterHash {
		release = func() {
			go func() {
				runtime.GC()
				<-s.hashing
			}()
		}
	}
	defer release()
	fn()
	return nil
}

// hash hashes pw under a hashing slot.
func (s *Service) hash(ctx context.Context, pw string) (h string, err error) {
	if serr := s.withHashSlot(ctx, func() { h, err = s.params.Hash(pw) }); serr != nil {
		return "", serr
	}
	return h, err
}

// verify checks pw against hash under a hashing slot.
func (s *Service) verify(ctx context.Context, hash, pw string) (ok bool, err error) {
	if serr := s.withHashSlot(ctx, func() { ok, err = VerifyPassword(hash, pw) }); serr != nil {
		return false, serr
	}
	return ok, err
}

// New returns a Service over store. It panics when cfg.Secret is empty or
// cfg.Params are invalid, both programming errors.
func New(store tenantry.Store, cfg Config) *Service {
	if len(cfg.Secret) == 0 {
		panic("auth: empty signing secret")
	}
	cfg.Secret = append([]byte(nil), cfg.Secret...)
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.Audience == "" {
		cfg.Audience = DefaultAudience
	}
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = DefaultAccessTTL
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = DefaultRefreshTTL
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.PublicURL == "" {
		cfg.PublicURL = DefaultPublicURL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HashSlots <= 0 {
		cfg.HashSlots = runtime.GOMAXPROCS(0)
	}
	params := DefaultParams()
	if cfg.Params != nil {
		params = *cfg.Params
	}
	dummy, err := params.Hash(newSecret())
	if err != nil {
		panic(err)
	}
	return &Service{store: store, cfg: cfg, params: params, dummyHash: dummy, now: tenantry.Now,
		hashing: make(chan struct{}, cfg.HashSlots)}
}

// HashPassword hashes pw with the service's parameters.
func (s *Service) HashPassword(pw string) (string, error) {
	return s.hash(context.Background(), pw)
}

// Session is what signup, login and refresh return.
type Session struct {
	AccessToken   string                     `json:"access_token"`
	RefreshToken  string                     `json:"refresh_token"`
	TokenType     string                     `json:"token_type"`
	ExpiresIn     int64                      `json:"expires_in"`
	User          *tenantry.User             `json:"user"`
	Memberships   []*tenantry.UserMembership `json:"memberships"`
	DefaultTenant *tenantry.Tenant           `json:"default_tenant"`
}

// SignupInput is the input of Signup. TenantName and TenantSlug are both
// set, to create a tenant owned by the new user, or both empty.
type SignupInput struct {
	Email      string `json:"email"`
	Password   string `json:"password"`
	Name       string `json:"name"`
	TenantName string `json:"tenant_name"`
	TenantSlug string `json:"tenant_slug"`
}

// Signup creates a user, and a tenant on the free plan when asked, and
// signs them in (validation_failed, conflict on e-mail or slug).
func (s *Service) Signup(ctx context.Context, in SignupInput) (*Session, error) {
	uc := tenantry.UserCreate{Email: in.Email, Name: in.Name, Password: in.Password}
	fields := map[string]string{}
	if err := uc.Validate(); err != nil {
		var e *tenantry.Error
		if !errors.As(err, &e) {
			return nil, err
		}
		for k, v := range e.Fields {
			fields[k] = v
		}
	}
	var tc *tenantry.TenantCreate
	name, slug := strings.TrimSpace(in.TenantName), strings.TrimSpace(in.TenantSlug)
	switch {
	case name == "" && slug != "":
		fields["tenant_name"] = "required with tenant_slug"
	case name != "" && slug == "":
		fields["tenant_slug"] = "required with tenant_name"
	case name != "":
		tc = &tenantry.TenantCreate{Name: name, Slug: slug, Plan: "free"}
		check := *tc
		if err := check.Validate(tenantry.Plans{"free": {}}); err != nil {
			var e *tenantry.Error
			if errors.As(err, &e) {
				for k, v := range e.Fields {
					if k == "name" || k == "slug" {
						fields["tenant_"+k] = v
					}
				}
			}
		}
	}
	if len(fields) > 0 {
		return nil, tenantry.Invalid(fields)
	}
	hash, err := s.hash(ctx, uc.Password)
	if err != nil {
		return nil, err
	}
	uc.PasswordHash = hash
	u, _, err := s.store.Signup(ctx, uc, tc)
	if err != nil {
		return nil, err
	}
	return s.newSession(ctx, u)
}

// errBadLogin is the one answer to a failed login.
func errBadLogin() error {
	return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Invalid e-mail or password.")
}

// Login signs a user in by e-mail and password. An unknown e-mail and a
// wrong password get the same unauthenticated error after the same work;
// an e-mail that is not tenantry.ValidText is unknown without a look-up.
func (s *Service) Login(ctx context.Context, email, password string) (*Session, error) {
	var u *tenantry.User
	if email = tenantry.NormalizeEmail(email); tenantry.ValidText(email) {
		var err error
		u, err = s.store.UserByEmail(ctx, email)
		if err != nil && !tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return nil, fmt.Errorf("auth: login: %w", err)
		}
	}
	hash := s.dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, err := s.verify(ctx, hash, password)
	if err != nil {
		return nil, fmt.Errorf("auth: login: %w", err)
	}
	if !ok || u == nil || u.PasswordHash == "" {
		return nil, errBadLogin()
	}
	return s.newSession(ctx, u)
}

// Refresh exchanges a refresh token for a new session. The old token stops
// working; presenting it again is refused and revokes its whole family.
//
// The next token handed to store.RotateRefreshToken carries ID, Hash,
// ExpiresAt and CreatedAt; the store fills UserID and FamilyID from the
// token it revokes.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (*Session, error) {
	if !validRefreshToken(refreshToken) {
		return nil, errBadRefresh()
	}
	token, hash := NewRefreshToken()
	now := s.now()
	next := &tenantry.RefreshToken{ID: tenantry.NewID(), Hash: hash, CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL)}
	old, err := s.store.RotateRefreshToken(ctx, HashToken(refreshToken), next)
	if err != nil {
		if isClientError(err) {
			// A reused token's family is revoked by now, and the store
			// has told every process to stop its access tokens.
			return nil, errBadRefresh()
		}
		return nil, fmt.Errorf("auth: refresh: %w", err)
	}
	u, err := s.store.User(ctx, old.UserID)
	if err != nil {
		if isClientError(err) {
			return nil, errBadRefresh()
		}
		return nil, fmt.Errorf("auth: refresh: %w", err)
	}
	return s.session(ctx, u, token, old.FamilyID)
}

func errBadRefresh() error {
	return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Invalid or expired refresh token.")
}

// Logout revokes a refresh token and its family and returns the revoked
// token, whose FamilyID is the session whose access tokens must stop (nil
// when the token is unknown: already signed out). A token that is
// malformed is unauthenticated.
func (s *Service) Logout(ctx context.Context, refreshToken string) (*tenantry.RefreshToken, error) {
	if !validRefreshToken(refreshToken) {
		return nil, errBadRefresh()
	}
	return s.LogoutHash(ctx, HashToken(refreshToken))
}

// LogoutHash is Logout for callers that keep only the refresh token's
// stored hash (HashToken), as the web pages' browser sessions do: it
// revokes that token and its family and returns the token (nil when it was
// unknown: already signed out). A malformed hash is unauthenticated.
func (s *Service) LogoutHash(ctx context.Context, hash string) (*tenantry.RefreshToken, error) {
	if !validTokenHash(hash) {
		return nil, errBadRefresh()
	}
	rt, err := s.store.RevokeRefreshToken(ctx, hash)
	if err != nil {
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return nil, nil
		}
		return nil, fmt.Errorf("auth: logout: %w", err)
	}
	return rt, nil
}

// validTokenHash reports whether h has the form of HashToken's result.
func validTokenHash(h string) bool {
	if len(h) != 2*sha256.Size {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// newSession starts a refresh token family for u and returns a session.
func (s *Service) newSession(ctx context.Context, u *tenantry.User) (*Session, error) {
	token, hash := NewRefreshToken()
	now := s.now()
	id := tenantry.NewID()
	rt := &tenantry.RefreshToken{ID: id, UserID: u.ID, FamilyID: id, Hash: hash, CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL)}
	if err := s.store.CreateRefreshToken(ctx, rt); err != nil {
		return nil, fmt.Errorf("auth: store refresh token: %w", err)
	}
	return s.session(ctx, u, token, rt.FamilyID)
}

// session issues an access token for u in session (refresh token family)
// sessionID and gathers its memberships.
func (s *Service) session(ctx context.Context, u *tenantry.User, refreshToken, sessionID string) (*Session, error) {
	access, ttl, err := s.IssueAccessToken(u, sessionID)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.UserMemberships(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: memberships: %w", err)
	}
	if ms == nil {
		ms = []*tenantry.UserMembership{}
	}
	for _, m := range ms {
		m.Tenant = m.Tenant.ForRole(m.Role)
	}
	sess := &Session{
		AccessToken:  access,
		RefreshToken: refreshToken,
		TokenType:    "Bearer",
		ExpiresIn:    int64(ttl / time.Second),
		User:         u,
		Memberships:  ms,
	}
	for _, m := range ms {
		if m.Tenant != nil && m.Tenant.ID == u.DefaultTenantID {
			sess.DefaultTenant = m.Tenant
		}
	}
	return sess, nil
}

// Principal is an authenticated caller: a user (from an access token) or
// an API key of one tenant.
type Principal struct {
	UserID        string
	PlatformAdmin bool
	APIKeyID      string
	// TenantID and Role are set for API keys only; a user's tenant and
	// role are resolved per request.
	TenantID string
	Role     tenantry.Role
	// CreatorID is the member who created an API key: the key's
	// principal is dropped from caches when that membership changes.
	CreatorID string
	// SessionID is the sign-in session (refresh token family) of an
	// access token; its access tokens stop when it is revoked.
	SessionID string
	// ExpiresAt is when the credential stops being accepted: an access
	// token's exp plus Leeway, an API key's expiry; zero for never.
	ExpiresAt time.Time
}

// Live reports whether the principal's credential is still accepted at
// now. A cached principal is checked with Live on every use.
func (p *Principal) Live(now time.Time) bool {
	return p.ExpiresAt.IsZero() || now.Before(p.ExpiresAt)
}

// Identity returns the principal as a request identity.
func (p *Principal) Identity() tenantry.Identity {
	return tenantry.Identity{
		UserID:        p.UserID,
		APIKeyID:      p.APIKeyID,
		PlatformAdmin: p.PlatformAdmin,
		TenantID:      p.TenantID,
		Role:          p.Role,
	}
}

// Authenticate checks a bearer credential (without the "Bearer " scheme):
// an API key (tnt_...) is looked up through its own tenant's handle and
// must be neither revoked nor expired, and its creator still a member (the
// key acts with the lower of its role and the creator's); any
// other value is verified as an access token whose session (refresh token
// family) must not be revoked (logout, reuse detection). A refused
// credential is unauthenticated; only storage failures (internal,
// unavailable) are returned as they are. Each call reads the store:
// callers cache principals and drop them on invalidation.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*Principal, error) {
	if bearer == "" {
		return nil, errUnauthenticated()
	}
	if IsAPIKey(bearer) {
		tenantID, ok := TenantOfToken(bearer)
		if !ok {
			return nil, errUnauthenticated()
		}
		key, err := s.store.Tenant(tenantID).APIKeyByHash(ctx, HashToken(bearer))
		if err != nil {
			if isClientError(err) {
				return nil, errUnauthenticated()
			}
			return nil, fmt.Errorf("auth: api key: %w", err)
		}
		if key.RevokedAt != nil || key.TenantID != tenantID || !key.Role.Valid() {
			return nil, errUnauthenticated()
		}
		p := &Principal{APIKeyID: key.ID, TenantID: key.TenantID, CreatorID: key.CreatedBy}
		if key.ExpiresAt != nil {
			if !s.now().Before(*key.ExpiresAt) {
				return nil, errUnauthenticated()
			}
			p.ExpiresAt = *key.ExpiresAt
		}
		// The key acts at most with its creator's current role, and not
		// at all once the creator has left the tenant.
		creator, err := s.store.Tenant(tenantID).Member(ctx, key.CreatedBy)
		if err != nil {
			if isClientError(err) {
				return nil, errUnauthenticated()
			}
			return nil, fmt.Errorf("auth: api key creator: %w", err)
		}
		p.Role = key.EffectiveRole(creator.Role)
		return p, nil
	}
	c, err := s.parseAccessToken(bearer)
	if err != nil {
		return nil, err
	}
	live, err := s.store.RefreshFamilyLive(ctx, c.SessionID)
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	if !live {
		return nil, errUnauthenticated()
	}
	return &Principal{UserID: c.Subject, PlatformAdmin: c.Admin, SessionID: c.SessionID, ExpiresAt: c.ExpiresAt.Add(Leeway)}, nil
}

// isClientError reports whether err is a *tenantry.Error other than
// internal or unavailable, i.e. a refusal rather than a failure.
func isClientError(err error) bool {
	var e *tenantry.Error
	return errors.As(err, &e) && e.Code != tenantry.EINTERNAL && e.Code != tenantry.EUNAVAILABLE
}

// CreateAPIKey creates an API key of ts's tenant, expiring at expiresAt
// when that is not nil, and returns it with its secret, which is shown once
// (validation_failed, tenant_required). Its creator is the member behind
// ctx's identity: the signed-in user, or for a request made with an API
// key, that key's own creator, so that a key minted by a key is bound to
// the same member. Without a member behind it (the system actor) it is
// forbidden.
func (s *Service) CreateAPIKey(ctx context.Context, ts tenantry.TenantStore, name string, role tenantry.Role, expiresAt *time.Time) (*tenantry.APIKey, string, error) {
	tenantID, ok := tenantry.ParseID(ts.ID())
	if !ok {
		return nil, "", tenantry.Errorf(tenantry.ETENANTREQUIRED, "A tenant is required.")
	}
	ident := tenantry.IdentityFromContext(ctx)
	creator := ident.UserID
	if ident.APIKeyID != "" {
		k, err := ts.APIKey(ctx, ident.APIKeyID)
		if err != nil {
			return nil, "", err
		}
		creator = k.CreatedBy
	}
	if creator == "" {
		return nil, "", tenantry.Errorf(tenantry.EFORBIDDEN, "An API key needs a member who creates it.")
	}
	name = strings.TrimSpace(name)
	fields := map[string]string{}
	switch {
	case !tenantry.CheckText(fields, "name", name):
	case name == "":
		fields["name"] = "required"
	case len(name) > 200:
		fields["name"] = "too long"
	}
	if !role.Valid() {
		fields["role"] = "must be owner, admin or member"
	}
	now := s.now()
	if expiresAt != nil {
		e := expiresAt.UTC().Truncate(time.Microsecond)
		if !e.After(now) {
			fields["expires_at"] = "must be in the future"
		}
		expiresAt = &e
	}
	if len(fields) > 0 {
		return nil, "", tenantry.Invalid(fields)
	}
	token, hash := NewAPIKeyToken(tenantID)
	key := &tenantry.APIKey{
		ID:        tenantry.NewID(),
		TenantID:  tenantID,
		Name:      name,
		Role:      role,
		Prefix:    APIKeyDisplayPrefix(token),
		Hash:      hash,
		CreatedBy: creator,
		CreatedAt: now,
		ExpiresAt: expiresAt,
	}
	if err := ts.CreateAPIKey(ctx, key); err != nil {
		return nil, "", err
	}
	return key, token, nil
}

// CreateInvitation invites email into ts's tenant with role and returns
// the invitation with its one-time token (validation_failed,
// tenant_required), and e-mails the accept link to the invitee when the
// service has a Mailer. The inviter is the actor of ctx's identity.
func (s *Service) CreateInvitation(ctx context.Context, ts tenantry.TenantStore, email string, role tenantry.Role) (*tenantry.Invitation, string, error) {
	tenantID, ok := tenantry.ParseID(ts.ID())
	if !ok {
		return nil, "", tenantry.Errorf(tenantry.ETENANTREQUIRED, "A tenant is required.")
	}
	email = tenantry.NormalizeEmail(email)
	fields := map[string]string{}
	if email == "" {
		fields["email"] = "required"
	} else if !tenantry.ValidEmail(email) {
		fields["email"] = "must be an e-mail address"
	}
	if !role.Valid() {
		fields["role"] = "must be owner, admin or member"
	}
	if len(fields) > 0 {
		return nil, "", tenantry.Invalid(fields)
	}
	token, hash := NewInvitationToken(tenantID)
	_, actor := tenantry.IdentityFromContext(ctx).Actor()
	now := s.now()
	inv := &tenantry.Invitation{
		ID:        tenantry.NewID(),
		TenantID:  tenantID,
		Email:     email,
		Role:      role,
		TokenHash: hash,
		CreatedBy: actor,
		ExpiresAt: now.Add(tenantry.InvitationTTL),
		CreatedAt: now,
	}
	if err := ts.CreateInvitation(ctx, inv); err != nil {
		return nil, "", err
	}
	s.mailInvitation(ctx, ts, inv, token)
	return inv, token, nil
}

// AcceptInvitation makes userID a member of the tenant named in token with
// the invited role (not_found for a malformed, unknown, used or expired
// token; tenant_suspended or tenant_archived when the tenant is not usable,
// which takes no new members; forbidden, conflict and plan_limit as the
// store says). The JSON API and the web pages both accept through it.
func (s *Service) AcceptInvitation(ctx context.Context, token, userID string) (*tenantry.Member, error) {
	tenantID, ok := TenantOfToken(token)
	if !ok || !strings.HasPrefix(token, InvitationPrefix) {
		return nil, errNoInvitation()
	}
	t, err := s.store.TenantByID(ctx, tenantID)
	switch {
	case tenantry.IsCode(err, tenantry.ETENANTNOTFOUND), tenantry.IsCode(err, tenantry.ENOTFOUND):
		return nil, errNoInvitation()
	case err != nil:
		return nil, err
	}
	if err := t.Usable(); err != nil {
		return nil, err
	}
	m, err := s.store.Tenant(tenantID).AcceptInvitation(ctx, HashToken(token), userID)
	if err != nil {
		switch tenantry.ErrorCode(err) {
		case tenantry.ETENANTNOTFOUND, tenantry.ETENANTREQUIRED, tenantry.ENOTFOUND:
			return nil, errNoInvitation()
		}
		return nil, err
	}
	return m, nil
}

func errNoInvitation() error {
	return tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
}

// EnsurePlatformAdmin makes the user with email a platform admin,
// creating it with password and name when no user has that e-mail (created
// is then true). An existing user's password and name are left alone.
func (s *Service) EnsurePlatformAdmin(ctx context.Context, email, password, name string) (*tenantry.User, bool, error) {
	email = tenantry.NormalizeEmail(email)
	if !tenantry.ValidText(email) {
		return nil, false, tenantry.Invalid(map[string]string{"email": tenantry.NotText})
	}
	u, err := s.store.UserByEmail(ctx, email)
	switch {
	case err == nil:
		if !u.PlatformAdmin {
			if err := s.store.SetPlatformAdmin(ctx, u.ID, true); err != nil {
				return nil, false, err
			}
			u.PlatformAdmin = true
		}
		return u, false, nil
	case !tenantry.IsCode(err, tenantry.ENOTFOUND):
		return nil, false, fmt.Errorf("auth: find admin: %w", err)
	}
	if strings.TrimSpace(name) == "" {
		name = "Platform admin"
	}
	uc := tenantry.UserCreate{Email: email, Name: name, Password: password, PlatformAdmin: true}
	if err := uc.Validate(); err != nil {
		return nil, false, err
	}
	hash, err := s.hash(ctx, uc.Password)
	if err != nil {
		return nil, false, err
	}
	uc.PasswordHash = hash
	u, err = s.store.CreateUser(ctx, uc)
	if err != nil {
		return nil, false, err
	}
	return u, true, nil
}
