package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/kycd/kycd/kyc"
)

// queries is the read side, shared by the store (read pool) and a transaction (its connection):
// every kyc.Reader method is defined once, here.
type queries struct {
	q querier
	d *dialect
}

// defaultLimit applies to paging calls given a limit of zero or less.
const defaultLimit = 100

func pageLimit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return n
}

// one runs a query expected to return one row and scans it; no row is kyc.NotFound(what).
func (s *queries) one(ctx context.Context, what, q string, args []any, scan func(rows) error) error {
	r, err := s.q.query(ctx, q, args...)
	if err != nil {
		return s.d.wrap(err, "")
	}
	defer r.Close()
	if !r.Next() {
		if err := r.Err(); err != nil {
			return s.d.wrap(err, "")
		}
		return kyc.NotFound(what)
	}
	if err := scan(r); err != nil {
		return s.d.wrap(err, "")
	}
	return nil
}

// list runs a query and scans every row into a new T. It never returns a nil slice.
func list[T any](ctx context.Context, s *queries, q string, args []any, scan func(rows, *T) error) ([]T, error) {
	r, err := s.q.query(ctx, q, args...)
	if err != nil {
		return nil, s.d.wrap(err, "")
	}
	defer r.Close()
	out := []T{}
	for r.Next() {
		var v T
		if err := scan(r, &v); err != nil {
			return nil, s.d.wrap(err, "")
		}
		out = append(out, v)
	}
	if err := r.Err(); err != nil {
		return nil, s.d.wrap(err, "")
	}
	return out, nil
}

// args collects the arguments of a query built piece by piece and names their placeholders.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// Applicants.

const applicantCols = `id, external_id, level, profile, created_at, updated_at`

func scanApplicant(r rows, a *kyc.Applicant) error {
	return r.Scan(&a.ID, &a.ExternalID, &a.Level, jsonOf(&a.Profile), timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt})
}

