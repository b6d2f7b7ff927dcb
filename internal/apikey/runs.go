package apikey

import (
	"slices"
	"strings"
)

// RunLen is the length of the shortest run of the secret's letters and digits that
// [Key.Redact] never lets through: a shown text holds at most RunLen-1 of them in a row.
const RunLen = 5

// Withheld stands in for a whole text that still showed a run of the secret once every span
// that spells the secret was replaced by [Marker].
const Withheld = "[withheld: it held the API key]"

// maxDepth is how many levels of escapes the run check decodes; a text that still changes
// after them is withheld.
const maxDepth = 16

// minBase64Run and minHexRun are the shortest runs of base64 characters and of hex digits
// that can encode RunLen bytes.
const (
	minBase64Run = (RunLen*8 + 5) / 6
	minHexRun    = 2 * RunLen
)

// prefixes are the documented starts of a LakiPay secret, which are not secret.
var prefixes = []string{"sk_live_", "sk_test_"}

// maxGap is how many characters between two letters or digits of a run are kept in its
// key: gaps longer than maxGap all have the same key, and a run found through one is
// confirmed against the secret's own spelling (see hidden.spells).
const maxGap = 2

// longGap fills every byte of a gap longer than maxGap in a run's key. No gap character is
// 0xff: they are printable ASCII.
const longGap = 0xff

// run is the key of RunLen letters and digits, lower-cased, with the gaps between them: the
// characters that are neither (control characters aside), at most maxGap of each, longGap
// in every byte of a longer gap.
type run [RunLen + (RunLen-1)*maxGap]byte

// hasLongGap reports whether r stands for more than one spelling.
func (r *run) hasLongGap() bool {
	for _, c := range r {
		if c == longGap {
			return true
		}
	}
	return false
}

// runScanner reads text a byte at a time and keeps the last run it holds.
type runScanner struct {
	r   run
	n   int          // letters and digits read since the last break, up to RunLen
	gap [maxGap]byte // the gap after the last letter or digit
	gl  int          // its length
}

// add reads c and reports whether the scanner now ends with RunLen letters and digits.
func (s *runScanner) add(c byte) bool {
	switch {
	case isAlnum(c):
		copy(s.r[:], s.r[1+maxGap:])
		g := s.r[len(s.r)-1-maxGap : len(s.r)-1]
		copy(g, s.gap[:])
		if s.gl > maxGap {
			for i := range g {
				g[i] = longGap
			}
		}
		s.r[len(s.r)-1] = fold(c)
		s.gap, s.gl = [maxGap]byte{}, 0
		s.n = min(s.n+1, RunLen)
		return s.n == RunLen
	case c < 0x20 || c == 0x7f: // control characters (a line break, a decoded \n) are skipped
	case c >= 0x80: // outside ASCII: never part of a secret
		s.n, s.gl = 0, 0
	default:
		if s.gl < maxGap {
			s.gap[s.gl] = c
		}
		s.gl++
	}
	return false
}

// runsOf returns the secret after its prefix, lower-cased, and every run of it.
func runsOf(secret string) (string, map[run]struct{}) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(secret, p); ok {
			secret = rest
			break
		}
	}
	runs := map[run]struct{}{}
	var s runScanner
	for i := 0; i < len(secret); i++ {
		if s.add(secret[i]) {
			runs[s.r] = struct{}{}
		}
	}
	return strings.ToLower(secret), runs
}

// spells reports whether the run that ends s, found through a long gap, is spelled as in
// the secret but for case, once its control characters are skipped.
func (k *hidden) spells(s string) bool {
	var b []byte
	for i, n := len(s)-1, 0; n < RunLen; i-- {
		if c := s[i]; c >= 0x20 && c != 0x7f {
			b = append(b, fold(c))
			if isAlnum(c) {
				n++
			}
		}
	}
	slices.Reverse(b)
	return strings.Contains(k.folded, string(b))
}

