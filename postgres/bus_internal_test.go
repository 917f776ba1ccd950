package postgres

import (
	"encoding/binary"
	"strconv"
	"testing"
)

// TestBusLock: the invalidations' advisory lock is "tenantry" in ASCII,
// the number every process on the database takes.
func TestBusLock(t *testing.T) {
	if got, want := busLock, strconv.FormatInt(int64(binary.BigEndian.Uint64([]byte("tenantry"))), 10); got != want {
		t.Errorf("busLock = %s, want %s", got, want)
	}
}