func (s *queries) GetApplicant(ctx context.Context, id string) (*kyc.Applicant, error) {
	a := new(kyc.Applicant)
	err := s.one(ctx, "applicant", `SELECT `+applicantCols+` FROM applicants WHERE id = $1`, args{id},
		func(r rows) error { return scanApplicant(r, a) })
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *queries) GetApplicantByExternalID(ctx context.Context, externalID string) (*kyc.Applicant, error) {
	a := new(kyc.Applicant)
	err := s.one(ctx, "applicant", `SELECT `+applicantCols+` FROM applicants WHERE external_id = $1`, args{externalID},
		func(r rows) error { return scanApplicant(r, a) })
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Level states.

const levelStateCols = `applicant_id, level, status, submission_id, review_due_at, updated_at`

func scanLevelState(r rows, st *kyc.LevelState) error {
	return r.Scan(&st.ApplicantID, &st.Level, &st.Status, &st.SubmissionID, nullTimeCol{&st.ReviewDueAt}, timeCol{&st.UpdatedAt})
}

func (s *queries) ListLevelStates(ctx context.Context, applicantID string) ([]kyc.LevelState, error) {
	return list(ctx, s, `SELECT `+levelStateCols+` FROM level_states WHERE applicant_id = $1 ORDER BY level`,
		args{applicantID}, scanLevelState)
}

func (s *queries) GetLevelState(ctx context.Context, applicantID, level string) (*kyc.LevelState, error) {
	st := new(kyc.LevelState)
	err := s.one(ctx, "level state", `SELECT `+levelStateCols+` FROM level_states WHERE applicant_id = $1 AND level = $2`,
		args{applicantID, level}, func(r rows) error { return scanLevelState(r, st) })
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Drafts.

func (s *queries) GetDraft(ctx context.Context, applicantID string, step kyc.Step) (*kyc.Draft, error) {
	d := new(kyc.Draft)
	err := s.one(ctx, "draft", `SELECT applicant_id, step, identity, challenge_id, updated_at FROM drafts
		WHERE applicant_id = $1 AND step = $2`, args{applicantID, string(step)},
		func(r rows) error {
			return r.Scan(&d.ApplicantID, &d.Step, jsonOf(&d.Identity), &d.ChallengeID, timeCol{&d.UpdatedAt})
		})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Files.

const fileCols = `id, applicant_id, step, side, idx, attempt_id, case_id, content_type, size, sha256, width, height,
	blob_key, blob_wrapped_key, blob_key_id, captured_at, reasons, created_at`

func scanFile(r rows, f *kyc.File) error {
	return r.Scan(&f.ID, &f.ApplicantID, &f.Step, &f.Side, &f.Index, &f.AttemptID, &f.CaseID, &f.ContentType, &f.Size,
		&f.SHA256, &f.Width, &f.Height, &f.Blob.Key, &f.Blob.WrappedKey, &f.Blob.KeyID, nullTimeCol{&f.CapturedAt},
		jsonOf(&f.Reasons), timeCol{&f.CreatedAt})
}

func (s *queries) GetFile(ctx context.Context, id string) (*kyc.File, error) {
	f := new(kyc.File)
	err := s.one(ctx, "file", `SELECT `+fileCols+` FROM files WHERE id = $1`, args{id},
		func(r rows) error { return scanFile(r, f) })
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ListFiles returns the matching files in slot order: by frame index, then oldest first, so the
// last file of a slot is its newest draft.
func (s *queries) ListFiles(ctx context.Context, f kyc.FileFilter) ([]kyc.File, error) {
	var a args
	var where []string
	if f.ApplicantID != "" {
		where = append(where, "applicant_id = "+a.add(f.ApplicantID))
	}
	if f.Step != "" {
		where = append(where, "step = "+a.add(string(f.Step)))
	}
	if f.Side != "" {
		where = append(where, "side = "+a.add(string(f.Side)))
	}
	if f.AttemptID != "" {
		where = append(where, "attempt_id = "+a.add(f.AttemptID))
	}
	if f.CaseID != "" {
		where = append(where, "case_id = "+a.add(f.CaseID))
	}
	if f.Drafts {
		where = append(where, "attempt_id = '' AND case_id = ''")
	}
	if len(where) == 0 {
		return nil, kyc.Invalid("filter", "a file filter needs at least one condition")
	}
	q := `SELECT ` + fileCols + ` FROM files WHERE ` + strings.Join(where, " AND ") + ` ORDER BY idx, created_at, id`
	return list(ctx, s, q, a, scanFile)
}

func (s *queries) ListAllFiles(ctx context.Context, afterID string, limit int) ([]kyc.File, error) {
	return list(ctx, s, `SELECT `+fileCols+` FROM files WHERE id > $1 ORDER BY id LIMIT $2`,
		args{afterID, pageLimit(limit)}, scanFile)
}

// Challenges.

func (s *queries) GetChallenge(ctx context.Context, id string) (*kyc.Challenge, error) {
	c := new(kyc.Challenge)
	err := s.one(ctx, "challenge", `SELECT id, applicant_id, nonce, actions, created_at, expires_at, used_at
		FROM challenges WHERE id = $1`, args{id},
		func(r rows) error {
			return r.Scan(&c.ID, &c.ApplicantID, &c.Nonce, jsonOf(&c.Actions), timeCol{&c.CreatedAt},
				timeCol{&c.ExpiresAt}, nullTimeCol{&c.UsedAt})
		})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Submissions.

const submissionCols = `id, applicant_id, level, steps, status, outcome, reasons, policy_version, result, created_at, decided_at`

func scanSubmission(r rows, s *kyc.Submission) error {
	return r.Scan(&s.ID, &s.ApplicantID, &s.Level, jsonOf(&s.Steps), &s.Status, &s.Outcome, jsonOf(&s.Reasons),
		&s.PolicyVersion, jsonOf(&s.Result), timeCol{&s.CreatedAt}, nullTimeCol{&s.DecidedAt})
}

func (s *queries) GetSubmission(ctx context.Context, id string) (*kyc.Submission, error) {
	sub := new(kyc.Submission)
	err := s.one(ctx, "submission", `SELECT `+submissionCols+` FROM submissions WHERE id = $1`, args{id},
		func(r rows) error { return scanSubmission(r, sub) })
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// ListSubmissions returns the applicant's submissions, oldest first.
func (s *queries) ListSubmissions(ctx context.Context, applicantID string) ([]kyc.Submission, error) {
	return list(ctx, s, `SELECT `+submissionCols+` FROM submissions WHERE applicant_id = $1 ORDER BY created_at, id`,
		args{applicantID}, scanSubmission)
}

// Attempts.

const attemptCols = `id, applicant_id, submission_id, step, number, status, identity, challenge_id, profile,
	doc_expires_at, reasons, created_at, decided_at`

func scanAttempt(r rows, a *kyc.Attempt) error {
	return r.Scan(&a.ID, &a.ApplicantID, &a.SubmissionID, &a.Step, &a.Number, &a.Status, jsonOf(&a.Identity),
		&a.ChallengeID, jsonOf(&a.Profile), &a.DocExpiresAt, jsonOf(&a.Reasons), timeCol{&a.CreatedAt},
		nullTimeCol{&a.DecidedAt})
}

func (s *queries) GetAttempt(ctx context.Context, id string) (*kyc.Attempt, error) {
	a := new(kyc.Attempt)
	err := s.one(ctx, "attempt", `SELECT `+attemptCols+` FROM attempts WHERE id = $1`, args{id},
		func(r rows) error { return scanAttempt(r, a) })
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *queries) ListAttempts(ctx context.Context, applicantID string) ([]kyc.Attempt, error) {
	return list(ctx, s, `SELECT `+attemptCols+` FROM attempts WHERE applicant_id = $1 ORDER BY created_at, number, id`,
		args{applicantID}, scanAttempt)
}

// ListExpiringDocuments only returns the latest identity attempt of each applicant: an older
// passed attempt was superseded and its document no longer counts.
func (s *queries) ListExpiringDocuments(ctx context.Context, before string) ([]kyc.Attempt, error) {
	return list(ctx, s, `SELECT `+attemptCols+` FROM attempts a
		WHERE a.step = $1 AND a.status = $2 AND a.doc_expires_at <> '' AND a.doc_expires_at < $3
		AND EXISTS (SELECT 1 FROM level_states s WHERE s.applicant_id = a.applicant_id AND s.status = $4)
		AND NOT EXISTS (SELECT 1 FROM attempts b WHERE b.applicant_id = a.applicant_id AND b.step = a.step AND b.number > a.number)
		ORDER BY a.doc_expires_at, a.id`,
		args{string(kyc.StepIdentity), string(kyc.AttemptPassed), before, string(kyc.Approved)}, scanAttempt)
}

// Cases.

const caseCols = `id, applicant_id, level, submission_id, kind, status, due_at, overdue, claimed_by, appeal_message,
	reasons, proposed, decision, created_at, closed_at`

func scanCase(r rows, c *kyc.Case) error {
	var overdue int
	err := r.Scan(&c.ID, &c.ApplicantID, &c.Level, &c.SubmissionID, &c.Kind, &c.Status, timeCol{&c.DueAt}, &overdue,
		&c.ClaimedBy, &c.AppealMessage, jsonOf(&c.Reasons), jsonOf(&c.Proposed), jsonOf(&c.Decision),
		timeCol{&c.CreatedAt}, nullTimeCol{&c.ClosedAt})
	c.Overdue = overdue != 0
	return err
}

func (s *queries) GetCase(ctx context.Context, id string) (*kyc.Case, error) {
	c := new(kyc.Case)
	err := s.one(ctx, "case", `SELECT `+caseCols+` FROM cases WHERE id = $1`, args{id},
		func(r rows) error { return scanCase(r, c) })
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListCases returns the matching cases by due time, then creation. A zero Limit means no limit.
func (s *queries) ListCases(ctx context.Context, f kyc.CaseFilter) ([]kyc.Case, error) {
	var a args
	where := []string{"1 = 1"}
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ph[i] = a.add(string(st))
		}
		where = append(where, "status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Level != "" {
		where = append(where, "level = "+a.add(f.Level))
	}
	if f.Kind != "" {
		where = append(where, "kind = "+a.add(string(f.Kind)))
	}
	if f.ApplicantID != "" {
		where = append(where, "applicant_id = "+a.add(f.ApplicantID))
	}
	if !f.CreatedBefore.IsZero() {
		where = append(where, "created_at < "+a.add(micros(f.CreatedBefore)))
	}
	if f.Code != "" {
		where = append(where, "EXISTS (SELECT 1 FROM case_codes cc WHERE cc.case_id = cases.id AND cc.code = "+a.add(string(f.Code))+")")
	}
	q := `SELECT ` + caseCols + ` FROM cases WHERE ` + strings.Join(where, " AND ") + ` ORDER BY due_at, created_at, id`
	if f.Limit > 0 {
		q += " LIMIT " + a.add(f.Limit)
	}
	return list(ctx, s, q, a, scanCase)
}

// Events.

const eventCols = `id, type, applicant_id, external_id, data, created_at`

func scanEvent(r rows, e *kyc.EventRecord) error {
	return r.Scan(&e.ID, &e.Type, &e.ApplicantID, &e.ExternalID, jsonOf(&e.Data), timeCol{&e.CreatedAt})
}

func (s *queries) GetEvent(ctx context.Context, id string) (*kyc.EventRecord, error) {
	e := new(kyc.EventRecord)
	err := s.one(ctx, "event", `SELECT `+eventCols+` FROM events WHERE id = $1`, args{id},
		func(r rows) error { return scanEvent(r, e) })
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (s *queries) ListEvents(ctx context.Context, afterID string, limit int) ([]kyc.EventRecord, error) {
	return list(ctx, s, `SELECT `+eventCols+` FROM events WHERE id > $1 ORDER BY id LIMIT $2`,
		args{afterID, pageLimit(limit)}, scanEvent)
}

// Webhooks.

const endpointCols = `id, url, secret, event_types, created_at, disabled_at`

func scanEndpoint(r rows, e *kyc.Endpoint) error {
	return r.Scan(&e.ID, &e.URL, &e.Secret, jsonOf(&e.EventTypes), timeCol{&e.CreatedAt}, nullTimeCol{&e.DisabledAt})
}

func (s *queries) GetEndpoint(ctx context.Context, id string) (*kyc.Endpoint, error) {
	e := new(kyc.Endpoint)
	err := s.one(ctx, "endpoint", `SELECT `+endpointCols+` FROM endpoints WHERE id = $1`, args{id},
		func(r rows) error { return scanEndpoint(r, e) })
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ListEndpoints returns every endpoint, oldest first.
func (s *queries) ListEndpoints(ctx context.Context) ([]kyc.Endpoint, error) {
	return list(ctx, s, `SELECT `+endpointCols+` FROM endpoints ORDER BY created_at, id`, nil, scanEndpoint)
}

const deliveryCols = `id, endpoint_id, event_id, status, attempts, last_code, last_error, created_at, delivered_at`

func scanDelivery(r rows, d *kyc.Delivery) error {
	return r.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.Status, &d.Attempts, &d.LastCode, &d.LastError,
		timeCol{&d.CreatedAt}, nullTimeCol{&d.DeliveredAt})
}

func (s *queries) GetDelivery(ctx context.Context, id string) (*kyc.Delivery, error) {
	d := new(kyc.Delivery)
	err := s.one(ctx, "delivery", `SELECT `+deliveryCols+` FROM deliveries WHERE id = $1`, args{id},
		func(r rows) error { return scanDelivery(r, d) })
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *queries) ListDeliveries(ctx context.Context, endpointID string, limit int) ([]kyc.Delivery, error) {
	return list(ctx, s, `SELECT `+deliveryCols+` FROM deliveries WHERE endpoint_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`, args{endpointID, pageLimit(limit)}, scanDelivery)
}

// ListDeliveryAttempts returns a delivery's attempts in the order they were made.
func (s *queries) ListDeliveryAttempts(ctx context.Context, deliveryID string) ([]kyc.DeliveryAttempt, error) {
	return list(ctx, s, `SELECT delivery_id, at, status_code, error, duration_ms FROM delivery_attempts
		WHERE delivery_id = $1 ORDER BY n`, args{deliveryID},
		func(r rows, a *kyc.DeliveryAttempt) error {
			return r.Scan(&a.DeliveryID, timeCol{&a.At}, &a.StatusCode, &a.Error, &a.DurationMS)
		})
}

// API keys and staff.

const apiKeyCols = `id, name, prefix, hash, created_at, revoked_at`

func scanAPIKey(r rows, k *kyc.APIKey) error {
	return r.Scan(&k.ID, &k.Name, &k.Prefix, &k.Hash, timeCol{&k.CreatedAt}, nullTimeCol{&k.RevokedAt})
}

func (s *queries) GetAPIKeyByHash(ctx context.Context, hash string) (*kyc.APIKey, error) {
	k := new(kyc.APIKey)
	err := s.one(ctx, "API key", `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = $1`, args{hash},
		func(r rows) error { return scanAPIKey(r, k) })
	if err != nil {
		return nil, err
	}
	return k, nil
}

// ListAPIKeys returns every key, oldest first.
func (s *queries) ListAPIKeys(ctx context.Context) ([]kyc.APIKey, error) {
	return list(ctx, s, `SELECT `+apiKeyCols+` FROM api_keys ORDER BY created_at, id`, nil, scanAPIKey)
}

const staffCols = `id, email, name, role, password_hash, failed_logins, locked_until, created_at, disabled_at`

func scanStaff(r rows, st *kyc.Staff) error {
	return r.Scan(&st.ID, &st.Email, &st.Name, &st.Role, &st.PasswordHash, &st.FailedLogins, nullTimeCol{&st.LockedUntil},
		timeCol{&st.CreatedAt}, nullTimeCol{&st.DisabledAt})
}

func (s *queries) GetStaff(ctx context.Context, id string) (*kyc.Staff, error) {
	st := new(kyc.Staff)
	err := s.one(ctx, "staff member", `SELECT `+staffCols+` FROM staff WHERE id = $1`, args{id},
		func(r rows) error { return scanStaff(r, st) })
	if err != nil {
		return nil, err
	}
	return st, nil
}

// GetStaffByEmail matches the email exactly: the service lower-cases emails before storing and
// looking up.
func (s *queries) GetStaffByEmail(ctx context.Context, email string) (*kyc.Staff, error) {
	st := new(kyc.Staff)
	err := s.one(ctx, "staff member", `SELECT `+staffCols+` FROM staff WHERE email = $1`, args{email},
		func(r rows) error { return scanStaff(r, st) })
	if err != nil {
		return nil, err
	}
	return st, nil
}

// ListStaff returns every staff member, oldest first.
func (s *queries) ListStaff(ctx context.Context) ([]kyc.Staff, error) {
	return list(ctx, s, `SELECT `+staffCols+` FROM staff ORDER BY created_at, id`, nil, scanStaff)
}

// Audit.

const auditCols = `seq, id, at, actor_type, actor_id, action, applicant_id, subject, detail, prev_hash, hash`

func scanAudit(r rows, e *kyc.AuditEntry) error {
	// Numbers in the detail stay json.Number so that re-encoding them for the chain hash gives
	// back exactly the bytes that were hashed.
	return r.Scan(&e.Seq, &e.ID, timeCol{&e.At}, &e.ActorType, &e.ActorID, &e.Action, &e.ApplicantID, &e.Subject,
		jsonCol{v: &e.Detail, useNumber: true}, &e.PrevHash, &e.Hash)
}

func (s *queries) ListAudit(ctx context.Context, afterSeq int64, limit int) ([]kyc.AuditEntry, error) {
	return list(ctx, s, `SELECT `+auditCols+` FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
		args{afterSeq, pageLimit(limit)}, scanAudit)
}

// ListAuditForApplicant returns the applicant's latest entries (at most limit), oldest first.
func (s *queries) ListAuditForApplicant(ctx context.Context, applicantID string, limit int) ([]kyc.AuditEntry, error) {
	out, err := list(ctx, s, `SELECT `+auditCols+` FROM audit_log WHERE applicant_id = $1 ORDER BY seq DESC LIMIT $2`,
		args{applicantID, pageLimit(limit)}, scanAudit)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

const markCols = `applicant_id, kind, mark_key, vector, submission_id, created_at`

func scanMark(r rows, m *kyc.IdentityMark) error {
	var vec string
	if err := r.Scan(&m.ApplicantID, &m.Kind, &m.Key, &vec, &m.SubmissionID, timeCol{&m.CreatedAt}); err != nil {
		return err
	}
	v, err := decodeVector(vec)
	m.Vector = v
	return err
}

// ListIdentityMarks pages through the marks of a kind and key, by applicant id.
func (s *queries) ListIdentityMarks(ctx context.Context, kind kyc.MarkKind, key, afterApplicantID string, limit int) ([]kyc.IdentityMark, error) {
	return list(ctx, s, `SELECT `+markCols+` FROM identity_marks WHERE kind = $1 AND mark_key = $2 AND applicant_id > $3
		ORDER BY applicant_id LIMIT $4`, args{string(kind), key, afterApplicantID, pageLimit(limit)}, scanMark)
}
