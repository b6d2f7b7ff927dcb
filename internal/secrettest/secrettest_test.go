package secrettest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lakipay/checkout-go/internal/secrettest"
)

type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAbsent(t *testing.T) {
	const secret = "sk_live_s3cr3t"
	r := &recorder{TB: t}
	assert.True(t, secrettest.Absent(r, "nothing to see", secret, "clean"))
	assert.Empty(t, r.errors)

	assert.False(t, secrettest.Absent(r, "key pk:"+secret+" leaked", secret, "leaky"))
	if assert.Len(t, r.errors, 1) {
		assert.Contains(t, r.errors[0], "leaky")
		assert.Contains(t, r.errors[0], "pk:<SECRET> leaked")
		assert.False(t, strings.Contains(r.errors[0], secret), "the failure message must not carry the secret")
	}
}

func TestMask(t *testing.T) {
	assert.Equal(t, "a <SECRET> b <SECRET>", secrettest.Mask("a xyz b xyz", "xyz"))
	assert.Equal(t, "unchanged", secrettest.Mask("unchanged", ""))
}
