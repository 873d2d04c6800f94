package kyc

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// NewApplicant is what an integrator sends to create an applicant.
type NewApplicant struct {
	ExternalID string  `json:"external_id"`
	Level      string  `json:"level"`
	Profile    Profile `json:"profile"`
}

// ApplicantView is an applicant as the API shows it: status per level, the steps of the target
// level with attempts used and left, every current reason, the limits of the highest approved
// level and the expected review date.
type ApplicantView struct {
	Applicant
	Status        Status             `json:"status"` // of the target level
	Levels        []LevelState       `json:"levels"`
	Steps         []StepView         `json:"steps"`
	Reasons       []Reason           `json:"reasons"`
	ApprovedLevel string             `json:"approved_level,omitempty"`
	Limits        map[string]float64 `json:"limits"`
	ReviewDueAt   *time.Time         `json:"review_due_at,omitempty"`
}

// StepState is where one step stands for the applicant.
type StepState string

// Step states.
const (
	StepNotStarted StepState = "not_started"
	StepDraft      StepState = "draft"
	StepPending    StepState = "pending"
	StepPassed     StepState = "passed"
	StepRetry      StepState = "retry"
	StepReview     StepState = "review"
	StepRejected   StepState = "rejected"
)

// StepView is one step of the target level.
type StepView struct {
	Step         Step      `json:"step"`
	State        StepState `json:"state"`
	AttemptsUsed int       `json:"attempts_used"`
	AttemptsLeft int       `json:"attempts_left"`
	Reasons      []Reason  `json:"reasons,omitempty"`
}

// CreateApplicant registers an applicant for a level.
func (s *Service) CreateApplicant(ctx context.Context, actor Actor, in NewApplicant) (*ApplicantView, error) {
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	if in.ExternalID == "" || len(in.ExternalID) > 128 || !printable(in.ExternalID) {
		return nil, Invalid("external_id", "external_id is required: 1 to 128 printable characters")
	}
	if in.Level == "" {
		in.Level = s.set.Levels[0].Name
	}
	if _, ok := s.Level(in.Level); !ok {
		return nil, Invalid("level", "unknown level %q", in.Level)
	}
	if err := ValidateProfile(&in.Profile, s.now(), false); err != nil {
		return nil, err
	}
	now := s.now()
	a := &Applicant{ID: NewID("app", now), ExternalID: in.ExternalID, Level: in.Level, Profile: in.Profile,
		CreatedAt: now, UpdatedAt: now}
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateApplicant(ctx, a); err != nil {
			return err
		}
		if err := tx.PutLevelState(ctx, &LevelState{ApplicantID: a.ID, Level: a.Level, Status: NotStarted, UpdatedAt: now}); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, a, EventApplicantCreated, map[string]any{"level": a.Level}); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "applicant.create", a.ID, "", map[string]any{"level": a.Level})
	})
	if err != nil {
		return nil, err
	}
	return s.Applicant(ctx, a.ID)
}

// Applicant returns the applicant's view.
func (s *Service) Applicant(ctx context.Context, id string) (*ApplicantView, error) {
	a, err := s.store.GetApplicant(ctx, id)
	if err != nil {
		return nil, err
	}
	states, err := s.store.ListLevelStates(ctx, id)
	if err != nil {
		return nil, err
	}
	attempts, err := s.store.ListAttempts(ctx, id)
	if err != nil {
		return nil, err
	}
	drafts, err := s.store.ListFiles(ctx, FileFilter{ApplicantID: id, Drafts: true})
	if err != nil {
		return nil, err
	}
	return s.view(a, states, attempts, drafts), nil
}

// ApplicantByExternalID looks an applicant up by the integrator's id.
func (s *Service) ApplicantByExternalID(ctx context.Context, externalID string) (*ApplicantView, error) {
	a, err := s.store.GetApplicantByExternalID(ctx, externalID)
	if err != nil {
		return nil, err
	}
	return s.Applicant(ctx, a.ID)
}

