package contract

import (
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
