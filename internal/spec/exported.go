package spec

// ShortValue renders a decoded JSON value the way a [Violation]'s Value shows it: scalars as
// JSON cut to a readable length, objects and arrays by their kind only.
func ShortValue(value any) string { return shortJSON(value) }

// Pointer joins unescaped path segments into a JSON pointer ("/data/status"), escaping "~" and
// "/" as RFC 6901 says; no segments give "".
func Pointer(segments ...string) string { return pointer(segments) }