func (s *Service) view(a *Applicant, states []LevelState, attempts []Attempt, drafts []File) *ApplicantView {
	v := &ApplicantView{Applicant: *a, Status: NotStarted, Limits: map[string]float64{}, Reasons: []Reason{}}
	byLevel := map[string]LevelState{}
	for _, st := range states {
		byLevel[st.Level] = st
	}
	approved := -1
	for i, l := range s.set.Levels {
		st, ok := byLevel[l.Name]
		if !ok {
			st = LevelState{Level: l.Name, Status: NotStarted}
		}
		v.Levels = append(v.Levels, st)
		if st.Status == Approved {
			approved = i
		}
		if l.Name == a.Level {
			v.Status, v.ReviewDueAt = st.Status, st.ReviewDueAt
		}
	}
	if approved >= 0 {
		l := s.set.Levels[approved]
		v.ApprovedLevel = l.Name
		for k, x := range l.Limits {
			v.Limits[k] = x
		}
	}
	level, _ := s.Level(a.Level)
	latest := latestAttempts(attempts)
	used := countAttempts(attempts)
	hasDraft := map[Step]bool{}
	for _, f := range drafts {
		hasDraft[f.Step] = true
	}
	for _, step := range level.Steps {
		sv := StepView{Step: step, State: StepNotStarted, AttemptsUsed: used[step]}
		sv.AttemptsLeft = max(0, s.set.MaxAttemptsPerStep-used[step])
		if at, ok := latest[step]; ok {
			sv.State = attemptState(at.Status)
			if at.Status != AttemptPassed && at.Status != AttemptPending {
				sv.Reasons = at.Reasons
				v.Reasons = append(v.Reasons, at.Reasons...)
			}
		}
		if hasDraft[step] && (sv.State == StepNotStarted || sv.State == StepRetry) {
			sv.State = StepDraft
		}
		v.Steps = append(v.Steps, sv)
	}
	sortReasons(v.Reasons)
	return v
}

func attemptState(s AttemptStatus) StepState {
	switch s {
	case AttemptPending:
		return StepPending
	case AttemptPassed:
		return StepPassed
	case AttemptRetry:
		return StepRetry
	case AttemptReview:
		return StepReview
	case AttemptRejected:
		return StepRejected
	}
	return StepNotStarted
}

// ApplicantUpdate changes an applicant. Nil fields stay as they are.
type ApplicantUpdate struct {
	Level   *string  `json:"level,omitempty"`
	Profile *Profile `json:"profile,omitempty"`
}

// UpdateApplicant changes the profile or the target level. A change of name, birth date or
// nationality after the identity step was checked re-opens the profile and identity steps; a
// change of address re-opens the proof of address (re-KYC). History is kept.
func (s *Service) UpdateApplicant(ctx context.Context, actor Actor, id string, up ApplicantUpdate) (*ApplicantView, error) {
	if up.Profile != nil {
		if err := ValidateProfile(up.Profile, s.now(), false); err != nil {
			return nil, err
		}
	}
	if up.Level != nil {
		if _, ok := s.Level(*up.Level); !ok {
			return nil, Invalid("level", "unknown level %q", *up.Level)
		}
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		a, err := tx.GetApplicant(ctx, id)
		if err != nil {
			return err
		}
		st, err := tx.GetLevelState(ctx, a.ID, a.Level)
		if err == nil && st.Status == Pending {
			return Errorf(KindConflict, "checks are running; try again when they finish")
		}
		detail := map[string]any{}
		if up.Level != nil && *up.Level != a.Level {
			detail["level"] = *up.Level
			a.Level = *up.Level
			if _, err := tx.GetLevelState(ctx, a.ID, a.Level); IsNotFound(err) {
				if err := tx.PutLevelState(ctx, &LevelState{ApplicantID: a.ID, Level: a.Level, Status: NotStarted, UpdatedAt: s.now()}); err != nil {
					return err
				}
			}
		}
		var reopen []Step
		if up.Profile != nil {
			old := a.Profile
			a.Profile = *up.Profile
			if identityChanged(old, a.Profile) {
				reopen = append(reopen, StepProfile, StepIdentity)
			}
			if addressChanged(old, a.Profile) {
				reopen = append(reopen, StepProofOfAddress)
			}
			detail["profile_changed"] = true
		}
		a.UpdatedAt = s.now()
		if err := tx.UpdateApplicant(ctx, a); err != nil {
			return err
		}
		if err := s.reopen(ctx, tx, a, reopen, ProfileChanged); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "applicant.update", a.ID, "", detail)
	})
	if err != nil {
		return nil, err
	}
	return s.Applicant(ctx, id)
}

