package sqlstore

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/kycd/kycd/kyc"
)

// t0 has microsecond precision: the stored precision, so values round-trip exactly.
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 123456000, time.UTC)

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

func ptr[T any](v T) *T { return &v }

// suite is the shared store test suite: each case gets a fresh migrated database per backend.
var suite = []struct {
	name string
	fn   func(t *testing.T, db *DB)
}{
	{"Applicants", testApplicants},
	{"LevelStatesAndDrafts", testLevelStatesAndDrafts},
	{"Files", testFiles},
	{"Challenges", testChallenges},
	{"SubmissionsAndAttempts", testSubmissionsAndAttempts},
	{"ExpiringDocuments", testExpiringDocuments},
	{"Cases", testCases},
	{"Events", testEvents},
	{"Webhooks", testWebhooks},
	{"APIKeysAndStaff", testAPIKeysAndStaff},
	{"IdentityMarks", testIdentityMarks},
	{"Audit", testAudit},
	{"AuditConcurrent", testAuditConcurrent},
	{"UpdateRollback", testUpdateRollback},
	{"EnqueueOptions", testEnqueueOptions},
	{"WorkerRunsJob", testWorkerRunsJob},
}

func TestStore(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range suite {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.fn(t, b.setup(t))
				})
			}
		})
	}
}

func update(t *testing.T, db *DB, fn func(tx kyc.Tx) error) {
	t.Helper()
	if err := db.Update(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, err error, kind kyc.ErrorKind) {
	t.Helper()
	if kyc.KindOf(err) != kind {
		t.Fatalf("got error %v (kind %s), want kind %s", err, kyc.KindOf(err), kind)
	}
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func newApplicant(n int) *kyc.Applicant {
	return &kyc.Applicant{ID: kyc.NewID("app", at(n)), ExternalID: fmt.Sprintf("ext-%d", n), Level: "basic",
		Profile: kyc.Profile{FirstName: "Testa", LastName: "Fixture", DateOfBirth: "1990-01-02", Nationality: "GBR",
			Address: &kyc.Address{Line1: "1 Example Street", City: "Sampleton", Country: "GBR"}},
		CreatedAt: at(n), UpdatedAt: at(n)}
}

func createApplicant(t *testing.T, db *DB, n int) *kyc.Applicant {
	t.Helper()
	a := newApplicant(n)
	update(t, db, func(tx kyc.Tx) error { return tx.CreateApplicant(t.Context(), a) })
	return a
}

func testApplicants(t *testing.T, db *DB) {
	ctx := t.Context()
	a := createApplicant(t, db, 1)
	got, err := db.GetApplicant(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "applicant", got, a)
	got, err = db.GetApplicantByExternalID(ctx, a.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "by external id", got, a)

	_, err = db.GetApplicant(ctx, "app_missing")
	wantKind(t, err, kyc.KindNotFound)
	_, err = db.GetApplicantByExternalID(ctx, "nobody")
	wantKind(t, err, kyc.KindNotFound)

	dup := newApplicant(2)
	dup.ExternalID = a.ExternalID
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.CreateApplicant(ctx, dup) })
	wantKind(t, err, kyc.KindConflict)

	a.Level = "advanced"
	a.Profile.FirstName = "Renamed"
	a.Profile.Address = nil
	a.UpdatedAt = at(5)
	update(t, db, func(tx kyc.Tx) error { return tx.UpdateApplicant(ctx, a) })
	got, err = db.GetApplicant(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "updated applicant", got, a)

	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UpdateApplicant(ctx, newApplicant(3)) })
	wantKind(t, err, kyc.KindNotFound)

	// A read inside the transaction sees the transaction's own write.
	b := newApplicant(4)
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.CreateApplicant(ctx, b); err != nil {
			return err
		}
		got, err := tx.GetApplicant(ctx, b.ID)
		if err != nil {
			return err
		}
		same(t, "read own write", got, b)
		return nil
	})
}

