package inmem_test

import (
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/storetest"
)

func TestBrowserSessionsConformance(t *testing.T) {
	storetest.RunBrowserSessions(t, func(*testing.T) tenantry.BrowserSessionStore { return inmem.NewBrowserSessions(0, 0) })
}
