package jsonscan

import (
	"hash/maphash"
	"strconv"
	"sync"
)

// DefaultMaxDepth is the nesting limit when [Options.MaxDepth] is 0: encoding/json's, so that a
// non-strict scanner accepts exactly what json.Valid accepts.
const DefaultMaxDepth = 10000

// Options configure a [Scanner].
type Options struct {
	// Strict refuses invalid UTF-8, \u escapes of lone surrogates and duplicate keys (see the
	// package documentation).
	Strict bool
	// MaxDepth is how many objects and arrays may nest; 0 means [DefaultMaxDepth]. Deeper
	// nesting is a [Limit] refusal when MaxDepth is set, a [Syntax] one at the default (which
	// is encoding/json's).
	MaxDepth int
	// MaxValues, when set, is how many values the document may hold in all: itself, and every
	// member's value and array item at any depth.
	MaxValues int
	// MaxMembers, when set, is how many members one object may have.
	MaxMembers int
	// MaxNumberLength, when set, is how many bytes the text of one number may have.
	MaxNumberLength int
	// MaxCompactLength, when set, is how many bytes the document may have besides the white
	// space around its tokens: its length once compacted (json.Compact).
	MaxCompactLength int
	// Meter, when set, counts the work of reading (for tests that bound it).
	Meter *Meter
}

// Meter counts the work of reading documents, in the units that can grow faster than a
// document does if the reader goes wrong: each count only grows. Scanning is the rest, a
// bounded step per byte.
type Meter struct {
	// Read is how many bytes scanners read, each time they read them.
	Read int
	// Compared is how many bytes of keys were compared, or hashed, to find duplicates.
	Compared int
	// Decoded is how many bytes of strings were decoded.
	Decoded int
}

// Kind is the kind of a JSON value, as told by its first byte.
type Kind uint8

const (
	// None is no value: the end of the input, a byte no value starts with, or a scanner that
	// has stopped at an error.
	None Kind = iota
	// Null is the literal null.
	Null
	// False is the literal false.
	False
	// True is the literal true.
	True
	// Number is a number.
	Number
	// String is a string.
	String
	// Object is an object.
	Object
	// Array is an array.
	Array
)

// String names the kind ("string", "object", ...).
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case False:
		return "false"
	case True:
		return "true"
	case Number:
		return "number"
	case String:
		return "string"
	case Object:
		return "object"
	case Array:
		return "array"
	}
	return "none"
}

// kindOf is the Kind of a value by its first byte.
var kindOf = func() (t [256]Kind) {
	t['"'], t['{'], t['['], t['t'], t['f'], t['n'], t['-'] = String, Object, Array, True, False, Null, Number
	for c := '0'; c <= '9'; c++ {
		t[c] = Number
	}
	return t
}()

// Scanner reads one JSON document in place. The zero value is not ready: use [Acquire] (and
// [Scanner.Release]) or [Scanner.Reset].
//
// Reading methods report false (or [None]) once the scanner has stopped at a syntax error;
// [Scanner.Finish] then returns it. Strictness errors do not stop the scanner (so that a later
// syntax error can still win over them); Finish returns the first one.
type Scanner struct {
	data     []byte
	pos      int
	strict   bool
	maxDepth int
	// depthLimit says maxDepth was set by the caller (deeper is a Limit, not a Syntax error).
	depthLimit bool
	maxValues  int // 0: no limit
	maxMembers int // 0: no limit
	maxNumber  int // 0: no limit
	maxCompact int // 0: no limit
	meter      *Meter
	values     int // the values begun so far, the document itself included
	blank      int // how many bytes of white space space skipped so far
	// spaced says space skipped white space since it was last cleared.
	spaced bool

	frames []frame  // the open objects and arrays, outermost first
	keys   [][]byte // strict: the keys read so far in each open object
	arena  []byte   // decoded keys that held escapes
	// keyDecoded says the last key NextKey returned was decoded into arena.
	keyDecoded bool
	keyOffset  int            // where the last key NextKey returned starts
	scratch    []byte         // decoded value of the last string that held escapes
	spare      map[uint64]int // a frame's seen map, cleared, for the next big object

	err     *Error // the first syntax error: the scanner has stopped
	pending *Error // the first strictness error
}