func testLevelStatesAndDrafts(t *testing.T, db *DB) {
	ctx := t.Context()
	a := createApplicant(t, db, 1)

	_, err := db.GetLevelState(ctx, a.ID, "basic")
	wantKind(t, err, kyc.KindNotFound)
	basic := kyc.LevelState{ApplicantID: a.ID, Level: "basic", Status: kyc.InProgress, UpdatedAt: at(1)}
	adv := kyc.LevelState{ApplicantID: a.ID, Level: "advanced", Status: kyc.InReview, SubmissionID: "sub_1",
		ReviewDueAt: ptr(at(60 * 24)), UpdatedAt: at(2)}
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.PutLevelState(ctx, &basic); err != nil {
			return err
		}
		return tx.PutLevelState(ctx, &adv)
	})
	basic.Status, basic.SubmissionID, basic.UpdatedAt = kyc.Pending, "sub_2", at(3)
	update(t, db, func(tx kyc.Tx) error { return tx.PutLevelState(ctx, &basic) })
	got, err := db.GetLevelState(ctx, a.ID, "basic")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "level state", *got, basic)
	states, err := db.ListLevelStates(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "level states", states, []kyc.LevelState{adv, basic})
	states, err = db.ListLevelStates(ctx, "app_missing")
	if err != nil || len(states) != 0 {
		t.Fatalf("states of a missing applicant: %v, %v", states, err)
	}
	err = db.Update(ctx, func(tx kyc.Tx) error {
		return tx.PutLevelState(ctx, &kyc.LevelState{ApplicantID: "app_missing", Level: "basic", Status: kyc.NotStarted})
	})
	wantKind(t, err, kyc.KindNotFound)

	_, err = db.GetDraft(ctx, a.ID, kyc.StepIdentity)
	wantKind(t, err, kyc.KindNotFound)
	d := kyc.Draft{ApplicantID: a.ID, Step: kyc.StepIdentity,
		Identity: &kyc.IdentityChoice{DocType: kyc.DocPassport, Country: "GBR"}, UpdatedAt: at(4)}
	update(t, db, func(tx kyc.Tx) error { return tx.PutDraft(ctx, &d) })
	d.Identity.DocType, d.UpdatedAt = kyc.DocIDCard, at(5)
	update(t, db, func(tx kyc.Tx) error { return tx.PutDraft(ctx, &d) })
	live := kyc.Draft{ApplicantID: a.ID, Step: kyc.StepLiveness, ChallengeID: "chl_1", UpdatedAt: at(6)}
	update(t, db, func(tx kyc.Tx) error { return tx.PutDraft(ctx, &live) })
	gotD, err := db.GetDraft(ctx, a.ID, kyc.StepIdentity)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "draft", *gotD, d)
	gotD, err = db.GetDraft(ctx, a.ID, kyc.StepLiveness)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "liveness draft", *gotD, live)

	update(t, db, func(tx kyc.Tx) error { return tx.DeleteDraft(ctx, a.ID, kyc.StepIdentity) })
	_, err = db.GetDraft(ctx, a.ID, kyc.StepIdentity)
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.DeleteDraft(ctx, a.ID, kyc.StepIdentity) })
	wantKind(t, err, kyc.KindNotFound)
}

func testFiles(t *testing.T, db *DB) {
	ctx := t.Context()
	a := createApplicant(t, db, 1)
	other := createApplicant(t, db, 2)
	mk := func(n int, app string, step kyc.Step, side kyc.Side, idx int) *kyc.File {
		return &kyc.File{ID: kyc.NewID("file", at(n)), ApplicantID: app, Step: step, Side: side, Index: idx,
			ContentType: "image/jpeg", Size: int64(1000 + n), SHA256: fmt.Sprintf("%064d", n), Width: 640, Height: 480,
			Blob: kyc.BlobRef{Key: fmt.Sprintf("k/%d", n), WrappedKey: "wrapped", KeyID: "key1"}, CreatedAt: at(n)}
	}
	front1 := mk(10, a.ID, kyc.StepIdentity, kyc.SideFront, 0)
	front2 := mk(11, a.ID, kyc.StepIdentity, kyc.SideFront, 0)
	front2.Reasons = []kyc.Reason{{Code: kyc.ImgGlare, Disposition: kyc.Retry, Step: kyc.StepIdentity, Side: kyc.SideFront,
		Message: "Glare", MessageZH: "反光", Detail: map[string]any{"score": 0.75}}}
	back := mk(12, a.ID, kyc.StepIdentity, kyc.SideBack, 0)
	frame1 := mk(13, a.ID, kyc.StepLiveness, kyc.SideFrame, 1)
	frame1.CapturedAt = ptr(at(13))
	frame0 := mk(14, a.ID, kyc.StepLiveness, kyc.SideFrame, 0)
	appeal := mk(15, a.ID, "", kyc.SideAppeal, 0)
	appeal.CaseID = "case_1"
	otherSelfie := mk(16, other.ID, kyc.StepSelfie, kyc.SideSelfie, 0)
	all := []*kyc.File{front1, front2, back, frame1, frame0, appeal, otherSelfie}
	update(t, db, func(tx kyc.Tx) error {
		for _, f := range all {
			if err := tx.CreateFile(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := db.GetFile(ctx, front2.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "file", got, front2)
	_, err = db.GetFile(ctx, "file_missing")
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.CreateFile(ctx, front1) })
	wantKind(t, err, kyc.KindConflict)
	err = db.Update(ctx, func(tx kyc.Tx) error {
		return tx.CreateFile(ctx, mk(17, "app_missing", kyc.StepSelfie, kyc.SideSelfie, 0))
	})
	wantKind(t, err, kyc.KindNotFound)

	// Bind the first front and the back to an attempt.
	front1.AttemptID, back.AttemptID = "att_1", "att_1"
	front1.Blob.KeyID = "key2"
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.UpdateFile(ctx, front1); err != nil {
			return err
		}
		return tx.UpdateFile(ctx, back)
	})
	got, err = db.GetFile(ctx, front1.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "bound file", got, front1)

	ids := func(fs []kyc.File) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    kyc.FileFilter
		want []*kyc.File
	}{
		{"applicant", kyc.FileFilter{ApplicantID: a.ID}, []*kyc.File{front1, front2, back, frame0, appeal, frame1}},
		{"drafts", kyc.FileFilter{ApplicantID: a.ID, Drafts: true}, []*kyc.File{front2, frame0, frame1}},
		{"draft slot", kyc.FileFilter{ApplicantID: a.ID, Step: kyc.StepIdentity, Side: kyc.SideFront, Drafts: true}, []*kyc.File{front2}},
		{"slot", kyc.FileFilter{ApplicantID: a.ID, Step: kyc.StepIdentity, Side: kyc.SideFront}, []*kyc.File{front1, front2}},
		{"frames by index", kyc.FileFilter{ApplicantID: a.ID, Step: kyc.StepLiveness, Drafts: true}, []*kyc.File{frame0, frame1}},
		{"attempt", kyc.FileFilter{ApplicantID: a.ID, AttemptID: "att_1"}, []*kyc.File{front1, back}},
		{"case", kyc.FileFilter{CaseID: "case_1"}, []*kyc.File{appeal}},
		{"other applicant", kyc.FileFilter{ApplicantID: other.ID}, []*kyc.File{otherSelfie}},
		{"nothing", kyc.FileFilter{ApplicantID: "app_missing"}, nil},
	} {
		got, err := db.ListFiles(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := []string{}
		for _, f := range c.want {
			want = append(want, f.ID)
		}
		same(t, "ListFiles "+c.name, ids(got), want)
	}
	_, err = db.ListFiles(ctx, kyc.FileFilter{})
	wantKind(t, err, kyc.KindInvalid)

	// Paging through every file by id.
	var paged []string
	after := ""
	for {
		page, err := db.ListAllFiles(ctx, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, ids(page)...)
		after = page[len(page)-1].ID
	}
	if len(paged) != len(all) {
		t.Fatalf("ListAllFiles paged %d files, want %d", len(paged), len(all))
	}
	for i := 1; i < len(paged); i++ {
		if paged[i-1] >= paged[i] {
			t.Fatalf("ListAllFiles not ordered by id: %v", paged)
		}
	}

	update(t, db, func(tx kyc.Tx) error { return tx.DeleteFile(ctx, front2.ID) })
	_, err = db.GetFile(ctx, front2.ID)
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.DeleteFile(ctx, front2.ID) })
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UpdateFile(ctx, front2) })
	wantKind(t, err, kyc.KindNotFound)
}

