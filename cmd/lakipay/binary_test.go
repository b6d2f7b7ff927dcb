package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary builds the lakipay binary into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH: cannot build the binary (the in-process tests cover the commands)")
	}
	bin := filepath.Join(t.TempDir(), "lakipay")
	out, err := exec.CommandContext(t.Context(), goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// exitCode returns the exit code of a finished command.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

func TestBinary(t *testing.T) {
	bin := buildBinary(t)

	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", nil, []string{"--help"}, exitOK, "Usage:", ""},
		{"unknown command", nil, []string{"refund"}, exitUsage, "", `lakipay: unknown command "refund" for "lakipay"`},
		{"refused input", []string{envAPIKey + "=" + canaryKey, envBaseURL + "=http://127.0.0.1:1/api/v2"},
			createArgs("R-1", "--amount", "9.555"), exitFailed, "", "--amount (amount)"},
		{"offline demo", nil, []string{"demo"}, exitOK, "Done: every step behaved as the contract says.", ""},
		// The process's environment is read with os.LookupEnv: set but empty is not unset.
		{"base URL variable set but empty", []string{envAPIKey + "=" + canaryKey, envBaseURL + "="},
			[]string{"transaction", "get", "TXN-1"}, exitUsage, "", envBaseURL + " is set but empty"},
		{"empty --base-url", []string{envAPIKey + "=" + canaryKey},
			createArgs("R-1", "--base-url", ""), exitUsage, "", "--base-url is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.CommandContext(t.Context(), bin, tt.args...)
			cmd.Env = tt.env
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			assert.Equal(t, tt.code, exitCode(t, cmd.Run()), stderr.String())
			assert.Contains(t, stdout.String(), tt.stdout)
			assert.Contains(t, stderr.String(), tt.stderr)
			assert.NotContains(t, stdout.String()+stderr.String(), canarySecret)
		})
	}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run("mock shuts down cleanly on "+sig.String(), func(t *testing.T) {
			keyFile := filepath.Join(t.TempDir(), "key.pem")
			var stderr bytes.Buffer
			// A guard, not an assertion: a mock that never prints its banner must not hang the run.
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "mock", "--addr", "127.0.0.1:0", "--key-out", keyFile)
			cmd.Env = []string{}
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			lines := bufio.NewScanner(stdout)
			var banner strings.Builder
			for !strings.Contains(banner.String(), "scripting") && lines.Scan() {
				banner.WriteString(lines.Text() + "\n")
			}
			m := regexp.MustCompile(`public key\s+(http://\S+)`).FindStringSubmatch(banner.String())
			require.Len(t, m, 2, banner.String())

			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, m[1], nil)
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			served, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.NoError(t, res.Body.Close())
			written, err := os.ReadFile(keyFile)
			require.NoError(t, err)
			assert.Equal(t, string(written), string(served))

			require.NoError(t, cmd.Process.Signal(sig))
			_, _ = io.Copy(io.Discard, stdout)
			assert.Equal(t, exitOK, exitCode(t, cmd.Wait()), stderr.String())
			assert.Contains(t, stderr.String(), "msg=request method=GET path=/_mock/public-key status=200")
			assert.Contains(t, stderr.String(), "shutting down")
		})
	}
}
