package tenantry

// Usage is what a tenant uses now, and its request and chat counts today.
type Usage struct {
	Members           int64 `json:"members"`
	Projects          int64 `json:"projects"`
	Tasks             int64 `json:"tasks"`
	RequestsToday     int64 `json:"requests_today"`
	ChatMessagesToday int64 `json:"chat_messages_today"`
}

// Usage counters recorded per tenant per day.
const (
	CounterRequests     = "requests"
	CounterChatMessages = "chat_messages"
)