// exposes reports whether text shows a run of the secret: RunLen of its letters and digits,
// consecutive in the secret and spelled as in the secret but for case (the secret's own
// punctuation between them, control characters skipped). The text is read as written,
// after each of up to maxDepth decodings of its escapes, and at each level with its base64
// and hex runs decoded. A text still changing after maxDepth decodings counts as showing one.
func (k *hidden) exposes(text string) bool {
	if len(k.runs) == 0 {
		return false
	}
	for depth := 0; ; depth++ {
		if k.runIn(text) || k.encodedRunIn(text) {
			return true
		}
		if !strings.ContainsAny(text, `\%=&`) {
			return false
		}
		next, changed := decodeLevel(text)
		if !changed {
			return false
		}
		if depth == maxDepth {
			return true
		}
		text = next
	}
}

// decodeLevel decodes one level of every escape in s, as the run check reads them.
func decodeLevel(s string) (string, bool) {
	out := make([]byte, 0, len(s))
	changed := false
	for i := 0; i < len(s); {
		c, n := runDecoder.unescape(s, i)
		out = append(out, c)
		changed = changed || n > 1 || c != s[i]
		i += n
	}
	return string(out), changed
}

// runIn reports whether s, as written, holds a run of the secret. Marker and Withheld
// break a run, as any character outside ASCII or the secret does.
func (k *hidden) runIn(s string) bool {
	var sc runScanner
	for i := 0; i < len(s); i++ {
		if s[i] == '[' {
			if m := markerAt(s[i:]); m > 0 {
				sc, i = runScanner{}, i+m-1
				continue
			}
		}
		if sc.add(s[i]) {
			if _, ok := k.runs[sc.r]; ok && (!sc.r.hasLongGap() || k.spells(s[:i+1])) {
				return true
			}
		}
	}
	return false
}

// markerAt returns the length of Marker or Withheld at the start of s, or 0.
func markerAt(s string) int {
	for _, m := range []string{Marker, Withheld} {
		if strings.HasPrefix(s, m) {
			return len(m)
		}
	}
	return 0
}

// encodedRunIn reports whether a run of base64 characters (standard or URL alphabet) or of
// hex digits in s decodes, at any alignment, to text that holds a run.
func (k *hidden) encodedRunIn(s string) bool {
	var buf []byte
	for i := 0; i < len(s); {
		if base64Value[s[i]] < 0 {
			i++
			continue
		}
		j := i
		for j < len(s) && base64Value[s[j]] >= 0 {
			j++
		}
		if j-i >= minBase64Run {
			for off := range 4 {
				if buf = decodeBase64(buf[:0], s[i+off:j]); k.runIn(string(buf)) {
					return true
				}
			}
			if k.hexRunIn(s[i:j], &buf) {
				return true
			}
		}
		i = j
	}
	return false
}

// hexRunIn looks in a run of base64 characters for runs of hex digits, decoded at both
// alignments.
func (k *hidden) hexRunIn(s string, buf *[]byte) bool {
	for i := 0; i < len(s); {
		if !isHex(s[i]) {
			i++
			continue
		}
		j := i + hexRun(s, i, len(s))
		if j-i >= minHexRun {
			for off := range 2 {
				b := (*buf)[:0]
				for p := i + off; p+1 < j; p += 2 {
					b = append(b, byte(hexValue(s[p:p+2]))) //nolint:gosec // two hex digits
				}
				if *buf = b; k.runIn(string(b)) {
					return true
				}
			}
		}
		i = j
	}
	return false
}

// base64Value is the value of a base64 character in either alphabet, -1 for any other byte.
var base64Value = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range len(std) {
		v[std[i]] = int8(i) //nolint:gosec // i < 64
	}
	v['-'], v['_'] = 62, 63
	return v
}()

// decodeBase64 appends to dst the bytes that s, base64 characters only, encodes from its
// first character on; a last group of 2 or 3 characters gives 1 or 2 bytes.
func decodeBase64(dst []byte, s string) []byte {
	var acc uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		acc = acc<<6 | uint32(base64Value[s[i]]) //nolint:gosec // s holds base64 characters only
		if bits += 6; bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>bits)) //nolint:gosec // the next 8 bits
		}
	}
	return dst
}

// fold lower-cases an ASCII letter.
func fold(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
