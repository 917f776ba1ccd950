package postgres

import (
	"github.com/tenantry/tenantry"
)

// page trims a list fetched with limit+1 rows and returns its next cursor.
func page[T any](items []T, limit int, id func(T) string) ([]T, string, error) {
	if items == nil {
		items = []T{}
	}
	if len(items) > limit {
		items = items[:limit]
		return items, tenantry.Cursor(id(items[limit-1])), nil
	}
	return items, "", nil
}
