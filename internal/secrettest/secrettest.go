// Package secrettest checks, in tests, that a secret never appears in text, written plainly
// or escaped, without a failing check ever printing the secret itself: the text it shows
// has the secret masked.
//
// It decodes escapes on its own (a regular expression, not the redactor's decoder), so that
// a test of the redactor in package apikey is judged by an independent reading of the text.
package secrettest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Levels is how many times [Leaks] decodes a text's escapes looking for the secret.
const Levels = 3

// escape matches one escape sequence of the forms a secret may be hidden in: JSON and
// JavaScript/Python string escapes, \xHH, URL percent-encoding and HTML character references.
var escape = regexp.MustCompile(`\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\["\\/'bfnrt]|%[0-9a-fA-F]{2}|&#[0-9]+;|&#[xX][0-9a-fA-F]+;|&(?:quot|amp|lt|gt|apos);`)

// Unescape decodes one level of escapes in text; sequences that are not escapes stay.
func Unescape(text string) string {
	return escape.ReplaceAllStringFunc(text, func(e string) string {
		switch {
		case strings.HasPrefix(e, `\u`), strings.HasPrefix(e, `\x`), strings.HasPrefix(e, "%"):
			return codePoint(strings.TrimLeft(e, `\ux%`), 16)
		case strings.HasPrefix(e, "&#x"), strings.HasPrefix(e, "&#X"):
			return codePoint(e[3:len(e)-1], 16)
		case strings.HasPrefix(e, "&#"):
			return codePoint(e[2:len(e)-1], 10)
		case strings.HasPrefix(e, "&"):
			return map[string]string{"&quot;": `"`, "&amp;": "&", "&lt;": "<", "&gt;": ">", "&apos;": "'"}[e]
		}
		switch e[1] {
		case 'b':
			return "\b"
		case 'f':
			return "\f"
		case 'n':
			return "\n"
		case 'r':
			return "\r"
		case 't':
			return "\t"
		}
		return e[1:] // \" \\ \/ \'
	})
}

// codePoint is the character numbered by digits, or U+FFFD when there is none.
func codePoint(digits string, base int) string {
	v, err := strconv.ParseInt(digits, base, 32)
	if err != nil || v < 0 || v > utf8.MaxRune {
		return string(utf8.RuneError)
	}
	return string(rune(v))
}

// Leaks reports whether text contains secret as it is or after decoding its escapes once,
// twice or up to [Levels] times.
func Leaks(text, secret string) bool {
	_, found := leakLevel(text, secret)
	return found
}

// leakLevel returns how many decodings it took to find secret in text.
func leakLevel(text, secret string) (int, bool) {
	if secret == "" {
		return 0, false
	}
	for level := 0; level <= Levels; level++ {
		if strings.Contains(text, secret) {
			return level, true
		}
		next := Unescape(text)
		if next == text {
			break
		}
		text = next
	}
	return 0, false
}

// Mask returns text with every occurrence of secret replaced by <SECRET>, for failure
// messages that must show what leaked without leaking it again.
func Mask(text, secret string) string {
	if secret == "" {
		return text
	}
	return strings.ReplaceAll(text, secret, "<SECRET>")
}

// Absent fails t (without stopping it) when text contains secret, plainly or escaped (see
// [Leaks]), naming what was checked and showing the text decoded and with the secret masked.
// It reports whether the secret was absent.
func Absent(t testing.TB, text, secret, what string) bool {
	t.Helper()
	level, found := leakLevel(text, secret)
	if !found {
		return true
	}
	shown := text
	for range Levels {
		shown = Mask(Unescape(Mask(shown, secret)), secret)
	}
	if Leaks(shown, secret) {
		shown = "(withheld: it still holds the secret after masking)"
	}
	t.Errorf("%s: the secret leaked, found after %d decoding(s) of escapes (shown decoded and masked): %s", what, level, shown)
	return false
}
