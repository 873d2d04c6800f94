package kyc_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/config"
	"github.com/kycd/kycd/filestore"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/sqlstore"
)

// env is one service over a fresh SQLite store, a real encrypted file store and the real check
// pipeline; the clock is fixed and moved by hand. Check jobs are run by calling RunCheck, so each
// test controls when a decision happens.
type env struct {
	svc   *kyc.Service
	db    *sqlstore.DB
	files *filestore.Store
	clock *kyc.FixedClock
	cfg   *config.Config
}

var integrator = kyc.Actor{Type: kyc.ActorIntegrator, ID: "key_test"}

func setup(t *testing.T, engines ...check.Engine) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Load("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(ctx, sqlstore.Config{Driver: "sqlite", Path: filepath.Join(dir, "kycd.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fs, err := filestore.Open(ctx, filestore.Config{BlobURL: "file://" + filepath.Join(dir, "files"), KeyFile: filepath.Join(dir, "master.keys")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	clock := &kyc.FixedClock{T: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)} // a Monday
	svc, err := kyc.NewService(kyc.Deps{Store: db, Files: fs, Sealer: fs, Clock: clock,
		Checker: check.New(check.Options{Image: imagecheck.DefaultLimits(), MaxPDFBytes: cfg.Limits.MaxPDFBytes}, engines...),
		Settings: kyc.Settings{Levels: cfg.Levels, MaxAttemptsPerStep: 5, SLABusinessDays: 2, LivenessMinActions: 2,
			LivenessMaxActions: 3, LivenessTTL: 2 * time.Minute, MaxFrames: 30, MaxAppealFiles: 5,
			TokenSecret: []byte("0123456789abcdef0123456789abcdef"), TokenTTL: time.Hour, PublicURL: "http://kycd.test"}})
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, db: db, files: fs, clock: clock, cfg: cfg}
}

// photo returns a distinct JPEG; side < 200 px gives IMG_LOW_RESOLUTION.
func photo(t *testing.T, w, h int, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*3 + seed*41), uint8(y*5 + seed*7), uint8((x ^ y) + seed), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var ada = kyc.Profile{FirstName: "Ada", LastName: "Testperson", DateOfBirth: "1990-04-01", Nationality: "UTO",
	CountryOfResidence: "UTO", Address: &kyc.Address{Line1: "1 Invented Street", City: "Nowhere", PostalCode: "00000", Country: "UTO"}}

func (e *env) newApplicant(t *testing.T, ext, level string) *kyc.ApplicantView {
	t.Helper()
	v, err := e.svc.CreateApplicant(context.Background(), integrator, kyc.NewApplicant{ExternalID: ext, Level: level, Profile: ada})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fill uploads everything the basic level needs; seed varies the photos.
func (e *env) fill(t *testing.T, id string, seed int, frontW int) {
	t.Helper()
	ctx := context.Background()
	_, err := e.svc.SetIdentity(ctx, integrator, id, kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "DEU"})
	must(t, err)
	_, err = e.svc.UploadFile(ctx, integrator, id, kyc.StepIdentity, kyc.SideFront, photo(t, frontW, frontW*5/8, seed))
	must(t, err)
	_, err = e.svc.UploadFile(ctx, integrator, id, kyc.StepIdentity, kyc.SideBack, photo(t, 640, 400, seed+1))
	must(t, err)
	e.fillSelfie(t, id, seed)
}

func (e *env) fillSelfie(t *testing.T, id string, seed int) {
	t.Helper()
	ctx := context.Background()
	_, err := e.svc.UploadFile(ctx, integrator, id, kyc.StepSelfie, kyc.SideSelfie, photo(t, 480, 640, seed+2))
	must(t, err)
	e.fillLiveness(t, id, seed)
}

func (e *env) fillLiveness(t *testing.T, id string, seed int) *kyc.Challenge {
	t.Helper()
	ctx := context.Background()
	c, err := e.svc.NewChallenge(ctx, integrator, id)
	must(t, err)
	for i := 0; i < 3; i++ {
		_, err := e.svc.UploadFrame(ctx, integrator, id, c.Nonce, i, e.clock.Now(), photo(t, 320, 240, seed+10+i))
		must(t, err)
	}
	return c
}

