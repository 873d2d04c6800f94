package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/config"
	"github.com/kycd/kycd/filestore"
	"github.com/kycd/kycd/jobs"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/sqlstore"
	"github.com/kycd/kycd/webhook"
)

// app is the wired service: configuration, stores, checks and the service itself.
type app struct {
	cfg   *config.Config
	log   *slog.Logger
	db    *sqlstore.DB
	files *filestore.Store
	svc   *kyc.Service
	check *check.Pipeline
}

// openApp opens everything the service needs, creating the data directory, the master key and
// the token key on first run, and migrating the database.
func openApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	a := &app{cfg: cfg, log: log}
	dbc := sqlstore.Config{Driver: cfg.Database.Driver, DSN: cfg.Database.DSN, Schema: cfg.Database.Schema, Logger: log}
	if dbc.Driver == "sqlite" {
		dbc.Path = filepath.Join(cfg.DataDir, "kycd.db")
	}
	var err error
	if a.db, err = sqlstore.Open(ctx, dbc); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if err := a.db.Migrate(ctx); err != nil {
		a.close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if a.files, err = filestore.Open(ctx, filestore.Config{BlobURL: cfg.Files.URL, KeyFile: cfg.Files.KeyFile,
		KeyURL: cfg.Files.KeyURL, OldKeyURLs: cfg.Files.OldKeyURLs}); err != nil {
		a.close()
		return nil, fmt.Errorf("file store: %w", err)
	}
	secret, err := tokenSecret(cfg)
	if err != nil {
		a.close()
		return nil, err
	}
	a.check = newPipeline(cfg, log)
	a.svc, err = kyc.NewService(kyc.Deps{Store: a.db, Files: a.files, Sealer: a.files, Checker: a.check,
		Logger: log, Settings: settings(cfg, secret)})
	if err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

func settings(cfg *config.Config, secret []byte) kyc.Settings {
	return kyc.Settings{
		Levels:                 cfg.Levels,
		MaxAttemptsPerStep:     cfg.Review.MaxAttemptsPerStep,
		SLABusinessDays:        cfg.Review.SLABusinessDays,
		LivenessMinActions:     cfg.Liveness.MinActions,
		LivenessMaxActions:     cfg.Liveness.MaxActions,
		LivenessTTL:            cfg.Liveness.TTL.Duration,
		MaxFrames:              cfg.Limits.MaxFrames,
		MaxAppealFiles:         cfg.Limits.MaxAppealFiles,
		TokenSecret:            secret,
		TokenTTL:               cfg.Tokens.TTL.Duration,
		PublicURL:              cfg.PublicURL,
		WebhookRetryWindow:     cfg.Webhooks.RetryWindow.Duration,
		CheckRetries:           cfg.Jobs.CheckRetries,
		DuplicateFaceThreshold: cfg.Checks.DuplicateFace,
	}
}

// tokenSecret returns the configured token secret or the one in <data-dir>/token.key, created
// with mode 0600 on first run.
func tokenSecret(cfg *config.Config) ([]byte, error) {
	if cfg.Tokens.Secret != "" {
		if len(cfg.Tokens.Secret) < 16 {
			return nil, errors.New("tokens.secret must be at least 16 characters")
		}
		return []byte(cfg.Tokens.Secret), nil
	}
	p := filepath.Join(cfg.DataDir, "token.key")
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		b = make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("token key: %w", err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return nil, err
		}
		return b, f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("token key %s is readable by others (mode %o): chmod 600 it", p, st.Mode().Perm())
	}
	if len(b) < 16 {
		return nil, fmt.Errorf("token key %s is too short", p)
	}
	return b, nil
}

// startWorkers starts the job queue's workers (role worker or all).
func (a *app) startWorkers(ctx context.Context, checkDelay time.Duration) error {
	w := jobs.Workers(jobs.Config{Service: a.svc, Sender: webhook.NewSender(a.cfg.Webhooks.Timeout.Duration),
		Logger: a.log, JobTimeout: a.cfg.Jobs.JobTimeout.Duration, CheckDelay: checkDelay})
	return a.db.StartJobs(ctx, sqlstore.JobsConfig{Workers: w, Periodic: jobs.Periodic(),
		Queues: jobs.Queues(a.cfg.Jobs.Workers), FetchPollInterval: a.cfg.Jobs.PollInterval.Duration,
		JobTimeout: a.cfg.Jobs.JobTimeout.Duration, RescueStuckJobsAfter: a.cfg.Jobs.RescueAfter.Duration})
}

func (a *app) close() {
	if a.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.db.StopJobs(ctx)
		_ = a.db.Close()
	}
	if a.files != nil {
		_ = a.files.Close()
	}
	if a.check != nil {
		_ = a.check.Close()
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug":
		l = slog.LevelDebug
	case "warn":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// lockedWriter serialises writes from concurrent handlers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
