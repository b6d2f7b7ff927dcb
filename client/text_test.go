package client

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCreateCheckoutRefusesInvalidText: a string that is not valid UTF-8 would leave
// encoding/json as U+FFFD, so LakiPay would store and echo a reference other than the
// merchant's. It is refused before anything is sent, naming each field, wherever it is
// (nested, in a list), with the contract's rule for text.
func TestCreateCheckoutRefusesInvalidText(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, docsResponse))
	c, _ := testClient(t, srv.baseURL())
	req := docsRequest(t)
	req.Reference = "ORDER-\xff-1"
	req.Description = "caf\xc3"                                // a cut two-byte sequence
	req.Redirects.Failed = "https://shop.example/\xed\xa0\x80" // an encoded UTF-16 surrogate
	req.SupportedMediums = append(req.SupportedMediums, "MP\x80ESA")
	_, err := c.CreateCheckout(context.Background(), req)
	var refused *ValidationError
	require.ErrorAs(t, err, &refused)
	var pointers []string
	for _, v := range refused.Violations {
		assert.Equal(t, "utf-8", v.Rule)
		assert.Equal(t, "must be valid UTF-8 text", v.Reason)
		assert.Equal(t, "request body", v.In)
		pointers = append(pointers, v.Pointer)
	}
	assert.ElementsMatch(t, []string{"/reference", "/description", "/redirects/failed", "/supported_mediums/3"}, pointers)
	assert.Empty(t, srv.seen(), "nothing was sent")

	// Valid text in every script goes through untouched, a replacement character and the
	// words "\ufffd" included (the check runs only where the JSON shows that escape).
	req = docsRequest(t)
	req.Description = "ክፍያ ለትዕዛዝ #123 — café ✓ \ufffd \uFFFD \u00e9 \uFFFD\\ufffd"
	_, err = c.CreateCheckout(context.Background(), req)
	require.NoError(t, err)
	require.Len(t, srv.seen(), 1)
	var sent CheckoutRequest
	require.NoError(t, json.Unmarshal(srv.seen()[0].Body, &sent))
	assert.Equal(t, req.Description, sent.Description)
}