func testChallenges(t *testing.T, db *DB) {
	ctx := t.Context()
	a := createApplicant(t, db, 1)
	c := &kyc.Challenge{ID: kyc.NewID("chl", at(1)), ApplicantID: a.ID, Nonce: "00112233445566778899aabbccddeeff",
		Actions: []kyc.LivenessAction{kyc.ActionBlink, kyc.ActionTurnLeft}, CreatedAt: at(1), ExpiresAt: at(3)}
	update(t, db, func(tx kyc.Tx) error { return tx.CreateChallenge(ctx, c) })
	got, err := db.GetChallenge(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "challenge", got, c)

	dupNonce := *c
	dupNonce.ID = kyc.NewID("chl", at(2))
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.CreateChallenge(ctx, &dupNonce) })
	wantKind(t, err, kyc.KindConflict)

	update(t, db, func(tx kyc.Tx) error { return tx.UseChallenge(ctx, c.ID, at(2)) })
	got, err = db.GetChallenge(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UsedAt == nil || !got.UsedAt.Equal(at(2)) {
		t.Fatalf("used at %v, want %v", got.UsedAt, at(2))
	}
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UseChallenge(ctx, c.ID, at(3)) })
	wantKind(t, err, kyc.KindConflict)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UseChallenge(ctx, "chl_missing", at(3)) })
	wantKind(t, err, kyc.KindNotFound)
	_, err = db.GetChallenge(ctx, "chl_missing")
	wantKind(t, err, kyc.KindNotFound)
}

