package tenantry

import "context"

// Usage is what a tenant uses now, and its request and chat counts today.
type Usage struct {
	Members           int64 `json:"members"`
	Projects          int64 `json:"projects"`
	Tasks             int64 `json:"tasks"`
	RequestsToday     int64 `json:"requests_today"`
	ChatMessagesToday int64 `json:"chat_messages_today"`
	// Extensions are the extensions' usage counters, by name (absent
	// without extensions).
	Extensions map[string]int64 `json:"extensions,omitempty"`
}

// ExtensionUsage counts the extensions' usage of ts's tenant: each
// Extension.Usage query, in one read transaction.
func ExtensionUsage(ctx context.Context, ts TenantStore, exts []Extension) (map[string]int64, error) {
	var out map[string]int64
	for _, e := range exts {
		if len(e.Usage) > 0 && out == nil {
			out = map[string]int64{}
		}
	}
	if out == nil {
		return nil, nil
	}
	err := ts.Read(ctx, func(tx Tx) error {
		for _, e := range exts {
			for name, query := range e.Usage {
				var n int64
				if err := tx.QueryRow(ctx, query, tx.TenantID()).Scan(&n); err != nil {
					return err
				}
				out[name] = n
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UsageOf returns the usage of ts's tenant: the store's counts and the
// extensions' counters, where the counters "projects" and "tasks" (of
// Tenantry's projects extension) fill the fields of the same names.
func UsageOf(ctx context.Context, ts TenantStore, exts []Extension) (Usage, error) {
	u, err := ts.Usage(ctx)
	if err != nil {
		return u, err
	}
	return u, u.AddExtensions(ctx, ts, exts)
}

// AddExtensions adds the extensions' counters of ts's tenant to u (see
// UsageOf).
func (u *Usage) AddExtensions(ctx context.Context, ts TenantStore, exts []Extension) error {
	m, err := ExtensionUsage(ctx, ts, exts)
	if err != nil {
		return err
	}
	for name, field := range map[string]*int64{"projects": &u.Projects, "tasks": &u.Tasks} {
		if n, ok := m[name]; ok {
			*field = n
			delete(m, name)
		}
	}
	if len(m) > 0 {
		u.Extensions = m
	}
	return nil
}

// Usage counters recorded per tenant per day.
const (
	CounterRequests     = "requests"
	CounterChatMessages = "chat_messages"
)
