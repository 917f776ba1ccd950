package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// runAdmin manages platform administrators.
func runAdmin(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: tenantry admin create --email E --password P [--name N]")
	}
	fs := env.newFlagSet("tenantry admin create")
	sf := env.addStoreFlags(fs)
	email := fs.String("email", "", "the admin's e-mail address")
	password := fs.String("password", "", "the admin's password (at least 8 characters)")
	name := fs.String("name", "Platform admin", "the admin's name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := sf.open(ctx, tenantry.DefaultPlans().WithExtensions(env.opts.Extensions))
	if err != nil {
		return err
	}
	defer db.Close()
	secret, err := jwtSecret(env, sf.data)
	if err != nil {
		return err
	}
	svc := auth.New(db, auth.Config{Secret: secret})
	u, created, err := svc.EnsurePlatformAdmin(ctx, *email, *password, *name)
	if err != nil {
		return describe(err)
	}
	if created {
		fmt.Fprintf(env.stdout, "created platform admin %s (%s)\n", u.Email, u.ID)
	} else {
		fmt.Fprintf(env.stdout, "%s is a platform admin\n", u.Email)
	}
	return nil
}

// describe turns a domain error into a message fit for a terminal.
func describe(err error) error {
	var e *tenantry.Error
	if errors.As(err, &e) {
		msg := e.Message
		for f, why := range e.Fields {
			msg += fmt.Sprintf(" %s: %s.", f, why)
		}
		return errors.New(msg)
	}
	return err
}
