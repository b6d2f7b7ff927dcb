package client

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecimalStringAmountsInAnswers checks that CreateCheckout and GetTransaction read an
// amount LakiPay answers as a decimal string ("1000.50") exactly as the number, after the
// session was created (issue 10: it used to fail the call), and still refuse a string that
// is not an amount.
func TestDecimalStringAmountsInAnswers(t *testing.T) {
	checkout := func(amount string) string {
		return strings.Replace(docsResponse, `"amount": 1000.5`, `"amount": `+amount, 1)
	}
	transaction := func(amount string) string {
		body := strings.Replace(transactionBody(TransactionStatusSUCCESS), `"amount":1000.5`, `"amount":`+amount, 1)
		return strings.Replace(body, `"type":"DEPOSIT",`, `"type":"DEPOSIT","fee_amount":"15.25","total_amount":`+amount+`,`, 1)
	}
	tests := []struct {
		amount string
		want   string // "" when the answer must be refused
	}{
		{amount: `"1000.50"`, want: "1000.50"},
		{amount: `"1000.5"`, want: "1000.50"},
		{amount: `"100"`, want: "100.00"},
		{amount: `"0.07"`, want: "0.07"},
		{amount: `"1000.505"`},
		{amount: `"abc"`},
		{amount: `"-5"`},
	}
	for _, tt := range tests {
		t.Run("CreateCheckout "+tt.amount, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusOK, checkout(tt.amount)))
			c, _ := testClient(t, srv.baseURL())
			session, err := c.CreateCheckout(context.Background(), docsRequest(t))
			if tt.want == "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "amount")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, session.Amount.String())
			assert.Equal(t, "TXN-123456789", session.LakipayTransactionID)
		})
		t.Run("GetTransaction "+tt.amount, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusOK, transaction(tt.amount)))
			c, _ := testClient(t, srv.baseURL())
			tx, err := c.GetTransaction(context.Background(), "TXN-123456789")
			if tt.want == "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "amount")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, tx.Amount.String())
			require.NotNil(t, tx.TotalAmount)
			assert.Equal(t, tt.want, tx.TotalAmount.String())
			require.NotNil(t, tx.FeeAmount)
			assert.Equal(t, "15.25", tx.FeeAmount.String())
		})
	}
}
