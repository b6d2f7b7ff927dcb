package vectors

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/lakipaydocs"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// TestFileIsCurrent: the committed file is exactly what the cases make with its keys (an
// RSA PKCS#1 v1.5 signature is a function of the key and the text). -update writes it.
func TestFileIsCurrent(t *testing.T) {
	path, err := FilePath()
	require.NoError(t, err)
	keys, err := fileKeys(path, *update)
	require.NoError(t, err)
	want, err := build(keys)
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(path, want, 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "%s is not what its cases make: run go test ./internal/webhook/vectors -update and review the diff", Path)
}

// decimal matches a JSON number.
var decimal = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// parts splits an unambiguous canonical string into its key=value parts.
func parts(canonical string) [][2]string {
	var out [][2]string
	for part := range strings.SplitSeq(canonical, "&") {
		k, v, _ := strings.Cut(part, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

// sameValues reports whether canonical strings a and b have the same keys, in order, and the
// same values, numbers compared by their exact value (100 = 100.00 = 100.0, never 100.004).
func sameValues(a, b string) bool {
	pa, pb := parts(a), parts(b)
	return slices.EqualFunc(pa, pb, func(x, y [2]string) bool {
		if x[0] != y[0] {
			return false
		}
		if x[1] == y[1] {
			return true
		}
		if !decimal.MatchString(x[1]) || !decimal.MatchString(y[1]) {
			return false
		}
		rx, okx := new(big.Rat).SetString(x[1])
		ry, oky := new(big.Rat).SetString(y[1])
		return okx && oky && rx.Cmp(ry) == 0
	})
}

// TestCasesSayWhatTheyAre checks each case against what it claims, without the verifier
// under test: its signature really is over signed with the key it names (so a refused case is
// refused for the reason given, not because a signature is broken); an accepted case is
// signed by LakiPay over its own values; a refused forgery is signed over other values or with
// another key; an ambiguous case carries LakiPay's signature of the string a verifier without
// the ambiguity check computes (so such a verifier accepts it and fails the case).
func TestCasesSayWhatTheyAre(t *testing.T) {
	f, err := Load()
	require.NoError(t, err)
	path, err := FilePath()
	require.NoError(t, err)
	keys, err := fileKeys(path, false)
	require.NoError(t, err)
	require.NotEmpty(t, f.Cases)
	seen := map[string]bool{}
	kinds := map[string]int{}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			require.False(t, seen[c.Name], "the name is unique")
			seen[c.Name] = true
			require.NotEmpty(t, c.Description)
			require.Contains(t, []string{Accept, Reject}, c.Verdict)
			require.Equal(t, c.Verdict == Accept, c.Error == nil, "an error kind exactly for a refused case")
			if c.Error != nil {
				require.Contains(t, []string{Malformed, Ambiguous, NoSignature, InvalidSignature}, *c.Error)
				kinds[*c.Error]++
			}
			if c.Signature != nil && c.Signed != nil {
				require.Contains(t, keys, c.SignedWith)
				sig, err := base64.StdEncoding.DecodeString(*c.Signature)
				require.NoError(t, err)
				digest := sha256.Sum256([]byte(*c.Signed))
				require.NoError(t, rsa.VerifyPKCS1v15(&keys[c.SignedWith].PublicKey, crypto.SHA256, digest[:], sig),
					"the signature is %s's, over signed", c.SignedWith)
			}
			if c.Canonical != nil {
				naive, err := forge.NaiveCanonical(c.Body)
				require.NoError(t, err)
				assert.Equal(t, naive, *c.Canonical, "canonical is the body's, read with encoding/json")
			}
			switch {
			case c.Verdict == Accept:
				require.NotNil(t, c.Signature)
				require.NotNil(t, c.Signed)
				require.NotNil(t, c.Canonical)
				assert.Equal(t, LakiPay, c.SignedWith)
				assert.True(t, sameValues(*c.Signed, *c.Canonical), "LakiPay signed the body's own values: %q vs %q", *c.Signed, *c.Canonical)
			case *c.Error == InvalidSignature && c.Signed != nil:
				require.NotNil(t, c.Canonical)
				assert.True(t, c.SignedWith != LakiPay || !sameValues(*c.Signed, *c.Canonical),
					"a forgery is signed over other values or with another key")
			case *c.Error == Ambiguous:
				assert.Nil(t, c.Canonical)
				require.NotNil(t, c.Signature)
				require.NotNil(t, c.Signed)
				naive, err := forge.NaiveCanonical(c.Body)
				require.NoError(t, err)
				assert.Equal(t, naive, *c.Signed, "LakiPay signed what a verifier without the ambiguity check computes")
				assert.Equal(t, LakiPay, c.SignedWith)
			case *c.Error == Malformed:
				assert.Nil(t, c.Canonical)
			}
		})
	}
	for _, kind := range []string{Malformed, Ambiguous, NoSignature, InvalidSignature} {
		assert.Positive(t, kinds[kind], "some case is refused as %s", kind)
	}
	docs := slices.IndexFunc(f.Cases, func(c Case) bool { return c.Name == "docs-example" })
	require.GreaterOrEqual(t, docs, 0)
	assert.Equal(t, lakipaydocs.WebhookCanonical, *f.Cases[docs].Canonical, "the documentation's canonical string")
}
