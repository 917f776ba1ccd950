// Package mail sends Tenantry's e-mail (invitations and password-reset
// links): SMTP through github.com/wneessen/go-mail, a Log sink that writes
// each message to the structured log (the default, so that nothing needs
// configuring on a laptop), and a Queue that sends in the background so
// that a request never waits for the mail server.
package mail
