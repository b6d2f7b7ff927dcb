package contracttest

import (
	"context"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// TestSigningKeyIsLazy holds the key generation until the fake has answered API calls, so
// start-up provably does not wait for it; then every user of the key gets the same one.
func TestSigningKeyIsLazy(t *testing.T) {
	release := make(chan struct{})
	generated := make(chan *rsa.PrivateKey, 1)
	orig := generateKey
	generateKey = func(r io.Reader, bits int) (*rsa.PrivateKey, error) {
		<-release
		k, err := orig(r, bits)
		if err == nil {
			generated <- k
		}
		return k, err
	}
	t.Cleanup(func() { generateKey = orig })

	f, err := NewFake()
	require.NoError(t, err)
	srv := httptest.NewServer(f)
	defer srv.Close()
	defer func() { _ = f.Close() }()

	// The key is not ready (generateKey is blocked), yet the API answers.
	for _, path := range []string{"/api/v2/payment/transaction/TXN-NONE", "/_mock/coverage"} {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("X-API-Key", "pk_test_a:sk_test_b")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Contains(t, []int{http.StatusOK, http.StatusNotFound}, resp.StatusCode, path)
	}
	select {
	case <-f.keyReady:
		t.Fatal("the key was ready although its generation was held")
	default:
	}

	// Every user of the key waits for it, concurrently and race-free (go test -race).
	var wg sync.WaitGroup
	pems := make([][]byte, 4)
	pubs := make([]*rsa.PublicKey, 4)
	for i := range 4 {
		wg.Go(func() {
			pubs[i] = f.PublicKey()
			pems[i] = f.PublicKeyPEM()
		})
	}
	close(release)
	wg.Wait()
	key := <-generated
	for i := range 4 {
		require.NotNil(t, pubs[i])
		assert.True(t, key.PublicKey.Equal(pubs[i]), "PublicKey %d is the generated key", i)
		parsed, err := webhook.ParsePublicKey(pems[i])
		require.NoError(t, err)
		assert.True(t, key.PublicKey.Equal(parsed), "PublicKeyPEM %d is the generated key", i)
	}
	resp, err := http.Get(srv.URL + "/_mock/public-key") //nolint:noctx // loopback test server
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	served, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, string(pems[0]), string(served))
	assert.True(t, strings.HasPrefix(string(served), "-----BEGIN PUBLIC KEY-----"))
}

// TestSigningKeyFailure checks that a failed key generation is reported, never a panic.
func TestSigningKeyFailure(t *testing.T) {
	orig := generateKey
	generateKey = func(io.Reader, int) (*rsa.PrivateKey, error) { return nil, io.ErrUnexpectedEOF }
	t.Cleanup(func() { generateKey = orig })
	f, err := NewFake()
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	assert.Nil(t, f.PublicKey())
	assert.Nil(t, f.PublicKeyPEM())
	_, err = f.signingKey()
	assert.ErrorContains(t, err, "generate signing key")
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/_mock/public-key", nil))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
}

// TestScriptedValuesAreDeliberateExactly: the fake's self-check lets pass only the values a
// test scripted with SetStatus, in the field it scripted them for; any other violation, even
// of a scripted session, is still the fake's bug.
func TestScriptedValuesAreDeliberateExactly(t *testing.T) {
	sc := scripted{status: "REFUNDED", medium: "AWASH"}
	enum := func(pointer, value string) contract.Violation {
		return contract.Violation{Pointer: pointer, Rule: contract.RuleEnum, Value: value}
	}
	assert.True(t, sc.deliberate(enum("/data/status", `"REFUNDED"`)))
	assert.True(t, sc.deliberate(enum("/status", `"REFUNDED"`)))
	assert.True(t, sc.deliberate(enum("/medium", `"AWASH"`)))
	assert.False(t, sc.deliberate(enum("/data/status", `"CHARGED_BACK"`)), "another value")
	assert.False(t, sc.deliberate(enum("/data/medium", `"REFUNDED"`)), "the status's value in the medium")
	assert.False(t, sc.deliberate(enum("/data/type", `"REFUNDED"`)), "another field")
	assert.False(t, sc.deliberate(contract.Violation{Pointer: "/data/status", Rule: contract.RulePattern, Value: `"REFUNDED"`}), "another rule")
	assert.False(t, scripted{}.deliberate(enum("/data/status", `""`)), "nothing scripted")
	assert.False(t, scripted{status: "REFUNDED"}.deliberate(enum("/data/medium", `""`)), "no medium scripted")
}
