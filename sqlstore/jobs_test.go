package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kycd/kycd/kyc"
)

func jobsOf(t *testing.T, db *DB, kind string) []JobInfo {
	t.Helper()
	jobs, err := db.ListJobs(t.Context(), kind)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func testUpdateRollback(t *testing.T, db *DB) {
	ctx := t.Context()
	errBoom := errors.New("boom")
	a := newApplicant(1)
	err := db.Update(ctx, func(tx kyc.Tx) error {
		if err := tx.CreateApplicant(ctx, a); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, kyc.CheckJob{SubmissionID: "sub_rolled_back"}, kyc.JobOpts{Queue: "checks"}); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	_, err = db.GetApplicant(ctx, a.ID)
	wantKind(t, err, kyc.KindNotFound)
	if jobs := jobsOf(t, db, kyc.CheckJob{}.Kind()); len(jobs) != 0 {
		t.Fatalf("rolled-back transaction left jobs: %+v", jobs)
	}

	// A panic in fn rolls back too, and the writer is usable afterwards.
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("panic was swallowed")
			}
		}()
		_ = db.Update(ctx, func(tx kyc.Tx) error {
			if err := tx.CreateApplicant(ctx, a); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	_, err = db.GetApplicant(ctx, a.ID)
	wantKind(t, err, kyc.KindNotFound)

	update(t, db, func(tx kyc.Tx) error {
		if err := tx.CreateApplicant(ctx, a); err != nil {
			return err
		}
		return tx.Enqueue(ctx, kyc.CheckJob{SubmissionID: "sub_committed"}, kyc.JobOpts{Queue: "checks"})
	})
	if _, err := db.GetApplicant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	jobs := jobsOf(t, db, kyc.CheckJob{}.Kind())
	if len(jobs) != 1 {
		t.Fatalf("committed transaction left %d jobs, want 1", len(jobs))
	}
	var args kyc.CheckJob
	if err := json.Unmarshal(jobs[0].Args, &args); err != nil || args.SubmissionID != "sub_committed" {
		t.Fatalf("job args %s (%v)", jobs[0].Args, err)
	}
	if jobs[0].State != "available" || jobs[0].Queue != "checks" {
		t.Fatalf("job %+v, want available in queue checks", jobs[0])
	}
}

func testEnqueueOptions(t *testing.T, db *DB) {
	ctx := t.Context()
	later := time.Now().Add(time.Hour)
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.Enqueue(ctx, kyc.DeliverJob{DeliveryID: "dlv_1"}, kyc.JobOpts{MaxAttempts: 7, Queue: "webhooks", ScheduledAt: later}); err != nil {
			return err
		}
		return tx.Enqueue(ctx, kyc.DeliverJob{DeliveryID: "dlv_2"}, kyc.JobOpts{})
	})
	jobs := jobsOf(t, db, kyc.DeliverJob{}.Kind())
	if len(jobs) != 2 {
		t.Fatalf("%d jobs, want 2", len(jobs))
	}
	if j := jobs[0]; j.State != "scheduled" || j.MaxAttempts != 7 || j.Queue != "webhooks" {
		t.Fatalf("job with options: %+v", j)
	}
	if j := jobs[1]; j.State != "available" || j.MaxAttempts != 25 || j.Queue != river.QueueDefault {
		t.Fatalf("job with default options: %+v", j)
	}
	if all := jobsOf(t, db, ""); len(all) != 2 {
		t.Fatalf("ListJobs of every kind: %d jobs", len(all))
	}
}

// testWorkerRunsJob enqueues a job in a transaction and waits for a worker of this process to run
// it. The worker writes through the store, as the service's workers do: on SQLite, the single
// writer connection must not deadlock with River's own use of it.
func testWorkerRunsJob(t *testing.T, db *DB) {
	ctx := t.Context()
	done := make(chan string, 1)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[kyc.CheckJob]) error {
		err := db.Update(ctx, func(tx kyc.Tx) error {
			return tx.CreateEvent(ctx, &kyc.EventRecord{ID: "evt_" + j.Args.SubmissionID, Type: kyc.EventDecision, CreatedAt: t0})
		})
		if err != nil {
			return err
		}
		if _, err := db.GetEvent(ctx, "evt_"+j.Args.SubmissionID); err != nil {
			return err
		}
		done <- j.Args.SubmissionID
		return nil
	}))
	if err := db.StartJobs(ctx, JobsConfig{Workers: workers, TestOnly: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := db.StopJobs(sctx); err != nil {
			t.Errorf("StopJobs: %v", err)
		}
	})
	if err := db.StartJobs(ctx, JobsConfig{Workers: workers}); err == nil {
		t.Fatal("StartJobs twice succeeded")
	}
	update(t, db, func(tx kyc.Tx) error {
		return tx.Enqueue(ctx, kyc.CheckJob{SubmissionID: "sub_worked"}, kyc.JobOpts{Queue: "checks"})
	})
	select {
	case id := <-done:
		if id != "sub_worked" {
			t.Fatalf("worked %q", id)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("job not worked within 30s: %+v", jobsOf(t, db, ""))
	}
	waitJobState(t, db, kyc.CheckJob{}.Kind(), "completed", 15*time.Second)
}

