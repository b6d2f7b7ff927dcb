package contract

import (
	"maps"
	"net/url"
	"slices"
)

// StringFormat is a string format the contract checks. [StringFormats] is the one table of
// them: the compiled contract checks values with it, internal/spec registers the same checks
// with kin-openapi, and the generation pipeline (gen) maps each format to GoType in the models
// it generates, so that no fourth opinion (such as net/mail behind oapi-codegen's
// openapi_types.Email) refuses what the contract accepts.
type StringFormat struct {
	// Name is the value of `format` in openapi.yaml ("date-time").
	Name string
	// Check reports whether the decoded text s has the format; ascii says s is all ASCII.
	Check func(s []byte, ascii bool) bool
	// Reason says in words what the format expects, as a violation's reason.
	Reason string
	// GoType is the Go type of a generated model's field of this format: "string", or
	// "time.Time" for date-time (which holds every value Check accepts).
	GoType string
}

// stringFormats is the table. A format not listed here is not checked, as kin-openapi treats
// a format it has no validator for; the generated models hold it as a string.
var stringFormats = map[string]StringFormat{
	"uri": {Name: "uri", Check: uriFormat, Reason: "must be an absolute URL", GoType: "string"},
	"date-time": {Name: "date-time", Check: dateTimeFormat, GoType: "time.Time",
		Reason: "must be an RFC 3339 date and time, such as 2024-01-15T10:30:00Z"},
	"date":  {Name: "date", Check: dateFormat, Reason: "must be an RFC 3339 date, such as 2024-01-15", GoType: "string"},
	"email": {Name: "email", Check: emailFormat, Reason: "must be an email address, such as name@example.com", GoType: "string"},
}

// StringFormats returns the string formats the contract checks, sorted by name.
func StringFormats() []StringFormat {
	out := make([]StringFormat, 0, len(stringFormats))
	for _, name := range slices.Sorted(maps.Keys(stringFormats)) {
		out = append(out, stringFormats[name])
	}
	return out
}

// uriFormat accepts an absolute URL (with a scheme and a host), as `format: uri` demands:
// plain URLs without parsing them, anything else by url.Parse.
func uriFormat(s []byte, _ bool) bool {
	if plainURL(s) {
		return true
	}
	u, err := url.Parse(string(s))
	return err == nil && u.IsAbs() && u.Host != ""
}

// plainURL reports whether v is an absolute URL that url.Parse surely reads with a scheme and a
// host: scheme://host[:digits] then only printable ASCII other than '%', '@', '[', ']' and '\'.
func plainURL(v []byte) bool {
	i := 0
	for i < len(v) && v[i] != ':' {
		c := v[i]
		if !isLetter(c) && (i == 0 || (!isDigit(c) && c != '+' && c != '.' && c != '-')) {
			return false
		}
		i++
	}
	if i == 0 || len(v)-i < 3 || v[i+1] != '/' || v[i+2] != '/' {
		return false
	}
	i += 3
	hostStart := i
	for i < len(v) && v[i] != '/' && v[i] != '?' && v[i] != '#' && v[i] != ':' {
		c := v[i]
		if !isLetter(c) && !isDigit(c) && c != '.' && c != '-' && c != '_' && c != '~' {
			return false
		}
		i++
	}
	if i == hostStart {
		return false
	}
	if i < len(v) && v[i] == ':' {
		for i++; i < len(v) && v[i] != '/' && v[i] != '?' && v[i] != '#'; i++ {
			if !isDigit(v[i]) {
				return false
			}
		}
	}
	for ; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == '%' || c == '@' || c == '[' || c == ']' || c == '\\' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// dateFormat accepts an RFC 3339 full-date (2024-01-15) whose day exists in the calendar
// (February 30 is refused), as kin-openapi's check of format date does.
func dateFormat(s []byte, _ bool) bool { return len(s) == 10 && fullDate(s) }

// dateTimeFormat accepts an RFC 3339 date-time as kin-openapi's check of format date-time
// does (2024-01-15T10:30:00Z, 2024-01-15T10:30:00.123+03:00: upper-case T and Z, a date that
// exists), except a leap second.
//
// Decision: a second of 60, which RFC 3339 and kin-openapi allow, is refused: Go's time.Time,
// the type of every generated date-time field, cannot hold it, and a value the contract
// accepts must never fail to decode.
func dateTimeFormat(s []byte, _ bool) bool {
	if len(s) < len("2006-01-02T15:04:05Z") || !fullDate(s[:10]) || s[10] != 'T' ||
		!twoDigits(s[11:], '2', '3') || s[13] != ':' || !twoDigits(s[14:], '5', '9') || s[16] != ':' ||
		!twoDigits(s[17:], '5', '9') {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		digits := 0
		for digits+1 < len(rest) && isDigit(rest[digits+1]) {
			digits++
		}
		if digits == 0 {
			return false
		}
		rest = rest[digits+1:]
	}
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-'):
		return twoDigits(rest[1:], '2', '3') && rest[3] == ':' && twoDigits(rest[4:], '5', '9')
	}
	return false
}

// fullDate reports whether s starts with YYYY-MM-DD of a day that exists.
func fullDate(s []byte) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if !isDigit(s[i]) {
			return false
		}
	}
	year := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	month := int(s[5]-'0')*10 + int(s[6]-'0')
	day := int(s[8]-'0')*10 + int(s[9]-'0')
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year)
}

// twoDigits reports whether s starts with two digits at most hi1 hi2 as a number below 100
// whose first digit is at most hi1 and, when the first digit is hi1, whose second is at most
// hi2 ("23" for hours, "59" for minutes and seconds).
func twoDigits(s []byte, hi1, hi2 byte) bool {
	if len(s) < 2 || !isDigit(s[0]) || !isDigit(s[1]) || s[0] > hi1 {
		return false
	}
	return s[0] < hi1 || s[1] <= hi2
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// emailFormat accepts an address as RFC 5321 writes a mailbox without quoting: a local part of
// 1 to 64 characters, letters, digits and !#$%&'*+-/=?^_`{|}~ in dot-separated atoms, then @
// and a domain of dot-separated labels (letters, digits and inner hyphens, 1 to 63 each), at
// most 254 characters in all.
//
// Decision: quoted local parts ("a b"@example.com), address literals (user@[192.0.2.1]) and
// internationalised addresses (format idn-email) are refused: a merchant's form should not
// send LakiPay what its receivers may not read. So a space is refused anywhere:
// "a b@example.com" is not an address (kin-openapi's own pattern for email would accept it).
func emailFormat(s []byte, _ bool) bool {
	at := -1
	for i, c := range s {
		if c == '@' {
			at = i
		}
	}
	if at < 1 || at > 64 || len(s) > 254 || len(s)-at-1 < 1 {
		return false
	}
	return dotted(s[:at], isAtext, false) && dotted(s[at+1:], isLabelChar, true)
}

// dotted reports whether s is one or more non-empty parts separated by single dots, each part
// made of bytes ok accepts; for a domain (label), a part is at most 63 bytes and neither
// starts nor ends with a hyphen.
func dotted(s []byte, ok func(byte) bool, label bool) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if !ok(s[i]) {
				return false
			}
			continue
		}
		part := s[start:i]
		if len(part) == 0 || (label && (len(part) > 63 || part[0] == '-' || part[len(part)-1] == '-')) {
			return false
		}
		start = i + 1
	}
	return true
}

// isAtext reports whether c may appear in an atom of an address's local part (RFC 5322 atext).
func isAtext(c byte) bool {
	if isLetter(c) || isDigit(c) {
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~':
		return true
	}
	return false
}

func isLabelChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '-' }
