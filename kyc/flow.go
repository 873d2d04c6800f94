package kyc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"strings"
	"time"
)

// draftable loads the applicant and checks that their target level accepts new data now: not
// while checks run, not while a reviewer has the case, not after a rejection.
func (s *Service) draftable(ctx context.Context, tx Reader, applicantID string, step Step) (*Applicant, *Level, error) {
	a, err := tx.GetApplicant(ctx, applicantID)
	if err != nil {
		return nil, nil, err
	}
	l, _ := s.Level(a.Level)
	if step != "" && !l.Requires(step) {
		return nil, nil, Invalid("step", "level %s has no %s step", l.Name, step)
	}
	st, err := tx.GetLevelState(ctx, a.ID, a.Level)
	if err != nil && !IsNotFound(err) {
		return nil, nil, err
	}
	if st != nil {
		switch st.Status {
		case Pending:
			return nil, nil, Errorf(KindConflict, "checks are running; wait for the decision")
		case InReview:
			return nil, nil, Errorf(KindConflict, "a reviewer is looking at this application")
		case Rejected:
			return nil, nil, Errorf(KindConflict, "the application was rejected; you can appeal")
		}
	}
	if step != "" {
		attempts, err := tx.ListAttempts(ctx, a.ID)
		if err != nil {
			return nil, nil, err
		}
		if at, ok := latestAttempts(attempts)[step]; ok && at.Status == AttemptPassed {
			return nil, nil, Errorf(KindConflict, "step %s has already passed", step)
		}
	}
	return a, l, nil
}

func (s *Service) touch(ctx context.Context, tx Tx, a *Applicant) error {
	_, err := s.setStatus(ctx, tx, a, a.Level, Event{Trigger: TrigDraftSaved}, nil)
	return err
}

// SetIdentity records which document the applicant is about to photograph. A type or country the
// level does not accept is refused at once.
func (s *Service) SetIdentity(ctx context.Context, actor Actor, applicantID string, c IdentityChoice) (*Draft, error) {
	c.Country = strings.ToUpper(strings.TrimSpace(c.Country))
	if !c.DocType.Valid() {
		return nil, Invalid("doc_type", "doc_type must be one of passport, id_card, driving_licence, residence_permit")
	}
	if !isISO3(c.Country) {
		return nil, Invalid("country", "country must be an ISO 3166-1 alpha-3 code")
	}
	var d *Draft
	err := s.store.Update(ctx, func(tx Tx) error {
		a, l, err := s.draftable(ctx, tx, applicantID, StepIdentity)
		if err != nil {
			return err
		}
		if ok, code := l.AcceptsDocument(c.DocType, c.Country); !ok {
			e := Explain(NewFinding(code, SideNone, nil), Retry)
			return &Error{Kind: KindInvalid, Code: code, Field: "doc_type", Message: e.Message + " " + e.Hint}
		}
		d, err = tx.GetDraft(ctx, a.ID, StepIdentity)
		if IsNotFound(err) {
			d, err = &Draft{ApplicantID: a.ID, Step: StepIdentity}, nil
		}
		if err != nil {
			return err
		}
		d.Identity, d.UpdatedAt = &c, s.now()
		if err := tx.PutDraft(ctx, d); err != nil {
			return err
		}
		return s.touch(ctx, tx, a)
	})
	return d, err
}

// slots says which sides a step's upload may name.
func slotAllowed(step Step, side Side) bool {
	switch step {
	case StepIdentity:
		return side == SideFront || side == SideBack
	case StepSelfie:
		return side == SideSelfie
	case StepProofOfAddress:
		return side == SidePOA
	}
	return false
}

