package sqlstore

import (
	"context"
	"time"

	"github.com/kycd/kycd/kyc"
)

// tx is one write transaction: the read side on the transaction's connection plus the writes and
// the job queue's transactional insert. It is only valid inside the function given to Update.
type tx struct {
	queries
	db  *DB
	raw any // *sql.Tx (SQLite) or pgx.Tx (PostgreSQL), for River's InsertTx
}

// execOne runs a statement that must touch exactly one row; none is kyc.NotFound(what).
func (t *tx) execOne(ctx context.Context, what, conflict, q string, a ...any) error {
	n, err := t.q.exec(ctx, q, a...)
	if err != nil {
		return t.d.wrap(err, conflict)
	}
	if n == 0 {
		return kyc.NotFound(what)
	}
	return nil
}

func (t *tx) CreateApplicant(ctx context.Context, a *kyc.Applicant) error {
	profile, err := jsonText(a.Profile)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "applicant", "an applicant with this external_id already exists",
		`INSERT INTO applicants (`+applicantCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		a.ID, a.ExternalID, a.Level, profile, micros(a.CreatedAt), micros(a.UpdatedAt))
}

// UpdateApplicant saves the level, the profile and the update time (and the external id, which
// stays unique).
func (t *tx) UpdateApplicant(ctx context.Context, a *kyc.Applicant) error {
	profile, err := jsonText(a.Profile)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "applicant", "an applicant with this external_id already exists",
		`UPDATE applicants SET external_id = $2, level = $3, profile = $4, updated_at = $5 WHERE id = $1`,
		a.ID, a.ExternalID, a.Level, profile, micros(a.UpdatedAt))
}

