// Package secrettest checks, in tests, that a secret never appears in text, without a
// failing check ever printing the secret itself: the text it shows has the secret masked.
package secrettest

import (
	"strings"
	"testing"
)

// Mask returns text with every occurrence of secret replaced by <SECRET>, for failure
// messages that must show what leaked without leaking it again.
func Mask(text, secret string) string {
	if secret == "" {
		return text
	}
	return strings.ReplaceAll(text, secret, "<SECRET>")
}

// Absent fails t (without stopping it) when text contains secret, naming what was checked and
// showing the text with the secret masked. It reports whether the secret was absent.
func Absent(t testing.TB, text, secret, what string) bool {
	t.Helper()
	if secret == "" || !strings.Contains(text, secret) {
		return true
	}
	t.Errorf("%s: the secret leaked (shown masked): %s", what, Mask(text, secret))
	return false
}
