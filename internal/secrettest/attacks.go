package secrettest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// Attack writes a key, its secret half or a piece of it the way a server might echo it.
type Attack struct {
	Name string
	// Plant returns the text that echoes key (PUBLICKEY:SECRETKEY), whose secret half is
	// secret (a piece shorter than the attack takes is taken whole).
	Plant func(key, secret string) string
}

// Attacks are the echoes of issue 20 that the redactor, knowing a list of escapes, let
// through: whole-text encodings of the key and of its secret half, escapes it did not
// know, the secret in another case, and pieces of it that are not its start.
var Attacks = []Attack{
	{"base64 of the key (an echoed Basic credential)", func(k, _ string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(k)) }},
	{"base64 of the key, URL alphabet, unpadded", func(k, _ string) string { return base64.RawURLEncoding.EncodeToString([]byte(k)) }},
	{"base64 of the key, one byte later", func(k, _ string) string { return base64.StdEncoding.EncodeToString([]byte("x" + k)) }},
	{"base64 of the key, two bytes later", func(k, _ string) string { return base64.StdEncoding.EncodeToString([]byte("xy" + k)) }},
	{"base64 of the secret half", func(_, s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }},
	{"base64 of the secret half, URL alphabet", func(_, s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }},
	{"HTML named references", func(_, s string) string { return strings.ReplaceAll(s, "_", "&lowbar;") }},
	{"numeric references without ;", func(_, s string) string { return perChar(s, "&#%d") }},
	{`\u{..}`, func(_, s string) string { return perChar(s, `\u{%x}`) }},
	{"octal", func(_, s string) string { return perChar(s, `\%03o`) }},
	{"quoted-printable", func(_, s string) string { return perChar(s, "=%02X") }},
	{"percent-encoding four levels deep", func(_, s string) string {
		return url.QueryEscape(url.QueryEscape(url.QueryEscape(perChar(s, "%%%02X"))))
	}},
	{"upper-cased", func(_, s string) string { return strings.ToUpper(s) }},
	{"lower-cased", func(_, s string) string { return strings.ToLower(s) }},
	{"its last 13 characters", func(_, s string) string { return "..." + s[max(0, len(s)-13):] }},
	{"its last 16 characters", func(_, s string) string { return "..." + s[max(0, len(s)-16):] }},
	{"its last 18 characters", func(_, s string) string { return "..." + s[max(0, len(s)-18):] }},
	{"its middle", func(_, s string) string { return s[max(0, len(s)/2-4):min(len(s), len(s)/2+4)] }},
}

// perChar writes every byte of s with format.
func perChar(s, format string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, format, c)
	}
	return b.String()
}
