// Command invoices is the tenantry command with the invoices app: serve,
// migrate, admin and tenant commands all know its table and routes.
package main

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/app"
	"github.com/tenantry/tenantry/examples/invoices"
)

func main() {
	app.Main(app.Options{Extensions: []tenantry.Extension{invoices.Extension()}, Routes: invoices.Routes()})
}