// UploadFile stores a document side, a selfie or a proof of address as a draft and returns it
// with the upload-time reasons (file level and image quality), so the capture page can ask for a
// new photo at once. A file-level problem refuses the file; nothing is kept.
func (s *Service) UploadFile(ctx context.Context, actor Actor, applicantID string, step Step, side Side, data []byte) (*File, error) {
	if !slotAllowed(step, side) {
		return nil, Invalid("side", "step %s takes no side %q", step, side)
	}
	a, _, err := s.draftable(ctx, s.store, applicantID, step)
	if err != nil {
		return nil, err
	}
	var replaced []BlobRef
	f, err := s.storeFile(ctx, actor, a, &Upload{Step: step, Side: side, Data: data}, func(ctx context.Context, tx Tx, f *File) error {
		replaced = replaced[:0]
		// The new draft replaces the previous one for the same slot.
		old, err := tx.ListFiles(ctx, FileFilter{ApplicantID: a.ID, Step: step, Side: side, Drafts: true})
		if err != nil {
			return err
		}
		for _, o := range old {
			if o.ID != f.ID {
				if err := tx.DeleteFile(ctx, o.ID); err != nil {
					return err
				}
				replaced = append(replaced, o.Blob)
			}
		}
		return s.duplicateCheck(ctx, tx, f)
	})
	if err == nil {
		s.deleteBlobs(ctx, replaced)
	}
	return f, err
}

// deleteBlobs removes the encrypted files of rows a committed transaction deleted. A failure
// leaves an unreadable blob behind (its key is gone with the row): it is logged, not returned.
func (s *Service) deleteBlobs(ctx context.Context, refs []BlobRef) {
	for _, ref := range refs {
		if err := s.files.Delete(context.WithoutCancel(ctx), ref); err != nil && !IsNotFound(err) {
			s.log.Error("could not delete a replaced file", "key", ref.Key, "err", err)
		}
	}
}

// duplicateCheck refuses the same bytes uploaded again for another slot of the applicant, or a file
// that already failed.
func (s *Service) duplicateCheck(ctx context.Context, tx Tx, f *File) error {
	files, err := tx.ListFiles(ctx, FileFilter{ApplicantID: f.ApplicantID})
	if err != nil {
		return err
	}
	for _, o := range files {
		if o.ID == f.ID || o.SHA256 != f.SHA256 {
			continue
		}
		code := FileDuplicateUpload
		switch {
		case o.Step == StepIdentity && f.Step == StepIdentity && o.Side != f.Side && o.AttemptID == "":
			code = DocSameSideTwice
		case o.Step == f.Step && o.Side == f.Side:
			// The same photo for the same slot is a duplicate only if it is already known to be
			// bad: re-sending a good back side while redoing the front is fine.
			bad, err := s.knownBad(ctx, tx, &o)
			if err != nil {
				return err
			}
			if !bad {
				continue
			}
		}
		r := Explain(Finding{Code: code, Step: f.Step, Side: f.Side}, Retry)
		return &Error{Kind: KindInvalid, Code: code, Field: "file", Message: r.Message + " " + r.Hint}
	}
	return nil
}

// knownBad reports whether a stored file had an upload-time reason, or belongs to an attempt with a
// reason naming its side (a reviewer's step-wide request does not condemn every photo of the step).
func (s *Service) knownBad(ctx context.Context, tx Tx, f *File) (bool, error) {
	if len(f.Reasons) > 0 {
		return true, nil
	}
	if f.AttemptID == "" {
		return false, nil
	}
	at, err := tx.GetAttempt(ctx, f.AttemptID)
	if err != nil {
		return false, err
	}
	for _, r := range at.Reasons {
		if r.Side != SideNone && r.Side == f.Side {
			return true, nil
		}
	}
	return false, nil
}

