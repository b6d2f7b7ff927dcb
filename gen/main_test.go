package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/spectest"
)

// inputs are the files of the module root the pipeline reads.
var inputs = []string{source, "oapi-codegen.yaml", "oapi-codegen.overlay.yaml"}

// scratchRoot copies the pipeline's inputs into a new directory, openapi.yaml changed by edit,
// with every output in place holding "old\n"; it returns the directory.
func scratchRoot(t *testing.T, edit func(spec []byte) []byte) string {
	t.Helper()
	root := t.TempDir()
	for _, name := range inputs {
		b, err := os.ReadFile(filepath.Join("..", name))
		require.NoError(t, err)
		if name == source {
			b = edit(b)
		}
		require.NoError(t, os.WriteFile(filepath.Join(root, name), b, 0o600))
	}
	for _, s := range steps {
		out := filepath.Join(root, filepath.FromSlash(s.output))
		require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o700))
		require.NoError(t, os.WriteFile(out, []byte("old\n"), 0o600))
	}
	return root
}

// TestGeneratedFilesAreFresh is `make check-generated` as a test: every output in the tree
// is what its step makes of openapi.yaml today.
func TestGeneratedFilesAreFresh(t *testing.T) {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	spec, err := os.ReadFile(filepath.Join(root, source))
	require.NoError(t, err)
	for _, s := range steps {
		want, err := s.run(context.Background(), root, spec)
		require.NoError(t, err, s.name)
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(s.output)))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s is stale: run make generate", s.output)
	}
}

func TestGenerateWritesEveryOutput(t *testing.T) {
	root := scratchRoot(t, func(spec []byte) []byte { return spec })
	require.NoError(t, generate(context.Background(), root, steps))
	for _, s := range steps {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(s.output)))
		require.NoError(t, err)
		committed, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(s.output)))
		require.NoError(t, err)
		assert.Equal(t, string(committed), string(got), s.output)
	}
	assertNoStaging(t, root)
}

// TestAFailingStepWritesNothing breaks the openapi31 step (the 3.1 rendition refuses 3.0's
// nullable, which oapi-codegen and contractgen take): the outputs of the steps that succeeded
// must not be written either.
func TestAFailingStepWritesNothing(t *testing.T) {
	root := scratchRoot(t, func(spec []byte) []byte {
		edited, err := spectest.Set(spec, "true", "components", "schemas", "CheckoutRequest", "properties", "description", "nullable")
		require.NoError(t, err)
		return edited
	})
	err := generate(context.Background(), root, steps)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "step openapi31 (openapi-3.1.yaml)")
	assert.Contains(t, err.Error(), "nullable")
	assert.Contains(t, err.Error(), "nothing was written")
	for _, s := range steps {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(s.output)))
		require.NoError(t, err)
		assert.True(t, string(got) == "old\n", "%s was written although a later step failed", s.output)
	}
	assertNoStaging(t, root)

	// The steps before it did run and succeed on that spec: the failure is openapi31's.
	spec, err := os.ReadFile(filepath.Join(root, source))
	require.NoError(t, err)
	last := slices.IndexFunc(steps, func(s step) bool { return s.name == "openapi31" })
	require.Positive(t, last)
	for _, s := range steps[:last] {
		_, err := s.run(context.Background(), root, spec)
		assert.NoError(t, err, s.name)
	}
}

func assertNoStaging(t *testing.T, root string) {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(root, ".gen-staging-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "the staging directory is removed")
}

// TestModelsTakeFormatsAsTheContractDoes is the third opinion on a format: the generated model
// holds an email, a uuid or a date as a plain string (never net/mail's openapi_types.Email,
// which refuses "a b@example.com" in json.Unmarshal where the contract's table decides), and a
// date-time as time.Time, as internal/contract's table says.
func TestModelsTakeFormatsAsTheContractDoes(t *testing.T) {
	root := scratchRoot(t, func(spec []byte) []byte {
		for name, format := range map[string]string{"email": "email", "uuid": "uuid", "date": "date", "at": "date-time", "bytes": "byte"} {
			var err error
			spec, err = spectest.Set(spec, "{type: string, format: "+format+"}", "components", "schemas", "CheckoutRequest", "properties", "zz_fixture_"+name)
			require.NoError(t, err)
		}
		return spec
	})
	src, err := models(context.Background(), root, nil)
	require.NoError(t, err)
	for _, field := range []string{"ZzFixtureEmail string", "ZzFixtureUUID string", "ZzFixtureDate string", "ZzFixtureAt time.Time", "ZzFixtureBytes string"} {
		assert.Regexp(t, `\n\t`+strings.ReplaceAll(field, " ", `\s+`)+` `, string(src), field)
	}
	assert.NotContains(t, string(src), "openapi_types")
}
