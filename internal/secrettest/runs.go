package secrettest

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// RunLen is the shortest run of the secret's letters and digits that [Exposed] counts as
// shown: the promise is that no more than RunLen-1 of them ever appear in a row.
const RunLen = 5

// RunLevels is how many levels of escapes [Exposed] decodes: more than the redactor does
// (it withholds a text still changing after 16), so that a judge is never the weaker side.
const RunLevels = 32

// The markers that end a run: the redactor's own output. They are spelled here, not taken
// from package apikey, so that a changed marker fails this package's tests instead of
// silently changing what is judged.
const (
	marker   = "[REDACTED]"
	withheld = "[withheld: it held the API key]"
)

// Prefixes are the conventional starts of a LakiPay secret, which are not secret.
var Prefixes = []string{"sk_live_", "sk_test_"}

// anyEscape matches one escape sequence of any form the promise covers: backslash escapes
// (\uXXXX, \u{X..}, \UXXXXXXXX, \xHH, octal, the one-character ones, and a backslash before
// punctuation other than the starts of other escapes, & % and =: \_ \#), percent-encoding,
// quoted-printable (=HH and soft line breaks) and HTML character references (numeric with
// or without ';', named). It is written apart from package apikey's decoder on purpose.
var anyEscape = regexp.MustCompile(`\\u\{[0-9a-fA-F]{1,6}\}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}|\\["\\/'bfnrt]|\\[!#$()*+,\-.:;<>?@\[\]^_{|}~` + "`" + `]|%[0-9a-fA-F]{2}|=[0-9a-fA-F]{2}|=\r?\n|&#[0-9]+;?|&#[xX][0-9a-fA-F]+;?|&[A-Za-z][A-Za-z0-9]*;?`)

// UnescapeAll decodes one level of every escape form the promise covers (see [Exposed]).
// What is no escape stays.
func UnescapeAll(text string) string {
	return anyEscape.ReplaceAllStringFunc(text, func(e string) string {
		switch {
		case strings.HasPrefix(e, `\u{`):
			return codePoint(e[3:len(e)-1], 16)
		case strings.HasPrefix(e, `\u`), strings.HasPrefix(e, `\U`), strings.HasPrefix(e, `\x`):
			return codePoint(e[2:], 16)
		case e[0] == '\\' && e[1] >= '0' && e[1] <= '7':
			return codePoint(e[1:], 8)
		case e[0] == '\\' && strings.ContainsRune(`"\/'bfnrt`, rune(e[1])):
			return Unescape(e)
		case e[0] == '\\': // punctuation escaped for no reason (\_), as JavaScript reads it
			return e[1:]
		case e[0] == '%', e[0] == '=' && len(e) == 3 && e[1] != '\r':
			return codePoint(e[1:], 16)
		case e[0] == '=':
			return "" // a soft line break
		case strings.HasPrefix(e, "&#x"), strings.HasPrefix(e, "&#X"):
			return codePoint(strings.TrimSuffix(e[3:], ";"), 16)
		case strings.HasPrefix(e, "&#"):
			return codePoint(strings.TrimSuffix(e[2:], ";"), 10)
		}
		return html.UnescapeString(e) // a named reference, or e itself when it names none
	})
}

// MixedReadings returns every reading of text in which each escape sequence (the forms of
// [UnescapeAll]) is either decoded or left as written: 2^n readings for n escapes. ok is
// false, and nothing is returned, when text holds more than maxEscapes of them.
func MixedReadings(text string, maxEscapes int) (readings []string, ok bool) {
	locs := anyEscape.FindAllStringIndex(text, maxEscapes+1)
	if len(locs) > maxEscapes {
		return nil, false
	}
	for mask := range 1 << len(locs) {
		var b strings.Builder
		last := 0
		for i, l := range locs {
			b.WriteString(text[last:l[0]])
			if mask&(1<<i) != 0 {
				b.WriteString(UnescapeAll(text[l[0]:l[1]]))
			} else {
				b.WriteString(text[l[0]:l[1]])
			}
			last = l[1]
		}
		b.WriteString(text[last:])
		readings = append(readings, b.String())
	}
	return readings, true
}

