package spec_test

import "strings"

// edgeRequestBodies are request bodies at edges the other tables do not reach: amounts at and
// just past the maximum written every way JSON allows, exponents beyond what math/big reads,
// amounts as strings (lenient mode) that are almost numbers, escaped surrogate pairs and
// non-ASCII text that sends a pattern to package regexp part way through, keys that differ
// from a declared one only by escaping, and deep or huge values.
func edgeRequestBodies() map[string]string {
	bodies := map[string]string{}
	fix := func(name, old, repl string) { bodies[name] = strings.Replace(docsRequest, old, repl, 1) }
	field := func(name, raw string) string {
		i := strings.Index(docsRequest, `"`+name+`"`)
		j := i + strings.IndexAny(docsRequest[i:], ",\n}")
		return docsRequest[:i] + `"` + name + `": ` + raw + docsRequest[j:]
	}
	for _, a := range []string{
		"999999999999.99", "999999999999.990", "99999999999999e-2", "9.9999999999999e11", "0.99999999999999e12",
		"999999999999.99000000000000000001", "999999999999.989999999999999", "1e12", "1E12", "1e+12", "1000000000000",
		"999999999999.995", "-999999999999.99", "1e-400", "-1e-400", "1e-2", "0.1e-1", "0.01e0", "0.009999999999999999999",
		"-0", "-0.0", "-0e-5", "0.1e1", "0.10e+1", "0.0100", "100e-2", "10000000000000000000000000e-26",
		"0e-400", "0e400", "0e99999999999999999999", "-0e-99999999999999999999", "1e1000001", "1e-1000001",
		"1e99999999999999999999", "-1e99999999999999999999", "1e-99999999999999999999", "123.456e-1000000",
		"1" + strings.Repeat("0", 1000) + "e-1000998",
		`"999999999999.99"`, `"1e12"`, `"1e-400"`, `"-0"`, `"0.1e1"`, `"1e99999999999999999999"`, `"0e99999999999999999999"`,
		`" 1"`, `"\t1"`, `"\n1"`, `"1 "`, `"+1"`, `"01"`, `"1."`, `".5"`, `"\u0031\u0030"`, `""`,
	} {
		bodies["amount "+a] = field("amount", a)
	}
	for name, f := range map[string][2]string{
		"reference surrogate pair":            {"reference", `"\ud83d\ude00ORDER"`},
		"reference ascii then emoji":          {"reference", `"ORDER123456` + "😀" + `"`},
		"reference ascii, é, then &":          {"reference", `"ORDER` + strings.Repeat("A", 40) + "é" + `&x"`},
		"reference escaped emoji then &":      {"reference", `"ORDER\ud83d\ude00\u0026"`},
		"reference U+2028":                    {"reference", `"A\u2028B"`},
		"reference escaped NUL":               {"reference", `"A\u0000B"`},
		"currency fullwidth":                  {"currency", `"ＥＴＢ"`},
		"currency escaped":                    {"currency", `"\u0045\u0054\u0042"`},
		"currency with newline":               {"currency", `"ETB\n"`},
		"phone with newline":                  {"phone_number", `"251911111111\n"`},
		"phone arabic digits":                 {"phone_number", `"٢٥١٩١١١١١١١١"`},
		"callback non-ASCII path":             {"callback_url", `"https://example.com/é"`},
		"callback non-ASCII after long ascii": {"callback_url", `"https://example.com/` + strings.Repeat("a", 100) + `\u00a0x"`},
		"callback NBSP in host":               {"callback_url", `"https://exa\u00a0mple.com/"`},
		"callback escaped slashes":            {"callback_url", `"https:\/\/example.com\/cb"`},
		"callback tab":                        {"callback_url", `"https://example.com/\tcb"`},
		"callback vertical tab":               {"callback_url", `"https://example.com/\u000bcb"`},
		"description 500 escaped emoji":       {"description", `"` + strings.Repeat(`\ud83d\ude00`, 500) + `"`},
		"description 501 emoji":               {"description", `"` + strings.Repeat("😀", 501) + `"`},
		"mediums escaped twins":               {"supported_mediums", `["\u004dPESA","MPESA"]`},
		"mediums lookalike":                   {"supported_mediums", `["MPESA","ＭPESA"]`},
	} {
		bodies[name] = field(f[0], f[1])
	}
	fix("key amount escaped", `"amount"`, `"\u0061mount"`)
	fix("key amount escaped, bad value", `"amount": 1000.5`, `"\u0061mount": 0.001`)
	fix("key escaped slash undeclared", `"amount"`, `"am\/ount": 1, "amount"`)
	fix("key tilde slash undeclared", `"amount"`, `"a~b/c": 1, "amount"`)
	fix("key empty undeclared", `"amount"`, `"": 1, "amount"`)
	fix("key escaped twin of a required one", `"success"`, `"succ\u0065ss": "https://a.example/", "success"`)
	fix("key differs by case", `"amount"`, `"Amount": 1, "amount"`)
	fix("key with NUL", `"amount"`, `"amount\u0000": 1, "amount"`)
	fix("key surrogate pair", `"amount"`, `"\ud83d\ude00": 1, "amount"`)
	fix("key lone surrogate", `"amount"`, `"\udc00": 1, "amount"`)
	fix("key escaped surrogate twin", `"amount"`, `"😀": 1, "\ud83d\ude00": 2, "amount"`)
	deep := strings.Repeat(`{"a":`, 500) + `1` + strings.Repeat(`}`, 500)
	fix("mediums deep objects", `["MPESA", "TELEBIRR", "CBE"]`, `[`+deep+`,`+deep+`]`)
	fix("redirects deeper than encoding/json reads", `"redirects": {`, `"redirects": {"x":`+strings.Repeat(`{"a":`, 10001)+`1`+strings.Repeat(`}`, 10001)+`,`)
	fix("amount of 100001 digits", `1000.5`, "1"+strings.Repeat("0", 100000)+"e-99998")
	fix("amount exponent of 100000 digits", `1000.5`, "1e-"+strings.Repeat("9", 100000))
	return bodies
}
