// Package auth signs users in and authenticates requests: argon2id
// password hashes, high-entropy secret tokens (API keys, invitations,
// refresh tokens), HS256 access tokens, and the Service that ties them to a
// tenantry.Store.
package auth