// PutLevelState inserts or replaces the applicant's state for one level.
func (t *tx) PutLevelState(ctx context.Context, s *kyc.LevelState) error {
	return t.execOne(ctx, "level state", "",
		`INSERT INTO level_states (`+levelStateCols+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (applicant_id, level) DO UPDATE SET status = excluded.status,
			submission_id = excluded.submission_id, review_due_at = excluded.review_due_at, updated_at = excluded.updated_at`,
		s.ApplicantID, s.Level, string(s.Status), s.SubmissionID, nullMicros(s.ReviewDueAt), micros(s.UpdatedAt))
}

// PutDraft inserts or replaces the applicant's draft for one step.
func (t *tx) PutDraft(ctx context.Context, d *kyc.Draft) error {
	identity, err := jsonText(d.Identity)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "draft", "",
		`INSERT INTO drafts (applicant_id, step, identity, challenge_id, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (applicant_id, step) DO UPDATE SET identity = excluded.identity,
			challenge_id = excluded.challenge_id, updated_at = excluded.updated_at`,
		d.ApplicantID, string(d.Step), identity, d.ChallengeID, micros(d.UpdatedAt))
}

// DeleteDraft removes a step's draft; kyc.NotFound when there was none.
func (t *tx) DeleteDraft(ctx context.Context, applicantID string, step kyc.Step) error {
	return t.execOne(ctx, "draft", "", `DELETE FROM drafts WHERE applicant_id = $1 AND step = $2`,
		applicantID, string(step))
}

func (t *tx) CreateFile(ctx context.Context, f *kyc.File) error {
	reasons, err := jsonText(f.Reasons)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "file", "a file with this id already exists",
		`INSERT INTO files (`+fileCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		f.ID, f.ApplicantID, string(f.Step), string(f.Side), f.Index, f.AttemptID, f.CaseID, f.ContentType, f.Size,
		f.SHA256, f.Width, f.Height, f.Blob.Key, f.Blob.WrappedKey, f.Blob.KeyID, nullMicros(f.CapturedAt), reasons,
		micros(f.CreatedAt))
}

// UpdateFile saves what may change on a file: the attempt or case it is bound to, its blob
// reference (key rotation) and its frame index.
func (t *tx) UpdateFile(ctx context.Context, f *kyc.File) error {
	return t.execOne(ctx, "file", "",
		`UPDATE files SET attempt_id = $2, case_id = $3, blob_key = $4, blob_wrapped_key = $5, blob_key_id = $6, idx = $7
		WHERE id = $1`,
		f.ID, f.AttemptID, f.CaseID, f.Blob.Key, f.Blob.WrappedKey, f.Blob.KeyID, f.Index)
}

func (t *tx) DeleteFile(ctx context.Context, id string) error {
	return t.execOne(ctx, "file", "", `DELETE FROM files WHERE id = $1`, id)
}

func (t *tx) CreateChallenge(ctx context.Context, c *kyc.Challenge) error {
	actions, err := jsonText(c.Actions)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "challenge", "a challenge with this id or nonce already exists",
		`INSERT INTO challenges (id, applicant_id, nonce, actions, created_at, expires_at, used_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.ApplicantID, c.Nonce, actions, micros(c.CreatedAt), micros(c.ExpiresAt), nullMicros(c.UsedAt))
}

// UseChallenge marks the challenge used only if it was not: a replayed nonce is a conflict.
func (t *tx) UseChallenge(ctx context.Context, id string, at time.Time) error {
	n, err := t.q.exec(ctx, `UPDATE challenges SET used_at = $2 WHERE id = $1 AND used_at IS NULL`, id, micros(at))
	if err != nil {
		return t.d.wrap(err, "")
	}
	if n == 1 {
		return nil
	}
	if _, err := t.GetChallenge(ctx, id); err != nil {
		return err
	}
	return &kyc.Error{Kind: kyc.KindConflict, Code: kyc.LivenessExpired, Message: "this challenge was already used; start a new challenge"}
}

func (t *tx) CreateSubmission(ctx context.Context, s *kyc.Submission) error {
	j, err := jsonTexts(s.Steps, s.Reasons, s.Result)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "submission", "a submission with this id already exists",
		`INSERT INTO submissions (`+submissionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		s.ID, s.ApplicantID, s.Level, j[0], string(s.Status), string(s.Outcome), j[1], s.PolicyVersion, j[2],
		micros(s.CreatedAt), nullMicros(s.DecidedAt))
}

// UpdateSubmission saves the outcome of the checks.
func (t *tx) UpdateSubmission(ctx context.Context, s *kyc.Submission) error {
	j, err := jsonTexts(s.Steps, s.Reasons, s.Result)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "submission", "",
		`UPDATE submissions SET steps = $2, status = $3, outcome = $4, reasons = $5, policy_version = $6, result = $7,
			decided_at = $8 WHERE id = $1`,
		s.ID, j[0], string(s.Status), string(s.Outcome), j[1], s.PolicyVersion, j[2], nullMicros(s.DecidedAt))
}

func (t *tx) CreateAttempt(ctx context.Context, a *kyc.Attempt) error {
	j, err := jsonTexts(a.Identity, a.Profile, a.Reasons)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "attempt", "this attempt was already made",
		`INSERT INTO attempts (`+attemptCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		a.ID, a.ApplicantID, a.SubmissionID, string(a.Step), a.Number, string(a.Status), j[0], a.ChallengeID, j[1],
		a.DocExpiresAt, j[2], micros(a.CreatedAt), nullMicros(a.DecidedAt))
}

// UpdateAttempt saves the result of an attempt's checks or review.
func (t *tx) UpdateAttempt(ctx context.Context, a *kyc.Attempt) error {
	j, err := jsonTexts(a.Identity, a.Profile, a.Reasons)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "attempt", "",
		`UPDATE attempts SET status = $2, identity = $3, challenge_id = $4, profile = $5, doc_expires_at = $6,
			reasons = $7, decided_at = $8 WHERE id = $1`,
		a.ID, string(a.Status), j[0], a.ChallengeID, j[1], a.DocExpiresAt, j[2], nullMicros(a.DecidedAt))
}

func (t *tx) CreateCase(ctx context.Context, c *kyc.Case) error {
	j, err := jsonTexts(c.Reasons, c.Proposed, c.Decision)
	if err != nil {
		return err
	}
	err = t.execOne(ctx, "case", "a case with this id already exists",
		`INSERT INTO cases (`+caseCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.ID, c.ApplicantID, c.Level, c.SubmissionID, string(c.Kind), string(c.Status), micros(c.DueAt),
		boolInt(c.Overdue), c.ClaimedBy, c.AppealMessage, j[0], j[1], j[2], micros(c.CreatedAt), nullMicros(c.ClosedAt))
	if err != nil {
		return err
	}
	return t.putCaseCodes(ctx, c)
}

