package contracttest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestMerchantServerListensBeforeItsHandler: the URL answers from the start, 503 until a
// handler is given (a webhook meanwhile is a failed attempt, retried, never a refused
// connection), then the handler; Handle(nil) takes it back.
func TestMerchantServerListensBeforeItsHandler(t *testing.T) {
	ctx := waitCtx(t)
	shop := contracttest.NewMerchantServer()
	defer shop.Close()
	require.True(t, strings.HasPrefix(shop.URL, "http://127.0.0.1:"), shop.URL)
	browser := contracttest.NewBrowser(nil)
	p, err := browser.Get(ctx, shop.URL+"/")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, p.Status)
	assert.Contains(t, p.Body, "MerchantServer.Handle")

	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Minute))
	id := createCheckout(t, srv, "R-merchant", shop.URL+"/hook").LakipayTransactionID
	require.NoError(t, srv.Pay(id, client.MediumMPESA))
	first, err := srv.WaitForDeliveries(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, first[0].HTTPStatus, "the server was listening: %s", first[0].Err)
	require.NoError(t, srv.HoldWebhooks(id)) // the retry, a minute away, goes when released

	shop.Handle(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	_, err = srv.ReleaseWebhooks(id)
	require.NoError(t, err)
	d, err := srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
	require.NoError(t, err)
	assert.Greater(t, d.Attempt, 1, "a retry reached the handler")
	p, err = browser.Get(ctx, shop.URL+"/")
	require.NoError(t, err)
	assert.Equal(t, "ok", p.Body)

	shop.Handle(nil)
	p, err = browser.Get(ctx, shop.URL+"/")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, p.Status)
}

// TestBrowserLikeAShopper: a redirect is reported, never followed, with its target as an
// absolute URL; cookies a page sets go back to it; the caller's client is left untouched.
func TestBrowserLikeAShopper(t *testing.T) {
	ctx := context.Background()
	shop := contracttest.NewMerchantServer()
	defer shop.Close()
	shop.Handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pay":
			require.NoError(t, r.ParseForm())
			http.SetCookie(w, &http.Cookie{Name: "order", Value: r.PostForm.Get("order"), Path: "/"})
			w.Header().Set("Location", "/thanks?x=1") // relative, as servers often write it
			w.WriteHeader(http.StatusSeeOther)
		case "/thanks":
			c, err := r.Cookie("order")
			if err != nil {
				http.Error(w, "no cookie", http.StatusBadRequest)
				return
			}
			_, _ = io.WriteString(w, "<p>Order "+c.Value+" &amp; tickets</p>")
		}
	}))
	mine := &http.Client{Timeout: 5 * time.Second}
	browser := contracttest.NewBrowser(mine)
	assert.Nil(t, mine.CheckRedirect, "the caller's client is copied, not changed")
	assert.Nil(t, mine.Jar)

	p, err := browser.PostForm(ctx, shop.URL+"/pay", url.Values{"order": {"42"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusSeeOther, p.Status, "not followed")
	assert.Equal(t, shop.URL+"/thanks?x=1", p.Location, "absolute")
	assert.Equal(t, shop.URL+"/pay", p.URL)

	p, err = browser.Get(ctx, p.Location)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, p.Status, p.Body)
	assert.Empty(t, p.Location)
	assert.Equal(t, "<p>Order 42 &amp; tickets</p>", p.Body)
	assert.Equal(t, "<p>Order 42 & tickets</p>", p.Text())

	other := contracttest.NewBrowser(nil)
	p, err = other.Get(ctx, shop.URL+"/thanks")
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, p.Status, "another browser has its own cookies")

	_, err = browser.Get(ctx, "/thanks")
	assert.ErrorContains(t, err, "not an absolute URL")
}

func TestBrowserBoundsWhatItReads(t *testing.T) {
	shop := contracttest.NewMerchantServer()
	defer shop.Close()
	shop.Handle(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("x", 1<<20+1))
	}))
	_, err := contracttest.NewBrowser(nil).Get(context.Background(), shop.URL)
	assert.ErrorContains(t, err, "more than 1048576 bytes")
}
