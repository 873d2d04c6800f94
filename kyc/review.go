package kyc

import (
	"context"
	"slices"
	"strings"
)

// CaseDetail is everything a reviewer needs on one screen: the case, the applicant, every
// attempt and submission with its reasons and measurements, the files (metadata; contents are
// fetched one by one, each fetch audited) and the audit trail.
type CaseDetail struct {
	Case        Case          `json:"case"`
	Applicant   ApplicantView `json:"applicant"`
	Submissions []Submission  `json:"submissions"`
	Attempts    []Attempt     `json:"attempts"`
	Files       []File        `json:"files"`
	Audit       []AuditEntry  `json:"audit"`
}

// Queue lists review cases, most urgent first.
func (s *Service) Queue(ctx context.Context, staff *Staff, f CaseFilter) ([]Case, error) {
	if len(f.Statuses) == 0 {
		f.Statuses = []CaseStatus{CaseOpen, CaseClaimed, CaseAwaitingSecond}
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.store.ListCases(ctx, f)
}

// Claim assigns an open case to the reviewer.
func (s *Service) Claim(ctx context.Context, staff *Staff, caseID string) (*Case, error) {
	return s.updateCase(ctx, staff, caseID, "case.claim", func(c *Case) error {
		switch {
		case c.Status == CaseClosed:
			return Errorf(KindConflict, "the case is closed")
		case c.ClaimedBy != "" && c.ClaimedBy != staff.ID:
			return Errorf(KindConflict, "the case is claimed by another reviewer")
		}
		c.ClaimedBy = staff.ID
		if c.Status == CaseOpen {
			c.Status = CaseClaimed
		}
		return nil
	})
}

// Release gives a claimed case back to the queue.
func (s *Service) Release(ctx context.Context, staff *Staff, caseID string) (*Case, error) {
	return s.updateCase(ctx, staff, caseID, "case.release", func(c *Case) error {
		if c.ClaimedBy != staff.ID && staff.Role != RoleAdmin {
			return Errorf(KindConflict, "the case is not yours")
		}
		c.ClaimedBy = ""
		if c.Status == CaseClaimed {
			c.Status = CaseOpen
		}
		return nil
	})
}

func (s *Service) updateCase(ctx context.Context, staff *Staff, caseID, action string, fn func(*Case) error) (*Case, error) {
	var c *Case
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.GetCase(ctx, caseID); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, tx, staffActor(staff), action, c.ApplicantID, c.ID, nil)
	})
	return c, err
}

func staffActor(st *Staff) Actor { return Actor{Type: ActorStaff, ID: st.ID} }

// CaseDetail returns the case screen; the view is audited.
func (s *Service) CaseDetail(ctx context.Context, staff *Staff, caseID string) (*CaseDetail, error) {
	c, err := s.store.GetCase(ctx, caseID)
	if err != nil {
		return nil, err
	}
	v, err := s.Applicant(ctx, c.ApplicantID)
	if err != nil {
		return nil, err
	}
	d := &CaseDetail{Case: *c, Applicant: *v}
	if d.Submissions, err = s.store.ListSubmissions(ctx, c.ApplicantID); err != nil {
		return nil, err
	}
	if d.Attempts, err = s.store.ListAttempts(ctx, c.ApplicantID); err != nil {
		return nil, err
	}
	if d.Files, err = s.store.ListFiles(ctx, FileFilter{ApplicantID: c.ApplicantID}); err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		return s.audit(ctx, tx, staffActor(staff), "case.view", c.ApplicantID, c.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	if d.Audit, err = s.store.ListAuditForApplicant(ctx, c.ApplicantID, 500); err != nil {
		return nil, err
	}
	return d, nil
}

// StaffFile returns a file's bytes to a reviewer. Every access is in the audit log, written before
// the bytes are returned.
func (s *Service) StaffFile(ctx context.Context, staff *Staff, fileID string) (*File, []byte, error) {
	f, err := s.store.GetFile(ctx, fileID)
	if err != nil {
		return nil, nil, err
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		return s.audit(ctx, tx, staffActor(staff), "file.view", f.ApplicantID, f.ID, map[string]any{
			"step": string(f.Step), "side": string(f.Side)})
	})
	if err != nil {
		return nil, nil, err
	}
	data, err := s.files.Get(ctx, f.ApplicantID, f.ID, f.Blob)
	return f, data, err
}

// ApplicantFile returns one of the applicant's own files to them.
func (s *Service) ApplicantFile(ctx context.Context, applicantID, fileID string) (*File, []byte, error) {
	f, err := s.store.GetFile(ctx, fileID)
	if err != nil {
		return nil, nil, err
	}
	if f.ApplicantID != applicantID {
		return nil, nil, NotFound("file")
	}
	data, err := s.files.Get(ctx, f.ApplicantID, f.ID, f.Blob)
	return f, data, err
}

