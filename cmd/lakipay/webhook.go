package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/client"
)

// maxFileSize bounds the files the CLI reads (a webhook body, a PEM key): far above any real
// one, small enough that a wrong file cannot exhaust memory.
const maxFileSize = 1 << 20

func (a *app) webhookCommand() *cobra.Command {
	return group("webhook", "Work with LakiPay's signed webhooks", a.webhookVerifyCommand(), a.webhookTestCommand())
}

func (a *app) webhookVerifyCommand() *cobra.Command {
	var (
		keyFile string
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "verify --public-key FILE [PAYLOAD_FILE]",
		Short: "Verify a webhook's signature and print the event",
		Long: `Verify the signature of a webhook body (the JSON LakiPay POSTed to callback_url) with
LakiPay's public key (PEM, PKIX or PKCS#1), then check it against the contract and print the
event. The body is read from PAYLOAD_FILE, or from standard input when none is given.

A body whose signed string could be split into other fields (a key holding "&" or "=", a
value holding "&") is refused as ambiguous: a genuine signature could be re-used for a forged
webhook. Numbers signed in another exact form of the same value (100, 100.00, 100.0) verify;
any other value does not.

Exit 0 when the signature verifies and the event is valid; exit 1 with the reason when not.`,
		Example: `  lakipay webhook verify --public-key lakipay.pem webhook.json
  curl -s ... | lakipay webhook verify --public-key lakipay.pem`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("%s takes at most one PAYLOAD_FILE, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: op(func(_ *cobra.Command, args []string) error {
			pemBytes, err := readFile(keyFile)
			if err != nil {
				return fmt.Errorf("read public key: %w", err)
			}
			key, err := client.ParsePublicKey(pemBytes)
			if err != nil {
				return fmt.Errorf("public key %s: %w", keyFile, explain(err))
			}
			var body []byte
			if len(args) == 1 {
				body, err = readFile(args[0])
			} else {
				body, err = readLimited(a.stdin, "standard input")
			}
			if err != nil {
				return fmt.Errorf("read webhook: %w", err)
			}
			event, err := client.ParseWebhook(body, key)
			if err != nil {
				return fmt.Errorf("webhook not verified: %w", explain(err))
			}
			if asJSON {
				return writeJSON(a.stdout, event)
			}
			a.stdout.println("Signature verified.")
			printEvent(a.stdout, event)
			return nil
		}),
	}
	cmd.Flags().StringVar(&keyFile, "public-key", "", "file with LakiPay's public key (PEM)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the verified event as JSON")
	_ = cmd.MarkFlagRequired("public-key") // the flag exists: an error here cannot happen
	return cmd
}

// readFile reads a file the user named, refusing one larger than maxFileSize.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(filepath.Clean(name))
	if err != nil {
		return nil, err
	}
	b, err := readLimited(f, name)
	return b, errors.Join(err, f.Close())
}

// errTooLarge is the reason a file or standard input is refused.
var errTooLarge = errors.New("larger than 1 MiB")

func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%s: %w", name, errTooLarge)
	}
	return b, nil
}
