package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/kycd/kycd/kyc"
)

// DefaultQueues are the queues worked when JobsConfig.Queues is empty: River's default queue and
// the queues the service enqueues to (kyc.Service: "checks" for CheckJob, "webhooks" for
// DeliverJob).
var DefaultQueues = []string{river.QueueDefault, "checks", "webhooks"}

// JobsConfig tunes the job workers of a process.
type JobsConfig struct {
	// Workers are the job workers of this process. Nil means an API-only process: it enqueues
	// jobs (always possible, see Tx.Enqueue) but works none.
	Workers *river.Workers
	// Periodic jobs are enqueued by whichever worker process is River's leader.
	Periodic []*river.PeriodicJob
	// Queues maps each queue to work to its number of workers. Empty: DefaultQueues, each with
	// MaxWorkers.
	Queues map[string]int
	// MaxWorkers is the per-queue parallelism when Queues is empty (default 2: checks are CPU
	// bound and the machine may have two cores).
	MaxWorkers int
	// FetchPollInterval is how often idle queues look for new jobs besides the insert
	// notifications (default 50ms on SQLite, whose notifications are polled anyway; 1s on
	// PostgreSQL, which has LISTEN/NOTIFY).
	FetchPollInterval time.Duration
	// JobTimeout cancels a job's context after this long (default 2 minutes).
	JobTimeout time.Duration
	// RescueStuckJobsAfter makes a job that has been running this long (its process was killed)
	// available again; it must exceed JobTimeout (default JobTimeout + 1 minute). River's
	// rescuer looks every 30 seconds, on the leader: a job of a killed process runs again within
	// about RescueStuckJobsAfter + 30s + the leader's 15s lease.
	RescueStuckJobsAfter time.Duration
	// ErrorHandler, if set, sees job errors and panics (for logging and metrics).
	ErrorHandler river.ErrorHandler
	// TestOnly skips River's staggered start of its maintenance services. Tests only.
	TestOnly bool
}

// JobInfo describes one job of the queue, for tests and operators.
type JobInfo struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Queue       string          `json:"queue"`
	State       string          `json:"state"` // available, running, completed, retryable, discarded, ...
	Attempt     int             `json:"attempt"`
	MaxAttempts int             `json:"max_attempts"`
	Errors      int             `json:"errors"`
	LastError   string          `json:"last_error,omitempty"`
	Args        json.RawMessage `json:"args"` // ids only, never personal data
	CreatedAt   time.Time       `json:"created_at"`
}

// jobClient hides River's generic client: its transaction type is *sql.Tx on SQLite and pgx.Tx
// on PostgreSQL.
type jobClient interface {
	insertTx(ctx context.Context, tx any, args river.JobArgs, opts *river.InsertOpts) error
	list(ctx context.Context, kind string) ([]JobInfo, error)
	start(ctx context.Context) error
	stop(ctx context.Context) error
}

// riverBackend makes clients and runs River's migrations for one driver.
type riverBackend interface {
	client(cfg *river.Config) (jobClient, error)
	migrate(ctx context.Context, cfg *rivermigrate.Config) error
}

type riverDriver[TTx any] struct{ drv riverdriver.Driver[TTx] }

func (d riverDriver[TTx]) client(cfg *river.Config) (jobClient, error) {
	c, err := river.NewClient(d.drv, cfg)
	if err != nil {
		return nil, err
	}
	return &riverClient[TTx]{c: c}, nil
}

func (d riverDriver[TTx]) migrate(ctx context.Context, cfg *rivermigrate.Config) error {
	m, err := rivermigrate.New(d.drv, cfg)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

type riverClient[TTx any] struct{ c *river.Client[TTx] }

func (r *riverClient[TTx]) insertTx(ctx context.Context, tx any, args river.JobArgs, opts *river.InsertOpts) error {
	t, ok := tx.(TTx)
	if !ok {
		return fmt.Errorf("sqlstore: enqueue: transaction is %T", tx)
	}
	_, err := r.c.InsertTx(ctx, t, args, opts)
	return err
}

func (r *riverClient[TTx]) list(ctx context.Context, kind string) ([]JobInfo, error) {
	p := river.NewJobListParams().First(10000)
	if kind != "" {
		p = p.Kinds(kind)
	}
	res, err := r.c.JobList(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]JobInfo, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		ji := JobInfo{ID: j.ID, Kind: j.Kind, Queue: j.Queue, State: string(j.State), Attempt: j.Attempt,
			MaxAttempts: j.MaxAttempts, Errors: len(j.Errors), Args: json.RawMessage(j.EncodedArgs), CreatedAt: j.CreatedAt}
		if n := len(j.Errors); n > 0 {
			ji.LastError = j.Errors[n-1].Error
		}
		out = append(out, ji)
	}
	return out, nil
}

