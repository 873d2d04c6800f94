// Package jobs holds kycd's background workers for the River job queue: running the checks of a
// submission, delivering webhooks, and the periodic sweeps (review SLA, document expiry). Workers
// are thin: each calls one service method, where the rules live.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/webhook"
)

// Queue names.
const (
	QueueChecks   = "checks"
	QueueWebhooks = "webhooks"
	QueueDefault  = river.QueueDefault
)

// SweepSLAJob flags overdue review cases.
type SweepSLAJob struct{}

// Kind implements river.JobArgs.
func (SweepSLAJob) Kind() string { return "sweep_sla" }

// SweepExpiryJob re-opens approved applicants whose document expired.
type SweepExpiryJob struct{}

// Kind implements river.JobArgs.
func (SweepExpiryJob) Kind() string { return "sweep_expiry" }

// Config wires the workers.
type Config struct {
	Service    *kyc.Service
	Sender     *webhook.Sender
	Logger     *slog.Logger
	JobTimeout time.Duration
	// CheckDelay, when set, holds every check job this long before it runs. It exists for the
	// crash test (a worker killed mid-check) and for demonstrations; never set it in production.
	CheckDelay time.Duration
}

// Workers registers every worker.
func Workers(c Config) *river.Workers {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	w := river.NewWorkers()
	river.AddWorker(w, &checkWorker{c: c})
	river.AddWorker(w, &deliverWorker{c: c})
	river.AddWorker(w, &slaWorker{c: c})
	river.AddWorker(w, &expiryWorker{c: c})
	return w
}

// Periodic returns the periodic jobs: the SLA sweep every five minutes and the expiry sweep every
// hour, both also at start-up.
func Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(5*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return SweepSLAJob{}, &river.InsertOpts{MaxAttempts: 3}
		}, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return SweepExpiryJob{}, &river.InsertOpts{MaxAttempts: 3}
		}, &river.PeriodicJobOpts{RunOnStart: true}),
	}
}

// Queues returns the workers per queue for a worker process with n workers.
func Queues(n int) map[string]int {
	return map[string]int{QueueChecks: max(1, n), QueueWebhooks: max(1, n), QueueDefault: 1}
}

type checkWorker struct {
	river.WorkerDefaults[kyc.CheckJob]
	c Config
}

func (w *checkWorker) Work(ctx context.Context, job *river.Job[kyc.CheckJob]) error {
	if w.c.CheckDelay > 0 {
		select {
		case <-time.After(w.c.CheckDelay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	giveUp := job.Attempt >= job.MaxAttempts
	err := w.c.Service.RunCheck(ctx, job.Args.SubmissionID, giveUp)
	if err != nil {
		w.c.Logger.Warn("check job failed", "submission_id", job.Args.SubmissionID, "attempt", job.Attempt, "err", err)
	}
	return err
}

// NextRetry retries checks quickly: an applicant is waiting.
func (w *checkWorker) NextRetry(job *river.Job[kyc.CheckJob]) time.Time {
	return time.Now().Add(time.Duration(job.Attempt) * 2 * time.Second)
}

func (w *checkWorker) Timeout(*river.Job[kyc.CheckJob]) time.Duration { return w.c.JobTimeout }

type deliverWorker struct {
	river.WorkerDefaults[kyc.DeliverJob]
	c Config
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[kyc.DeliverJob]) error {
	out, err := w.c.Service.PrepareDelivery(ctx, job.Args.DeliveryID)
	if err != nil {
		if kyc.IsNotFound(err) {
			return river.JobCancel(err)
		}
		return err
	}
	if out.Done {
		return nil
	}
	start := time.Now()
	code, sendErr := w.c.Sender.Send(ctx, out.URL, out.EventID, out.Secret, out.Body)
	msg := ""
	if sendErr != nil {
		msg = sendErr.Error()
		if len(msg) > 300 {
			msg = msg[:300]
		}
	}
	retry, err := w.c.Service.RecordDelivery(ctx, out.DeliveryID, code, msg, time.Since(start))
	if err != nil {
		return err
	}
	if retry {
		return errors.New("webhook delivery failed; will retry")
	}
	return nil
}

// NextRetry backs off exponentially up to six hours, within the three-day window.
func (w *deliverWorker) NextRetry(job *river.Job[kyc.DeliverJob]) time.Time {
	return time.Now().Add(kyc.DeliveryBackoff(job.Attempt))
}

type slaWorker struct {
	river.WorkerDefaults[SweepSLAJob]
	c Config
}

func (w *slaWorker) Work(ctx context.Context, _ *river.Job[SweepSLAJob]) error {
	n, err := w.c.Service.SweepOverdueCases(ctx)
	if n > 0 {
		w.c.Logger.Info("review cases overdue", "count", n)
	}
	return err
}

type expiryWorker struct {
	river.WorkerDefaults[SweepExpiryJob]
	c Config
}

func (w *expiryWorker) Work(ctx context.Context, _ *river.Job[SweepExpiryJob]) error {
	n, err := w.c.Service.SweepExpiredDocuments(ctx)
	if n > 0 {
		w.c.Logger.Info("applicants re-opened for expired documents", "count", n)
	}
	return err
}
