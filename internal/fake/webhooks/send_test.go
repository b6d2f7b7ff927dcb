package webhooks

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestReadAnswer keeps at most 1 KiB of a receiver's answer, as valid UTF-8 cut at a
// character boundary, and reads at most 64 KiB of it.
func TestReadAnswer(t *testing.T) {
	euro := "€" // three bytes
	straddling := strings.Repeat("a", AnswerLimit-1) + euro + "tail"
	for _, tc := range []struct {
		name     string
		body     string
		want     string
		wantSize int
	}{
		{"empty", "", "", 0},
		{"short", "database is down", "database is down", 16},
		{"exactly the limit", strings.Repeat("b", AnswerLimit), strings.Repeat("b", AnswerLimit), AnswerLimit},
		{"a character across the limit is dropped whole", straddling, strings.Repeat("a", AnswerLimit-1), len(straddling)},
		{"invalid UTF-8 is replaced", "ok\xff\xfe", "ok\uFFFD", 4},
		{"a body cut inside a character", "ok\xe2\x82", "ok\uFFFD", 4},
		{"read up to 64 KiB", strings.Repeat("c", 100<<10), strings.Repeat("c", AnswerLimit), maxAnswerBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := readAnswer(bytes.NewReader([]byte(tc.body)))
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.wantSize, n)
			assert.True(t, utf8.ValidString(got))
			assert.LessOrEqual(t, len(got), AnswerLimit)
		})
	}
}
