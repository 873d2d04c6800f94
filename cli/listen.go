package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kycd/kycd/webhook"
)

// cmdWebhooks is `kycd webhooks listen`: a local receiver that verifies each delivery's
// signature and prints one line per event, for integrators trying kycd out and for the README
// walkthrough.
func cmdWebhooks(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "listen" {
		return fmt.Errorf("%w: kycd webhooks listen --secret SECRET [--addr ADDR]", errUsage)
	}
	fs := newFlagSet(env, "webhooks listen")
	addr := fs.String("addr", "127.0.0.1:9999", "address to listen on")
	secret := fs.String("secret", "", "the endpoint's signing secret (or KYCD_WEBHOOK_SECRET)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *secret == "" {
		*secret = env.Getenv("KYCD_WEBHOOK_SECRET")
	}
	if *secret == "" {
		return fmt.Errorf("%w: --secret is required", errUsage)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	out := &lockedWriter{w: env.Stdout}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "read error", http.StatusBadRequest)
			return
		}
		if err := webhook.Verify([]byte(*secret), r.Header, body, time.Now(), 5*time.Minute); err != nil {
			fmt.Fprintf(out, "REJECTED %s: bad signature\n", r.Header.Get("webhook-id"))
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev struct {
			ID, Type string
			Data     struct {
				ApplicantID string         `json:"applicant_id"`
				Details     map[string]any `json:"details"`
			}
		}
		_ = json.Unmarshal(body, &ev)
		d, _ := json.Marshal(ev.Data.Details)
		fmt.Fprintf(out, "verified %s %s applicant=%s %s\n", ev.ID, ev.Type, ev.Data.ApplicantID, d)
		w.WriteHeader(http.StatusNoContent)
	})
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(env.Stderr, "listening for webhooks on http://%s\n", ln.Addr())
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
