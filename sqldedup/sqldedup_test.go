package sqldedup_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite": pure Go, no server

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/client/dedupstoretest"
	"github.com/lakipay/checkout-go/sqldedup"
)

// openDB opens the SQLite database in file as one instance of a service would: its own
// connection pool, waiting (up to 10s) for another's write instead of failing with "database
// is locked", in WAL mode so that readers do not wait for writers. It creates the table.
func openDB(t *testing.T, file string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.ExecContext(t.Context(), sqldedup.Schema); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestStore holds the SQL store to the contract of every DedupStore, through two instances'
// connections to one database file.
func TestStore(t *testing.T) {
	dedupstoretest.Run(t, func(t *testing.T) (client.DedupStore, client.DedupStore) {
		file := filepath.Join(t.TempDir(), "settlements.db")
		return sqldedup.New(openDB(t, file)), sqldedup.New(openDB(t, file))
	})
}

// TestSurvivesARestart: what one process recorded, the next one started on the same
// database knows; a claim the first left behind when it died holds until it lapses.
func TestSurvivesARestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "settlements.db")
	first := openDB(t, file)
	store := sqldedup.New(first)
	now := time.Now()
	result, err := client.SettleOnce(t.Context(), store, "TXN-1", client.TransactionStatusSUCCESS, func(context.Context) error { return nil })
	if err != nil || result != client.Settled {
		t.Fatalf("SettleOnce = %v, %v", result, err)
	}
	if _, err := store.Claim(t.Context(), "TXN-2", "the process that dies", now, now.Add(client.DedupLease)); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil { // the process dies: no Done, no Release
		t.Fatal(err)
	}

	restarted := sqldedup.New(openDB(t, file))
	result, err = client.SettleOnce(t.Context(), restarted, "TXN-1", client.TransactionStatusSUCCESS, func(context.Context) error {
		t.Error("a payment settled before the restart was settled again")
		return nil
	})
	if err != nil || result != client.SettledBefore {
		t.Fatalf("after the restart, SettleOnce = %v, %v; want SettledBefore", result, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err = client.SettleOnce(ctx, restarted, "TXN-2", client.TransactionStatusSUCCESS, func(context.Context) error {
		t.Error("settled while the dead process's claim holds")
		return nil
	})
	if !errors.Is(err, client.ErrClaimHeld) {
		t.Fatalf("SettleOnce while the dead process's claim holds: %v, want ErrClaimHeld", err)
	}
	later := now.Add(client.DedupLease)
	settled, err := restarted.Claim(t.Context(), "TXN-2", "the next process", later, later.Add(client.DedupLease))
	if err != nil || len(settled) != 0 {
		t.Fatalf("Claim once the lease lapsed = %v, %v; want the claim, nothing settled", settled, err)
	}
}

// TestTwoInstancesBehindALoadBalancer: copies of one webhook delivered at once to two
// instances (each its own connection pool on the shared database) settle the payment once;
// every copy is answered 200.
func TestTwoInstancesBehindALoadBalancer(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	body, err := client.SignWebhook([]byte(`{"event":"DEPOSIT","transaction_id":"TXN-7","reference":"ORDER-42-1",`+
		`"amount":1000.5,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2026-01-15T10:30:00Z"}`), key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "settlements.db")
	var settled atomic.Int32
	settle := func(context.Context, *client.WebhookEvent) error {
		settled.Add(1)
		time.Sleep(5 * time.Millisecond) // a real settlement takes a while: let a wrong store let another in
		return nil
	}
	var instances []*httptest.Server
	for range 2 {
		h, err := client.NewWebhookHandler(&key.PublicKey, settle, client.WithDedupStore(sqldedup.New(openDB(t, file))))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		instances = append(instances, srv)
	}
	const copies = 10
	answers := make([]string, copies)
	var wg sync.WaitGroup
	for i := range copies {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, instances[i%2].URL, strings.NewReader(string(body)))
			if err != nil {
				t.Error(err)
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = resp.Body.Close() }()
			text, _ := io.ReadAll(resp.Body)
			answers[i] = resp.Status + " " + strings.TrimSpace(string(text))
		})
	}
	wg.Wait()
	if n := settled.Load(); n != 1 {
		t.Errorf("%d copies on two instances settled the payment %d times, want once", copies, n)
	}
	for i, a := range answers {
		if !strings.HasPrefix(a, "200 OK ok") {
			t.Errorf("copy %d answered %q, want 200", i, a)
		}
	}
}

func TestPrune(t *testing.T) {
	store := sqldedup.New(openDB(t, filepath.Join(t.TempDir(), "settlements.db")))
	day := 24 * time.Hour
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	record := func(id string, at time.Time) {
		t.Helper()
		if _, err := store.Claim(t.Context(), id, "token", at, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := store.Done(t.Context(), id, client.TransactionStatusSUCCESS, "token"); err != nil {
			t.Fatal(err)
		}
	}
	record("TXN-old", t0)
	record("TXN-new", t0.Add(40*day))
	if _, err := store.Claim(t.Context(), "TXN-held", "holder", t0, t0.Add(60*day)); err != nil { // a claim that still holds
		t.Fatal(err)
	}
	n, err := store.Prune(t.Context(), t0.Add(30*day))
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1 row (TXN-old)", n, err)
	}
	for id, want := range map[string]int{"TXN-old": 0, "TXN-new": 1} {
		now := t0.Add(41 * day)
		got, err := store.Claim(t.Context(), id, "reader", now, now.Add(time.Minute))
		if err != nil || len(got) != want {
			t.Errorf("%s after Prune: %v, %v; want %d statuses", id, got, err, want)
		}
	}
	if _, err := store.Claim(t.Context(), "TXN-held", "another", t0.Add(41*day), t0.Add(42*day)); !errors.Is(err, client.ErrClaimHeld) {
		t.Errorf("Prune dropped a claim that still holds: %v", err)
	}
}

// TestCorruptSettledColumn: a settled column the store did not write is an error, never
// taken for "nothing settled" (which would settle again).
func TestCorruptSettledColumn(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "settlements.db"))
	if _, err := db.ExecContext(t.Context(), `INSERT INTO lakipay_settlements (transaction_id, settled, claimed_at) VALUES ('TXN-1', 'SUCCESS'||char(10), 0)`); err != nil {
		t.Fatal(err)
	}
	_, err := client.SettleOnce(t.Context(), sqldedup.New(db), "TXN-1", client.TransactionStatusSUCCESS, func(context.Context) error {
		t.Error("settled on a column it could not read")
		return nil
	})
	if !errors.Is(err, client.ErrDedupStore) {
		t.Fatalf("SettleOnce = %v, want ErrDedupStore", err)
	}
}