// reopen marks the latest checked attempt of each step as needing a retry with the given code and
// moves every level the applicant holds that requires one of the steps back to action_required.
func (s *Service) reopen(ctx context.Context, tx Tx, a *Applicant, steps []Step, code Code) error {
	if len(steps) == 0 {
		return nil
	}
	attempts, err := tx.ListAttempts(ctx, a.ID)
	if err != nil {
		return err
	}
	latest := latestAttempts(attempts)
	var reopened []Step
	for _, step := range steps {
		at, ok := latest[step]
		if !ok || at.Status == AttemptPending || at.Status == AttemptRejected {
			continue
		}
		f := NewFinding(code, SideNone, nil)
		f.Step = step
		at.Status = AttemptRetry
		at.Reasons = append(at.Reasons, Explain(f, Retry))
		if err := tx.UpdateAttempt(ctx, at); err != nil {
			return err
		}
		reopened = append(reopened, step)
	}
	if len(reopened) == 0 {
		return nil
	}
	states, err := tx.ListLevelStates(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, st := range states {
		l, ok := s.Level(st.Level)
		if !ok || st.Status == NotStarted || st.Status == InProgress {
			continue
		}
		needs := false
		for _, step := range reopened {
			needs = needs || l.Requires(step)
		}
		if !needs {
			continue
		}
		if _, err := s.setStatus(ctx, tx, a, st.Level, Event{Trigger: TrigReverify}, nil); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, Actor{Type: ActorSystem}, "applicant.reopen", a.ID, "", map[string]any{
		"steps": reopened, "code": string(code)})
}

func identityChanged(a, b Profile) bool {
	return a.FirstName != b.FirstName || a.LastName != b.LastName || a.FullName != b.FullName ||
		a.DateOfBirth != b.DateOfBirth || a.Nationality != b.Nationality
}

func addressChanged(a, b Profile) bool {
	if (a.Address == nil) != (b.Address == nil) {
		return true
	}
	return a.Address != nil && *a.Address != *b.Address
}

// ValidateProfile checks a profile on input. complete demands every field a submission needs.
func ValidateProfile(p *Profile, now time.Time, complete bool) error {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	trim(&p.FirstName)
	trim(&p.LastName)
	trim(&p.FullName)
	p.Nationality = strings.ToUpper(strings.TrimSpace(p.Nationality))
	p.CountryOfResidence = strings.ToUpper(strings.TrimSpace(p.CountryOfResidence))
	for field, v := range map[string]string{"first_name": p.FirstName, "last_name": p.LastName, "full_name": p.FullName} {
		if utf8.RuneCountInString(v) > 200 || !printable(v) || strings.ContainsAny(v, "<>{}[]\\|@#$%^*=_~`\"") || hasDigit(v) {
			return Invalid("profile."+field, "%s must be a name: letters of any script, spaces, hyphens, apostrophes and dots, at most 200 characters", field)
		}
	}
	if p.DateOfBirth != "" {
		dob, err := time.Parse("2006-01-02", p.DateOfBirth)
		if err != nil {
			return Invalid("profile.date_of_birth", "date_of_birth must be a date as YYYY-MM-DD")
		}
		if dob.After(now) || dob.Year() < now.Year()-130 {
			return Invalid("profile.date_of_birth", "date_of_birth must be in the past and within 130 years")
		}
	}
	for field, v := range map[string]string{"nationality": p.Nationality, "country_of_residence": p.CountryOfResidence} {
		if v != "" && !isISO3(v) {
			return Invalid("profile."+field, "%s must be an ISO 3166-1 alpha-3 code such as DEU or CHN", field)
		}
	}
	if p.Address != nil {
		// Normalised on a copy: the caller's address may be shared (a test's fixture, a
		// request reused), and must not change under another reader.
		a := *p.Address
		p.Address = &a
		trim(&a.Line1)
		trim(&a.Line2)
		trim(&a.City)
		trim(&a.PostalCode)
		a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
		for field, v := range map[string]string{"line1": a.Line1, "line2": a.Line2, "city": a.City, "postal_code": a.PostalCode} {
			if utf8.RuneCountInString(v) > 200 || !printable(v) {
				return Invalid("profile.address."+field, "address %s must be printable text of at most 200 characters", field)
			}
		}
		if a.Country != "" && !isISO3(a.Country) {
			return Invalid("profile.address.country", "address country must be an ISO 3166-1 alpha-3 code")
		}
	}
	if !complete {
		return nil
	}
	switch {
	case p.FullName == "" && (p.FirstName == "" || p.LastName == ""):
		return Invalid("profile.first_name", "first_name and last_name (or full_name) are required").WithCode(ProfileInvalid)
	case p.DateOfBirth == "":
		return Invalid("profile.date_of_birth", "date_of_birth is required").WithCode(ProfileInvalid)
	case p.Nationality == "":
		return Invalid("profile.nationality", "nationality is required").WithCode(ProfileInvalid)
	}
	return nil
}

// ValidateAddress demands a complete address, for levels with a proof of address.
func ValidateAddress(p *Profile) error {
	a := p.Address
	if a == nil || a.Line1 == "" || a.City == "" || a.Country == "" {
		return Invalid("profile.address", "address line1, city and country are required for proof of address").WithCode(ProfileInvalid)
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func isISO3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
