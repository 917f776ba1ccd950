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

// Usage counters recorded per tenant per day.
const (
	CounterRequests     = "requests"
	CounterChatMessages = "chat_messages"
)