// Decide records a reviewer's decision. Overriding an automated FINAL (approving or reopening a
// case whose reasons include a FINAL one) needs a second reviewer: the first decision is kept as
// proposed, and the same decision by another reviewer applies it.
func (s *Service) Decide(ctx context.Context, staff *Staff, caseID string, d ReviewDecision) (*Case, error) {
	d.Comment = strings.TrimSpace(d.Comment)
	d.InternalNote = strings.TrimSpace(d.InternalNote)
	if len([]rune(d.Comment)) > 2000 || len([]rune(d.InternalNote)) > 4000 {
		return nil, Invalid("comment", "comment at most 2000 and internal_note at most 4000 characters")
	}
	switch d.Action {
	case ActionApprove:
	case ActionResubmit:
		if len(d.Steps) == 0 {
			return nil, Invalid("steps", "choose the steps to resubmit")
		}
	case ActionReject:
		if d.Comment == "" {
			return nil, Invalid("comment", "a rejection needs a comment for the applicant")
		}
	default:
		return nil, Invalid("action", "action must be approve, resubmit or reject")
	}
	for _, c := range d.Codes {
		if !c.Known() {
			return nil, Invalid("codes", "unknown reason code %q", c)
		}
	}
	var out *Case
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.GetCase(ctx, caseID)
		if err != nil {
			return err
		}
		if c.Status == CaseClosed {
			return Errorf(KindConflict, "the case is already decided")
		}
		if c.ClaimedBy != "" && c.ClaimedBy != staff.ID && c.Status != CaseAwaitingSecond {
			return Errorf(KindConflict, "the case is claimed by another reviewer")
		}
		l, ok := s.Level(c.Level)
		if !ok {
			return Errorf(KindInternal, "case level %q no longer configured", c.Level)
		}
		for _, st := range d.Steps {
			if !l.Requires(st) {
				return Invalid("steps", "level %s has no step %q", l.Name, st)
			}
		}
		d.By, d.At = staff.ID, s.now()
		overrides := d.Action != ActionReject && hasFinal(c.Reasons)
		if c.Status == CaseAwaitingSecond {
			p := c.Proposed
			if p.By == staff.ID {
				return Errorf(KindConflict, "a second reviewer must confirm this decision")
			}
			if p.Action != d.Action {
				return Errorf(KindConflict, "the proposed decision was %s; confirm it or release the case", p.Action)
			}
			d = *p
			d.SecondBy = staff.ID
		} else if overrides {
			c.Proposed, c.Status = &d, CaseAwaitingSecond
			c.ClaimedBy = ""
			if err := tx.UpdateCase(ctx, c); err != nil {
				return err
			}
			out = c
			return s.audit(ctx, tx, staffActor(staff), "case.propose", c.ApplicantID, c.ID, map[string]any{
				"action": string(d.Action), "codes": d.Codes, "steps": d.Steps})
		}
		if err := s.applyDecision(ctx, tx, c, l, d); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

func hasFinal(rs []Reason) bool {
	for _, r := range rs {
		if r.Disposition == Final {
			return true
		}
	}
	return false
}

func (s *Service) applyDecision(ctx context.Context, tx Tx, c *Case, l *Level, d ReviewDecision) error {
	a, err := tx.GetApplicant(ctx, c.ApplicantID)
	if err != nil {
		return err
	}
	attempts, err := tx.ListAttempts(ctx, a.ID)
	if err != nil {
		return err
	}
	latest := latestAttempts(attempts)
	now := s.now()
	var trig Trigger
	switch d.Action {
	case ActionApprove:
		trig = TrigReviewApproved
		for _, step := range l.Steps {
			if at, ok := latest[step]; ok && at.Status != AttemptPassed {
				at.Status, at.DecidedAt = AttemptPassed, &now
				if err := tx.UpdateAttempt(ctx, at); err != nil {
					return err
				}
			}
		}
	case ActionResubmit, ActionReject:
		trig = TrigReviewResubmit
		disp := Retry
		steps := d.Steps
		if d.Action == ActionReject {
			trig, disp = TrigReviewRejected, Final
			if len(steps) == 0 {
				steps = l.Steps[:1]
			}
		}
		codes := d.Codes
		if len(codes) == 0 {
			codes = []Code{ManualRejection}
		}
		for _, step := range steps {
			at, ok := latest[step]
			if !ok {
				continue
			}
			at.Reasons = nil
			for _, code := range codes {
				r := Explain(Finding{Code: code, Step: step}, disp)
				r.Comment = d.Comment
				at.Reasons = append(at.Reasons, r)
			}
			at.Status, at.DecidedAt = AttemptRetry, &now
			if disp == Final {
				at.Status = AttemptRejected
			}
			if err := tx.UpdateAttempt(ctx, at); err != nil {
				return err
			}
		}
		if d.Action == ActionResubmit {
			// The reviewer looked at the whole case and asked for these steps only: the other
			// steps that waited for a reviewer are accepted, so the applicant is not stuck on them.
			for _, step := range l.Steps {
				if at, ok := latest[step]; ok && at.Status == AttemptReview && !slices.Contains(steps, step) {
					at.Status, at.DecidedAt = AttemptPassed, &now
					if err := tx.UpdateAttempt(ctx, at); err != nil {
						return err
					}
				}
			}
		}
	}
	c.Decision, c.Proposed, c.Status, c.ClosedAt = &d, nil, CaseClosed, &now
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	// The level may have left in_review meanwhile (a second case); the case still closes.
	st, err := tx.GetLevelState(ctx, a.ID, c.Level)
	if err != nil {
		return err
	}
	if st.Status == InReview {
		if _, err := s.setStatus(ctx, tx, a, c.Level, Event{Trigger: trig}, nil); err != nil {
			return err
		}
		if trig == TrigReviewApproved {
			if err := s.approveLowerLevels(ctx, tx, a, c.Level); err != nil {
				return err
			}
		}
	}
	if err := s.emit(ctx, tx, a, EventReviewDecided, map[string]any{
		"level": c.Level, "case_id": c.ID, "action": string(d.Action), "steps": d.Steps, "codes": d.Codes}); err != nil {
		return err
	}
	return s.audit(ctx, tx, Actor{Type: ActorStaff, ID: d.By}, "case.decide", a.ID, c.ID, map[string]any{
		"action": string(d.Action), "steps": d.Steps, "codes": d.Codes, "second_reviewer": d.SecondBy})
}
