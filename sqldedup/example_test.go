package sqldedup_test

import (
	"context"
	"crypto/rsa"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/sqldedup"
)

// One store for the webhook handler and the return page: whichever settles a payment first,
// the other finds it settled.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqldedup")
	if err != nil {
		panic(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "shop.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		panic(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.ExecContext(ctx, sqldedup.Schema); err != nil { // once, in your migrations
		panic(err)
	}
	store := sqldedup.New(db)

	// The webhook handler: client.NewWebhookHandler(key, settle, client.WithDedupStore(store)).
	// The return page, after c.GetTransaction(ctx, id):
	for _, visit := range []string{"webhook", "return page"} {
		result, err := client.SettleOnce(ctx, store, "TXN-123456789", client.TransactionStatusSUCCESS, func(context.Context) error {
			fmt.Println("ship order 42 (from the " + visit + ")")
			return nil
		})
		fmt.Println(visit+":", result, err)
	}
	// Output:
	// ship order 42 (from the webhook)
	// webhook: settled <nil>
	// return page: settled before <nil>
}

// The store in production, as README.md shows it: compiled, never run (it opens PostgreSQL).
//
//nolint:ineffassign,staticcheck // the snippet shows the calls, not their error handling
func Example_production() {
	ctx := context.Background()
	var (
		lakipayKey *rsa.PublicKey
		tx         *client.Transaction
	)
	settle := func(context.Context, *client.WebhookEvent) error { return nil }
	settleTx := func(context.Context) error { return nil }
	// snippet: sqldedup-readme
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	_, err = db.ExecContext(ctx, sqldedup.Schema) // once, in your migrations
	store := sqldedup.New(db)
	webhooks, err := client.NewWebhookHandler(lakipayKey, settle, client.WithDedupStore(store))
	// the return page, after tx, err := c.GetTransaction(ctx, id):
	_, err = client.SettleOnce(ctx, store, tx.TransactionID, tx.Status, settleTx)
	// end snippet
	_, _ = webhooks, err
}