// frame is an open object or array.
type frame struct {
	object bool
	inside bool   // reading a member's value (object) or an item (array)
	count  int    // members or items begun so far
	key    []byte // object: the current member's key, decoded
	keysAt int    // strict: where this object's keys start in Scanner.keys
	// seen maps the hash of each key of a big object to the first of its keys with that hash
	// (an index into Scanner.keys).
	seen map[uint64]int
}

// bigObject is how many keys an object holds before strict mode checks duplicates with a map
// instead of comparing with every key so far.
const bigObject = 16

var pool = sync.Pool{New: func() any { return new(Scanner) }}

// Acquire returns a Scanner reading data with opts, from a pool of scanners whose buffers are
// reused. Call [Scanner.Release] when done with it and with everything it returned.
func Acquire(data []byte, opts Options) *Scanner {
	s, _ := pool.Get().(*Scanner)
	s.Reset(data, opts)
	return s
}

// maxPooled bounds the buffers a released scanner keeps, so that one huge document does not
// pin its memory in the pool.
const maxPooled = 4 << 10

// Release returns s to the pool. Neither s nor the keys and strings it returned may be used
// afterwards.
func (s *Scanner) Release() {
	if s.meter != nil {
		s.meter.Read += s.pos
		s.meter = nil
	}
	s.data = nil
	if cap(s.frames) > maxPooled/64 || cap(s.keys) > maxPooled/24 {
		s.frames, s.keys = nil, nil
	}
	if cap(s.arena) > maxPooled || cap(s.scratch) > maxPooled {
		s.arena, s.scratch = nil, nil
	}
	clear(s.frames[:cap(s.frames)]) // a scanner stopped at an error still holds keys of the document
	clear(s.keys[:cap(s.keys)])
	s.spare = nil // as large as the document's largest object
	pool.Put(s)
}

// Reset makes s read data from its start with opts, keeping its buffers.
func (s *Scanner) Reset(data []byte, opts Options) {
	s.data, s.pos, s.strict = data, 0, opts.Strict
	s.maxDepth, s.depthLimit = opts.MaxDepth, opts.MaxDepth > 0
	if !s.depthLimit {
		s.maxDepth = DefaultMaxDepth
	}
	s.maxValues, s.maxMembers, s.maxNumber = max(opts.MaxValues, 0), max(opts.MaxMembers, 0), max(opts.MaxNumberLength, 0)
	s.maxCompact, s.meter = max(opts.MaxCompactLength, 0), opts.Meter
	s.values, s.blank, s.spaced = 1, 0, false
	s.frames, s.keys = s.frames[:0], s.keys[:0]
	s.arena, s.scratch = s.arena[:0], s.scratch[:0]
	s.err, s.pending = nil, nil
}

// Offset is the byte offset the scanner has read up to.
func (s *Scanner) Offset() int { return s.pos }

// Seek moves the scanner back to offset, the start of a value read before at the same depth,
// so that the value can be read again.
func (s *Scanner) Seek(offset int) {
	if s.meter != nil && offset < s.pos {
		s.meter.Read += s.pos - offset // read again
	}
	s.pos = offset
}

// decode appends the value of a string's text, which scanString accepted with these flags.
func (s *Scanner) decode(dst, inner []byte, flags uint8) []byte {
	if s.meter != nil {
		s.meter.Decoded += len(inner)
	}
	return appendDecoded(dst, inner, flags)
}

// Err returns the syntax error the scanner stopped at, or nil while it reads on.
func (s *Scanner) Err() error {
	if s.err == nil {
		return nil
	}
	return s.err
}

