package tenantry

import "strings"

// EventType returns the event type of an audit action: the action with its
// verb (the part after the last dot) in the past tense, so
// "project.create" is "project.created", "member.remove"
// "member.removed" and "api_key.revoke" "api_key.revoked". An action
// whose verb is already in the past tense, or has no verb, is returned as
// it is.
func EventType(action string) string {
	i := strings.LastIndexByte(action, '.')
	if i < 0 || i == len(action)-1 {
		return action
	}
	return action[:i+1] + pastTense(action[i+1:])
}

// pastTense returns the past tense of an English verb in lower case, with
// words joined by underscores ("password_reset"): the last word changes.
func pastTense(verb string) string {
	j := strings.LastIndexByte(verb, '_')
	head, w := verb[:j+1], verb[j+1:]
	if p, ok := irregularPast()[w]; ok {
		return head + p
	}
	switch {
	case w == "":
		return verb
	case strings.HasSuffix(w, "ed"):
		return verb
	case strings.HasSuffix(w, "e"):
		return head + w + "d"
	case len(w) > 1 && strings.HasSuffix(w, "y") && !isVowel(w[len(w)-2]):
		return head + w[:len(w)-1] + "ied"
	case doubles(w):
		return head + w + w[len(w)-1:] + "ed"
	}
	return head + w + "ed"
}

// irregularPast are the verbs whose past tense no rule makes.
func irregularPast() map[string]string {
	return map[string]string{
		"reset": "reset", "set": "set", "send": "sent", "put": "put", "run": "ran",
		"begin": "began", "get": "got", "make": "made", "write": "wrote", "read": "read",
		"pay": "paid", "sign_in": "signed_in", "log": "logged",
	}
}

// doubles reports whether the last consonant of a one-syllable verb
// doubles before -ed ("stop", "ship", "plan"): consonant, vowel, consonant
// at the end, with one vowel in the word and the last letter not w, x or y.
func doubles(w string) bool {
	n := len(w)
	if n < 3 || strings.ContainsAny(w[n-1:], "wxy") || isVowel(w[n-1]) || !isVowel(w[n-2]) || isVowel(w[n-3]) {
		return false
	}
	vowels := 0
	for i := 0; i < n; i++ {
		if isVowel(w[i]) {
			vowels++
		}
	}
	return vowels == 1
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