func (e *env) submitAndCheck(t *testing.T, id string) *kyc.Submission {
	t.Helper()
	ctx := context.Background()
	sub, err := e.svc.Submit(ctx, integrator, id)
	must(t, err)
	e.clock.Advance(time.Second)
	must(t, e.svc.RunCheck(ctx, sub.ID, false))
	sub, err = e.db.GetSubmission(ctx, sub.ID)
	must(t, err)
	return sub
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) view(t *testing.T, id string) *kyc.ApplicantView {
	t.Helper()
	v, err := e.svc.Applicant(context.Background(), id)
	must(t, err)
	return v
}

func hasCode(rs []kyc.Reason, c kyc.Code) bool {
	for _, r := range rs {
		if r.Code == c {
			return true
		}
	}
	return false
}

func TestFlowApproved(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-approved", "basic")
	if a.Status != kyc.NotStarted || len(a.Steps) != 4 || a.Steps[1].AttemptsLeft != 5 {
		t.Fatalf("new applicant view wrong: %+v", a)
	}
	e.fill(t, a.ID, 1, 640)
	if v := e.view(t, a.ID); v.Status != kyc.InProgress {
		t.Fatalf("status after uploads = %s", v.Status)
	}
	sub := e.submitAndCheck(t, a.ID)
	if sub.Outcome != kyc.Approved || len(sub.Steps) != 4 {
		t.Fatalf("submission %+v", sub)
	}
	v := e.view(t, a.ID)
	if v.Status != kyc.Approved || v.ApprovedLevel != "basic" || v.Limits["withdrawal_24h_usd"] != 10000 {
		t.Fatalf("view after approval: status %s level %s limits %v", v.Status, v.ApprovedLevel, v.Limits)
	}
	// Running the same job again (a crash after the decision) decides nothing new.
	must(t, e.svc.RunCheck(ctx, sub.ID, false))
	evs, err := e.svc.Events(ctx, "", 100)
	must(t, err)
	var decisions int
	for _, ev := range evs {
		if ev.Type == kyc.EventDecision {
			decisions++
		}
	}
	if decisions != 1 {
		t.Fatalf("decision events = %d, want 1", decisions)
	}
	rep, err := e.svc.VerifyAudit(ctx)
	must(t, err)
	if !rep.OK || rep.Checked < 10 {
		t.Fatalf("audit chain: %+v", rep)
	}
	// Upgrading to advanced keeps basic approved and asks only for the proof of address.
	lvl := "advanced"
	v, err = e.svc.UpdateApplicant(ctx, integrator, a.ID, kyc.ApplicantUpdate{Level: &lvl})
	must(t, err)
	if v.Status != kyc.NotStarted || v.ApprovedLevel != "basic" || v.Steps[4].State != kyc.StepNotStarted {
		t.Fatalf("after upgrade: %+v", v)
	}
	_, err = e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepProofOfAddress, kyc.SidePOA, photo(t, 800, 1100, 99))
	must(t, err)
	sub = e.submitAndCheck(t, a.ID)
	if len(sub.Steps) != 1 || sub.Steps[0] != kyc.StepProofOfAddress || sub.Outcome != kyc.Approved {
		t.Fatalf("advanced submission %+v", sub)
	}
	if v := e.view(t, a.ID); v.ApprovedLevel != "advanced" || v.Limits["withdrawal_24h_usd"] != 1_000_000 {
		t.Fatalf("advanced approval not reflected: %+v", v)
	}
}

