package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// webhookBody is the docs' example webhook, unsigned.
const webhookBody = `{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345","amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z"}`

// writeKey writes key's public half as PEM of the given type into dir and returns the path.
func writeKey(t *testing.T, dir, name string, key *rsa.PublicKey, pkcs1 bool) string {
	t.Helper()
	block := &pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(key)}
	if !pkcs1 {
		der, err := x509.MarshalPKIXPublicKey(key)
		require.NoError(t, err)
		block = &pem.Block{Type: "PUBLIC KEY", Bytes: der}
	}
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(block), 0o600))
	return path
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func TestWebhookVerify(t *testing.T) {
	lakipay, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	signed, err := client.SignWebhook([]byte(webhookBody), lakipay)
	require.NoError(t, err)
	forged, err := client.SignWebhook([]byte(webhookBody), other)
	require.NoError(t, err)
	tampered := []byte(strings.Replace(string(signed), `"amount":100,`, `"amount":900,`, 1))
	require.NotEqual(t, signed, tampered)
	invalidEvent, err := client.SignWebhook([]byte(strings.Replace(webhookBody, `"transaction_id":"TXN-123456789",`, ``, 1)), lakipay)
	require.NoError(t, err)
	newValues, err := client.SignWebhook([]byte(strings.NewReplacer(`"SUCCESS"`, `"REFUNDED"`, `"MPESA"`, `"AWASH"`).Replace(webhookBody)), lakipay)
	require.NoError(t, err)

	dir := t.TempDir()
	pkix := writeKey(t, dir, "lakipay.pem", &lakipay.PublicKey, false)
	pkcs1 := writeKey(t, dir, "lakipay-pkcs1.pem", &lakipay.PublicKey, true)
	signedFile := writeFile(t, dir, "signed.json", signed)

	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		want     string // on stdout for exit 0, on stderr otherwise
	}{
		{"file, PKIX key", "", []string{"--public-key", pkix, signedFile}, exitOK, "Signature verified."},
		{"stdin, PKCS#1 key", string(signed), []string{"--public-key", pkcs1}, exitOK, "transaction_id  TXN-123456789"},
		{"json output", string(signed), []string{"--public-key", pkix, "--json"}, exitOK, `"amount": 100,`},
		{"tampered amount", string(tampered), []string{"--public-key", pkix}, exitFailed, "webhook not verified: "},
		{"signed by another key", string(forged), []string{"--public-key", pkix}, exitFailed, "webhook not verified: "},
		{"unsigned", webhookBody, []string{"--public-key", pkix}, exitFailed, "webhook not verified: "},
		{"signed but breaks the contract", string(invalidEvent), []string{"--public-key", pkix}, exitFailed, "transaction_id: required"},
		{"signed, with a status and medium the CLI does not know", string(newValues), []string{"--public-key", pkix}, exitOK,
			"status          REFUNDED (new: not in this version's openapi.yaml)\n  medium          AWASH (new: not in this version's openapi.yaml)"},
		{"not JSON", "hello", []string{"--public-key", pkix}, exitFailed, "webhook not verified: "},
		{"empty stdin", "", []string{"--public-key", pkix}, exitFailed, "webhook not verified: "},
		{"key file missing", string(signed), []string{"--public-key", filepath.Join(dir, "missing.pem")}, exitFailed, "read public key: "},
		{"key file not PEM", string(signed), []string{"--public-key", signedFile}, exitFailed, "public key " + signedFile},
		{"payload file missing", "", []string{"--public-key", pkix, filepath.Join(dir, "missing.json")}, exitFailed, "read webhook: "},
		{"payload too large", strings.Repeat(" ", maxFileSize+1), []string{"--public-key", pkix}, exitFailed, "larger than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.stdin, append([]string{"webhook", "verify"}, tt.args...)...)
			assert.Equal(t, tt.wantCode, r.code, r.output())
			if tt.wantCode == exitOK {
				assert.Empty(t, r.stderr)
				assert.Contains(t, r.stdout, tt.want)
				return
			}
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, tt.want)
			assert.NotContains(t, r.stderr, "ORDER-12345", "a refused webhook's payload is not echoed")
		})
	}

	t.Run("the forgery of issue 10 is refused", func(t *testing.T) {
		shift, err := forge.NewShift(lakipay, forge.ReportedShift)
		require.NoError(t, err)
		for name, body := range map[string]string{"shifted through an extra key": shift.ThroughKey,
			"shifted through a value": shift.ThroughValue, "the genuine ambiguous original": shift.Original} {
			t.Run(name, func(t *testing.T) {
				r := runCLI(t, nil, body, "webhook", "verify", "--public-key", pkix)
				assert.Equal(t, exitFailed, r.code, r.output())
				assert.Empty(t, r.stdout, "never \"Signature verified.\"")
				assert.Contains(t, r.stderr, "webhook not verified: ")
				assert.Contains(t, r.stderr, client.ErrAmbiguousWebhook.Error())
				assert.NotContains(t, r.stderr, "TXN-", "the payload is not echoed")
			})
		}
	})
	t.Run("an amount signed in another exact form verifies", func(t *testing.T) {
		sig, err := forge.SignCanonical(lakipay, "amount=100.00&currency=ETB&event=DEPOSIT&medium=MPESA&reference=ORDER-12345"+
			"&status=SUCCESS&timestamp=2024-01-15T10:30:00Z&transaction_id=TXN-123456789")
		require.NoError(t, err)
		body := forge.WithSignature(strings.Replace(webhookBody, `"amount":100.00`, `"amount":100`, 1), sig)
		r := runCLI(t, nil, body, "webhook", "verify", "--public-key", pkix)
		assert.Equal(t, exitOK, r.code, r.output())
		assert.Contains(t, r.stdout, "Signature verified.")
		r = runCLI(t, nil, strings.Replace(body, `"amount":100`, `"amount":100.01`, 1), "webhook", "verify", "--public-key", pkix)
		assert.Equal(t, exitFailed, r.code, "a value-changing form does not verify")
		assert.Contains(t, r.stderr, client.ErrInvalidSignature.Error())
	})
	t.Run("the reason names the failure", func(t *testing.T) {
		r := runCLI(t, nil, string(tampered), "webhook", "verify", "--public-key", pkix)
		assert.Contains(t, r.stderr, client.ErrInvalidSignature.Error())
		r = runCLI(t, nil, webhookBody, "webhook", "verify", "--public-key", pkix)
		assert.Contains(t, r.stderr, client.ErrNoSignature.Error())
	})
	t.Run("json output decodes to the event", func(t *testing.T) {
		r := runCLI(t, nil, string(signed), "webhook", "verify", "--public-key", pkix, "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var ev client.WebhookEvent
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &ev))
		assert.Equal(t, client.TransactionStatusSUCCESS, ev.Status)
		assert.Equal(t, "100.00", ev.Amount.String())
		assert.Contains(t, r.stdout, `"amount": 100,`, "written in shortest form")
	})
}
