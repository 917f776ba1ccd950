// Command tenantry runs the Tenantry multi-tenant SaaS backend and manages
// its database, platform admins and tenants (see package app, which a
// builder's own main calls with their extensions and routes).
package main

import "github.com/tenantry/tenantry/app"

func main() { app.Main(app.Options{}) }
