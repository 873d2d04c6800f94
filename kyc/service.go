package kyc

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"
)

// Settings are the service's knobs, taken from the configuration.
type Settings struct {
	Levels             []Level // lowest first
	MaxAttemptsPerStep int
	SLABusinessDays    int
	LivenessMinActions int
	LivenessMaxActions int
	LivenessTTL        time.Duration
	MaxFrames          int
	MaxAppealFiles     int
	TokenSecret        []byte
	TokenTTL           time.Duration
	PublicURL          string // base of hosted-flow links
	WebhookRetryWindow time.Duration
	CheckRetries       int // job attempts before a check that cannot run goes to a reviewer
	// DuplicateFaceThreshold is the cosine similarity above which a selfie is taken for another
	// applicant's face (DUPLICATE_FACE). Default 0.7.
	DuplicateFaceThreshold float64
}

// Sealer encrypts small secrets (webhook signing secrets) under the master key.
type Sealer interface {
	Seal(ctx context.Context, plaintext []byte, aad string) (string, error)
	Unseal(ctx context.Context, sealed, aad string) ([]byte, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Store    Store
	Files    FileStore
	Sealer   Sealer
	Checker  Checker
	Clock    Clock
	Logger   *slog.Logger
	Settings Settings
}

// Service holds every business rule of kycd: HTTP handlers, workers and the CLI call it, and it
// calls the store, the file store and the checks through interfaces.
type Service struct {
	store    Store
	files    FileStore
	sealer   Sealer
	checker  Checker
	clock    Clock
	log      *slog.Logger
	set      Settings
	policies map[string]Policy
}

// NewService validates the settings and compiles each level's policy.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Files == nil || d.Checker == nil || d.Sealer == nil {
		return nil, fmt.Errorf("kyc: service needs a store, a file store, a sealer and a checker")
	}
	if d.Clock == nil {
		d.Clock = SystemClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := d.Settings
	if len(s.Levels) == 0 || s.MaxAttemptsPerStep < 1 || len(s.TokenSecret) < 16 || s.TokenTTL <= 0 {
		return nil, fmt.Errorf("kyc: settings need levels, max attempts >= 1, a token secret of 16+ bytes and a token TTL")
	}
	if s.LivenessMinActions < 1 || s.LivenessMaxActions < s.LivenessMinActions || s.LivenessTTL <= 0 {
		return nil, fmt.Errorf("kyc: invalid liveness settings")
	}
	if s.MaxFrames < 3 {
		s.MaxFrames = 3
	}
	if s.DuplicateFaceThreshold <= 0 {
		s.DuplicateFaceThreshold = 0.7
	}
	if s.CheckRetries < 1 {
		s.CheckRetries = 5
	}
	if s.WebhookRetryWindow <= 0 {
		s.WebhookRetryWindow = 72 * time.Hour
	}
	svc := &Service{store: d.Store, files: d.Files, sealer: d.Sealer, checker: d.Checker, clock: d.Clock,
		log: d.Logger, set: s, policies: map[string]Policy{}}
	for i := range s.Levels {
		p, err := s.Levels[i].CompiledPolicy()
		if err != nil {
			return nil, err
		}
		svc.policies[s.Levels[i].Name] = p
	}
	return svc, nil
}

// Settings returns the service's settings.
func (s *Service) Settings() Settings { return s.set }

// Level returns the configured level named name.
func (s *Service) Level(name string) (*Level, bool) {
	for i := range s.set.Levels {
		if s.set.Levels[i].Name == name {
			return &s.set.Levels[i], true
		}
	}
	return nil, false
}