// Finish checks that nothing but white space follows the value read, and returns the first
// syntax error, else the first strictness error, else nil.
func (s *Scanner) Finish() error {
	if s.err == nil {
		s.space()
		if s.pos < len(s.data) {
			s.fail("data after the JSON value: " + describe(s.data, s.pos))
		} else {
			s.checkCompact()
		}
	}
	if s.err != nil {
		return s.err
	}
	if s.pending != nil {
		return s.pending
	}
	return nil
}

// fail stops the scanner at a syntax error at the current offset; it reports false.
func (s *Scanner) fail(detail string) bool {
	if s.err == nil {
		s.err = &Error{Problem: Syntax, Offset: s.pos, Pointer: s.Pointer(), Detail: detail}
	}
	return false
}

// limit stops the scanner at the limit a document exceeds, at the current offset; it reports
// false.
func (s *Scanner) limit(detail string) bool {
	if s.err == nil {
		s.err = &Error{Problem: Limit, Offset: s.pos, Pointer: s.Pointer(), Detail: detail}
	}
	return false
}

// pend records a strictness error found at offset, unless one was recorded before.
func (s *Scanner) pend(p Problem, offset int, key []byte, detail string) {
	if s.pending == nil {
		s.pending = &Error{Problem: p, Offset: offset, Pointer: s.Pointer(), Key: string(key), Detail: detail}
	}
}

// space skips white space: a byte at a time, eight at a time once a run is long.
func (s *Scanner) space() {
	b, i := s.data, s.pos
	if i >= len(b) || b[i] > ' ' {
		return // no white space: the common case between tokens
	}
	start := i
	for i < len(b) && blank[b[i]] != 0 {
		i++
		if i-start == 8 {
			for i+8 <= len(b) && blank[b[i]]&blank[b[i+1]]&blank[b[i+2]]&blank[b[i+3]]&
				blank[b[i+4]]&blank[b[i+5]]&blank[b[i+6]]&blank[b[i+7]] != 0 {
				i += 8
			}
		}
	}
	s.skipped(i)
}

// blank is 1 for the bytes JSON allows as white space between tokens.
var blank = [256]uint8{' ': 1, '\t': 1, '\n': 1, '\r': 1}

// skipped moves the scanner past the white space up to i.
func (s *Scanner) skipped(i int) {
	s.blank += i - s.pos
	s.pos, s.spaced = i, s.spaced || i > s.pos
}

// checkCompact stops the scanner when what it has read, white space aside, is longer than its
// limit; it reports false then.
func (s *Scanner) checkCompact() bool {
	if s.maxCompact > 0 && s.pos-s.blank > s.maxCompact {
		return s.limit("more than " + strconv.Itoa(s.maxCompact) + " bytes besides white space")
	}
	return true
}

// Peek skips white space and returns the kind of the next value, by its first byte, without
// reading it. It returns None at the end of the input, before a byte no value starts with, or
// once the scanner has stopped.
func (s *Scanner) Peek() Kind {
	if s.err != nil {
		return None
	}
	s.space()
	if s.pos >= len(s.data) {
		return None
	}
	return kindOf[s.data[s.pos]]
}

// Str is a string value read by [Scanner.ReadString].
type Str struct {
	// Value is the decoded value. It aliases the document when the string held no escapes (and,
	// outside strict mode, no invalid UTF-8); otherwise it is valid until the next string read.
	Value []byte
	// Escaped says the string held escapes.
	Escaped bool
	// ASCII says every byte of Value is ASCII.
	ASCII bool
}

// ReadString reads a string value and returns it decoded.
func (s *Scanner) ReadString() (Str, bool) {
	if s.Peek() != String {
		return Str{}, s.expected("a string")
	}
	start := s.pos
	flags, ok := s.scanString(false)
	if !ok {
		return Str{}, false
	}
	str := Str{Value: s.data[start+1 : s.pos-1], Escaped: flags&flagEscaped != 0, ASCII: flags&flagMultiByte == 0}
	if decoded(flags) {
		s.scratch = s.decode(s.scratch[:0], str.Value, flags)
		str.Value = s.scratch
		if str.Escaped && str.ASCII {
			str.ASCII = isASCII(str.Value)
		}
	}
	return str, true
}

