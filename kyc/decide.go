package kyc

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"
)

// CheckInputFor assembles the check input of a submission: the current attempt of every step of
// the level (the ones just submitted, and the passed ones they are compared with), with the files
// decrypted.
func (s *Service) CheckInputFor(ctx context.Context, sub *Submission) (*CheckInput, map[Step]*Attempt, error) {
	a, err := s.store.GetApplicant(ctx, sub.ApplicantID)
	if err != nil {
		return nil, nil, err
	}
	l, ok := s.Level(sub.Level)
	if !ok {
		return nil, nil, fmt.Errorf("kyc: submission %s names unknown level %q", sub.ID, sub.Level)
	}
	attempts, err := s.store.ListAttempts(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	// The attempts of this submission, and for other steps the latest that passed.
	current := map[Step]*Attempt{}
	for i := range attempts {
		at := &attempts[i]
		if at.SubmissionID == sub.ID {
			current[at.Step] = at
		}
	}
	for i := range attempts {
		at := &attempts[i]
		if _, ok := current[at.Step]; !ok && at.Status == AttemptPassed {
			if cur, ok := current[at.Step]; !ok || at.Number > cur.Number {
				current[at.Step] = at
			}
		}
	}
	in := &CheckInput{Level: l, Attempts: map[Step]int{}, Now: s.now()}
	p := a.Profile
	in.Profile = &p
	for step, at := range current {
		in.Attempts[step] = at.Number
		if step == StepProfile && at.Profile != nil {
			snap := *at.Profile
			in.Profile = &snap
		}
		files, err := s.store.ListFiles(ctx, FileFilter{ApplicantID: a.ID, AttemptID: at.ID})
		if err != nil {
			return nil, nil, err
		}
		sort.Slice(files, func(i, j int) bool { return files[i].Index < files[j].Index })
		for _, f := range files {
			data, err := s.files.Get(ctx, a.ID, f.ID, f.Blob)
			if err != nil {
				return nil, nil, fmt.Errorf("kyc: open file %s: %w", f.ID, err)
			}
			u := &Upload{FileID: f.ID, Step: f.Step, Side: f.Side, Data: data}
			if f.CapturedAt != nil {
				u.CapturedAt = *f.CapturedAt
			}
			switch f.Side {
			case SideFront:
				in.Front = u
			case SideBack:
				in.Back = u
			case SideSelfie:
				in.Selfie = u
			case SidePOA:
				in.POA = u
			case SideFrame:
				in.Frames = append(in.Frames, u)
			}
		}
		if step == StepIdentity {
			in.Identity = at.Identity
		}
		if step == StepLiveness && at.ChallengeID != "" {
			c, err := s.store.GetChallenge(ctx, at.ChallengeID)
			if err != nil {
				return nil, nil, err
			}
			in.Challenge = c
		}
	}
	return in, current, nil
}

// RunCheck runs the checks of a submission and records the decision. It is idempotent: a
// submission already decided is left alone, so a job run twice (after a crash) decides once.
// giveUp is set on the job's last attempt: a check that still cannot run then goes to a reviewer
// as CHECK_UNAVAILABLE instead of failing again.
func (s *Service) RunCheck(ctx context.Context, submissionID string, giveUp bool) error {
	sub, err := s.store.GetSubmission(ctx, submissionID)
	if err != nil {
		return err
	}
	if sub.Status == SubmissionDecided {
		return nil
	}
	in, current, err := s.CheckInputFor(ctx, sub)
	if err != nil {
		return err
	}
	res, err := s.checker.Check(ctx, in)
	if err != nil {
		if !giveUp {
			return err
		}
		s.log.Error("checks unavailable, escalating to review", "submission_id", sub.ID, "err", err)
		res = &CheckResult{Findings: []Finding{{Code: CheckUnavailable, Step: sub.Steps[0],
			Detail: map[string]any{"error": "checks could not run after retries"}}}}
	}
	// The document policy on what the applicant selected, unless the reader already judged
	// what it read.
	for _, f := range PolicyFindings(in) {
		if !slices.ContainsFunc(res.Findings, func(g Finding) bool { return g.Code == f.Code }) {
			res.Findings = append(res.Findings, f)
		}
	}
	dups, marks, err := s.duplicates(ctx, sub.ApplicantID, res, s.now())
	if err != nil {
		return err
	}
	res.Findings = append(res.Findings, dups...)
	return s.decide(ctx, sub, current, res, marks, giveUp)
}

// PolicyFindings applies the level's document policy to what the applicant chose.
func PolicyFindings(in *CheckInput) []Finding {
	var out []Finding
	if in.Identity != nil && in.Level != nil {
		if ok, code := in.Level.AcceptsDocument(in.Identity.DocType, in.Identity.Country); !ok {
			out = append(out, NewFinding(code, SideNone, map[string]any{
				"doc_type": string(in.Identity.DocType), "country": in.Identity.Country}))
		}
	}
	return out
}

// Judgement is the policy's verdict on a set of findings.
type Judgement struct {
	Reasons []Reason // every reason, sorted by step, side and code
	ByStep  map[Step][]Reason
	Outcome Status
}

// Judge turns findings into reasons with the level's policy: each code's disposition for the
// attempt number of its step, applicant messages, and RESUBMISSION_LIMIT_REACHED for a submitted
// step that failed for a retry on its last allowed attempt. attempts holds the attempt number per
// step; submitted, the steps of this submission (nil = all). escalated turns SYSTEM into REVIEW:
// the checks gave up and a human takes over. It is pure: the worker and `kycd check` share it.
func Judge(pol Policy, findings []Finding, attempts map[Step]int, submitted map[Step]bool, maxAttempts int, escalated bool) Judgement {
	j := Judgement{ByStep: map[Step][]Reason{}}
	for _, f := range findings {
		if f.Step == "" {
			if e, ok := Lookup(f.Code); ok {
				f.Step = e.Step
			}
		}
		n := max(1, attempts[f.Step])
		d := pol.Disposition(f.Code, n)
		if d == System && escalated {
			d = Review
		}
		r := Explain(f, d)
		j.ByStep[r.Step] = append(j.ByStep[r.Step], r)
		j.Reasons = append(j.Reasons, r)
	}
	for step, rs := range j.ByStep {
		n := attempts[step]
		if (submitted != nil && !submitted[step]) || n < maxAttempts {
			continue
		}
		for _, r := range rs {
			if r.Disposition == Retry {
				lim := Explain(Finding{Code: ResubmissionLimitReached, Step: step, Detail: map[string]any{
					"attempts": n, "max_attempts": maxAttempts}}, pol.Disposition(ResubmissionLimitReached, n))
				j.ByStep[step] = append(j.ByStep[step], lim)
				j.Reasons = append(j.Reasons, lim)
				break
			}
		}
	}
	sortReasons(j.Reasons)
	j.Outcome = Outcome(j.Reasons)
	return j
}

func (s *Service) decide(ctx context.Context, sub *Submission, current map[Step]*Attempt, res *CheckResult, marks []IdentityMark, escalated bool) error {
	pol := s.policies[sub.Level]
	submitted := map[Step]bool{}
	for _, st := range sub.Steps {
		submitted[st] = true
	}
	numbers := map[Step]int{}
	for step, at := range current {
		numbers[step] = at.Number
	}
	j := Judge(pol, res.Findings, numbers, submitted, s.set.MaxAttemptsPerStep, escalated)
	reasons, byStep, outcome := j.Reasons, j.ByStep, j.Outcome
	now := s.now()
	return s.store.Update(ctx, func(tx Tx) error {
		fresh, err := tx.GetSubmission(ctx, sub.ID)
		if err != nil {
			return err
		}
		if fresh.Status == SubmissionDecided {
			return nil // decided by a concurrent run
		}
		a, err := tx.GetApplicant(ctx, sub.ApplicantID)
		if err != nil {
			return err
		}
		for step, at := range current {
			rs := byStep[step]
			if !submitted[step] {
				if len(rs) == 0 || at.Status != AttemptPassed {
					continue
				}
				// A cross-step check failed on a step that had passed: it must be redone.
			}
			at.Reasons = rs
			at.Status = attemptStatus(rs)
			at.DecidedAt = &now
			if step == StepIdentity && res.Document != nil {
				at.DocExpiresAt = res.Document.Fields["expiry_date"]
				if at.DocExpiresAt == "" && res.Document.MRZ != nil {
					at.DocExpiresAt = res.Document.MRZ.Fields["expiry_date"]
				}
			}
			if err := tx.UpdateAttempt(ctx, at); err != nil {
				return err
			}
		}
		for i := range marks {
			marks[i].SubmissionID = sub.ID
			if err := tx.PutIdentityMark(ctx, &marks[i]); err != nil {
				return err
			}
		}
		fresh.Status, fresh.Outcome, fresh.Reasons, fresh.PolicyVersion = SubmissionDecided, outcome, reasons, pol.Version
		fresh.Result, fresh.DecidedAt = res, &now
		if err := tx.UpdateSubmission(ctx, fresh); err != nil {
			return err
		}
		var dueAt *time.Time
		if outcome == InReview {
			c := &Case{ID: NewID("case", now), ApplicantID: a.ID, Level: sub.Level, SubmissionID: sub.ID, Kind: CaseReview,
				Status: CaseOpen, DueAt: DueDate(now, s.set.SLABusinessDays), Reasons: reasons, CreatedAt: now}
			if err := tx.CreateCase(ctx, c); err != nil {
				return err
			}
			dueAt = &c.DueAt
		}
		if _, err := s.setStatus(ctx, tx, a, sub.Level, Event{Trigger: TrigChecked, Outcome: outcome}, func(st *LevelState) {
			if dueAt != nil {
				st.ReviewDueAt = dueAt
			}
		}); err != nil {
			return err
		}
		if outcome == Approved {
			if err := s.approveLowerLevels(ctx, tx, a, sub.Level); err != nil {
				return err
			}
		}
		codes := reasonCodes(reasons)
		if err := s.emit(ctx, tx, a, EventDecision, map[string]any{
			"level": sub.Level, "submission_id": sub.ID, "status": string(outcome), "reasons": codes}); err != nil {
			return err
		}
		return s.audit(ctx, tx, Actor{Type: ActorSystem}, "submission.decide", a.ID, sub.ID, map[string]any{
			"outcome": string(outcome), "reasons": codes, "policy": pol.Version})
	})
}

func reasonCodes(rs []Reason) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, string(r.Code))
	}
	return out
}

