package tenantry

import "context"

// Message is one plain-text e-mail.
type Message struct {
	// To is the recipient's address.
	To string
	// Subject is the subject line.
	Subject string
	// Text is the plain-text body.
	Text string
}

// Mailer sends e-mail: invitations and password-reset links. The mail
// package has the SMTP one and the one that writes messages to the log.
type Mailer interface {
	// Send delivers m or returns why it could not.
	Send(ctx context.Context, m Message) error
}