// ReadNumber reads a number and returns its text, exactly as written.
func (s *Scanner) ReadNumber() ([]byte, bool) {
	if s.Peek() != Number {
		return nil, s.expected("a number")
	}
	start := s.pos
	if !s.scanNumber() {
		return nil, false
	}
	return s.data[start:s.pos], true
}

// expected fails with what was expected at the current offset.
func (s *Scanner) expected(what string) bool {
	if s.err != nil {
		return false
	}
	return s.fail("expected " + what + ", found " + describe(s.data, s.pos))
}

// EnterObject reads the opening brace of an object; read its members with [Scanner.NextKey].
func (s *Scanner) EnterObject() bool {
	if s.Peek() != Object {
		return s.expected("an object")
	}
	s.pos++
	return s.push(true)
}

// EnterArray reads the opening bracket of an array; read its items with [Scanner.NextItem].
func (s *Scanner) EnterArray() bool {
	if s.Peek() != Array {
		return s.expected("an array")
	}
	s.pos++
	return s.push(false)
}

func (s *Scanner) push(object bool) bool {
	if len(s.frames) >= s.maxDepth {
		s.pos--
		detail := "nested deeper than " + strconv.Itoa(s.maxDepth) + " levels"
		if s.depthLimit {
			return s.limit(detail)
		}
		return s.fail(detail)
	}
	s.frames = append(s.frames, frame{object: object, keysAt: len(s.keys)})
	return true
}

func (s *Scanner) pop() {
	f := &s.frames[len(s.frames)-1]
	if f.object && s.strict {
		clear(s.keys[f.keysAt:])
		s.keys = s.keys[:f.keysAt]
	}
	if f.seen != nil {
		clear(f.seen)
		s.spare = f.seen
	}
	*f = frame{}
	s.frames = s.frames[:len(s.frames)-1]
}

// NextKey moves to the next member of the object entered last and returns its key, decoded;
// read the member's value next. It reports false, having left the object, after its last
// member (or at a syntax error). The key aliases the document when it held no escapes; it is
// valid until the scanner is reset or released.
func (s *Scanner) NextKey() ([]byte, bool) { return s.nextKey(true) }

// NextKeyUnchecked is [Scanner.NextKey] without strict mode's duplicate check, for a caller
// that tells duplicates of the keys it knows apart itself (a schema's declared properties, by
// a bit each): it must then call [Scanner.CheckKey] for every other key, and
// [Scanner.RepeatedKey] for a known key it has seen before in the same object.
func (s *Scanner) NextKeyUnchecked() ([]byte, bool) { return s.nextKey(false) }

// CheckKey applies strict mode's duplicate check to the key NextKeyUnchecked returned last,
// against the other keys of its object that were checked.
func (s *Scanner) CheckKey() {
	if s.strict && s.err == nil {
		f := &s.frames[len(s.frames)-1]
		s.checkDuplicate(f, f.key, s.keyOffset)
	}
}

// RepeatedKey records, in strict mode, that the key NextKeyUnchecked returned last repeats a
// key of its object.
func (s *Scanner) RepeatedKey() {
	if s.strict && s.err == nil {
		key := s.frames[len(s.frames)-1].key
		s.pend(DuplicateKey, s.keyOffset, key, duplicateDetail(key))
	}
}

