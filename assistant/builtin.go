package assistant

import (
	"context"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Built-in model names.
const (
	ModelReverse     = "mock-1"
	ModelUpper       = "mock-2"
	ModelAcknowledge = "mock-3"
)

// Builtin is the deterministic built-in model family of the tutorial, for
// one tenant: mock-1 answers with the message reversed, mock-2 with it in
// upper case (full Unicode case mapping, like Python's str.upper) and mock-3 with an acknowledgement. Every reply starts with the
// tenant's welcome and a "[<SLUG> MOCK]" tag.
type Builtin struct {
	// Welcome is the tenant's welcome line.
	Welcome string
	// Tag is the tenant's tag, the upper-cased slug in the tutorial.
	Tag string
}

// NewBuiltin returns the built-in provider flavoured for tenant t.
func NewBuiltin(t *tenantry.Tenant) *Builtin {
	return &Builtin{Welcome: ConfigFor(t).Welcome, Tag: strings.ToUpper(t.Slug)}
}

// BuiltinFor is the ProviderFunc of the built-in family.
func BuiltinFor(t *tenantry.Tenant) (tenantry.Provider, error) { return NewBuiltin(t), nil }

// Chat answers the last user message of req with the model req.Model
// (upstream_error for a model that is not built in).
func (b *Builtin) Chat(ctx context.Context, req tenantry.ChatRequest) (*tenantry.ChatReply, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	msg := ""
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if m := req.Messages[i]; m != nil && m.Role == tenantry.ChatRoleUser {
			msg = strings.TrimSpace(m.Content)
			break
		}
	}
	prefix := b.Welcome + " [" + b.Tag + " MOCK] "
	var reply string
	switch req.Model {
	case ModelReverse:
		reply = fmt.Sprintf("%sYou said: '%s'. Here's it reversed: '%s'", prefix, msg, reverse(msg))
	case ModelUpper:
		reply = fmt.Sprintf("%sEcho: %s", prefix, cases.Upper(language.Und).String(msg))
	case ModelAcknowledge:
		reply = fmt.Sprintf("%sGot it. '%s'. (pretend-smart summary).", prefix, msg)
	default:
		return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The model %q is not a built-in model.", req.Model)
	}
	return &tenantry.ChatReply{Content: reply, Model: req.Model}, nil
}

// reverse reverses s by code point, like Python's s[::-1].
func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
