package spec_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConsumerModuleGeneratesFromTheSpec follows the README's recipe for another Go module:
// testdata/consumer requires this module (replaced by this working tree), generates its own
// models and client from this module's openapi.yaml with its own oapi-codegen config through
// `go generate`, and must then build, vet and pass its own tests (which send the docs request
// to a loopback server with the generated client).
func TestConsumerModuleGeneratesFromTheSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds a second module (slow; needs the module proxy or a warm module cache)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipped: the go command is not on PATH")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("skipped: the recipe's go:generate line runs sh, which is not on PATH")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join(root, "testdata", "consumer"))))

	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	run := func(t *testing.T, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), goBin, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %v in the consumer module:\n%s", args, out)
	}

	// The copy lives elsewhere: point its replace at this working tree.
	run(t, "mod", "edit", "-replace", "github.com/lakipay/checkout-go="+root)
	run(t, "generate", "./...")
	generated, err := os.ReadFile(filepath.Join(dir, "lakipayapi", "lakipay.gen.go"))
	require.NoError(t, err, "go generate wrote no lakipayapi/lakipay.gen.go")
	// Checked as booleans: a failure must not dump the whole generated file.
	assert.True(t, bytes.Contains(generated, []byte("type CheckoutRequest struct")),
		"the generated code has no CheckoutRequest model")
	assert.True(t, bytes.Contains(generated, []byte("type Amount = stdjson.Number")),
		"the consumer's overlay should keep amounts exact (stdjson.Number), not float32")
	run(t, "build", "./...")
	run(t, "vet", "./...")
	run(t, "test", "-count=1", "./...")
}
