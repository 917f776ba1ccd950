package app

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry"
)

// runMigrate applies the schema and exits. Opening a store migrates it;
// Migrate is called again so that the command says what it did.
func runMigrate(ctx context.Context, env *environment, args []string) error {
	fs := env.newFlagSet("tenantry migrate")
	sf := env.addStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := sf.open(ctx, tenantry.DefaultPlans().WithExtensions(env.opts.Extensions))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "schema is up to date")
	return nil
}
