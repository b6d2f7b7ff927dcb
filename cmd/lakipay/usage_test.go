package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// commandPaths lists every command of the tree, as argument lists ("checkout create").
func commandPaths(cmd *cobra.Command, prefix []string) [][]string {
	var out [][]string
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		path := append(append([]string{}, prefix...), c.Name())
		out = append(out, path)
		out = append(out, commandPaths(c, path)...)
	}
	return out
}

func TestEveryCommandHasHelp(t *testing.T) {
	root := (&app{lookupEnv: mapEnv(nil)}).rootCommand()
	paths := append([][]string{{}}, commandPaths(root, nil)...)
	require.GreaterOrEqual(t, len(paths), 10, "root, 5 commands, 3 groups' subcommands, help")
	for _, path := range paths {
		t.Run("lakipay "+strings.Join(path, " "), func(t *testing.T) {
			for _, flag := range []string{"--help", "-h"} {
				r := runCLI(t, nil, "", append(path, flag)...)
				assert.Equal(t, exitOK, r.code, r.stderr)
				assert.Contains(t, r.stdout, "Usage:")
				assert.Empty(t, r.stderr)
			}
		})
	}
}

// TestHelpListsTheSpecsMediums: `checkout create --help` lists the mediums of openapi.yaml as
// the compiled contract holds them, so a medium added to the spec shows without an edit.
func TestHelpListsTheSpecsMediums(t *testing.T) {
	r := runCLI(t, nil, "", "checkout", "create", "--help")
	require.Equal(t, exitOK, r.code, r.stderr)
	mediums := contract.Enum("Medium")
	require.NotEmpty(t, mediums)
	assert.Contains(t, strings.Join(strings.Fields(r.stdout), " "), "("+strings.Join(mediums, ", ")+")")
}

func TestVersion(t *testing.T) {
	r := runCLI(t, nil, "", "--version")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "0.1.0")
}

func TestUsageErrorsExit2(t *testing.T) {
	withKey := keyEnv(testKey, "http://127.0.0.1:1/api/v2")
	create := []string{"checkout", "create", "--amount", "10", "--currency", "ETB", "--phone", "251911111111",
		"--reference", "R1", "--success", "https://a.example/s", "--failed", "https://a.example/f", "--medium", "MPESA"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // each must appear on stderr
	}{
		{"no command", nil, nil, []string{"lakipay needs a command", "demo", "mock", "checkout"}},
		{"unknown command", nil, []string{"refund"}, []string{`unknown command "refund"`}},
		{"unknown flag", nil, []string{"demo", "--colour"}, []string{"unknown flag: --colour"}},
		{"group without subcommand", nil, []string{"checkout"}, []string{"lakipay checkout needs a command (one of: create)"}},
		{"unknown subcommand", nil, []string{"transaction", "list"}, []string{`unknown command "list"`}},
		{"missing required flags", withKey, []string{"checkout", "create", "--amount", "10"},
			[]string{"required flag(s)", `"currency"`, `"medium"`, `"phone"`}},
		{"stray argument", nil, []string{"demo", "now"}, []string{`lakipay demo takes no arguments, got ["now"]`}},
		{"missing ID", withKey, []string{"transaction", "get"}, []string{"wants 1 argument(s) ([ID]), got 0"}},
		{"two IDs", withKey, []string{"transaction", "wait", "A", "B"}, []string{"got 2"}},
		{"duration of the wrong type", withKey, []string{"transaction", "wait", "TXN-1", "--timeout", "soon"}, []string{`invalid argument "soon"`}},
		{"non-positive timeout", withKey, []string{"transaction", "wait", "TXN-1", "--timeout", "0s"}, []string{"--timeout must be greater than 0"}},
		{"unknown outcome", nil, []string{"demo", "--outcome", "refunded"}, []string{`--outcome must be success, failed or cancelled, got "refunded"`}},
		{"live demo without key", nil, []string{"demo", "--live"}, []string{"--live needs LAKIPAY_API_KEY"}},
		{"no key", nil, create, []string{"LAKIPAY_API_KEY is not set"}},
		{"malformed key", map[string]string{envAPIKey: "no-colon-here"}, []string{"transaction", "get", "TXN-1"}, []string{"LAKIPAY_API_KEY: invalid API key: it has no ':'"}},
		{"key ':'", map[string]string{envAPIKey: ":"}, []string{"transaction", "get", "TXN-1"}, []string{"LAKIPAY_API_KEY: invalid API key: PUBLICKEY, before the ':', is empty"}},
		{"key x:y", map[string]string{envAPIKey: "x:y"}, create, []string{"LAKIPAY_API_KEY: invalid API key: SECRETKEY is shorter than 8 characters"}},
		{"key with a control character", map[string]string{envAPIKey: testKey + "\x01"}, []string{"transaction", "get", "TXN-1"}, []string{"LAKIPAY_API_KEY: invalid API key: SECRETKEY contains a control character"}},
		{"key with DEL", map[string]string{envAPIKey: "pk\x7f:" + "sk_test_cli_secret"}, create, []string{"LAKIPAY_API_KEY: invalid API key: PUBLICKEY contains a control character"}},
		{"relative base URL", keyEnv(testKey, "/api/v2"), []string{"transaction", "get", "TXN-1"}, []string{"base URL"}},
		{"base URL flag wins over env", keyEnv(testKey, "http://127.0.0.1:1/api/v2"), []string{"transaction", "get", "TXN-1", "--base-url", "ftp://x"}, []string{"base URL"}},
		{"verify without key file", nil, []string{"webhook", "verify"}, []string{`required flag(s) "public-key"`}},
		{"verify with two payloads", nil, []string{"webhook", "verify", "--public-key", "k.pem", "a", "b"}, []string{"at most one PAYLOAD_FILE"}},
		{"base URL on a command that calls nobody", nil, []string{"mock", "--base-url", "http://x.example"}, []string{"unknown flag: --base-url"}},
		{"mock seed of the wrong type", nil, []string{"mock", "--seed", "x"}, []string{`invalid argument "x"`}},
		{"mock key malformed", nil, []string{"mock", "--api-key", "nocolon"}, []string{"--api-key", "PUBLICKEY:SECRETKEY"}},
		{"mock key ':'", nil, []string{"mock", "--api-key", ":"}, []string{"--api-key: invalid API key: PUBLICKEY, before the ':', is empty"}},
		{"mock key with a control character", nil, []string{"mock", "--api-key", testKey + "\x01"}, []string{"--api-key: invalid API key: SECRETKEY contains a control character"}},
		{"mock key with DEL", nil, []string{"mock", "--api-key", testKey + "\x7f"}, []string{"--api-key: invalid API key: SECRETKEY contains a control character"}},
		{"mock key too short", nil, []string{"mock", "--api-key", "pk_a:sk_b"}, []string{"--api-key: invalid API key: SECRETKEY is shorter than 8 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", tt.args...)
			assert.Equal(t, exitUsage, r.code, r.output())
			assert.Empty(t, r.stdout)
			for _, w := range tt.want {
				assert.Contains(t, r.stderr, w)
			}
			assert.Contains(t, r.stderr, "--help' for usage.")
			assert.True(t, strings.HasPrefix(r.stderr, "lakipay: "), r.stderr)
			assert.Equal(t, 1, strings.Count(r.stderr, "lakipay:"), r.stderr)
			if key := tt.env[envAPIKey]; len(key) > 3 {
				secrettest.Absent(t, r.output(), key, "output (the malformed key)")
			}
		})
	}
}