// storeFile runs the upload checks, encrypts and stores the bytes, and records the file row in
// the same transaction as extra (which may refuse it). A failure after the blob was written
// deletes the blob, so no orphan is left.
func (s *Service) storeFile(ctx context.Context, actor Actor, a *Applicant, u *Upload, extra func(context.Context, Tx, *File) error) (*File, error) {
	res := s.checker.CheckUpload(ctx, u)
	if res.Rejected {
		return nil, uploadError(u, res)
	}
	now := s.now()
	f := &File{ID: NewID("file", now), ApplicantID: a.ID, Step: u.Step, Side: u.Side, ContentType: res.ContentType,
		Size: int64(len(u.Data)), SHA256: res.SHA256, Width: res.Width, Height: res.Height, CreatedAt: now}
	if !u.CapturedAt.IsZero() {
		t := u.CapturedAt.UTC()
		f.CapturedAt = &t
	}
	pol := s.policies[a.Level]
	for _, fd := range res.Findings {
		if fd.Step == "" || u.Step != StepIdentity {
			fd.Step = u.Step
		}
		fd.Side = u.Side
		f.Reasons = append(f.Reasons, Explain(fd, pol.Disposition(fd.Code, 1)))
	}
	ref, err := s.files.Put(ctx, a.ID, f.ID, u.Data)
	if err != nil {
		return nil, err
	}
	f.Blob = ref
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateFile(ctx, f); err != nil {
			return err
		}
		if extra != nil {
			if err := extra(ctx, tx, f); err != nil {
				return err
			}
		}
		if err := s.touch(ctx, tx, a); err != nil {
			return err
		}
		codes := make([]string, 0, len(f.Reasons))
		for _, r := range f.Reasons {
			codes = append(codes, string(r.Code))
		}
		return s.audit(ctx, tx, actor, "file.upload", a.ID, f.ID, map[string]any{
			"step": string(f.Step), "side": string(f.Side), "size": f.Size, "reasons": codes})
	})
	if err != nil {
		if derr := s.files.Delete(context.WithoutCancel(ctx), ref); derr != nil {
			s.log.Error("orphan blob after failed upload", "file_id", f.ID, "err", derr)
		}
		return nil, err
	}
	return f, nil
}

// uploadError turns a refused upload into the error the API returns: 413 for size, 415 for
// format, 422 otherwise, each with its reason code.
func uploadError(u *Upload, res *UploadResult) error {
	fd := Finding{Code: FileCorrupted}
	if len(res.Findings) > 0 {
		fd = res.Findings[0]
	}
	fd.Step, fd.Side = u.Step, u.Side
	r := Explain(fd, Retry)
	kind := KindInvalid
	switch fd.Code {
	case FileTooLarge:
		kind = KindTooLarge
	case FileFormatUnsupported:
		kind = KindUnsupported
	}
	return &Error{Kind: kind, Code: fd.Code, Field: "file", Message: r.Message + " " + r.Hint}
}

// NewChallenge issues a random liveness challenge with a single-use nonce.
func (s *Service) NewChallenge(ctx context.Context, actor Actor, applicantID string) (*Challenge, error) {
	var c *Challenge
	var discarded []BlobRef
	err := s.store.Update(ctx, func(tx Tx) error {
		a, _, err := s.draftable(ctx, tx, applicantID, StepLiveness)
		if err != nil {
			return err
		}
		now := s.now()
		nonce := make([]byte, 16)
		if _, err := rand.Read(nonce); err != nil {
			return err
		}
		c = &Challenge{ID: NewID("chl", now), ApplicantID: a.ID, Nonce: hex.EncodeToString(nonce),
			Actions: randomActions(s.set.LivenessMinActions, s.set.LivenessMaxActions), CreatedAt: now,
			ExpiresAt: now.Add(s.set.LivenessTTL)}
		if err := tx.CreateChallenge(ctx, c); err != nil {
			return err
		}
		// A new challenge discards the frames of the previous one.
		old, err := tx.ListFiles(ctx, FileFilter{ApplicantID: a.ID, Step: StepLiveness, Drafts: true})
		if err != nil {
			return err
		}
		discarded = discarded[:0]
		for _, o := range old {
			if err := tx.DeleteFile(ctx, o.ID); err != nil {
				return err
			}
			discarded = append(discarded, o.Blob)
		}
		if err := tx.PutDraft(ctx, &Draft{ApplicantID: a.ID, Step: StepLiveness, ChallengeID: c.ID, UpdatedAt: now}); err != nil {
			return err
		}
		if err := s.touch(ctx, tx, a); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "liveness.challenge", a.ID, c.ID, map[string]any{"actions": c.Actions})
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlobs(ctx, discarded)
	return c, nil
}

// randomActions picks n in [min, max] distinct actions in random order; turning left and right in
// the same challenge is allowed, repeating an action is not.
func randomActions(minN, maxN int) []LivenessAction {
	n := minN
	if maxN > minN {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(maxN-minN+1)))
		n += int(k.Int64())
	}
	pool := append([]LivenessAction(nil), LivenessActions...)
	out := make([]LivenessAction, 0, n)
	for len(out) < n && len(pool) > 0 {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(pool))))
		i := int(k.Int64())
		out = append(out, pool[i])
		pool = append(pool[:i], pool[i+1:]...)
	}
	return out
}

