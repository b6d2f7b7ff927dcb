// Package jsonscan is the module's one JSON scanner: it reads raw JSON bytes in place, without
// decoding them into Go values and without allocating for plain input, for the contract
// validator (which walks a body against a schema), the webhook verifier (which splits a body
// into its top-level fields) and the client's webhook field decoder.
//
// # What it reads
//
// A [Scanner] reads one JSON value: objects field by field ([Scanner.NextKey] gives each key
// decoded), arrays item by item, strings decoded exactly as encoding/json decodes them (with
// whether they held escapes or non-ASCII bytes), numbers as their text, literals, and any value
// as its raw span ([Scanner.Skip]). [AppendMembers] splits an object into its members in
// document order, with each raw value, its offset, a string's decoded text and whether an
// object or array holds white space. [Valid] checks a whole document, [Unquote] decodes one
// string literal and [AppendCompact] writes a value without its white space.
//
// # What it costs
//
// Every byte is read once, in a step bounded whatever the mix of text: runs of plain ASCII
// and of white space eight bytes at a time, escapes and UTF-8 sequences one at a time, without
// decoding them (a string is decoded only when it held an escape, or invalid UTF-8 outside
// strict mode, and then once).
//
// # Limits
//
// [Options] can bound a document beyond its syntax: how deep it nests, how many values and
// members of one object it holds, how long a number and the document besides its white space
// may be. The first limit reached stops the scanner there, with a [Limit] refusal naming it:
// a caller that reads what anyone may send bounds what reading it costs, before any other
// work.
//
// # What it accepts
//
// With [Options.Strict] off, the scanner accepts exactly what json.Valid accepts (nesting up to
// [DefaultMaxDepth], encoding/json's limit) and decodes strings exactly as json.Unmarshal does:
// a fuzz target holds it to both. Strict mode adds what encoding/json lets through:
//
//   - invalid UTF-8 in a string, and a \u escape of a lone UTF-16 surrogate, are refused
//     ([InvalidUTF8]) instead of being replaced by U+FFFD: two different bodies must never
//     decode to the same text (a webhook's signature covers decoded values);
//   - an object that repeats a key is refused ([DuplicateKey]) at any depth, keys compared after
//     decoding their escapes ("a" and "\u0061" are the same key), instead of the last one
//     silently winning.
//
// Every refusal is an [*Error] with the byte offset and the JSON pointer of the value being read
// where it was found. A syntax error always wins over a strictness error: a document that is not
// JSON at all is reported as such, even when it repeated a key before its syntax broke. A limit
// wins over both, since nothing after it is read.
package jsonscan