func attemptStatus(rs []Reason) AttemptStatus {
	st := AttemptPassed
	for _, r := range rs {
		switch r.Disposition {
		case Final:
			return AttemptRejected
		case Retry:
			st = AttemptRetry
		case Review, System:
			if st == AttemptPassed {
				st = AttemptReview
			}
		}
	}
	return st
}

// approveLowerLevels marks every lower level whose steps are a subset of the approved one as
// approved too: an applicant approved for advanced is approved for basic.
func (s *Service) approveLowerLevels(ctx context.Context, tx Tx, a *Applicant, level string) error {
	top, _ := s.Level(level)
	for i := 0; i < s.levelIndex(level); i++ {
		l := s.set.Levels[i]
		covered := true
		for _, st := range l.Steps {
			covered = covered && top.Requires(st)
		}
		if !covered {
			continue
		}
		st, err := tx.GetLevelState(ctx, a.ID, l.Name)
		if err != nil && !IsNotFound(err) {
			return err
		}
		if st != nil && st.Status == Approved {
			continue
		}
		prev := NotStarted
		if st != nil {
			prev = st.Status
		}
		ns := &LevelState{ApplicantID: a.ID, Level: l.Name, Status: Approved, UpdatedAt: s.now()}
		if err := tx.PutLevelState(ctx, ns); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, a, EventStatusChanged, map[string]any{
			"level": l.Name, "from": string(prev), "to": string(Approved), "trigger": "higher_level_approved"}); err != nil {
			return err
		}
	}
	return nil
}
