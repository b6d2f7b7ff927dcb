// Package sqldedup is a durable [client.DedupStore] on database/sql: one table, shared by
// every instance of a service, that keeps which statuses of each LakiPay transaction were
// settled and who is settling one now. Give it to the webhook handler
// ([client.WithDedupStore]) and to the return page ([client.SettleOnce]), and a payment is
// settled once across instances behind a load balancer and across restarts; an instance
// that dies while it settles holds the transaction only until its claim lapses
// ([client.DedupLease]).
//
//	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL")) // or "sqlite", ...
//	_, err = db.ExecContext(ctx, sqldedup.Schema)
//	store := sqldedup.New(db)
//	webhooks, err := client.NewWebhookHandler(key, settle, client.WithDedupStore(store))
//	// the return page: tx from c.GetTransaction, then
//	_, err = client.SettleOnce(ctx, store, tx.TransactionID, tx.Status, settleTx)
//
// The statements are those of SQLite (3.35 or later) and PostgreSQL (9.5 or later); the
// tests run them against SQLite (modernc.org/sqlite, pure Go, no server). Each one is a
// single statement, atomic on its own, so no transaction is needed:
//
//   - Claim is one INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING: it creates the
//     transaction's row with the claim, or takes the claim of an existing row only when it
//     is free, lapsed or already the caller's. Two instances claiming at once both reach
//     the one row (its primary key); the database applies one statement after the other, and
//     the second finds the claim taken: its WHERE is false, it updates and returns nothing,
//     and the claim is held. (A SELECT then an INSERT or UPDATE would let both see it free.)
//   - Done is one UPDATE guarded by the claim's token: it appends the status and frees the
//     claim only while the caller holds it, so a holder whose claim lapsed and was taken over
//     records nothing (no row updated: [client.ErrClaimLost]).
//   - Release is the same UPDATE without the status.
//
// Times are the callers' clocks in Unix milliseconds, never the database's: every instance
// must keep its clock in time (NTP), to well within the lease. The table grows by one row per
// transaction; [Store.Prune] deletes the rows of transactions nobody reported since a time,
// once LakiPay can no longer deliver their webhooks.
package sqldedup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/client"
)

// Schema creates the store's table: run it once, as part of your migrations. transaction_id
// is compared byte for byte (SQLite's BINARY and PostgreSQL's deterministic collations do;
// a case-insensitive or space-padding collation would merge two transactions). settled holds
// each settled status as a Go-quoted string (strconv.Quote) followed by a line break: a quoted
// string holds no raw line break, so any status LakiPay sends, one this SDK does not know
// included, comes back exactly.
const Schema = `CREATE TABLE IF NOT EXISTS lakipay_settlements (
	transaction_id TEXT   NOT NULL PRIMARY KEY,
	settled        TEXT   NOT NULL DEFAULT '',
	claim_token    TEXT,
	claimed_until  BIGINT,
	claimed_at     BIGINT NOT NULL
)`

// The statements, each atomic on its own. Placeholders are numbered ($1), as PostgreSQL wants
// them and SQLite accepts them.
const (
	// claimSQL takes the claim: a new row, or a row whose claim is free, lapsed or the
	// caller's. It returns the settled statuses only when it took the claim.
	claimSQL = `INSERT INTO lakipay_settlements (transaction_id, claim_token, claimed_until, claimed_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (transaction_id) DO UPDATE
SET claim_token = excluded.claim_token, claimed_until = excluded.claimed_until, claimed_at = excluded.claimed_at
WHERE lakipay_settlements.claim_token IS NULL
   OR lakipay_settlements.claim_token = excluded.claim_token
   OR lakipay_settlements.claimed_until <= excluded.claimed_at
RETURNING settled`

	// doneSQL records a status and frees the claim, only for the claim's holder.
	doneSQL = `UPDATE lakipay_settlements
SET settled = settled || $1, claim_token = NULL, claimed_until = NULL
WHERE transaction_id = $2 AND claim_token = $3`

	// releaseSQL frees the claim, only for the claim's holder.
	releaseSQL = `UPDATE lakipay_settlements
SET claim_token = NULL, claimed_until = NULL
WHERE transaction_id = $1 AND claim_token = $2`

	// pruneSQL deletes the rows nobody claimed since a time, whose claim is free or lapsed.
	pruneSQL = `DELETE FROM lakipay_settlements
WHERE claimed_at < $1 AND (claim_token IS NULL OR claimed_until <= $1)`
)

// Store is a [client.DedupStore] in the table [Schema] creates. It is safe for concurrent
// use, by any number of instances sharing the database.
type Store struct {
	db *sql.DB
}

// New returns the store on db, whose lakipay_settlements table [Schema] created.
func New(db *sql.DB) *Store { return &Store{db: db} }

var _ client.DedupStore = (*Store)(nil)

// Claim implements [client.DedupStore].
func (s *Store) Claim(ctx context.Context, id, token string, now, until time.Time) ([]client.TransactionStatus, error) {
	var settled string
	err := s.db.QueryRowContext(ctx, claimSQL, id, token, until.UnixMilli(), now.UnixMilli()).Scan(&settled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, client.ErrClaimHeld
	case err != nil:
		return nil, fmt.Errorf("sqldedup: claim: %w", err)
	}
	return decodeSettled(settled)
}

// Done implements [client.DedupStore]. Recording a status again appends it again; Claim
// gives each status once.
func (s *Store) Done(ctx context.Context, id string, status client.TransactionStatus, token string) error {
	res, err := s.db.ExecContext(ctx, doneSQL, strconv.Quote(string(status))+"\n", id, token)
	if err != nil {
		return fmt.Errorf("sqldedup: done: %w", err)
	}
	n, err := res.RowsAffected()
	switch {
	case err != nil:
		return fmt.Errorf("sqldedup: done: %w", err)
	case n == 0:
		return client.ErrClaimLost
	}
	return nil
}

// Release implements [client.DedupStore].
func (s *Store) Release(ctx context.Context, id, token string) error {
	if _, err := s.db.ExecContext(ctx, releaseSQL, id, token); err != nil {
		return fmt.Errorf("sqldedup: release: %w", err)
	}
	return nil
}

// Prune deletes what the store knows of every transaction last claimed before the time
// before, unless a claim on it still holds, and returns how many it forgot. A status reported
// again after that reaches the settlement function again: prune only what LakiPay can no
// longer deliver (its retries end within days; 30 days is ample).
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, pruneSQL, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("sqldedup: prune: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqldedup: prune: %w", err)
	}
	return n, nil
}

// decodeSettled reads the settled column: one quoted string per line, each status once.
func decodeSettled(text string) ([]client.TransactionStatus, error) {
	var out []client.TransactionStatus
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" {
			continue
		}
		status, err := strconv.Unquote(line)
		if err != nil {
			return nil, fmt.Errorf("sqldedup: claim: the settled column holds %q, not a quoted string per line: %w", line, err)
		}
		if !slices.Contains(out, client.TransactionStatus(status)) {
			out = append(out, client.TransactionStatus(status))
		}
	}
	return out, nil
}