func testSubmissionsAndAttempts(t *testing.T, db *DB) {
	ctx := t.Context()
	a := createApplicant(t, db, 1)
	sub := &kyc.Submission{ID: kyc.NewID("sub", at(1)), ApplicantID: a.ID, Level: "basic",
		Steps: []kyc.Step{kyc.StepProfile, kyc.StepIdentity}, Status: kyc.SubmissionPending, CreatedAt: at(1)}
	prof := a.Profile
	att1 := &kyc.Attempt{ID: kyc.NewID("att", at(1)), ApplicantID: a.ID, SubmissionID: sub.ID, Step: kyc.StepProfile,
		Number: 1, Status: kyc.AttemptPending, Profile: &prof, CreatedAt: at(1)}
	att2 := &kyc.Attempt{ID: kyc.NewID("att", at(1)), ApplicantID: a.ID, SubmissionID: sub.ID, Step: kyc.StepIdentity,
		Number: 1, Status: kyc.AttemptPending, Identity: &kyc.IdentityChoice{DocType: kyc.DocPassport, Country: "GBR"},
		CreatedAt: at(1)}
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.CreateSubmission(ctx, sub); err != nil {
			return err
		}
		if err := tx.CreateAttempt(ctx, att1); err != nil {
			return err
		}
		return tx.CreateAttempt(ctx, att2)
	})
	got, err := db.GetSubmission(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "submission", got, sub)

	score := 0.42
	sub.Status, sub.Outcome, sub.PolicyVersion, sub.DecidedAt = kyc.SubmissionDecided, kyc.ActionRequired, "v1", ptr(at(2))
	sub.Reasons = []kyc.Reason{{Code: kyc.DocExpired, Disposition: kyc.Retry, Step: kyc.StepIdentity, Message: "Expired"}}
	sub.Result = &kyc.CheckResult{
		Findings:     []kyc.Finding{{Code: kyc.DocExpired, Step: kyc.StepIdentity}},
		Document:     &kyc.DocumentData{MRZ: &kyc.MRZData{Format: "TD3", Raw: []string{"P<GBR", "123"}, Valid: true}},
		Face:         &kyc.FaceData{DocumentFaceFound: true, SelfieFaceFound: true, MatchScore: &score, MatchThreshold: 0.5},
		Measurements: map[string]map[string]float64{"front": {"blur": 12.5}},
	}
	att2.Status, att2.DocExpiresAt, att2.DecidedAt, att2.Reasons = kyc.AttemptRetry, "2025-01-01", ptr(at(2)), sub.Reasons
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.UpdateSubmission(ctx, sub); err != nil {
			return err
		}
		return tx.UpdateAttempt(ctx, att2)
	})
	got, err = db.GetSubmission(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "decided submission", got, sub)
	subs, err := db.ListSubmissions(ctx, a.ID)
	if err != nil || len(subs) != 1 || subs[0].ID != sub.ID {
		t.Fatalf("ListSubmissions = %v, %v", subs, err)
	}
	gotA, err := db.GetAttempt(ctx, att2.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "attempt", gotA, att2)

	att3 := &kyc.Attempt{ID: kyc.NewID("att", at(3)), ApplicantID: a.ID, SubmissionID: "sub_2", Step: kyc.StepIdentity,
		Number: 2, Status: kyc.AttemptPending, CreatedAt: at(3)}
	update(t, db, func(tx kyc.Tx) error { return tx.CreateAttempt(ctx, att3) })
	list, err := db.ListAttempts(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[2].ID != att3.ID || list[0].CreatedAt.After(list[2].CreatedAt) {
		t.Fatalf("ListAttempts not oldest first: %+v", list)
	}
	// The same attempt number at the same step twice is a conflict (racing submissions).
	again := *att3
	again.ID = kyc.NewID("att", at(4))
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.CreateAttempt(ctx, &again) })
	wantKind(t, err, kyc.KindConflict)

	_, err = db.GetSubmission(ctx, "sub_missing")
	wantKind(t, err, kyc.KindNotFound)
	_, err = db.GetAttempt(ctx, "att_missing")
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UpdateAttempt(ctx, &kyc.Attempt{ID: "att_missing"}) })
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UpdateSubmission(ctx, &kyc.Submission{ID: "sub_missing"}) })
	wantKind(t, err, kyc.KindNotFound)
}

func testExpiringDocuments(t *testing.T, db *DB) {
	ctx := t.Context()
	type spec struct {
		approved bool
		attempts []struct {
			status  kyc.AttemptStatus
			expires string
		}
	}
	att := func(s kyc.AttemptStatus, e string) struct {
		status  kyc.AttemptStatus
		expires string
	} {
		return struct {
			status  kyc.AttemptStatus
			expires string
		}{s, e}
	}
	specs := []spec{
		{true, nil},  // 0: no attempt
		{true, nil},  // 1: expiring (set below)
		{false, nil}, // 2: not approved
		{true, nil},  // 3: expires later
		{true, nil},  // 4: superseded by a newer attempt
		{true, nil},  // 5: not passed
	}
	specs[1].attempts = append(specs[1].attempts, att(kyc.AttemptPassed, "2026-01-31"))
	specs[2].attempts = append(specs[2].attempts, att(kyc.AttemptPassed, "2026-01-31"))
	specs[3].attempts = append(specs[3].attempts, att(kyc.AttemptPassed, "2030-01-01"))
	specs[4].attempts = append(specs[4].attempts, att(kyc.AttemptPassed, "2026-01-31"), att(kyc.AttemptPassed, "2031-01-01"))
	specs[5].attempts = append(specs[5].attempts, att(kyc.AttemptRetry, "2026-01-31"))
	var want string
	for i, s := range specs {
		a := createApplicant(t, db, 10+i)
		update(t, db, func(tx kyc.Tx) error {
			st := kyc.InProgress
			if s.approved {
				st = kyc.Approved
			}
			if err := tx.PutLevelState(ctx, &kyc.LevelState{ApplicantID: a.ID, Level: "basic", Status: st, UpdatedAt: at(1)}); err != nil {
				return err
			}
			for n, x := range s.attempts {
				row := &kyc.Attempt{ID: kyc.NewID("att", at(20+n)), ApplicantID: a.ID, Step: kyc.StepIdentity, Number: n + 1,
					Status: x.status, DocExpiresAt: x.expires, CreatedAt: at(20 + n)}
				if i == 1 {
					want = row.ID
				}
				if err := tx.CreateAttempt(ctx, row); err != nil {
					return err
				}
			}
			return nil
		})
	}
	got, err := db.ListExpiringDocuments(ctx, "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != want {
		t.Fatalf("ListExpiringDocuments = %+v, want only %s", got, want)
	}
}

