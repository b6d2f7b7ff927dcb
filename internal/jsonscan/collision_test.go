package jsonscan

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDuplicatesWhenHashesCollide makes every key of a big object hash alike: duplicates are
// still told exactly, by comparing the keys themselves (a document cannot choose the process's
// seed, but the answer must not depend on it).
func TestDuplicatesWhenHashesCollide(t *testing.T) {
	defer func(h func([]byte) uint64) { keyHash = h }(keyHash)
	keyHash = func([]byte) uint64 { return 42 }
	object := func(n int, extra string) string {
		keys := make([]string, n)
		for i := range keys {
			keys[i] = `"k` + strconv.Itoa(i) + `":0`
		}
		return "{" + strings.Join(keys, ",") + extra + "}"
	}
	for doc, dup := range map[string]string{
		object(40, ""):             "",
		object(40, `,"k7":1`):      "k7",
		object(40, `,"k39":1`):     "k39",
		object(40, `,"\u006b0":1`): "k0",
		`[` + object(20, "") + `,` + object(20, `,"k19":2`) + `]`: "k19",
		`{"a":` + object(30, "") + `,"b":` + object(18, "") + `}`: "",
	} {
		err := Valid([]byte(doc), Options{Strict: true})
		if dup == "" {
			require.NoError(t, err, doc)
			continue
		}
		var e *Error
		require.ErrorAs(t, err, &e, doc)
		require.Equal(t, DuplicateKey, e.Problem)
		require.Equal(t, dup, e.Key)
	}
}