// UpdateCase saves everything about a case but its applicant, level, kind and creation.
func (t *tx) UpdateCase(ctx context.Context, c *kyc.Case) error {
	j, err := jsonTexts(c.Reasons, c.Proposed, c.Decision)
	if err != nil {
		return err
	}
	err = t.execOne(ctx, "case", "",
		`UPDATE cases SET submission_id = $2, status = $3, due_at = $4, overdue = $5, claimed_by = $6,
			appeal_message = $7, reasons = $8, proposed = $9, decision = $10, closed_at = $11 WHERE id = $1`,
		c.ID, c.SubmissionID, string(c.Status), micros(c.DueAt), boolInt(c.Overdue), c.ClaimedBy, c.AppealMessage,
		j[0], j[1], j[2], nullMicros(c.ClosedAt))
	if err != nil {
		return err
	}
	if _, err := t.q.exec(ctx, `DELETE FROM case_codes WHERE case_id = $1`, c.ID); err != nil {
		return t.d.wrap(err, "")
	}
	return t.putCaseCodes(ctx, c)
}

// putCaseCodes indexes the reason codes of a case for ListCases' code filter.
func (t *tx) putCaseCodes(ctx context.Context, c *kyc.Case) error {
	seen := map[kyc.Code]bool{}
	for _, r := range c.Reasons {
		if r.Code == "" || seen[r.Code] {
			continue
		}
		seen[r.Code] = true
		if _, err := t.q.exec(ctx, `INSERT INTO case_codes (case_id, code) VALUES ($1, $2)`, c.ID, string(r.Code)); err != nil {
			return t.d.wrap(err, "")
		}
	}
	return nil
}

func (t *tx) CreateEvent(ctx context.Context, e *kyc.EventRecord) error {
	data, err := jsonText(e.Data)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "event", "an event with this id already exists",
		`INSERT INTO events (`+eventCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.ID, e.Type, e.ApplicantID, e.ExternalID, data, micros(e.CreatedAt))
}

func (t *tx) CreateEndpoint(ctx context.Context, e *kyc.Endpoint) error {
	types, err := jsonText(e.EventTypes)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "endpoint", "an endpoint with this id already exists",
		`INSERT INTO endpoints (`+endpointCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.ID, e.URL, e.Secret, types, micros(e.CreatedAt), nullMicros(e.DisabledAt))
}

func (t *tx) UpdateEndpoint(ctx context.Context, e *kyc.Endpoint) error {
	types, err := jsonText(e.EventTypes)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "endpoint", "",
		`UPDATE endpoints SET url = $2, secret = $3, event_types = $4, disabled_at = $5 WHERE id = $1`,
		e.ID, e.URL, e.Secret, types, nullMicros(e.DisabledAt))
}

func (t *tx) CreateDelivery(ctx context.Context, d *kyc.Delivery) error {
	return t.execOne(ctx, "delivery", "a delivery with this id already exists",
		`INSERT INTO deliveries (`+deliveryCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		d.ID, d.EndpointID, d.EventID, string(d.Status), d.Attempts, d.LastCode, d.LastError, micros(d.CreatedAt),
		nullMicros(d.DeliveredAt))
}

func (t *tx) UpdateDelivery(ctx context.Context, d *kyc.Delivery) error {
	return t.execOne(ctx, "delivery", "",
		`UPDATE deliveries SET status = $2, attempts = $3, last_code = $4, last_error = $5, delivered_at = $6 WHERE id = $1`,
		d.ID, string(d.Status), d.Attempts, d.LastCode, d.LastError, nullMicros(d.DeliveredAt))
}