// UploadFrame stores one frame captured during the challenge identified by its nonce. Frames of a
// used or expired challenge are refused.
func (s *Service) UploadFrame(ctx context.Context, actor Actor, applicantID, nonce string, index int, capturedAt time.Time, data []byte) (*File, error) {
	a, _, err := s.draftable(ctx, s.store, applicantID, StepLiveness)
	if err != nil {
		return nil, err
	}
	if index < 0 || index >= s.set.MaxFrames {
		return nil, Invalid("index", "frame index must be between 0 and %d", s.set.MaxFrames-1)
	}
	d, err := s.store.GetDraft(ctx, a.ID, StepLiveness)
	if IsNotFound(err) {
		return nil, Errorf(KindConflict, "start a liveness challenge first")
	}
	if err != nil {
		return nil, err
	}
	c, err := s.store.GetChallenge(ctx, d.ChallengeID)
	if err != nil {
		return nil, err
	}
	if c.Nonce != nonce {
		return nil, Errorf(KindConflict, "this challenge is not the current one; start a new challenge").WithCode(LivenessExpired)
	}
	if c.UsedAt != nil {
		return nil, Errorf(KindConflict, "this challenge was already used; start a new challenge").WithCode(LivenessExpired)
	}
	now := s.now()
	if now.After(c.ExpiresAt) {
		return nil, Errorf(KindConflict, "the challenge expired; start a new challenge").WithCode(LivenessExpired)
	}
	if capturedAt.IsZero() {
		capturedAt = now
	}
	var replaced []BlobRef
	f, err := s.storeFile(ctx, actor, a, &Upload{Step: StepLiveness, Side: SideFrame, Data: data, CapturedAt: capturedAt},
		func(ctx context.Context, tx Tx, f *File) error {
			replaced = replaced[:0]
			f.Index = index
			old, err := tx.ListFiles(ctx, FileFilter{ApplicantID: a.ID, Step: StepLiveness, Drafts: true})
			if err != nil {
				return err
			}
			for _, o := range old {
				if o.Index == index && o.ID != f.ID {
					if err := tx.DeleteFile(ctx, o.ID); err != nil {
						return err
					}
					replaced = append(replaced, o.Blob)
				}
			}
			return tx.UpdateFile(ctx, f)
		})
	if err == nil {
		s.deleteBlobs(ctx, replaced)
	}
	return f, err
}

