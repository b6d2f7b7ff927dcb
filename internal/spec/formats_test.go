package spec_test

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/spec"
)

// kinJudges reports whether kin-openapi, with the reference's options, accepts v as a string
// of the format.
func kinJudges(t testing.TB, format, v string) bool {
	t.Helper()
	schema := openapi3.NewStringSchema().WithFormat(format)
	return schema.VisitJSON(v, openapi3.EnableFormatValidation(), openapi3.WithStringFormatValidators(spec.StringFormatValidators())) == nil
}

// TestStringFormatsAgree holds the reference to the contract's one format table: kin-openapi
// judges every format of the table with the table's check, leaves a format the table does not
// name unchecked (as the contract does, even one kin-openapi checks on its own, such as byte),
// and so the address "a b@example.com" is refused by both (net/mail, which oapi-codegen's
// openapi_types.Email would have used, is out of the picture: gen maps email to string).
func TestStringFormatsAgree(t *testing.T) {
	values := []string{"", "a b@example.com", "name@example.com", "https://example.com/x", "/relative", "2024-01-15",
		"2024-02-30", "2024-01-15T10:30:00Z", "2016-12-31T23:59:60Z", "not base64!", "bm90LWEtcmVhbC1zaWduYXR1cmU="}
	for _, f := range contract.StringFormats() {
		for _, v := range values {
			assert.Equal(t, f.Check([]byte(v), true), kinJudges(t, f.Name, v), "%s %q", f.Name, v)
		}
	}
	assert.False(t, kinJudges(t, "email", "a b@example.com"))
	for _, unchecked := range []string{"byte", "uuid", "zz-unknown"} {
		assert.True(t, kinJudges(t, unchecked, "not base64, not a uuid!"), unchecked)
	}
}

// FuzzDateFormatsAreKinOpenAPIs holds the table's date and date-time checks to kin-openapi's own
// (its regular expression, then the calendar), but for the one documented decision: a leap
// second, which Go's time.Time cannot hold, is refused.
func FuzzDateFormatsAreKinOpenAPIs(f *testing.F) {
	for _, s := range []string{"2024-02-29T10:30:00Z", "2023-02-29T10:30:00Z", "2024-04-31T00:00:00Z", "0000-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z", "2000-02-29T23:59:60.5+14:00", "2024-01-15", "2024-13-01"} {
		f.Add(s)
	}
	checks := map[string]func([]byte, bool) bool{}
	for _, format := range contract.StringFormats() {
		checks[format.Name] = format.Check
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, name := range []string{"date", "date-time"} {
			kin := openapi3.SchemaStringFormats[name].Validate(v) == nil
			leapSecond := name == "date-time" && len(v) > 19 && v[17:19] == "60"
			if kin && leapSecond {
				require.False(t, checks[name]([]byte(v), true), "%q: a leap second is refused", v)
				continue
			}
			require.Equal(t, kin, checks[name]([]byte(v), !strings.ContainsFunc(v, func(r rune) bool { return r >= 0x80 })), "%s %q", name, v)
		}
	})
}