func (r *riverClient[TTx]) start(ctx context.Context) error { return r.c.Start(ctx) }
func (r *riverClient[TTx]) stop(ctx context.Context) error  { return r.c.Stop(ctx) }

func (db *DB) riverSchema() string {
	if db.pool != nil {
		return db.cfg.Schema
	}
	return "" // SQLite: the main database
}

// riverConfig is the configuration shared by the insert-only and the worker clients.
func (db *DB) riverConfig() *river.Config {
	return &river.Config{Logger: db.log, Schema: db.riverSchema()}
}

// enqueueTx inserts a job in the caller's transaction with the insert-only client, which exists
// from Open on: API processes, workers and the CLI enqueue alike.
func (db *DB) enqueueTx(ctx context.Context, rawTx any, job kyc.JobArgs, opts kyc.JobOpts) error {
	if job == nil {
		return errors.New("sqlstore: enqueue: nil job")
	}
	io := &river.InsertOpts{MaxAttempts: opts.MaxAttempts, Queue: opts.Queue, ScheduledAt: opts.ScheduledAt}
	if err := db.inserter.insertTx(ctx, rawTx, job, io); err != nil {
		return db.d.wrap(fmt.Errorf("enqueue %s: %w", job.Kind(), err), "")
	}
	return nil
}

// StartJobs starts working jobs with the given workers until StopJobs, Close, or the end of ctx
// (River stops when its start context is cancelled). With nil Workers it does nothing: the
// process only enqueues.
func (db *DB) StartJobs(ctx context.Context, jc JobsConfig) error {
	db.jobMu.Lock()
	defer db.jobMu.Unlock()
	if db.worker != nil {
		return errors.New("sqlstore: jobs already started")
	}
	if jc.Workers == nil {
		if len(jc.Periodic) > 0 {
			return errors.New("sqlstore: periodic jobs need workers")
		}
		return nil
	}
	cfg := db.riverConfig()
	cfg.Workers = jc.Workers
	cfg.PeriodicJobs = jc.Periodic
	cfg.ErrorHandler = jc.ErrorHandler
	cfg.TestOnly = jc.TestOnly
	cfg.FetchPollInterval = jc.FetchPollInterval
	if cfg.FetchPollInterval <= 0 {
		cfg.FetchPollInterval = time.Second
		if db.pool == nil {
			cfg.FetchPollInterval = 50 * time.Millisecond
		}
	}
	cfg.FetchCooldown = min(cfg.FetchPollInterval, 50*time.Millisecond)
	cfg.JobTimeout = jc.JobTimeout
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 2 * time.Minute
	}
	cfg.RescueStuckJobsAfter = jc.RescueStuckJobsAfter
	if cfg.RescueStuckJobsAfter <= 0 {
		cfg.RescueStuckJobsAfter = cfg.JobTimeout + time.Minute
	}
	if cfg.RescueStuckJobsAfter <= cfg.JobTimeout {
		return fmt.Errorf("sqlstore: RescueStuckJobsAfter (%s) must exceed JobTimeout (%s)", cfg.RescueStuckJobsAfter, cfg.JobTimeout)
	}
	cfg.Queues = map[string]river.QueueConfig{}
	if len(jc.Queues) > 0 {
		for q, n := range jc.Queues {
			cfg.Queues[q] = river.QueueConfig{MaxWorkers: max(n, 1)}
		}
	} else {
		n := jc.MaxWorkers
		if n <= 0 {
			n = 2
		}
		for _, q := range DefaultQueues {
			cfg.Queues[q] = river.QueueConfig{MaxWorkers: n}
		}
	}
	c, err := db.river.client(cfg)
	if err != nil {
		return fmt.Errorf("sqlstore: job workers: %w", err)
	}
	if err := c.start(ctx); err != nil {
		return fmt.Errorf("sqlstore: start job workers: %w", err)
	}
	db.worker = c
	return nil
}

// StopJobs stops the workers, letting running jobs finish until ctx ends. A job cut short is
// retried later (by this or another process). It is a no-op when no workers run.
func (db *DB) StopJobs(ctx context.Context) error {
	db.jobMu.Lock()
	defer db.jobMu.Unlock()
	if db.worker == nil {
		return nil
	}
	err := db.worker.stop(ctx)
	db.worker = nil
	return err
}

// ListJobs lists the queue's jobs of a kind ("" for every kind), oldest first, at most 10,000.
func (db *DB) ListJobs(ctx context.Context, kind string) ([]JobInfo, error) {
	out, err := db.inserter.list(ctx, kind)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list jobs: %w", err)
	}
	return out, nil
}