func testCases(t *testing.T, db *DB) {
	ctx := t.Context()
	a := createApplicant(t, db, 1)
	b := createApplicant(t, db, 2)
	reason := func(c kyc.Code) kyc.Reason {
		return kyc.Reason{Code: c, Disposition: kyc.Review, Step: kyc.StepIdentity, Message: string(c)}
	}
	mk := func(n int, app string, kind kyc.CaseKind, st kyc.CaseStatus, level string, due time.Time, codes ...kyc.Code) *kyc.Case {
		c := &kyc.Case{ID: kyc.NewID("case", at(n)), ApplicantID: app, Level: level, Kind: kind, Status: st,
			DueAt: due, CreatedAt: at(n)}
		for _, code := range codes {
			c.Reasons = append(c.Reasons, reason(code))
		}
		return c
	}
	c1 := mk(1, a.ID, kyc.CaseReview, kyc.CaseOpen, "basic", at(300), kyc.DocExpired, kyc.ImgGlare)
	c2 := mk(2, a.ID, kyc.CaseAppeal, kyc.CaseClaimed, "basic", at(100))
	c2.AppealMessage, c2.ClaimedBy, c2.SubmissionID = "Please look again", "stf_1", "sub_1"
	c3 := mk(3, b.ID, kyc.CaseReview, kyc.CaseOpen, "advanced", at(300), kyc.ImgGlare)
	c4 := mk(4, b.ID, kyc.CaseReview, kyc.CaseClosed, "basic", at(50), kyc.DocExpired)
	c4.Decision = &kyc.ReviewDecision{Action: kyc.ActionApprove, Codes: []kyc.Code{kyc.DocExpired}, By: "stf_1", At: at(6)}
	c4.ClosedAt = ptr(at(6))
	update(t, db, func(tx kyc.Tx) error {
		for _, c := range []*kyc.Case{c1, c2, c3, c4} {
			if err := tx.CreateCase(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := db.GetCase(ctx, c4.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "case", got, c4)
	_, err = db.GetCase(ctx, "case_missing")
	wantKind(t, err, kyc.KindNotFound)

	ids := func(cs ...*kyc.Case) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	check := func(name string, f kyc.CaseFilter, want []string) {
		t.Helper()
		got, err := db.ListCases(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		gotIDs := []string{}
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		same(t, "ListCases "+name, gotIDs, want)
	}
	check("all by due then created", kyc.CaseFilter{}, ids(c4, c2, c1, c3))
	check("statuses", kyc.CaseFilter{Statuses: []kyc.CaseStatus{kyc.CaseOpen, kyc.CaseClaimed}}, ids(c2, c1, c3))
	check("level", kyc.CaseFilter{Level: "advanced"}, ids(c3))
	check("kind", kyc.CaseFilter{Kind: kyc.CaseAppeal}, ids(c2))
	check("code", kyc.CaseFilter{Code: kyc.ImgGlare}, ids(c1, c3))
	check("code and status", kyc.CaseFilter{Code: kyc.DocExpired, Statuses: []kyc.CaseStatus{kyc.CaseOpen}}, ids(c1))
	check("applicant", kyc.CaseFilter{ApplicantID: b.ID}, ids(c4, c3))
	check("created before", kyc.CaseFilter{CreatedBefore: at(3)}, ids(c2, c1))
	check("limit", kyc.CaseFilter{Limit: 2}, ids(c4, c2))
	check("no match", kyc.CaseFilter{Code: kyc.FileCorrupted}, ids())

	// Updating the reasons re-indexes the codes.
	c1.Reasons = []kyc.Reason{reason(kyc.FileCorrupted)}
	c1.Status, c1.Overdue, c1.ClaimedBy = kyc.CaseAwaitingSecond, true, "stf_2"
	c1.Proposed = &kyc.ReviewDecision{Action: kyc.ActionReject, Comment: "Does not match", By: "stf_2", At: at(7)}
	update(t, db, func(tx kyc.Tx) error { return tx.UpdateCase(ctx, c1) })
	got, err = db.GetCase(ctx, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "updated case", got, c1)
	check("code after update", kyc.CaseFilter{Code: kyc.ImgGlare}, ids(c3))
	check("new code", kyc.CaseFilter{Code: kyc.FileCorrupted}, ids(c1))
	err = db.Update(ctx, func(tx kyc.Tx) error {
		return tx.UpdateCase(ctx, mk(9, a.ID, kyc.CaseReview, kyc.CaseOpen, "basic", at(1)))
	})
	wantKind(t, err, kyc.KindNotFound)
}

func testEvents(t *testing.T, db *DB) {
	ctx := t.Context()
	var want []string
	update(t, db, func(tx kyc.Tx) error {
		for i := range 25 {
			e := &kyc.EventRecord{ID: kyc.NewID("evt", at(i)), Type: kyc.EventStatusChanged, ApplicantID: "app_1",
				ExternalID: "ext-1", Data: map[string]any{"from": "pending", "to": "approved"}, CreatedAt: at(i)}
			want = append(want, e.ID)
			if err := tx.CreateEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	var got []string
	after := ""
	pages := 0
	for {
		page, err := db.ListEvents(ctx, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages++
		for _, e := range page {
			got = append(got, e.ID)
		}
		after = page[len(page)-1].ID
	}
	same(t, "events paged", got, want)
	if pages != 3 {
		t.Fatalf("%d pages, want 3", pages)
	}
	e, err := db.GetEvent(ctx, want[3])
	if err != nil {
		t.Fatal(err)
	}
	same(t, "event data", e.Data, map[string]any{"from": "pending", "to": "approved"})
	_, err = db.GetEvent(ctx, "evt_missing")
	wantKind(t, err, kyc.KindNotFound)
	rest, err := db.ListEvents(ctx, want[24], 10)
	if err != nil || len(rest) != 0 {
		t.Fatalf("after the last event: %v, %v", rest, err)
	}
}

func testWebhooks(t *testing.T, db *DB) {
	ctx := t.Context()
	ep := &kyc.Endpoint{ID: kyc.NewID("whe", at(1)), URL: "https://example.test/hook", Secret: "sealed",
		EventTypes: []string{kyc.EventDecision}, CreatedAt: at(1)}
	ep2 := &kyc.Endpoint{ID: kyc.NewID("whe", at(2)), URL: "https://example.test/all", Secret: "sealed2", CreatedAt: at(2)}
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.CreateEndpoint(ctx, ep); err != nil {
			return err
		}
		return tx.CreateEndpoint(ctx, ep2)
	})
	ep.DisabledAt, ep.EventTypes = ptr(at(3)), nil
	update(t, db, func(tx kyc.Tx) error { return tx.UpdateEndpoint(ctx, ep) })
	got, err := db.GetEndpoint(ctx, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "endpoint", got, ep)
	eps, err := db.ListEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "endpoints", eps, []kyc.Endpoint{*ep, *ep2})
	_, err = db.GetEndpoint(ctx, "whe_missing")
	wantKind(t, err, kyc.KindNotFound)

	var ds []*kyc.Delivery
	update(t, db, func(tx kyc.Tx) error {
		for i := range 5 {
			d := &kyc.Delivery{ID: kyc.NewID("dlv", at(10+i)), EndpointID: ep.ID, EventID: fmt.Sprintf("evt_%d", i),
				Status: kyc.DeliveryPending, CreatedAt: at(10 + i)}
			ds = append(ds, d)
			if err := tx.CreateDelivery(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	err = db.Update(ctx, func(tx kyc.Tx) error {
		return tx.CreateDelivery(ctx, &kyc.Delivery{ID: "dlv_x", EndpointID: "whe_missing", Status: kyc.DeliveryPending})
	})
	wantKind(t, err, kyc.KindNotFound)

	d := ds[0]
	attempts := []kyc.DeliveryAttempt{
		{DeliveryID: d.ID, At: at(20), StatusCode: 500, Error: "server error", DurationMS: 120},
		{DeliveryID: d.ID, At: at(21), Error: "timeout", DurationMS: 10000},
		{DeliveryID: d.ID, At: at(22), StatusCode: 204, DurationMS: 80},
	}
	for i := range attempts {
		update(t, db, func(tx kyc.Tx) error { return tx.AddDeliveryAttempt(ctx, &attempts[i]) })
	}
	d.Status, d.Attempts, d.LastCode, d.LastError, d.DeliveredAt = kyc.DeliveryDelivered, 3, 204, "", ptr(at(22))
	update(t, db, func(tx kyc.Tx) error { return tx.UpdateDelivery(ctx, d) })
	gotD, err := db.GetDelivery(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "delivery", gotD, d)
	gotA, err := db.ListDeliveryAttempts(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "delivery attempts", gotA, attempts)
	none, err := db.ListDeliveryAttempts(ctx, ds[1].ID)
	if err != nil || len(none) != 0 {
		t.Fatalf("attempts of an untried delivery: %v, %v", none, err)
	}

	list, err := db.ListDeliveries(ctx, ep.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].ID != ds[4].ID || list[2].ID != ds[2].ID {
		t.Fatalf("ListDeliveries not newest first: %+v", list)
	}
	_, err = db.GetDelivery(ctx, "dlv_missing")
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UpdateDelivery(ctx, &kyc.Delivery{ID: "dlv_missing"}) })
	wantKind(t, err, kyc.KindNotFound)
}

func testAPIKeysAndStaff(t *testing.T, db *DB) {
	ctx := t.Context()
	k := &kyc.APIKey{ID: kyc.NewID("key", at(1)), Name: "backend", Prefix: "kycd_ab12", Hash: "hash1", CreatedAt: at(1)}
	update(t, db, func(tx kyc.Tx) error { return tx.CreateAPIKey(ctx, k) })
	got, err := db.GetAPIKeyByHash(ctx, "hash1")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "api key", got, k)
	_, err = db.GetAPIKeyByHash(ctx, "nope")
	wantKind(t, err, kyc.KindNotFound)
	err = db.Update(ctx, func(tx kyc.Tx) error {
		return tx.CreateAPIKey(ctx, &kyc.APIKey{ID: "key_2", Name: "x", Prefix: "p", Hash: "hash1", CreatedAt: at(2)})
	})
	wantKind(t, err, kyc.KindConflict)
	k.Name, k.RevokedAt = "old backend", ptr(at(5))
	update(t, db, func(tx kyc.Tx) error { return tx.UpdateAPIKey(ctx, k) })
	keys, err := db.ListAPIKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "api keys", keys, []kyc.APIKey{*k})

	s := &kyc.Staff{ID: kyc.NewID("stf", at(1)), Email: "reviewer@example.test", Name: "Rae Viewer",
		Role: kyc.RoleReviewer, PasswordHash: "$argon2id$x", CreatedAt: at(1)}
	adm := &kyc.Staff{ID: kyc.NewID("stf", at(2)), Email: "admin@example.test", Name: "Ad Min", Role: kyc.RoleAdmin,
		PasswordHash: "$argon2id$y", CreatedAt: at(2)}
	update(t, db, func(tx kyc.Tx) error {
		if err := tx.CreateStaff(ctx, s); err != nil {
			return err
		}
		return tx.CreateStaff(ctx, adm)
	})
	err = db.Update(ctx, func(tx kyc.Tx) error {
		return tx.CreateStaff(ctx, &kyc.Staff{ID: "stf_x", Email: s.Email, Role: kyc.RoleAdmin, CreatedAt: at(3)})
	})
	wantKind(t, err, kyc.KindConflict)
	s.FailedLogins, s.LockedUntil = 5, ptr(at(30))
	update(t, db, func(tx kyc.Tx) error { return tx.UpdateStaff(ctx, s) })
	gotS, err := db.GetStaff(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "staff", gotS, s)
	gotS, err = db.GetStaffByEmail(ctx, "admin@example.test")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "staff by email", gotS, adm)
	_, err = db.GetStaffByEmail(ctx, "nobody@example.test")
	wantKind(t, err, kyc.KindNotFound)
	_, err = db.GetStaff(ctx, "stf_missing")
	wantKind(t, err, kyc.KindNotFound)
	all, err := db.ListStaff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "staff list", all, []kyc.Staff{*s, *adm})
	// Taking another member's email on update is a conflict too.
	adm.Email = s.Email
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.UpdateStaff(ctx, adm) })
	wantKind(t, err, kyc.KindConflict)
}

func auditEntry(i int, applicantID string) *kyc.AuditEntry {
	return &kyc.AuditEntry{ID: kyc.NewID("aud", at(i)), At: at(i).Add(789 * time.Nanosecond), ActorType: kyc.ActorStaff,
		ActorID: "stf_1", Action: "case.claim", ApplicantID: applicantID, Subject: fmt.Sprintf("case_%d", i),
		Detail: map[string]any{"n": i, "big": int64(1) << 60, "ratio": 0.1, "steps": []kyc.Step{kyc.StepIdentity},
			"nested": map[string]any{"ok": true, "none": nil}}}
}

func verifyChain(t *testing.T, db *DB, want int64) {
	t.Helper()
	var v kyc.ChainVerifier
	after := int64(0)
	for {
		page, err := db.ListAudit(t.Context(), after, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if bad, why := v.Check(page); bad != nil {
			t.Fatalf("chain broken at seq %d: %s", bad.Seq, why)
		}
		after = page[len(page)-1].Seq
	}
	if v.Checked != want {
		t.Fatalf("verified %d entries, want %d", v.Checked, want)
	}
}

func testAudit(t *testing.T, db *DB) {
	ctx := t.Context()
	var appended []kyc.AuditEntry
	for i := range 20 {
		app := "app_a"
		if i%3 == 0 {
			app = "app_b"
		}
		e := auditEntry(i, app)
		if i == 5 {
			e.Detail = nil
		}
		update(t, db, func(tx kyc.Tx) error { return tx.AppendAudit(ctx, e) })
		if e.Seq != int64(i+1) || e.Hash == "" || e.Hash != kyc.ChainHash(e) {
			t.Fatalf("entry %d: seq %d hash %q", i, e.Seq, e.Hash)
		}
		if i > 0 && e.PrevHash != appended[i-1].Hash {
			t.Fatalf("entry %d not linked to the previous one", i)
		}
		appended = append(appended, *e)
	}
	verifyChain(t, db, 20)

	forB, err := db.ListAuditForApplicant(ctx, "app_b", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(forB) != 3 || forB[0].Seq != 13 || forB[2].Seq != 19 {
		t.Fatalf("latest three entries of app_b, oldest first: %+v", forB)
	}

	// An entry appended in a rolled-back transaction leaves no gap.
	errBoom := errors.New("boom")
	err = db.Update(ctx, func(tx kyc.Tx) error {
		if err := tx.AppendAudit(ctx, auditEntry(50, "app_a")); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("got %v, want the function's error", err)
	}
	update(t, db, func(tx kyc.Tx) error { return tx.AppendAudit(ctx, auditEntry(51, "app_a")) })
	verifyChain(t, db, 21)

	// The log refuses changes made behind the application's back.
	if err := rawExec(ctx, db, `UPDATE audit_log SET action = 'forged' WHERE seq = 3`); err == nil {
		t.Fatal("UPDATE of the audit log succeeded")
	}
	if err := rawExec(ctx, db, `DELETE FROM audit_log WHERE seq = 3`); err == nil {
		t.Fatal("DELETE from the audit log succeeded")
	}
	// A duplicate entry id is a conflict, and does not advance the head.
	dup := auditEntry(60, "app_a")
	dup.ID = appended[0].ID
	err = db.Update(ctx, func(tx kyc.Tx) error { return tx.AppendAudit(ctx, dup) })
	wantKind(t, err, kyc.KindConflict)
	verifyChain(t, db, 21)
}

func testAuditConcurrent(t *testing.T, db *DB) {
	const writers, each = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				e := auditEntry(w*100+i, fmt.Sprintf("app_%d", w))
				if err := db.Update(t.Context(), func(tx kyc.Tx) error { return tx.AppendAudit(t.Context(), e) }); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	verifyChain(t, db, writers*each)
}

// TestAuditHeadLockPostgres appends from concurrent PostgreSQL transactions that skip the store's
// write lock: the audit head's row lock alone must keep the chain valid.
func TestAuditHeadLockPostgres(t *testing.T) {
	t.Parallel()
	if err := pgAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable and CI=true: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	db := setupPostgres(t)
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				ctx := t.Context()
				ptx, err := db.pool.Begin(ctx)
				if err != nil {
					errs <- err
					return
				}
				x := &tx{queries: queries{q: pgQuerier{ptx}, d: db.d}, db: db, raw: ptx}
				if err := x.AppendAudit(ctx, auditEntry(w*100+i, "app_x")); err != nil {
					_ = ptx.Rollback(ctx)
					errs <- err
					return
				}
				time.Sleep(time.Millisecond) // hold the head a little, so appenders overlap
				if err := ptx.Commit(ctx); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	verifyChain(t, db, writers*each)
}

func testIdentityMarks(t *testing.T, db *DB) {
	ctx := t.Context()
	a, b, c := createApplicant(t, db, 1), createApplicant(t, db, 2), createApplicant(t, db, 3)
	vec := []float32{0.6, -0.8, 0, 1e-7}
	update(t, db, func(tx kyc.Tx) error {
		for _, m := range []kyc.IdentityMark{
			{ApplicantID: a.ID, Kind: kyc.MarkDocument, Key: "k1", SubmissionID: "sub_a", CreatedAt: at(1)},
			{ApplicantID: b.ID, Kind: kyc.MarkDocument, Key: "k1", SubmissionID: "sub_b", CreatedAt: at(2)},
			{ApplicantID: c.ID, Kind: kyc.MarkDocument, Key: "k2", SubmissionID: "sub_c", CreatedAt: at(3)},
			{ApplicantID: a.ID, Kind: kyc.MarkFace, Key: "model-1", Vector: []float32{1, 0, 0, 0}, SubmissionID: "sub_a", CreatedAt: at(1)},
			// A newer mark of the same applicant, kind and key replaces the older one.
			{ApplicantID: a.ID, Kind: kyc.MarkFace, Key: "model-1", Vector: vec, SubmissionID: "sub_a2", CreatedAt: at(4)},
		} {
			if err := tx.PutIdentityMark(ctx, &m); err != nil {
				return err
			}
		}
		return nil
	})
	docs, err := db.ListIdentityMarks(ctx, kyc.MarkDocument, "k1", "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].ApplicantID > docs[1].ApplicantID {
		t.Fatalf("document marks for k1: %+v", docs)
	}
	// Paging: after the first applicant only the second remains.
	rest, err := db.ListIdentityMarks(ctx, kyc.MarkDocument, "k1", docs[0].ApplicantID, 10)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "second page", len(rest), 1)
	faces, err := db.ListIdentityMarks(ctx, kyc.MarkFace, "model-1", "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(faces) != 1 {
		t.Fatalf("face marks: %+v", faces)
	}
	same(t, "replaced vector", faces[0].Vector, vec)
	same(t, "replaced submission", faces[0].SubmissionID, "sub_a2")
	other, err := db.ListIdentityMarks(ctx, kyc.MarkFace, "model-2", "", 10)
	if err != nil || len(other) != 0 {
		t.Fatalf("another model's marks: %v %+v", err, other)
	}
}
