package main

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generatorModule matches the modules only this module's generators and spec tests need:
// kin-openapi, oapi-codegen (its command, library and runtime), x/tools and x/mod, the YAML
// modules and what they pull in (speakeasy's OpenAPI overlay, go-yit, jsonschema). None of
// them may reach a merchant's go.mod.
var generatorModule = regexp.MustCompile(`(?i)kin-openapi|oapi-codegen|golang\.org/x/(tools|mod)\b|yaml|speakeasy|go-yit|jsonschema|go-jsonmerge`)

// requirements is what the go.mod in dir requires, module path to version.
func requirements(t *testing.T, goBin, dir string, env []string) map[string]string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), goBin, "mod", "edit", "-json")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	require.NoError(t, err)
	var mod struct {
		Require []struct{ Path, Version string }
	}
	require.NoError(t, json.Unmarshal(out, &mod))
	reqs := map[string]string{}
	for _, r := range mod.Require {
		reqs[r.Path] = r.Version
	}
	return reqs
}

// TestMerchantModuleInheritsNoGenerators is issue 22's measure, offline: testdata/merchant
// imports package client, tests with package contracttest and runs the lakipay CLI as a tool,
// as a merchant would. `go mod tidy` in a copy of it (this working tree as the required
// module, the module cache as the only source: no network) must require no generator module,
// and exactly what the committed testdata/merchant/go.mod says (its go.sum too), so that the
// file stays a true picture of what a merchant inherits (CI makes a fresh one with the module
// proxy: `make check-merchant`). A package of this module that starts importing the root directory (whose
// tools.go pins oapi-codegen under the "tools" tag, which tidy reads) or kin-openapi fails here.
func TestMerchantModuleInheritsNoGenerators(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipped: the go command is not on PATH")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	committed := filepath.Join(root, "testdata", "merchant")
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(committed)))

	// The module cache only: GOPROXY=off and GOSUMDB=off never reach a network (what is in
	// the cache was verified when it was downloaded).
	env := append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	run := func(args ...string) string {
		cmd := exec.CommandContext(t.Context(), goBin, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %v in the merchant module (a cold module cache? run go mod download in testdata/merchant):\n%s", args, out)
		return string(out)
	}
	run("mod", "edit", "-replace", "github.com/lakipay/checkout-go="+root)
	run("mod", "tidy")

	got := requirements(t, goBin, dir, env)
	require.Contains(t, got, "github.com/lakipay/checkout-go", "the merchant module requires the SDK")
	for _, path := range slices.Sorted(maps.Keys(got)) {
		if generatorModule.MatchString(path) {
			t.Errorf("a merchant that imports client and contracttest inherits %s; why:\n%s", path, run("mod", "why", "-m", path))
		}
	}
	assert.Equal(t, requirements(t, goBin, committed, env), got,
		"testdata/merchant/go.mod is not what go mod tidy writes: run `go mod tidy` in testdata/merchant and commit it")
	sums, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	require.NoError(t, err)
	committedSums, err := os.ReadFile(filepath.Join(committed, "go.sum"))
	require.NoError(t, err)
	assert.Equal(t, string(committedSums), string(sums),
		"testdata/merchant/go.sum is not what go mod tidy writes: run `go mod tidy` in testdata/merchant and commit it")
}