func (s *Service) levelIndex(name string) int {
	for i := range s.set.Levels {
		if s.set.Levels[i].Name == name {
			return i
		}
	}
	return -1
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// audit appends an audit entry in tx.
func (s *Service) audit(ctx context.Context, tx Tx, actor Actor, action, applicantID, subject string, detail map[string]any) error {
	e := &AuditEntry{ID: NewID("aud", s.now()), At: s.now(), ActorType: actor.Type, ActorID: actor.ID,
		Action: action, ApplicantID: applicantID, Subject: subject, Detail: detail}
	return tx.AppendAudit(ctx, e)
}

// emit records an event and schedules its delivery to every matching webhook endpoint, in tx.
func (s *Service) emit(ctx context.Context, tx Tx, a *Applicant, typ string, data map[string]any) error {
	ev := &EventRecord{ID: NewID("evt", s.now()), Type: typ, Data: data, CreatedAt: s.now()}
	if a != nil {
		ev.ApplicantID, ev.ExternalID = a.ID, a.ExternalID
	}
	if err := tx.CreateEvent(ctx, ev); err != nil {
		return err
	}
	eps, err := tx.ListEndpoints(ctx)
	if err != nil {
		return err
	}
	for _, ep := range eps {
		if ep.DisabledAt != nil || !wants(ep.EventTypes, typ) {
			continue
		}
		if err := s.scheduleDelivery(ctx, tx, ep.ID, ev.ID); err != nil {
			return err
		}
	}
	return nil
}

func wants(types []string, typ string) bool {
	if len(types) == 0 {
		return true
	}
	for _, t := range types {
		if t == typ || t == "*" {
			return true
		}
	}
	return false
}

func (s *Service) scheduleDelivery(ctx context.Context, tx Tx, endpointID, eventID string) error {
	d := &Delivery{ID: NewID("dlv", s.now()), EndpointID: endpointID, EventID: eventID,
		Status: DeliveryPending, CreatedAt: s.now()}
	if err := tx.CreateDelivery(ctx, d); err != nil {
		return err
	}
	return tx.Enqueue(ctx, DeliverJob{DeliveryID: d.ID}, JobOpts{MaxAttempts: DeliveryMaxAttempts, Queue: "webhooks"})
}

// setStatus moves an applicant's level through the status machine, recording an event when the
// status changes.
func (s *Service) setStatus(ctx context.Context, tx Tx, a *Applicant, level string, ev Event, mutate func(*LevelState)) (*LevelState, error) {
	st, err := tx.GetLevelState(ctx, a.ID, level)
	if IsNotFound(err) {
		st, err = &LevelState{ApplicantID: a.ID, Level: level, Status: NotStarted}, nil
	}
	if err != nil {
		return nil, err
	}
	next, err := Next(st.Status, ev)
	if err != nil {
		return nil, err
	}
	prev := st.Status
	st.Status, st.UpdatedAt = next, s.now()
	if next != InReview {
		st.ReviewDueAt = nil
	}
	if mutate != nil {
		mutate(st)
	}
	if err := tx.PutLevelState(ctx, st); err != nil {
		return nil, err
	}
	if prev != next {
		if err := s.emit(ctx, tx, a, EventStatusChanged, map[string]any{
			"level": level, "from": string(prev), "to": string(next), "trigger": string(ev.Trigger)}); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// DueDate adds business days (Monday to Friday) to t: the SLA of a review case.
func DueDate(t time.Time, businessDays int) time.Time {
	d := t
	for n := 0; n < businessDays; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	// A case opened on a weekend counts from the next Monday morning.
	for wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday; wd = d.Weekday() {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// latestAttempts returns the latest attempt per step.
func latestAttempts(all []Attempt) map[Step]*Attempt {
	out := map[Step]*Attempt{}
	for i := range all {
		a := &all[i]
		if cur, ok := out[a.Step]; !ok || a.Number > cur.Number {
			out[a.Step] = a
		}
	}
	return out
}

func countAttempts(all []Attempt) map[Step]int {
	out := map[Step]int{}
	for _, a := range all {
		out[a.Step]++
	}
	return out
}

func sortReasons(rs []Reason) {
	order := map[Step]int{}
	for i, s := range Steps {
		order[s] = i
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Step != rs[j].Step {
			return order[rs[i].Step] < order[rs[j].Step]
		}
		if rs[i].Side != rs[j].Side {
			return rs[i].Side < rs[j].Side
		}
		return rs[i].Code < rs[j].Code
	})
}
