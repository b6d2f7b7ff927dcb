package jsonscan

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is the kind of a refusal.
type Problem uint8

const (
	// Syntax is a document that is not JSON (json.Valid refuses it), or nests deeper than the
	// depth limit.
	Syntax Problem = iota + 1
	// InvalidUTF8 is a string holding invalid UTF-8 or a \u escape of a lone UTF-16 surrogate
	// (strict mode).
	InvalidUTF8
	// DuplicateKey is an object that repeats a key (strict mode).
	DuplicateKey
	// NotObject is a well-formed document whose value is not the object [AppendMembers] needs.
	NotObject
	// Limit is a document that exceeds a limit its reader set ([Options]): it is read no
	// further, so nothing after it is judged.
	Limit
)

// String names the problem in words.
func (p Problem) String() string {
	switch p {
	case Syntax:
		return "not valid JSON"
	case InvalidUTF8:
		return "not valid UTF-8"
	case DuplicateKey:
		return "duplicate key"
	case NotObject:
		return "not a JSON object"
	case Limit:
		return "over a limit"
	}
	return "problem " + strconv.Itoa(int(p))
}

// Error is one refusal: what was wrong, and where.
type Error struct {
	// Problem is what was wrong.
	Problem Problem
	// Offset is the byte offset in the document where it was found.
	Offset int
	// Pointer is the JSON pointer (RFC 6901) of the value being read: the member or item whose
	// text broke the rule, or the object or array itself when the break is between its members.
	// For a duplicate key it names the repeated member; for a field name that is not UTF-8, the
	// object holding it.
	Pointer string
	// Key is the repeated key of a DuplicateKey, decoded.
	Key string
	// Detail says what was found, in words ("unexpected end of input", "a field name is not
	// valid UTF-8"). It quotes no more of the document than one character, or a repeated key
	// cut to 200 bytes.
	Detail string
}

// Error renders the refusal on one line, for example
// `not valid JSON at /amount (byte 12): expected a digit after the decimal point`; the
// pointer is shown as shownPointer says. Pointer and Key themselves stay exact.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Problem.String())
	b.WriteString(" at ")
	if e.Pointer == "" {
		b.WriteString("the top level")
	} else {
		b.WriteString(shownPointer(e.Pointer))
	}
	b.WriteString(" (byte ")
	b.WriteString(strconv.Itoa(e.Offset))
	b.WriteString(")")
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// maxShown bounds, in bytes before quoting, the text of the document an Error shows (a
// pointer, a repeated key): a document nested deeper, or a longer key, is shown by its start
// and "...".
const maxShown = 200

// shownPointer is a pointer as Error shows it: cut to maxShown bytes, and quoted (as Go quotes
// a string) when a key put a line break, a terminal escape or any other unprintable character
// into it, so that a document's keys can neither break nor flood a log line.
func shownPointer(p string) string {
	p = cut(p)
	if strings.IndexFunc(p, func(r rune) bool { return !strconv.IsPrint(r) }) >= 0 || !utf8.ValidString(p) {
		return strconv.Quote(p)
	}
	return p
}

// duplicateDetail is the Detail of a DuplicateKey refusal: the key, cut and quoted.
func duplicateDetail(key []byte) string {
	return "the key " + strconv.Quote(cut(string(key))) + " appears more than once in an object"
}

// cut shortens s to maxShown bytes on a character boundary, marking the cut with "...".
func cut(s string) string {
	if len(s) <= maxShown {
		return s
	}
	n := maxShown
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// describe names the byte at data[i] for a message: a printable ASCII character quoted, the
// end of the input, or its value in hex.
func describe(data []byte, i int) string {
	if i >= len(data) {
		return "the end of the input"
	}
	c := data[i]
	if c > ' ' && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	return "byte 0x" + strconv.FormatUint(uint64(c), 16)
}