func (s *Scanner) nextKey(check bool) ([]byte, bool) {
	if s.err != nil {
		return nil, false
	}
	f := &s.frames[len(s.frames)-1]
	f.inside, f.key = false, nil
	s.space()
	if s.pos >= len(s.data) {
		return nil, s.fail("unexpected end of input in an object")
	}
	if c := s.data[s.pos]; c == '}' {
		s.pos++
		s.pop()
		return nil, false
	} else if f.count > 0 {
		if c != ',' {
			return nil, s.fail("expected ',' or '}' after an object member, found " + describe(s.data, s.pos))
		}
		s.pos++
		s.space()
	}
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, s.fail("expected a string (a field name), found " + describe(s.data, s.pos))
	}
	if !s.begin(f) {
		return nil, false
	}
	start := s.pos
	flags, ok := s.scanString(true)
	if !ok {
		return nil, false
	}
	key := s.data[start+1 : s.pos-1]
	s.keyDecoded = decoded(flags)
	if s.keyDecoded {
		at := len(s.arena)
		s.arena = s.decode(s.arena, key, flags)
		key = s.arena[at:len(s.arena):len(s.arena)]
	}
	f.inside, f.key = true, key
	s.keyOffset = start
	if s.strict && check {
		s.checkDuplicate(f, key, start)
	}
	s.space()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return nil, s.fail("expected ':' after a field name, found " + describe(s.data, s.pos))
	}
	s.pos++
	return key, true
}

// checkDuplicate records a DuplicateKey when the object of f already has key: compared with
// each key so far while the object is small, then by the hash of its bytes (with a seed of
// the process's own, so that no document can make keys collide on purpose), so that telling
// keys apart costs about the bytes of the keys, whatever they are.
func (s *Scanner) checkDuplicate(f *frame, key []byte, offset int) {
	keys := s.keys[f.keysAt:]
	dup := false
	compared := 0
	if f.seen == nil && len(keys) < bigObject {
		for _, k := range keys {
			if len(k) == len(key) && (len(k) == 0 || k[0] == key[0]) {
				compared += len(key)
				if string(k) == string(key) {
					dup = true
					break
				}
			}
		}
	} else {
		if f.seen == nil {
			f.seen, s.spare = s.spare, nil
			if f.seen == nil {
				f.seen = make(map[uint64]int, 4*bigObject)
			}
			for i, k := range keys {
				h := keyHash(k)
				if _, ok := f.seen[h]; !ok {
					f.seen[h] = f.keysAt + i
				}
				compared += len(k)
			}
		}
		h := keyHash(key)
		compared += len(key)
		if at, ok := f.seen[h]; ok {
			compared += len(key)
			if dup = string(s.keys[at]) == string(key); !dup { // another key with this hash
				for _, k := range keys {
					compared += len(key)
					if dup = string(k) == string(key); dup {
						break
					}
				}
			}
		} else {
			f.seen[h] = len(s.keys)
		}
	}
	s.keys = append(s.keys, key)
	if s.meter != nil {
		s.meter.Compared += compared
	}
	if dup {
		s.pend(DuplicateKey, offset, key, duplicateDetail(key))
	}
}

// keyHash is the hash that tells the keys of a big object apart, with a seed of the
// process's own (tests make keys collide on purpose through it).
var keyHash = func() func([]byte) uint64 {
	seed := maphash.MakeSeed()
	return func(key []byte) uint64 { return maphash.Bytes(seed, key) }
}()

// NextItem moves to the next item of the array entered last; read the item next. It reports
// false, having left the array, after its last item (or at a syntax error).
func (s *Scanner) NextItem() bool {
	if s.err != nil {
		return false
	}
	f := &s.frames[len(s.frames)-1]
	f.inside = false
	s.space()
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of input in an array")
	}
	if c := s.data[s.pos]; c == ']' {
		s.pos++
		s.pop()
		return false
	} else if f.count > 0 {
		if c != ',' {
			return s.fail("expected ',' or ']' after an array item, found " + describe(s.data, s.pos))
		}
		s.pos++
	}
	if !s.begin(f) {
		return false
	}
	f.inside = true
	return true
}