// Exposed reports whether text shows a run of [RunLen] of the secret's letters and digits,
// and how it was found. It is the independent judge of the redactor's promise:
//
//   - the secret's letters and digits are those after a conventional prefix ([Prefixes]),
//     compared without case;
//   - a run is RunLen of them, consecutive in the secret, spelled in the text as in the
//     secret but for case: the secret's own punctuation between them, control characters
//     (a line break) skipped; a character outside ASCII, [REDACTED] and the withheld
//     marker end a run;
//   - the text is read as it is and after each of up to [RunLevels] decodings of every
//     escape ([UnescapeAll]), and at each level every run of base64 characters (standard
//     or URL alphabet) and of hex digits is decoded at each alignment and read the same way.
func Exposed(text, secret string) (how string, found bool) {
	grams := Grams(secret)
	if len(grams) == 0 {
		return "", false
	}
	for level := 0; level <= RunLevels; level++ {
		if how, found := exposedAt(text, grams); found {
			return fmt.Sprintf("%s after %d decoding(s) of escapes", how, level), true
		}
		next := UnescapeAll(text)
		if next == text {
			break
		}
		text = next
	}
	return "", false
}

var (
	base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{7,}`)
	hexRun    = regexp.MustCompile(`[0-9a-fA-F]{10,}`)
	toStd     = strings.NewReplacer("-", "+", "_", "/")
)

// exposedAt looks for a run in text as written and in its base64 and hex runs.
func exposedAt(text string, grams []string) (string, bool) {
	if holdsGram(text, grams) {
		return "a run in the text", true
	}
	for _, run := range base64Run.FindAllString(text, -1) {
		run = toStd.Replace(run)
		for off := range 4 {
			s := run[off:]
			if len(s)%4 == 1 { // a lone last character encodes no whole byte
				s = s[:len(s)-1]
			}
			b, err := base64.RawStdEncoding.DecodeString(s)
			if err == nil && holdsGram(string(b), grams) {
				return fmt.Sprintf("a run in base64 decoded from offset %d", off), true
			}
		}
	}
	for _, run := range hexRun.FindAllString(text, -1) {
		for off := range 2 {
			s := run[off:]
			b, err := hex.DecodeString(s[:len(s)/2*2])
			if err == nil && holdsGram(string(b), grams) {
				return fmt.Sprintf("a run in hex decoded from offset %d", off), true
			}
		}
	}
	return "", false
}

// holdsGram splits text into the pieces between run-ending characters and looks for a run
// in each, lower-cased and with its control characters dropped.
func holdsGram(text string, grams []string) bool {
	text = strings.NewReplacer(marker, "\x80", withheld, "\x80").Replace(text)
	for piece := range strings.FieldsFuncSeq(text, func(r rune) bool { return r >= utf8.RuneSelf }) {
		var b strings.Builder
		for _, c := range []byte(piece) {
			if c >= 0x20 && c != 0x7f {
				b.WriteByte(lower(c))
			}
		}
		for _, g := range grams {
			if strings.Contains(b.String(), g) {
				return true
			}
		}
	}
	return false
}

// Grams returns every run of the secret after its conventional prefix, lower-cased: each
// substring that starts and ends with a letter or digit and holds [RunLen] of them.
func Grams(secret string) []string {
	for _, p := range Prefixes {
		if strings.HasPrefix(secret, p) {
			secret = secret[len(p):]
			break
		}
	}
	secret = strings.ToLower(secret)
	var grams []string
	for i := range len(secret) {
		if !isAlnum(secret[i]) {
			continue
		}
		for j, n := i, 0; j < len(secret); j++ {
			if isAlnum(secret[j]) {
				if n++; n == RunLen {
					grams = append(grams, secret[i:j+1])
					break
				}
			}
		}
	}
	return grams
}

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Hidden fails t (without stopping it) when text shows a run of the secret (see [Exposed]),
// naming what was checked and how the run was found. The text itself is not shown: no
// masking of it can be trusted to hide every decoding. It reports whether nothing showed.
func Hidden(t testing.TB, text, secret, what string) bool {
	t.Helper()
	how, found := Exposed(text, secret)
	if !found {
		return true
	}
	t.Errorf("%s: %d of the secret's characters in a row showed (%s), in a text of %d bytes (withheld: it holds them)",
		what, RunLen, how, len(text))
	return false
}
