package contract

import (
	"net/url"
	"regexp"
	"sync"
	"unicode/utf8"
)

// matcher decides a regexp match: ASCII text by the DFA contractgen built from the regexp's own
// program (one table lookup per byte), any other text by package regexp, compiled on first use.
type matcher struct {
	next  string // see patternData; "" when there is no DFA
	final string
	stay  [][256]bool // per state, the bytes whose transition leads back to it
	re    func() *regexp.Regexp
}

const (
	deadState  = 0
	startState = 1
)

func newMatcher(p *patternData) *matcher {
	m := &matcher{next: p.next, final: p.final, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(p.text) })}
	if m.next != "" {
		m.stay = make([][256]bool, len(m.final))
		for st := range m.stay {
			for c := range 128 {
				m.stay[st][c] = int(m.next[st<<7|c]) == st
			}
		}
	}
	return m
}

func (m *matcher) match(s []byte) bool {
	if m.next == "" {
		return m.re().Match(s)
	}
	next, st := m.next, startState
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return m.re().Match(s)
		}
		st = int(next[st<<7|int(c)])
		if st == deadState {
			return false // no thread of the NFA is left, whatever follows
		}
		// Skip the run of bytes that leave the state as it is ([A-Za-z0-9+/]+ of a signature).
		stay := &m.stay[st]
		for i+4 < len(s) && stay[s[i+1]] && stay[s[i+2]] && stay[s[i+3]] && stay[s[i+4]] {
			i += 4
		}
		for i+1 < len(s) && stay[s[i+1]] {
			i++
		}
	}
	return m.final[st] == 1
}

// formatCheck is a string format's check.
type formatCheck func(s []byte, ascii bool) bool

// uriFormat accepts an absolute URL (with a scheme and a host), as `format: uri` demands with
// this module's options: plain URLs without parsing them, anything else by url.Parse.
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

// dateFormat is kin-openapi's check of format date and date-time: the format's regular
// expression (m), then the date of the first ten characters must exist in the calendar
// (February 30 is refused), as time.Parse(time.DateOnly, ...) decides.
func dateFormat(m *matcher) formatCheck {
	return func(s []byte, _ bool) bool {
		if !m.match(s) {
			return false
		}
		year := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
		month := int(s[5]-'0')*10 + int(s[6]-'0')
		day := int(s[8]-'0')*10 + int(s[9]-'0')
		return day >= 1 && day <= daysIn(month, year)
	}
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