// AddDeliveryAttempt numbers the attempt after the delivery's previous ones.
func (t *tx) AddDeliveryAttempt(ctx context.Context, a *kyc.DeliveryAttempt) error {
	return t.execOne(ctx, "delivery", "",
		`INSERT INTO delivery_attempts (delivery_id, n, at, status_code, error, duration_ms)
		VALUES ($1, (SELECT COALESCE(MAX(n), 0) + 1 FROM delivery_attempts WHERE delivery_id = $1), $2, $3, $4, $5)`,
		a.DeliveryID, micros(a.At), a.StatusCode, a.Error, a.DurationMS)
}

func (t *tx) CreateAPIKey(ctx context.Context, k *kyc.APIKey) error {
	return t.execOne(ctx, "API key", "an API key with this id or hash already exists",
		`INSERT INTO api_keys (`+apiKeyCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, k.Name, k.Prefix, k.Hash, micros(k.CreatedAt), nullMicros(k.RevokedAt))
}

func (t *tx) UpdateAPIKey(ctx context.Context, k *kyc.APIKey) error {
	return t.execOne(ctx, "API key", "",
		`UPDATE api_keys SET name = $2, revoked_at = $3 WHERE id = $1`, k.ID, k.Name, nullMicros(k.RevokedAt))
}

func (t *tx) CreateStaff(ctx context.Context, s *kyc.Staff) error {
	return t.execOne(ctx, "staff member", "a staff member with this email already exists",
		`INSERT INTO staff (`+staffCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, s.Email, s.Name, string(s.Role), s.PasswordHash, s.FailedLogins, nullMicros(s.LockedUntil),
		micros(s.CreatedAt), nullMicros(s.DisabledAt))
}

func (t *tx) UpdateStaff(ctx context.Context, s *kyc.Staff) error {
	return t.execOne(ctx, "staff member", "a staff member with this email already exists",
		`UPDATE staff SET email = $2, name = $3, role = $4, password_hash = $5, failed_logins = $6, locked_until = $7,
			disabled_at = $8 WHERE id = $1`,
		s.ID, s.Email, s.Name, string(s.Role), s.PasswordHash, s.FailedLogins, nullMicros(s.LockedUntil),
		nullMicros(s.DisabledAt))
}

// AppendAudit links the entry to the chain's head and stores it. The head row's UPDATE takes its
// lock until the transaction ends, so concurrent appenders queue up (on SQLite the single writer
// already does that). e.At is truncated to the stored precision (microseconds, UTC) before
// hashing, so the hash verifies after a round trip.
func (t *tx) AppendAudit(ctx context.Context, e *kyc.AuditEntry) error {
	e.At = e.At.UTC().Truncate(time.Microsecond)
	detail, err := jsonText(e.Detail)
	if err != nil {
		return err
	}
	err = t.one(ctx, "audit head", `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`, nil,
		func(r rows) error { return r.Scan(&e.Seq, &e.PrevHash) })
	if err != nil {
		return err
	}
	e.Hash = kyc.ChainHash(e)
	err = t.execOne(ctx, "audit entry", "an audit entry with this id already exists",
		`INSERT INTO audit_log (`+auditCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, e.ID, micros(e.At), string(e.ActorType), e.ActorID, e.Action, e.ApplicantID, e.Subject, detail,
		e.PrevHash, e.Hash)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "audit head", "", `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash)
}

// Enqueue inserts the job in this transaction: it is worked only if the transaction commits.
func (t *tx) Enqueue(ctx context.Context, job kyc.JobArgs, opts kyc.JobOpts) error {
	return t.db.enqueueTx(ctx, t.raw, job, opts)
}

// PutIdentityMark records a mark, replacing the applicant's mark of the same kind and key.
func (t *tx) PutIdentityMark(ctx context.Context, m *kyc.IdentityMark) error {
	return t.execOne(ctx, "identity mark", "",
		`INSERT INTO identity_marks (`+markCols+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (applicant_id, kind, mark_key) DO UPDATE SET vector = excluded.vector,
		submission_id = excluded.submission_id, created_at = excluded.created_at`,
		m.ApplicantID, string(m.Kind), m.Key, encodeVector(m.Vector), m.SubmissionID, micros(m.CreatedAt))
}