func waitJobState(t *testing.T, db *DB, kind, state string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		jobs := jobsOf(t, db, kind)
		if len(jobs) == 1 && jobs[0].State == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job of kind %s not %s within %s: %+v", kind, state, within, jobs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStartJobsWithoutWorkers(t *testing.T) {
	t.Parallel()
	db := setupSQLite(t)
	if err := db.StartJobs(t.Context(), JobsConfig{}); err != nil {
		t.Fatalf("API-only StartJobs: %v", err)
	}
	if err := db.StartJobs(t.Context(), JobsConfig{Periodic: []*river.PeriodicJob{{}}}); err == nil {
		t.Fatal("periodic jobs without workers were accepted")
	}
	if err := db.StartJobs(t.Context(), JobsConfig{Workers: river.NewWorkers(), JobTimeout: time.Minute,
		RescueStuckJobsAfter: time.Second}); err == nil {
		t.Fatal("RescueStuckJobsAfter below JobTimeout was accepted")
	}
	if err := db.StopJobs(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// blockJob is worked by a child process that is killed mid-job.
type blockJob struct {
	N int `json:"n"`
}

func (blockJob) Kind() string { return "sqlstore_test_block" }

const (
	childEnvDriver = "KYCD_SQLSTORE_TEST_CHILD_DRIVER"
	childEnvTarget = "KYCD_SQLSTORE_TEST_CHILD_TARGET" // SQLite path or PostgreSQL schema
	childEnvMarker = "KYCD_SQLSTORE_TEST_CHILD_MARKER"
)

func openTarget(ctx context.Context, driver, target string) (*DB, error) {
	if driver == DriverSQLite {
		return Open(ctx, Config{Driver: DriverSQLite, Path: target})
	}
	return Open(ctx, Config{Driver: DriverPostgres, DSN: testPGDSN(), Schema: target})
}

// TestJobRescuedAfterKill kills a worker process in the middle of a job and checks that the job
// runs again in the next process: nothing is lost to a crash. It takes about half a minute (River's
// leader lease and rescuer interval), on each backend in parallel.
func TestJobRescuedAfterKill(t *testing.T) {
	if driver := os.Getenv(childEnvDriver); driver != "" {
		runBlockingChild(t, driver)
		return
	}
	if testing.Short() {
		t.Skip("kills a child process and waits for River's rescuer (~30s); not in -short")
	}
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := b.setup(t)
			target := db.cfg.Path
			if b.name == DriverPostgres {
				target = db.cfg.Schema
			}
			update(t, db, func(tx kyc.Tx) error { return tx.Enqueue(ctx, blockJob{N: 1}, kyc.JobOpts{}) })

			marker := filepath.Join(t.TempDir(), "started")
			cmd := exec.Command(os.Args[0], "-test.run=^TestJobRescuedAfterKill$")
			cmd.Env = append(os.Environ(), childEnvDriver+"="+b.name, childEnvTarget+"="+target, childEnvMarker+"="+marker)
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				if _, err := os.Stat(marker); err == nil {
					break
				}
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
					t.Fatal("the child never started the job")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if jobs := jobsOf(t, db, blockJob{}.Kind()); len(jobs) != 1 || jobs[0].State != "running" {
				t.Fatalf("after the kill: %+v, want one running job", jobs)
			}

			done := make(chan int, 1)
			workers := river.NewWorkers()
			river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[blockJob]) error {
				done <- j.Attempt
				return nil
			}))
			if err := db.StartJobs(ctx, JobsConfig{Workers: workers, JobTimeout: time.Second,
				RescueStuckJobsAfter: 2 * time.Second, TestOnly: true}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.StopJobs(context.Background()) })
			start := time.Now()
			select {
			case attempt := <-done:
				t.Logf("%s: job re-run (attempt %d) %s after the restart", b.name, attempt, time.Since(start).Round(time.Second))
				if attempt != 2 {
					t.Fatalf("attempt %d, want 2", attempt)
				}
			case <-time.After(120 * time.Second):
				t.Fatalf("job not rescued within 120s: %+v", jobsOf(t, db, ""))
			}
		})
	}
}

// runBlockingChild is the child process: it works the blocking job, signals that it started,
// and hangs until killed.
func runBlockingChild(t *testing.T, driver string) {
	ctx := context.Background()
	db, err := openTarget(ctx, driver, os.Getenv(childEnvTarget))
	if err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[blockJob]) error {
		if err := os.WriteFile(os.Getenv(childEnvMarker), []byte("started"), 0o600); err != nil {
			return err
		}
		time.Sleep(5 * time.Minute) // ignores cancellation: a hung process, killed by the parent
		return nil
	}))
	if err := db.StartJobs(ctx, JobsConfig{Workers: workers, TestOnly: true}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Minute)
	t.Fatal("child was not killed")
}