// Submit submits every step of the target level that has not passed. The steps must all have
// their data; the missing ones are named in a conflict error. Attempts, file bindings, the status
// change and the check job are written in one transaction.
func (s *Service) Submit(ctx context.Context, actor Actor, applicantID string) (*Submission, error) {
	var sub *Submission
	err := s.store.Update(ctx, func(tx Tx) error {
		a, err := tx.GetApplicant(ctx, applicantID)
		if err != nil {
			return err
		}
		l, _ := s.Level(a.Level)
		st, err := tx.GetLevelState(ctx, a.ID, a.Level)
		if err != nil && !IsNotFound(err) {
			return err
		}
		if st == nil || (st.Status != InProgress && st.Status != ActionRequired) {
			status := NotStarted
			if st != nil {
				status = st.Status
			}
			if status == NotStarted {
				return &Error{Kind: KindConflict, Message: "nothing to submit yet", Missing: l.Steps}
			}
			return Errorf(KindConflict, "cannot submit while %s", status)
		}
		attempts, err := tx.ListAttempts(ctx, a.ID)
		if err != nil {
			return err
		}
		latest, used := latestAttempts(attempts), countAttempts(attempts)
		now := s.now()
		sub = &Submission{ID: NewID("sub", now), ApplicantID: a.ID, Level: l.Name, Status: SubmissionPending, CreatedAt: now}
		var missing []Step
		var planned []*Attempt
		var bind []File
		for _, step := range l.Steps {
			if at, ok := latest[step]; ok && at.Status == AttemptPassed {
				continue
			}
			if used[step] >= s.set.MaxAttemptsPerStep {
				return Errorf(KindConflict, "step %s has no attempts left; you can appeal", step).WithCode(ResubmissionLimitReached)
			}
			at := &Attempt{ID: NewID("att", now), ApplicantID: a.ID, SubmissionID: sub.ID, Step: step,
				Number: used[step] + 1, Status: AttemptPending, CreatedAt: now}
			files, ok, err := s.collect(ctx, tx, a, l, step, at, latest[step])
			if err != nil {
				return err
			}
			if !ok {
				missing = append(missing, step)
				continue
			}
			planned = append(planned, at)
			bind = append(bind, files...)
			sub.Steps = append(sub.Steps, step)
		}
		if len(missing) > 0 {
			names := make([]string, len(missing))
			for i, m := range missing {
				names[i] = string(m)
			}
			return &Error{Kind: KindConflict, Message: "steps missing: " + strings.Join(names, ", "), Missing: missing}
		}
		if len(planned) == 0 {
			return Errorf(KindConflict, "every step has already passed")
		}
		if err := tx.CreateSubmission(ctx, sub); err != nil {
			return err
		}
		for _, at := range planned {
			if err := tx.CreateAttempt(ctx, at); err != nil {
				return err
			}
			if at.ChallengeID != "" {
				if err := tx.UseChallenge(ctx, at.ChallengeID, now); err != nil {
					return err
				}
			}
			if err := tx.DeleteDraft(ctx, a.ID, at.Step); err != nil && !IsNotFound(err) {
				return err
			}
		}
		for i := range bind {
			if err := tx.UpdateFile(ctx, &bind[i]); err != nil {
				return err
			}
		}
		if _, err := s.setStatus(ctx, tx, a, l.Name, Event{Trigger: TrigSubmitted}, func(st *LevelState) { st.SubmissionID = sub.ID }); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, CheckJob{SubmissionID: sub.ID}, JobOpts{Queue: "checks", MaxAttempts: s.set.CheckRetries}); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "submission.create", a.ID, sub.ID, map[string]any{"steps": sub.Steps, "level": l.Name})
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// collect gathers a step's draft into the attempt: reports false when the step's data is missing.
func (s *Service) collect(ctx context.Context, tx Tx, a *Applicant, l *Level, step Step, at, prev *Attempt) ([]File, bool, error) {
	draftFiles := func(side Side) ([]File, error) {
		return tx.ListFiles(ctx, FileFilter{ApplicantID: a.ID, Step: step, Side: side, Drafts: true})
	}
	var files []File
	switch step {
	case StepProfile:
		p := a.Profile
		if err := ValidateProfile(&p, s.now(), true); err != nil {
			return nil, false, err
		}
		if l.Requires(StepProofOfAddress) {
			if err := ValidateAddress(&p); err != nil {
				return nil, false, err
			}
		}
		at.Profile = &p
		return nil, true, nil
	case StepIdentity:
		// The document chosen for this attempt, or else the one of the previous attempt: a
		// retry usually photographs the same document again.
		d, err := tx.GetDraft(ctx, a.ID, StepIdentity)
		if err != nil && !IsNotFound(err) {
			return nil, false, err
		}
		if d != nil && d.Identity != nil {
			at.Identity = d.Identity
		} else if prev != nil && prev.Identity != nil {
			at.Identity = prev.Identity
		} else {
			return nil, false, nil
		}
		d = &Draft{Identity: at.Identity}
		sides := []Side{SideFront}
		if d.Identity.DocType.HasBack() {
			sides = append(sides, SideBack)
		}
		for _, side := range sides {
			fs, err := draftFiles(side)
			if err != nil {
				return nil, false, err
			}
			if len(fs) == 0 {
				return nil, false, nil
			}
			files = append(files, fs[len(fs)-1])
		}
	case StepSelfie, StepProofOfAddress:
		side := SideSelfie
		if step == StepProofOfAddress {
			side = SidePOA
		}
		fs, err := draftFiles(side)
		if err != nil {
			return nil, false, err
		}
		if len(fs) == 0 {
			return nil, false, nil
		}
		files = append(files, fs[len(fs)-1])
	case StepLiveness:
		d, err := tx.GetDraft(ctx, a.ID, StepLiveness)
		if IsNotFound(err) || (err == nil && d.ChallengeID == "") {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		fs, err := draftFiles(SideFrame)
		if err != nil {
			return nil, false, err
		}
		if len(fs) < 3 {
			return nil, false, nil
		}
		at.ChallengeID = d.ChallengeID
		files = fs
	}
	for i := range files {
		files[i].AttemptID = at.ID
	}
	return files, true, nil
}

// Appeal sends the applicant's case to a reviewer with a message and optional new files.
func (s *Service) Appeal(ctx context.Context, actor Actor, applicantID, message string, uploads [][]byte) (*Case, error) {
	message = strings.TrimSpace(message)
	if message == "" || len([]rune(message)) > 4000 {
		return nil, Invalid("message", "message is required, at most 4000 characters")
	}
	if len(uploads) > s.set.MaxAppealFiles {
		return nil, Invalid("files", "at most %d files", s.set.MaxAppealFiles)
	}
	a, err := s.store.GetApplicant(ctx, applicantID)
	if err != nil {
		return nil, err
	}
	st, err := s.store.GetLevelState(ctx, a.ID, a.Level)
	if err != nil {
		return nil, err
	}
	if st.Status != Rejected && st.Status != ActionRequired {
		return nil, Errorf(KindConflict, "an appeal is possible after a rejection or a request to retry, not while %s", st.Status)
	}
	now := s.now()
	c := &Case{ID: NewID("case", now), ApplicantID: a.ID, Level: a.Level, SubmissionID: st.SubmissionID, Kind: CaseAppeal,
		Status: CaseOpen, DueAt: DueDate(now, s.set.SLABusinessDays), AppealMessage: message, CreatedAt: now}
	var stored []*File
	cleanup := func() {
		for _, f := range stored {
			_ = s.files.Delete(context.WithoutCancel(ctx), f.Blob)
		}
	}
	// Appeal files are checked like any upload but kept whatever their quality: a reviewer reads them.
	for _, data := range uploads {
		res := s.checker.CheckUpload(ctx, &Upload{Step: StepIdentity, Side: SideAppeal, Data: data})
		if res.Rejected {
			cleanup()
			return nil, uploadError(&Upload{Step: StepIdentity, Side: SideAppeal}, res)
		}
		f := &File{ID: NewID("file", now), ApplicantID: a.ID, Side: SideAppeal, CaseID: c.ID, ContentType: res.ContentType,
			Size: int64(len(data)), SHA256: res.SHA256, Width: res.Width, Height: res.Height, CreatedAt: now}
		ref, err := s.files.Put(ctx, a.ID, f.ID, data)
		if err != nil {
			cleanup()
			return nil, err
		}
		f.Blob = ref
		stored = append(stored, f)
	}
	if st.Status == Rejected || st.Status == ActionRequired {
		attempts, err := s.store.ListAttempts(ctx, a.ID)
		if err != nil {
			cleanup()
			return nil, err
		}
		for _, at := range latestAttempts(attempts) {
			if at.Status == AttemptRetry || at.Status == AttemptRejected || at.Status == AttemptReview {
				c.Reasons = append(c.Reasons, at.Reasons...)
			}
		}
		sortReasons(c.Reasons)
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateCase(ctx, c); err != nil {
			return err
		}
		for _, f := range stored {
			if err := tx.CreateFile(ctx, f); err != nil {
				return err
			}
		}
		if _, err := s.setStatus(ctx, tx, a, a.Level, Event{Trigger: TrigAppealed}, func(st *LevelState) { st.ReviewDueAt = &c.DueAt }); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "appeal.create", a.ID, c.ID, map[string]any{"files": len(stored)})
	})
	if err != nil {
		cleanup()
		return nil, err
	}
	return c, nil
}