func TestFlowRetryOnlyFailedStep(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-retry", "basic")
	e.fill(t, a.ID, 2, 160) // a 160 px wide front: too few pixels to read
	sub := e.submitAndCheck(t, a.ID)
	if sub.Outcome != kyc.ActionRequired || !hasCode(sub.Reasons, kyc.ImgLowResolution) {
		t.Fatalf("submission %+v", sub)
	}
	v := e.view(t, a.ID)
	if v.Status != kyc.ActionRequired || len(v.Reasons) == 0 || v.Reasons[0].Side != kyc.SideFront || v.Reasons[0].MessageZH == "" {
		t.Fatalf("view: %+v", v)
	}
	for _, s := range v.Steps {
		want := kyc.StepPassed
		if s.Step == kyc.StepIdentity {
			want = kyc.StepRetry
		}
		if s.State != want {
			t.Fatalf("step %s state %s, want %s", s.Step, s.State, want)
		}
	}
	// A passed step cannot be uploaded again; the failed one can.
	if _, err := e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepSelfie, kyc.SideSelfie, photo(t, 480, 640, 77)); kyc.KindOf(err) != kyc.KindConflict {
		t.Fatalf("upload to passed step: %v", err)
	}
	// Sending the photo that failed again is refused as a duplicate.
	var dup *kyc.Error
	if _, err := e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideFront, photo(t, 160, 100, 2)); !errors.As(err, &dup) || dup.Code != kyc.FileDuplicateUpload {
		t.Fatalf("re-upload of the failed front: %v", err)
	}
	_, err := e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideFront, photo(t, 640, 400, 30))
	must(t, err)
	// The back must be given again with the new front: it is one attempt of the identity step.
	_, err = e.svc.Submit(ctx, integrator, a.ID)
	var ke *kyc.Error
	if !errors.As(err, &ke) || ke.Kind != kyc.KindConflict || len(ke.Missing) != 1 || ke.Missing[0] != kyc.StepIdentity {
		t.Fatalf("submit with back missing: %v", err)
	}
	// The good back of the first attempt may be sent again.
	_, err = e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideBack, photo(t, 640, 400, 3))
	must(t, err)
	sub = e.submitAndCheck(t, a.ID)
	if len(sub.Steps) != 1 || sub.Steps[0] != kyc.StepIdentity || sub.Outcome != kyc.Approved {
		t.Fatalf("resubmission %+v", sub)
	}
	if v := e.view(t, a.ID); v.Steps[1].AttemptsUsed != 2 || v.Steps[1].AttemptsLeft != 3 || v.Steps[2].AttemptsUsed != 1 {
		t.Fatalf("attempt counts wrong: %+v", v.Steps)
	}
}

func TestAttemptLimitAppealFourEyes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-limit", "basic")
	e.fill(t, a.ID, 5, 160)
	sub := e.submitAndCheck(t, a.ID)
	for i := 2; i <= 5; i++ {
		_, err := e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideFront, photo(t, 160, 100, 20+i))
		must(t, err)
		_, err = e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideBack, photo(t, 640, 400, 40+i))
		must(t, err)
		sub = e.submitAndCheck(t, a.ID)
	}
	if sub.Outcome != kyc.Rejected || !hasCode(sub.Reasons, kyc.ResubmissionLimitReached) {
		t.Fatalf("fifth failure: %+v", sub.Reasons)
	}
	if _, err := e.svc.Submit(ctx, integrator, a.ID); kyc.KindOf(err) != kyc.KindConflict {
		t.Fatalf("submit after rejection: %v", err)
	}
	c, err := e.svc.Appeal(ctx, kyc.Actor{Type: kyc.ActorApplicant, ID: a.ID}, a.ID, "My card is genuine; my camera is old.", [][]byte{photo(t, 640, 400, 90)})
	must(t, err)
	v := e.view(t, a.ID)
	if v.Status != kyc.InReview || v.ReviewDueAt == nil || !v.ReviewDueAt.Equal(time.Date(2026, 11, 25, 10, 0, 5, 0, time.UTC)) {
		t.Fatalf("after appeal: %s due %v", v.Status, v.ReviewDueAt)
	}
	r1, err := e.svc.CreateStaff(ctx, integrator, "r1@kycd.test", "Reviewer One", kyc.RoleReviewer, "correct horse battery")
	must(t, err)
	r2, err := e.svc.CreateStaff(ctx, integrator, "r2@kycd.test", "Reviewer Two", kyc.RoleReviewer, "correct horse battery")
	must(t, err)
	q, err := e.svc.Queue(ctx, r1, kyc.CaseFilter{})
	must(t, err)
	if len(q) != 1 || q[0].ID != c.ID || q[0].Kind != kyc.CaseAppeal {
		t.Fatalf("queue %+v", q)
	}
	_, err = e.svc.Claim(ctx, r1, c.ID)
	must(t, err)
	if _, err := e.svc.Claim(ctx, r2, c.ID); kyc.KindOf(err) != kyc.KindConflict {
		t.Fatalf("second claim: %v", err)
	}
	d, err := e.svc.CaseDetail(ctx, r1, c.ID)
	must(t, err)
	var appealFile string
	for _, f := range d.Files {
		if f.CaseID == c.ID {
			appealFile = f.ID
		}
	}
	if appealFile == "" || d.Case.AppealMessage == "" || len(d.Attempts) < 5+3 {
		t.Fatalf("case detail incomplete: files %d attempts %d", len(d.Files), len(d.Attempts))
	}
	_, data, err := e.svc.StaffFile(ctx, r1, appealFile)
	must(t, err)
	if !bytes.Equal(data, photo(t, 640, 400, 90)) {
		t.Fatal("appeal file bytes differ")
	}
	// Overriding the automated FINAL needs a second reviewer.
	pc, err := e.svc.Decide(ctx, r1, c.ID, kyc.ReviewDecision{Action: kyc.ActionApprove, InternalNote: "card checked by hand"})
	must(t, err)
	if pc.Status != kyc.CaseAwaitingSecond || e.view(t, a.ID).Status != kyc.InReview {
		t.Fatalf("first approval applied without four eyes: %s", pc.Status)
	}
	if _, err := e.svc.Decide(ctx, r1, c.ID, kyc.ReviewDecision{Action: kyc.ActionApprove}); kyc.KindOf(err) != kyc.KindConflict {
		t.Fatalf("same reviewer confirmed own decision: %v", err)
	}
	done, err := e.svc.Decide(ctx, r2, c.ID, kyc.ReviewDecision{Action: kyc.ActionApprove})
	must(t, err)
	if done.Status != kyc.CaseClosed || done.Decision.SecondBy != r2.ID || done.Decision.By != r1.ID {
		t.Fatalf("confirmed case %+v", done.Decision)
	}
	if v := e.view(t, a.ID); v.Status != kyc.Approved {
		t.Fatalf("status after four-eyes approval: %s", v.Status)
	}
	trail, err := e.db.ListAuditForApplicant(ctx, a.ID, 500)
	must(t, err)
	seen := map[string]bool{}
	for _, en := range trail {
		seen[en.Action] = true
	}
	for _, act := range []string{"case.view", "file.view", "case.propose", "case.decide", "appeal.create"} {
		if !seen[act] {
			t.Errorf("audit trail lacks %s", act)
		}
	}
}

