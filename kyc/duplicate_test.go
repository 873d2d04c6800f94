package kyc_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/kyc"
)

// readsAs is a stand-in for the reading and face engines, whose real inputs are photos of
// documents and faces: it reports a given document number and selfie embedding, so the
// duplicate rules are tested on their own.
type readsAs struct {
	number, source string
	emb            []float32
}

func (r *readsAs) Name() string { return "reads-as" }

func (r *readsAs) Check(ctx context.Context, in *check.Input, res *kyc.CheckResult) error {
	if in.Front != nil {
		res.Document = &kyc.DocumentData{Fields: map[string]string{"document_number": r.number, "issuing_country": "DEU",
			"document_number_source": r.source}}
	}
	if in.Selfie != nil {
		res.Face = &kyc.FaceData{SelfieFaceFound: true, ModelVersion: "test-model", Embedding: r.emb}
	}
	return nil
}

func TestDuplicateDocumentAndFace(t *testing.T) {
	t.Parallel()
	eng := &readsAs{}
	e := setup(t, eng)
	submit := func(ext, number string, emb []float32, seed int) (*kyc.ApplicantView, *kyc.Submission) {
		eng.number, eng.emb = number, emb
		a := e.newApplicant(t, ext, "basic")
		e.fill(t, a.ID, seed, 640)
		return a, e.submitAndCheck(t, a.ID)
	}
	first, sub := submit("dup-1", "L01X00T47", []float32{1, 0, 0, 0}, 1)
	if sub.Outcome != kyc.Approved {
		t.Fatalf("first applicant: %+v", sub.Reasons)
	}
	// The same number written with a space and lower case, and a face at cosine 0.8.
	_, sub = submit("dup-2", "l01x 00t47", []float32{0.8, 0.6, 0, 0}, 20)
	if sub.Outcome != kyc.InReview || !hasCode(sub.Reasons, kyc.DuplicateDocument) || !hasCode(sub.Reasons, kyc.DuplicateFace) {
		t.Fatalf("second applicant: outcome %s reasons %+v", sub.Outcome, sub.Reasons)
	}
	for _, r := range sub.Reasons {
		if r.Code == kyc.DuplicateDocument || r.Code == kyc.DuplicateFace {
			ids, _ := r.Detail["other_applicant_ids"].([]any)
			if !slices.Contains(ids, any(first.ID)) || r.Detail["other_applicants"] != float64(1) {
				t.Fatalf("%s names %v, want %s", r.Code, r.Detail["other_applicant_ids"], first.ID)
			}
		}
	}
	// Another number and a face below the threshold (cosine 0.6 < 0.7): no duplicate.
	_, sub = submit("dup-3", "C01X00T47", []float32{0.6, 0, 0.8, 0}, 40)
	if sub.Outcome != kyc.Approved {
		t.Fatalf("third applicant: outcome %s reasons %+v", sub.Outcome, sub.Reasons)
	}
	// The first number again, but read from the print alone (no check digit verified it): it
	// may be misread, so it is not held against the applicant.
	eng.source = "printed"
	_, sub = submit("dup-4", "L01X00T47", []float32{0, 0, 0, 1}, 60)
	if sub.Outcome != kyc.Approved {
		t.Fatalf("unverified number: outcome %s reasons %+v", sub.Outcome, sub.Reasons)
	}
}

// TestResubmitAcceptsOtherReviewedSteps: a case in review for the document (here a duplicate
// number); the reviewer asks for a new selfie only. The document step is thereby accepted, and
// the applicant resubmits the selfie alone.
func TestResubmitAcceptsOtherReviewedSteps(t *testing.T) {
	t.Parallel()
	eng := &readsAs{number: "X12345678", emb: []float32{0, 0, 1, 0}}
	e := setup(t, eng)
	ctx := context.Background()
	first := e.newApplicant(t, "rv-1", "basic")
	e.fill(t, first.ID, 1, 640)
	e.submitAndCheck(t, first.ID)
	eng.emb = []float32{0, 1, 0, 0}
	a := e.newApplicant(t, "rv-2", "basic")
	e.fill(t, a.ID, 30, 640)
	sub := e.submitAndCheck(t, a.ID)
	if sub.Outcome != kyc.InReview || !hasCode(sub.Reasons, kyc.DuplicateDocument) {
		t.Fatalf("want review for the duplicate number: %s %+v", sub.Outcome, sub.Reasons)
	}
	cases, err := e.svc.Queue(ctx, nil, kyc.CaseFilter{})
	must(t, err)
	var caseID string
	for _, c := range cases {
		if c.ApplicantID == a.ID {
			caseID = c.ID
		}
	}
	r, err := e.svc.CreateStaff(ctx, integrator, "rv@kycd.test", "R", kyc.RoleReviewer, "correct horse battery")
	must(t, err)
	_, err = e.svc.Decide(ctx, r, caseID, kyc.ReviewDecision{Action: kyc.ActionResubmit, Steps: []kyc.Step{kyc.StepSelfie},
		Codes: []kyc.Code{kyc.SelfieQuality}, Comment: "Please take the selfie again."})
	must(t, err)
	v := e.view(t, a.ID)
	for _, st := range v.Steps {
		want := kyc.StepPassed
		if st.Step == kyc.StepSelfie {
			want = kyc.StepRetry
		}
		if st.State != want {
			t.Fatalf("step %s is %s, want %s: %+v", st.Step, st.State, want, v.Steps)
		}
	}
	_, err = e.svc.UploadFile(ctx, integrator, a.ID, kyc.StepSelfie, kyc.SideSelfie, photo(t, 480, 640, 77))
	must(t, err)
	sub = e.submitAndCheck(t, a.ID)
	if len(sub.Steps) != 1 || sub.Steps[0] != kyc.StepSelfie {
		t.Fatalf("resubmission steps %v, want [selfie]", sub.Steps)
	}
}