// begin counts one more member or item of f against the limits; it reports false, having
// stopped the scanner, when that is one too many.
func (s *Scanner) begin(f *frame) bool {
	f.count++
	s.values++
	switch {
	case s.maxValues > 0 && s.values > s.maxValues:
		return s.limit("more than " + strconv.Itoa(s.maxValues) + " values in the document")
	case f.object && s.maxMembers > 0 && f.count > s.maxMembers:
		return s.limit("more than " + strconv.Itoa(s.maxMembers) + " members in an object")
	}
	return s.checkCompact()
}

// Skip reads one value of any kind, checking it as strictly as the other methods do, and
// returns its raw text (without surrounding white space).
func (s *Scanner) Skip() ([]byte, bool) {
	k := s.Peek()
	start := s.pos
	var ok bool
	switch k {
	case String:
		_, ok = s.scanString(false)
	case Number:
		ok = s.scanNumber()
	case Null, True, False:
		ok = s.scanLiteral(k)
	case Object, Array:
		ok = s.skipContainer()
	default:
		ok = s.expected("a value")
	}
	if !ok {
		return nil, false
	}
	return s.data[start:s.pos], true
}

// skipContainer reads the object or array at the current offset, iteratively (a document may
// nest thousands of levels).
func (s *Scanner) skipContainer() bool {
	base := len(s.frames)
	s.pos++
	if !s.push(s.data[s.pos-1] == '{') {
		return false
	}
	for len(s.frames) > base {
		var more bool
		if s.frames[len(s.frames)-1].object {
			_, more = s.NextKey()
		} else {
			more = s.NextItem()
		}
		if s.err != nil {
			return false
		}
		if !more {
			continue
		}
		switch k := s.Peek(); k {
		case Object, Array:
			s.pos++
			if !s.push(k == Object) {
				return false
			}
		case String:
			if _, ok := s.scanString(false); !ok {
				return false
			}
		case Number:
			if !s.scanNumber() {
				return false
			}
		case Null, True, False:
			if !s.scanLiteral(k) {
				return false
			}
		default:
			return s.expected("a value")
		}
	}
	return true
}

// Pointer returns the JSON pointer of the value being read (see [Error.Pointer]).
func (s *Scanner) Pointer() string {
	if len(s.frames) == 0 {
		return ""
	}
	return string(s.AppendPointer(nil))
}

// AppendPointer appends the JSON pointer of the value being read to dst.
func (s *Scanner) AppendPointer(dst []byte) []byte {
	for i := range s.frames {
		f := &s.frames[i]
		if !f.inside {
			break
		}
		dst = append(dst, '/')
		if f.object {
			dst = AppendPointerToken(dst, f.key)
		} else {
			dst = strconv.AppendInt(dst, int64(f.count-1), 10)
		}
	}
	return dst
}