func TestReviewerResubmission(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-resubmit", "basic")
	e.fill(t, a.ID, 7, 160)
	e.submitAndCheck(t, a.ID)
	c, err := e.svc.Appeal(ctx, integrator, a.ID, "Please look again.", nil)
	must(t, err)
	r, err := e.svc.CreateStaff(ctx, integrator, "r@kycd.test", "R", kyc.RoleReviewer, "correct horse battery")
	must(t, err)
	_, err = e.svc.Decide(ctx, r, c.ID, kyc.ReviewDecision{Action: kyc.ActionResubmit, Steps: []kyc.Step{kyc.StepSelfie},
		Codes: []kyc.Code{kyc.SelfieQuality}, Comment: "Your face is hidden by a cap.", InternalNote: "cap"})
	must(t, err)
	v := e.view(t, a.ID)
	if v.Status != kyc.ActionRequired || !hasCode(v.Reasons, kyc.SelfieQuality) {
		t.Fatalf("after resubmission request: %+v", v)
	}
	for _, rs := range v.Reasons {
		if rs.Code == kyc.SelfieQuality && rs.Comment != "Your face is hidden by a cap." {
			t.Fatalf("reviewer comment missing: %+v", rs)
		}
	}
	if _, err := e.svc.Decide(ctx, r, c.ID, kyc.ReviewDecision{Action: kyc.ActionApprove}); kyc.KindOf(err) != kyc.KindConflict {
		t.Fatalf("decided a closed case: %v", err)
	}
}

func TestSubmitRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-rules", "basic")
	_, err := e.svc.Submit(ctx, integrator, a.ID)
	var ke *kyc.Error
	if !errors.As(err, &ke) || ke.Kind != kyc.KindConflict || len(ke.Missing) != 4 {
		t.Fatalf("empty submit: %v", err)
	}
	if _, err := e.svc.SetIdentity(ctx, integrator, a.ID, kyc.IdentityChoice{DocType: "visa", Country: "DEU"}); kyc.KindOf(err) != kyc.KindInvalid {
		t.Fatalf("visa accepted: %v", err)
	}
	// A refused upload leaves nothing behind: no row, no blob.
	before, _ := e.db.ListAllFiles(ctx, "", 1000)
	_, err = e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideFront, []byte("%PDF-1.4 not an image"))
	if !errors.As(err, &ke) || ke.Kind != kyc.KindUnsupported || ke.Code != kyc.FileFormatUnsupported {
		t.Fatalf("pdf as front: %v", err)
	}
	after, _ := e.db.ListAllFiles(ctx, "", 1000)
	if len(after) != len(before) {
		t.Fatalf("refused upload left a row")
	}
	front := photo(t, 640, 400, 8)
	_, err = e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideFront, front)
	must(t, err)
	_, err = e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepIdentity, kyc.SideBack, front)
	if !errors.As(err, &ke) || ke.Code != kyc.DocSameSideTwice {
		t.Fatalf("same bytes as back: %v", err)
	}
	e.fill(t, a.ID, 9, 640)
	old := e.fillLiveness(t, a.ID, 30) // replaces the first challenge
	_, err = e.svc.Submit(ctx, integrator, a.ID)
	must(t, err)
	// The challenge's nonce is spent: frames for it are refused.
	if _, err := e.svc.UploadFrame(ctx, integrator, a.ID, old.Nonce, 3, e.clock.Now(), photo(t, 320, 240, 50)); kyc.KindOf(err) != kyc.KindConflict {
		t.Fatalf("frame after submit: %v", err)
	}
	if _, err := e.svc.Submit(ctx, integrator, a.ID); kyc.KindOf(err) != kyc.KindConflict {
		t.Fatalf("double submit: %v", err)
	}
}

