package kyc

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

// Address is a postal address as the applicant typed it.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country"` // ISO 3166-1 alpha-3
}

// Profile is what the applicant declares about themselves. Names may be in any script.
type Profile struct {
	FirstName          string   `json:"first_name,omitempty"`
	LastName           string   `json:"last_name,omitempty"`
	FullName           string   `json:"full_name,omitempty"`
	DateOfBirth        string   `json:"date_of_birth,omitempty"` // YYYY-MM-DD
	Nationality        string   `json:"nationality,omitempty"`   // ISO3
	CountryOfResidence string   `json:"country_of_residence,omitempty"`
	Address            *Address `json:"address,omitempty"`
}

// Applicant is one end user being verified, known to the integrator by ExternalID.
type Applicant struct {
	ID         string    `json:"id"`
	ExternalID string    `json:"external_id"`
	Level      string    `json:"level"` // the level the integrator asked for
	Profile    Profile   `json:"profile"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// LevelState is an applicant's status for one level.
type LevelState struct {
	ApplicantID  string     `json:"-"`
	Level        string     `json:"level"`
	Status       Status     `json:"status"`
	SubmissionID string     `json:"submission_id,omitempty"` // the latest
	ReviewDueAt  *time.Time `json:"review_due_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// IdentityChoice is the document the applicant says they are photographing.
type IdentityChoice struct {
	DocType DocType `json:"doc_type"`
	Country string  `json:"country"` // ISO3 issuing country
}

// Draft is a step's data waiting for the next submission (files are drafts too, until bound to an
// attempt).
type Draft struct {
	ApplicantID string          `json:"-"`
	Step        Step            `json:"step"`
	Identity    *IdentityChoice `json:"identity,omitempty"`
	ChallengeID string          `json:"challenge_id,omitempty"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// File is one uploaded file. Its bytes live encrypted in the file store; the row keeps what is
// needed to find and open them. AttemptID is empty while the file is a draft.
type File struct {
	ID          string     `json:"id"`
	ApplicantID string     `json:"-"`
	Step        Step       `json:"step"`
	Side        Side       `json:"side,omitempty"`
	Index       int        `json:"index,omitempty"` // order of liveness frames
	AttemptID   string     `json:"attempt_id,omitempty"`
	CaseID      string     `json:"case_id,omitempty"` // files attached to an appeal
	ContentType string     `json:"content_type"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256"`
	Width       int        `json:"width,omitempty"`
	Height      int        `json:"height,omitempty"`
	Blob        BlobRef    `json:"-"`
	CapturedAt  *time.Time `json:"captured_at,omitempty"`
	Reasons     []Reason   `json:"reasons,omitempty"` // found at upload time
	CreatedAt   time.Time  `json:"created_at"`
}

// Challenge is an active-liveness challenge: random actions the server chose, to be performed in
// order before ExpiresAt. The nonce is single-use.
type Challenge struct {
	ID          string           `json:"id"`
	ApplicantID string           `json:"-"`
	Nonce       string           `json:"nonce"`
	Actions     []LivenessAction `json:"actions"`
	CreatedAt   time.Time        `json:"created_at"`
	ExpiresAt   time.Time        `json:"expires_at"`
	UsedAt      *time.Time       `json:"used_at,omitempty"`
}

// SubmissionStatus tells whether a submission's checks have finished.
type SubmissionStatus string

// Submission statuses.
const (
	SubmissionPending SubmissionStatus = "pending"
	SubmissionDecided SubmissionStatus = "decided"
)

// Submission is one press of "submit": the steps it (re)submits are attempts; checks run on it as
// one job and end in one decision.
type Submission struct {
	ID            string           `json:"id"`
	ApplicantID   string           `json:"-"`
	Level         string           `json:"level"`
	Steps         []Step           `json:"steps"`
	Status        SubmissionStatus `json:"status"`
	Outcome       Status           `json:"outcome,omitempty"`
	Reasons       []Reason         `json:"reasons,omitempty"`
	PolicyVersion string           `json:"policy_version,omitempty"`
	Result        *CheckResult     `json:"result,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
	DecidedAt     *time.Time       `json:"decided_at,omitempty"`
}

// AttemptStatus is the result of one attempt at a step.
type AttemptStatus string

// Attempt statuses.
const (
	AttemptPending  AttemptStatus = "pending"
	AttemptPassed   AttemptStatus = "passed"
	AttemptRetry    AttemptStatus = "retry"
	AttemptReview   AttemptStatus = "review"
	AttemptRejected AttemptStatus = "rejected"
)

// Attempt is one submission of one step, kept forever.
type Attempt struct {
	ID           string          `json:"id"`
	ApplicantID  string          `json:"-"`
	SubmissionID string          `json:"submission_id"`
	Step         Step            `json:"step"`
	Number       int             `json:"number"` // 1 for the first attempt at this step
	Status       AttemptStatus   `json:"status"`
	Identity     *IdentityChoice `json:"identity,omitempty"`
	ChallengeID  string          `json:"challenge_id,omitempty"`
	Profile      *Profile        `json:"profile,omitempty"` // snapshot, for the profile step
	DocExpiresAt string          `json:"doc_expires_at,omitempty"`
	Reasons      []Reason        `json:"reasons,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
	DecidedAt    *time.Time      `json:"decided_at,omitempty"`
}

// CaseKind says why a case is in the review queue.
type CaseKind string

// Case kinds.
const (
	CaseReview CaseKind = "review" // the automated decision needs a human
	CaseAppeal CaseKind = "appeal" // the applicant appealed
)

// CaseStatus is where a case stands in the queue.
type CaseStatus string

// Case statuses.
const (
	CaseOpen           CaseStatus = "open"
	CaseClaimed        CaseStatus = "claimed"
	CaseAwaitingSecond CaseStatus = "awaiting_second" // four-eyes: a second reviewer must confirm
	CaseClosed         CaseStatus = "closed"
)

// ReviewAction is what a reviewer decides.
type ReviewAction string

// Review actions.
const (
	ActionApprove  ReviewAction = "approve"
	ActionResubmit ReviewAction = "resubmit"
	ActionReject   ReviewAction = "reject"
)

// ReviewDecision is a reviewer's decision on a case. Comment is shown to the applicant; the
// internal note is not.
type ReviewDecision struct {
	Action       ReviewAction `json:"action"`
	Steps        []Step       `json:"steps,omitempty"`
	Codes        []Code       `json:"codes,omitempty"`
	Comment      string       `json:"comment,omitempty"`
	InternalNote string       `json:"internal_note,omitempty"`
	By           string       `json:"by"`
	SecondBy     string       `json:"second_by,omitempty"`
	At           time.Time    `json:"at"`
}

// Case is an item of the manual-review queue.
type Case struct {
	ID            string          `json:"id"`
	ApplicantID   string          `json:"applicant_id"`
	Level         string          `json:"level"`
	SubmissionID  string          `json:"submission_id,omitempty"`
	Kind          CaseKind        `json:"kind"`
	Status        CaseStatus      `json:"status"`
	DueAt         time.Time       `json:"due_at"`
	Overdue       bool            `json:"overdue"`
	ClaimedBy     string          `json:"claimed_by,omitempty"`
	AppealMessage string          `json:"appeal_message,omitempty"`
	Reasons       []Reason        `json:"reasons,omitempty"` // what sent it here
	Proposed      *ReviewDecision `json:"proposed,omitempty"`
	Decision      *ReviewDecision `json:"decision,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	ClosedAt      *time.Time      `json:"closed_at,omitempty"`
}

// EventRecord is one state change, sent to webhooks and kept in the events feed. Data holds ids,
// statuses and reason codes, never personal data.
type EventRecord struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	ApplicantID string         `json:"applicant_id,omitempty"`
	ExternalID  string         `json:"external_id,omitempty"`
	Data        map[string]any `json:"data"`
	CreatedAt   time.Time      `json:"created_at"`
}

// Event types.
const (
	EventApplicantCreated = "applicant.created"
	EventStatusChanged    = "applicant.status_changed"
	EventDecision         = "applicant.decision"
	EventReviewDecided    = "applicant.review_decided"
	EventCaseOverdue      = "case.overdue"
)

// Endpoint is an integrator's webhook receiver. Secret is sealed by the master key at rest.
type Endpoint struct {
	ID         string     `json:"id"`
	URL        string     `json:"url"`
	Secret     string     `json:"-"`
	EventTypes []string   `json:"event_types,omitempty"` // empty = all
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// DeliveryStatus is where a webhook delivery stands.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed" // gave up after the retry window
)

// Delivery is one event sent to one endpoint, with its attempts.
type Delivery struct {
	ID          string         `json:"id"`
	EndpointID  string         `json:"endpoint_id"`
	EventID     string         `json:"event_id"`
	Status      DeliveryStatus `json:"status"`
	Attempts    int            `json:"attempts"`
	LastCode    int            `json:"last_status_code,omitempty"`
	LastError   string         `json:"last_error,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	DeliveredAt *time.Time     `json:"delivered_at,omitempty"`
}

// DeliveryAttempt is one HTTP request of a delivery.
type DeliveryAttempt struct {
	DeliveryID string    `json:"delivery_id"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
}

// APIKey authenticates an integrator. Only a hash of the key is stored.
type APIKey struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"` // first characters, to recognise a key in lists
	Hash      string     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Role is a staff member's role.
type Role string

// Roles.
const (
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// Staff is a reviewer or an admin.
type Staff struct {
	ID           string     `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Role         Role       `json:"role"`
	PasswordHash string     `json:"-"`
	FailedLogins int        `json:"-"`
	LockedUntil  *time.Time `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
}

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a new identifier with a type prefix ("app_...", "file_..."). Identifiers sort by
// creation time (48-bit millisecond timestamp, then 80 random bits) and reveal nothing else.
func NewID(prefix string, now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}