// AppendPointerToken appends a key as one JSON pointer token: "~" written "~0" and "/" "~1".
func AppendPointerToken(dst, key []byte) []byte {
	for _, c := range key {
		switch c {
		case '~':
			dst = append(dst, '~', '0')
		case '/':
			dst = append(dst, '~', '1')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// scanLiteral reads the literal of kind k at the current offset.
func (s *Scanner) scanLiteral(k Kind) bool {
	word := k.String()
	if len(s.data)-s.pos >= len(word) && string(s.data[s.pos:s.pos+len(word)]) == word {
		s.pos += len(word)
		return true
	}
	i := s.pos
	for j := 0; j < len(word) && i < len(s.data) && s.data[i] == word[j]; j++ {
		i++
	}
	s.pos = i
	return s.fail("invalid literal (expected " + word + "), found " + describe(s.data, i))
}

// scanNumber reads exactly JSON's number grammar at the current offset:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// With a length limit it reads no further than one byte past it.
func (s *Scanner) scanNumber() bool {
	b, i := s.data, s.pos
	cut := s.maxNumber > 0 && len(b)-i > s.maxNumber
	if cut {
		b = b[:i+s.maxNumber+1] // a number that reaches this end is too long
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return s.badNumber(b, i, cut, "expected a digit in a number, found ")
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return s.badNumber(b, j, cut, "expected a digit after the decimal point, found ")
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return s.badNumber(b, j, cut, "expected a digit in the exponent, found ")
		}
		i = j
	}
	if cut && i == len(b) {
		return s.longNumber()
	}
	s.pos = i
	return true
}

// badNumber stops the scanner at a number that breaks the grammar at b[i], or that reached
// the end of the window b its length limit cut.
func (s *Scanner) badNumber(b []byte, i int, cut bool, why string) bool {
	if cut && i == len(b) {
		return s.longNumber()
	}
	s.pos = i
	return s.fail(why + describe(b, i))
}

// longNumber stops the scanner at a number longer than its limit (it stays at its start).
func (s *Scanner) longNumber() bool {
	return s.limit("a number longer than " + strconv.Itoa(s.maxNumber) + " characters")
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// Valid checks that data is exactly one JSON value (under opts) and returns the first refusal
// as an [*Error], or nil.
func Valid(data []byte, opts Options) error {
	s := Acquire(data, opts)
	defer s.Release()
	s.Skip()
	if err := s.Finish(); err != nil {
		return err
	}
	return nil
}

// Member is one member of an object, as [AppendMembers] splits it.
type Member struct {
	// Key is the member's key, decoded. It aliases the document when it held no escapes.
	Key []byte
	// Value is the member's raw JSON text, without surrounding white space: a sub-slice of the
	// document.
	Value []byte
	// Offset is where Value starts in the document.
	Offset int
	// Text is the value of a string member, decoded: it aliases the document when the string
	// held no escapes, else a copy AppendMembers made. It is nil for other members.
	Text []byte
	// Spaced says Value is an object or array with white space between its tokens: its
	// compact text is not Value itself.
	Spaced bool
}

// AppendMembers appends the members of the object data holds to dst, in document order, and
// returns the extended slice. A document that is not one JSON value (under opts) is refused
// with its [*Error]; a well-formed one that is not an object with a [NotObject] error (with
// the members read so far, whose Text may not be decoded). The document is read once, and a
// string value that held escapes decoded once into its Text.
func AppendMembers(dst []Member, data []byte, opts Options) ([]Member, error) {
	s := Acquire(data, opts)
	defer s.Release()
	if s.Peek() != Object {
		s.Skip()
		if err := s.Finish(); err != nil {
			return dst, err
		}
		return dst, &Error{Problem: NotObject, Detail: "the document is not a JSON object"}
	}
	s.EnterObject()
	var texts []byte // decoded string values
	for {
		key, ok := s.NextKey()
		if !ok {
			break
		}
		if s.keyDecoded {
			key = append([]byte(nil), key...) // decoded into the scanner's arena, which is reused
		}
		s.space()
		m := Member{Key: key, Offset: s.pos}
		s.spaced = false
		if s.Peek() != String {
			if m.Value, ok = s.Skip(); !ok {
				break
			}
			m.Spaced = s.spaced
			dst = append(dst, m)
			continue
		}
		flags, ok := s.scanString(false)
		if !ok {
			break
		}
		m.Value = data[m.Offset:s.pos]
		m.Text = m.Value[1 : len(m.Value)-1]
		if !s.checkCompact() {
			break
		}
		if decoded(flags) && (!s.strict || s.pending == nil) { // a body refused already is not decoded
			// Decoded into texts, which the first string that needs it sizes for the values
			// of the rest of the document: the members keep their text after Release.
			if texts == nil {
				texts = make([]byte, 0, len(data)-m.Offset)
			}
			at := len(texts)
			texts = s.decode(texts, m.Text, flags)
			m.Text = texts[at:len(texts):len(texts)]
		}
		dst = append(dst, m)
	}
	if err := s.Finish(); err != nil {
		return dst, err
	}
	return dst, nil
}