func TestChallengeExpiry(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-expiry", "basic")
	c, err := e.svc.NewChallenge(ctx, integrator, a.ID)
	must(t, err)
	if len(c.Actions) < 2 || len(c.Actions) > 3 || len(c.Nonce) != 32 {
		t.Fatalf("challenge %+v", c)
	}
	e.clock.Advance(3 * time.Minute)
	_, err = e.svc.UploadFrame(ctx, integrator, a.ID, c.Nonce, 0, e.clock.Now(), photo(t, 320, 240, 1))
	var ke *kyc.Error
	if !errors.As(err, &ke) || ke.Code != kyc.LivenessExpired {
		t.Fatalf("frame after expiry: %v", err)
	}
}

func TestProfileChangeReopens(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-reverify", "basic")
	e.fill(t, a.ID, 11, 640)
	e.submitAndCheck(t, a.ID)
	p := ada
	p.LastName = "Newname"
	v, err := e.svc.UpdateApplicant(ctx, integrator, a.ID, kyc.ApplicantUpdate{Profile: &p})
	must(t, err)
	if v.Status != kyc.ActionRequired || !hasCode(v.Reasons, kyc.ProfileChanged) {
		t.Fatalf("after name change: %s %+v", v.Status, v.Reasons)
	}
	if v.Steps[2].State != kyc.StepPassed || v.Steps[1].State != kyc.StepRetry {
		t.Fatalf("steps after name change: %+v", v.Steps)
	}
}

func TestSweeps(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	a := e.newApplicant(t, "ext-sweep", "basic")
	e.fill(t, a.ID, 13, 640)
	e.submitAndCheck(t, a.ID)
	// The document of the passed identity attempt expires (the reading engine records the date).
	ats, err := e.db.ListAttempts(ctx, a.ID)
	must(t, err)
	for i := range ats {
		if ats[i].Step == kyc.StepIdentity {
			ats[i].DocExpiresAt = "2026-12-01"
			must(t, e.db.Update(ctx, func(tx kyc.Tx) error { return tx.UpdateAttempt(ctx, &ats[i]) }))
		}
	}
	n, err := e.svc.SweepExpiredDocuments(ctx)
	must(t, err)
	if n != 0 {
		t.Fatalf("re-opened %d before expiry", n)
	}
	e.clock.Advance(10 * 24 * time.Hour)
	n, err = e.svc.SweepExpiredDocuments(ctx)
	must(t, err)
	if v := e.view(t, a.ID); n != 1 || v.Status != kyc.ActionRequired || !hasCode(v.Reasons, kyc.DocExpired) {
		t.Fatalf("after expiry sweep n=%d status %s", n, v.Status)
	}
	if n, _ := e.svc.SweepExpiredDocuments(ctx); n != 0 {
		t.Fatalf("second sweep re-opened %d", n)
	}
	// An appeal opens a case due in two business days; a sweep after that flags it once.
	_, err = e.svc.Appeal(ctx, integrator, a.ID, "My new card is on the way.", nil)
	must(t, err)
	e.clock.Advance(24 * time.Hour)
	if n, _ := e.svc.SweepOverdueCases(ctx); n != 0 {
		t.Fatalf("flagged %d before due", n)
	}
	e.clock.Advance(5 * 24 * time.Hour)
	if n, _ := e.svc.SweepOverdueCases(ctx); n != 1 {
		t.Fatalf("flagged %d, want 1", n)
	}
	if n, _ := e.svc.SweepOverdueCases(ctx); n != 0 {
		t.Fatalf("flagged again: %d", n)
	}
}

