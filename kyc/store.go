package kyc

import (
	"context"
	"time"
)

// Store is kycd's persistence. Reads outside a transaction may come from a read replica or pool;
// Update runs fn in one write transaction, and the jobs fn enqueues commit or roll back with it.
// Every getter returns a NotFound error, never nil, nil.
type Store interface {
	Reader
	Update(ctx context.Context, fn func(tx Tx) error) error
}

// Reader is the read side of the store.
type Reader interface {
	GetApplicant(ctx context.Context, id string) (*Applicant, error)
	GetApplicantByExternalID(ctx context.Context, externalID string) (*Applicant, error)
	ListLevelStates(ctx context.Context, applicantID string) ([]LevelState, error)
	GetLevelState(ctx context.Context, applicantID, level string) (*LevelState, error)
	GetDraft(ctx context.Context, applicantID string, step Step) (*Draft, error)

	GetFile(ctx context.Context, id string) (*File, error)
	ListFiles(ctx context.Context, f FileFilter) ([]File, error)
	// ListAllFiles pages through every file by id, for key rotation and retention.
	ListAllFiles(ctx context.Context, afterID string, limit int) ([]File, error)

	GetChallenge(ctx context.Context, id string) (*Challenge, error)
	GetSubmission(ctx context.Context, id string) (*Submission, error)
	ListSubmissions(ctx context.Context, applicantID string) ([]Submission, error)
	GetAttempt(ctx context.Context, id string) (*Attempt, error)
	// ListAttempts returns the applicant's attempts, oldest first.
	ListAttempts(ctx context.Context, applicantID string) ([]Attempt, error)
	// ListExpiringDocuments returns passed identity attempts whose document expires before the
	// date (YYYY-MM-DD) and whose applicant is approved for some level.
	ListExpiringDocuments(ctx context.Context, before string) ([]Attempt, error)

	GetCase(ctx context.Context, id string) (*Case, error)
	// ListCases returns cases matching f, ordered by due time (most urgent first).
	ListCases(ctx context.Context, f CaseFilter) ([]Case, error)

	GetEvent(ctx context.Context, id string) (*EventRecord, error)
	// ListEvents returns events after the given id (exclusive; "" = from the start), oldest first.
	ListEvents(ctx context.Context, afterID string, limit int) ([]EventRecord, error)

	GetEndpoint(ctx context.Context, id string) (*Endpoint, error)
	ListEndpoints(ctx context.Context) ([]Endpoint, error)
	GetDelivery(ctx context.Context, id string) (*Delivery, error)
	// ListDeliveries returns an endpoint's deliveries, newest first.
	ListDeliveries(ctx context.Context, endpointID string, limit int) ([]Delivery, error)
	ListDeliveryAttempts(ctx context.Context, deliveryID string) ([]DeliveryAttempt, error)

	GetAPIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	ListAPIKeys(ctx context.Context) ([]APIKey, error)
	GetStaff(ctx context.Context, id string) (*Staff, error)
	GetStaffByEmail(ctx context.Context, email string) (*Staff, error)
	ListStaff(ctx context.Context) ([]Staff, error)

	// ListAudit returns audit entries with Seq > afterSeq, in order.
	ListAudit(ctx context.Context, afterSeq int64, limit int) ([]AuditEntry, error)
	ListAuditForApplicant(ctx context.Context, applicantID string, limit int) ([]AuditEntry, error)

	// ListIdentityMarks pages through the marks of a kind and key, by applicant id after
	// afterApplicantID.
	ListIdentityMarks(ctx context.Context, kind MarkKind, key, afterApplicantID string, limit int) ([]IdentityMark, error)
}

// Tx is a write transaction.
type Tx interface {
	Reader

	// CreateApplicant fails with KindConflict when the external id is taken.
	CreateApplicant(ctx context.Context, a *Applicant) error
	// PutIdentityMark records a mark, replacing the applicant's mark of the same kind and key.
	PutIdentityMark(ctx context.Context, m *IdentityMark) error
	UpdateApplicant(ctx context.Context, a *Applicant) error
	PutLevelState(ctx context.Context, s *LevelState) error
	PutDraft(ctx context.Context, d *Draft) error
	DeleteDraft(ctx context.Context, applicantID string, step Step) error

	CreateFile(ctx context.Context, f *File) error
	// UpdateFile saves the attempt, case and blob reference of a file.
	UpdateFile(ctx context.Context, f *File) error
	DeleteFile(ctx context.Context, id string) error

	CreateChallenge(ctx context.Context, c *Challenge) error
	// UseChallenge marks the challenge used; KindConflict if it already was (replayed nonce).
	UseChallenge(ctx context.Context, id string, at time.Time) error

	CreateSubmission(ctx context.Context, s *Submission) error
	UpdateSubmission(ctx context.Context, s *Submission) error
	CreateAttempt(ctx context.Context, a *Attempt) error
	UpdateAttempt(ctx context.Context, a *Attempt) error

	CreateCase(ctx context.Context, c *Case) error
	UpdateCase(ctx context.Context, c *Case) error

	CreateEvent(ctx context.Context, e *EventRecord) error
	CreateEndpoint(ctx context.Context, e *Endpoint) error
	UpdateEndpoint(ctx context.Context, e *Endpoint) error
	CreateDelivery(ctx context.Context, d *Delivery) error
	UpdateDelivery(ctx context.Context, d *Delivery) error
	AddDeliveryAttempt(ctx context.Context, a *DeliveryAttempt) error

	CreateAPIKey(ctx context.Context, k *APIKey) error
	UpdateAPIKey(ctx context.Context, k *APIKey) error
	// CreateStaff fails with KindConflict when the email is taken.
	CreateStaff(ctx context.Context, s *Staff) error
	UpdateStaff(ctx context.Context, s *Staff) error

	// AppendAudit fills e.Seq, e.PrevHash and e.Hash (ChainHash) from the current head and stores
	// the entry; concurrent appends are serialised.
	AppendAudit(ctx context.Context, e *AuditEntry) error

	// Enqueue adds a background job that becomes visible when the transaction commits.
	Enqueue(ctx context.Context, job JobArgs, opts JobOpts) error
}

// FileFilter selects files. Drafts selects files not yet bound to an attempt or a case.
type FileFilter struct {
	ApplicantID string
	Step        Step
	Side        Side
	AttemptID   string
	CaseID      string
	Drafts      bool
}

// CaseFilter selects cases for the queue.
type CaseFilter struct {
	Statuses      []CaseStatus
	Level         string
	Kind          CaseKind
	Code          Code // cases with a reason of this code
	ApplicantID   string
	CreatedBefore time.Time
	Limit         int
}

// JobArgs is a background job's arguments; Kind names the worker. It matches river.JobArgs so
// the job types below go to the queue as they are.
type JobArgs interface{ Kind() string }

// JobOpts tunes one enqueued job.
type JobOpts struct {
	MaxAttempts int
	ScheduledAt time.Time
	Queue       string
}

// CheckJob runs the check pipeline on a submission and records the decision.
type CheckJob struct {
	SubmissionID string `json:"submission_id"`
}

// Kind implements JobArgs.
func (CheckJob) Kind() string { return "check_submission" }

// DeliverJob sends one webhook delivery.
type DeliverJob struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind implements JobArgs.
func (DeliverJob) Kind() string { return "deliver_webhook" }