func TestWebhookDeliveryRecords(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	ep, secret, err := e.svc.CreateEndpoint(ctx, integrator, "http://127.0.0.1:9/hook", nil, true)
	must(t, err)
	if !strings.HasPrefix(secret, "whsec_") || strings.Contains(ep.Secret, secret) {
		t.Fatalf("secret stored in the clear or malformed")
	}
	if _, _, err := e.svc.CreateEndpoint(ctx, integrator, "http://127.0.0.1:9/hook", nil, false); kyc.KindOf(err) != kyc.KindInvalid {
		t.Fatalf("loopback endpoint accepted with private addresses off: %v", err)
	}
	e.newApplicant(t, "ext-hook", "basic")
	ds, _, err := e.svc.Deliveries(ctx, ep.ID, 10)
	must(t, err)
	if len(ds) != 1 {
		t.Fatalf("deliveries %d, want 1 (applicant.created)", len(ds))
	}
	out, err := e.svc.PrepareDelivery(ctx, ds[0].ID)
	must(t, err)
	if string(out.Secret) != secret || !bytes.Contains(out.Body, []byte(`"applicant.created"`)) || bytes.Contains(out.Body, []byte("Testperson")) {
		t.Fatalf("outgoing webhook wrong or carries personal data: %s", out.Body)
	}
	retry, err := e.svc.RecordDelivery(ctx, ds[0].ID, 503, "receiver answered 503", time.Millisecond)
	must(t, err)
	if !retry {
		t.Fatal("a 503 inside the window must be retried")
	}
	e.clock.Advance(73 * time.Hour)
	retry, err = e.svc.RecordDelivery(ctx, ds[0].ID, 0, "connection refused", time.Millisecond)
	must(t, err)
	d, err := e.db.GetDelivery(ctx, ds[0].ID)
	must(t, err)
	if retry || d.Status != kyc.DeliveryFailed || d.Attempts != 2 {
		t.Fatalf("after window: retry=%v %+v", retry, d)
	}
	nd, err := e.svc.ReplayDelivery(ctx, integrator, d.ID)
	must(t, err)
	if nd.EventID != d.EventID || nd.Status != kyc.DeliveryPending {
		t.Fatalf("replay %+v", nd)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	key, k, err := e.svc.CreateAPIKey(ctx, integrator, "backend")
	must(t, err)
	if got, err := e.svc.AuthenticateAPIKey(ctx, key); err != nil || got.ID != k.ID {
		t.Fatalf("key auth: %v", err)
	}
	must(t, e.svc.RevokeAPIKey(ctx, integrator, k.ID))
	if _, err := e.svc.AuthenticateAPIKey(ctx, key); kyc.KindOf(err) != kyc.KindUnauthorized {
		t.Fatalf("revoked key accepted: %v", err)
	}
	a := e.newApplicant(t, "ext-auth", "basic")
	tok, _, link, err := e.svc.IssueToken(ctx, integrator, a.ID)
	must(t, err)
	if id, err := e.svc.VerifyToken(tok); err != nil || id != a.ID || !strings.HasPrefix(link, "http://kycd.test/flow/") {
		t.Fatalf("token: %v %s", err, link)
	}
	if _, err := e.svc.VerifyToken(tok[:len(tok)-2] + "xx"); err == nil {
		t.Fatal("tampered token accepted")
	}
	e.clock.Advance(2 * time.Hour)
	if _, err := e.svc.VerifyToken(tok); err == nil {
		t.Fatal("expired token accepted")
	}
	_, err = e.svc.CreateStaff(ctx, integrator, "lock@kycd.test", "L", kyc.RoleAdmin, "correct horse battery")
	must(t, err)
	for i := 0; i < 5; i++ {
		if _, err := e.svc.Login(ctx, "lock@kycd.test", "wrong password!!"); kyc.KindOf(err) != kyc.KindUnauthorized {
			t.Fatalf("wrong password %d: %v", i, err)
		}
	}
	if _, err := e.svc.Login(ctx, "lock@kycd.test", "correct horse battery"); kyc.KindOf(err) != kyc.KindForbidden {
		t.Fatalf("locked account logged in: %v", err)
	}
	e.clock.Advance(16 * time.Minute)
	st, err := e.svc.Login(ctx, "LOCK@kycd.test", "correct horse battery")
	must(t, err)
	sess, _ := e.svc.IssueStaffSession(st)
	if got, err := e.svc.VerifyStaffSession(ctx, sess); err != nil || got.ID != st.ID {
		t.Fatalf("staff session: %v", err)
	}
}
