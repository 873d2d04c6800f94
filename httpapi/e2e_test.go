package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/webhook"
)

// hookSink is an integrator's webhook receiver.
type hookSink struct {
	mu   sync.Mutex
	got  []receivedHook
	more chan struct{}
}

type receivedHook struct {
	header http.Header
	body   []byte
	event  struct {
		ID        string    `json:"id"`
		Type      string    `json:"type"`
		CreatedAt time.Time `json:"created_at"`
		Data      struct {
			ApplicantID string         `json:"applicant_id"`
			ExternalID  string         `json:"external_id"`
			Details     map[string]any `json:"details"`
		} `json:"data"`
	}
}

func (s *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h := receivedHook{header: r.Header.Clone(), body: b}
	_ = json.Unmarshal(b, &h.event)
	s.mu.Lock()
	s.got = append(s.got, h)
	s.mu.Unlock()
	select {
	case s.more <- struct{}{}:
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}

// waitFor waits until a received webhook matches.
func (s *hookSink) waitFor(t *testing.T, what string, match func(receivedHook) bool) receivedHook {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		for _, h := range s.all() {
			if match(h) {
				return h
			}
		}
		select {
		case <-s.more:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no webhook %s within 60s", what)
		}
	}
}

func (s *hookSink) all() []receivedHook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedHook(nil), s.got...)
}

// TestEndToEnd drives the whole flow through the API over the real service, store, file store,
// checks and job workers: create → token → identity → front/back → selfie → challenge → frames →
// submit → decision (background job) → signed webhooks; then a profile change re-opens the
// identity, the applicant appeals with a file, and a reviewer approves.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	e := setup(t, setupOpts{cfg: testCfg, jobs: true})
	sink := &hookSink{more: make(chan struct{}, 1)}
	hooks := httptest.NewServer(sink)
	t.Cleanup(hooks.Close)

	r := e.json(t, "POST", "/v1/webhooks", e.key, WebhookRequest{URL: hooks.URL + "/kycd"})
	wantStatus(t, r, http.StatusCreated)
	var wh struct {
		Endpoint kyc.Endpoint
		Secret   string
	}
	r.decode(t, &wh)

	// The integrator creates the applicant and hands a token to the hosted flow.
	const ext = "e2e-person-1"
	id, tok := e.newApplicant(t, ext, "basic")
	base := "/v1/applicants/" + id

	// The applicant captures everything.
	wantStatus(t, e.json(t, "PUT", base+"/identity", tok, kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "DEU"}), http.StatusOK)
	front := photo(t, 800, 520, 101)
	r = e.multipart(t, base+"/documents/front", tok, filePart(front))
	wantStatus(t, r, http.StatusCreated)
	var frontFile kyc.File
	r.decode(t, &frontFile)
	if frontFile.ContentType != "image/jpeg" || frontFile.Width != 800 || frontFile.Side != kyc.SideFront || frontFile.Size != int64(len(front)) {
		t.Fatalf("front file %+v", frontFile)
	}
	wantStatus(t, e.multipart(t, base+"/documents/back", tok, filePart(photo(t, 800, 520, 102))), http.StatusCreated)
	wantStatus(t, e.multipart(t, base+"/selfie", tok, part{name: "file", filename: "selfie.png", data: pngPhoto(t, 480, 640, 103)}), http.StatusCreated)
	r = e.do(t, "POST", base+"/liveness/challenge", tok, nil, "")
	wantStatus(t, r, http.StatusCreated)
	var ch kyc.Challenge
	r.decode(t, &ch)
	start := time.Now().UTC()
	for i := 0; i < 3; i++ {
		at := start.Add(time.Duration(i) * 400 * time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
		r := e.multipart(t, base+"/liveness/frames", tok, filePart(photo(t, 480, 640, uint64(110+i))),
			part{name: "nonce", data: []byte(ch.Nonce)}, part{name: "index", data: []byte(fmt.Sprint(i))},
			part{name: "captured_at", data: []byte(at)})
		wantStatus(t, r, http.StatusCreated)
	}
	var v kyc.ApplicantView
	e.do(t, "GET", base, tok, nil, "").decode(t, &v)
	if v.Status != kyc.InProgress {
		t.Fatalf("before submit: status %s", v.Status)
	}
	for _, sv := range v.Steps {
		if sv.Step != kyc.StepProfile && sv.State != kyc.StepDraft {
			t.Errorf("step %s is %s before submit, want draft", sv.Step, sv.State)
		}
	}

	// Submit; the checks run as a background job and the decision arrives.
	r = e.do(t, "POST", base+"/submit", tok, nil, "")
	wantStatus(t, r, http.StatusAccepted)
	var sub kyc.Submission
	r.decode(t, &sub)
	if sub.Status != kyc.SubmissionPending || len(sub.Steps) != 4 {
		t.Fatalf("submission %+v", sub)
	}
	v = e.waitStatus(t, base, tok, kyc.Approved)
	if v.ApprovedLevel != "basic" || v.Limits["withdrawal_24h_usd"] != 10000 {
		t.Errorf("approved view: level %q limits %v", v.ApprovedLevel, v.Limits)
	}
	decision := sink.waitFor(t, "applicant.decision", func(h receivedHook) bool {
		return h.event.Type == kyc.EventDecision && h.event.Data.ApplicantID == id
	})
	if decision.event.Data.ExternalID != ext || decision.event.Data.Details["status"] != string(kyc.Approved) {
		t.Errorf("decision webhook %s", decision.body)
	}

	// The history is kept: one attempt per step, one decided submission.
	r = e.do(t, "GET", base+"/attempts", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var hist struct {
		Attempts    []kyc.Attempt
		Submissions []kyc.Submission
	}
	r.decode(t, &hist)
	if len(hist.Attempts) != 4 || len(hist.Submissions) != 1 || hist.Submissions[0].Status != kyc.SubmissionDecided {
		t.Fatalf("history: %d attempts, %d submissions", len(hist.Attempts), len(hist.Submissions))
	}
	for _, a := range hist.Attempts {
		if a.Status != kyc.AttemptPassed {
			t.Errorf("attempt %s: %s", a.Step, a.Status)
		}
	}

	// The applicant reads back their own file; nobody else's token reaches it.
	r = e.do(t, "GET", base+"/files/"+frontFile.ID, tok, nil, "")
	wantStatus(t, r, http.StatusOK)
	if !bytes.Equal(r.body, front) || r.header.Get("Content-Type") != "image/jpeg" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("file: %d bytes, type %q, cache %q", len(r.body), r.header.Get("Content-Type"), r.header.Get("Cache-Control"))
	}
	otherID, otherTok := e.newApplicant(t, "e2e-person-2", "basic")
	wantProblem(t, e.do(t, "GET", "/v1/applicants/"+otherID+"/files/"+frontFile.ID, otherTok, nil, ""), http.StatusNotFound, "", "")
	wantProblem(t, e.do(t, "GET", base+"/files/"+frontFile.ID, otherTok, nil, ""), http.StatusNotFound, "", "")

	// The used challenge's nonce cannot be replayed.
	before := e.state(t, id)
	r = e.multipart(t, base+"/liveness/frames", tok, filePart(photo(t, 480, 640, 120)),
		part{name: "nonce", data: []byte(ch.Nonce)}, part{name: "index", data: []byte("0")})
	wantProblem(t, r, http.StatusConflict, "", "")
	if got := e.state(t, id); got != before {
		t.Errorf("a replayed frame changed the stored state: %+v → %+v", before, got)
	}

	// Re-KYC: the name changes, identity must be verified again; the applicant appeals instead.
	r = e.json(t, "PATCH", base, tok, kyc.ApplicantUpdate{Profile: &kyc.Profile{FirstName: "Mira", LastName: "Neuname",
		DateOfBirth: "1990-04-12", Nationality: "DEU"}})
	wantStatus(t, r, http.StatusOK)
	r.decode(t, &v)
	if v.Status != kyc.ActionRequired {
		t.Fatalf("after a name change: %s", v.Status)
	}
	for _, re := range v.Reasons {
		if re.Detail != nil {
			t.Errorf("applicant sees reason detail %v", re.Detail)
		}
	}
	r = e.multipart(t, base+"/appeal", tok, part{name: "message", data: []byte("I married; the document shows my new name.")},
		part{name: "files", filename: "certificate.jpg", data: photo(t, 600, 800, 130)})
	wantStatus(t, r, http.StatusCreated)
	var appealCase kyc.Case
	r.decode(t, &appealCase)
	if appealCase.Kind != kyc.CaseAppeal || appealCase.Status != kyc.CaseOpen {
		t.Fatalf("appeal case %+v", appealCase)
	}
	e.do(t, "GET", base, tok, nil, "").decode(t, &v)
	if v.Status != kyc.InReview || v.ReviewDueAt == nil {
		t.Fatalf("after appeal: %s due %v", v.Status, v.ReviewDueAt)
	}

	// A reviewer works the case.
	if _, err := e.svc.CreateStaff(context.Background(), kyc.Actor{Type: kyc.ActorSystem}, "reviewer@example.test", "Reviewer One", kyc.RoleReviewer, "reviewer password 1"); err != nil {
		t.Fatal(err)
	}
	var login LoginResponse
	e.json(t, "POST", "/v1/staff/login", "", LoginRequest{Email: "reviewer@example.test", Password: "reviewer password 1"}).decode(t, &login)
	st := login.Token
	r = e.do(t, "GET", "/v1/review/cases?kind=appeal", st, nil, "")
	wantStatus(t, r, http.StatusOK)
	var queue struct{ Cases []kyc.Case }
	r.decode(t, &queue)
	if len(queue.Cases) != 1 || queue.Cases[0].ID != appealCase.ID {
		t.Fatalf("queue %+v", queue)
	}
	wantStatus(t, e.do(t, "POST", "/v1/review/cases/"+appealCase.ID+"/claim", st, nil, ""), http.StatusOK)
	r = e.do(t, "GET", "/v1/review/cases/"+appealCase.ID, st, nil, "")
	wantStatus(t, r, http.StatusOK)
	var detail kyc.CaseDetail
	r.decode(t, &detail)
	var appealFile *kyc.File
	for i, f := range detail.Files {
		if f.CaseID == appealCase.ID {
			appealFile = &detail.Files[i]
		}
	}
	if appealFile == nil || len(detail.Attempts) != 4 || detail.Case.AppealMessage == "" {
		t.Fatalf("case detail: %d files (appeal file %v), %d attempts", len(detail.Files), appealFile != nil, len(detail.Attempts))
	}
	r = e.do(t, "GET", "/v1/review/files/"+appealFile.ID, st, nil, "")
	wantStatus(t, r, http.StatusOK)
	if int64(len(r.body)) != appealFile.Size || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("staff file: %d bytes, cache %q", len(r.body), r.header.Get("Cache-Control"))
	}
	audit, err := e.db.ListAuditForApplicant(context.Background(), id, 500)
	if err != nil {
		t.Fatal(err)
	}
	viewed := false
	for _, a := range audit {
		viewed = viewed || (a.Action == "file.view" && a.Subject == appealFile.ID && a.ActorID == login.Staff.ID)
	}
	if !viewed {
		t.Error("the reviewer's file access is not in the audit log")
	}
	r = e.json(t, "POST", "/v1/review/cases/"+appealCase.ID+"/decision", st, DecisionRequest{Action: kyc.ActionApprove,
		Comment: "Thank you, the new name is confirmed.", InternalNote: "marriage certificate checked"})
	wantStatus(t, r, http.StatusOK)
	var decided kyc.Case
	r.decode(t, &decided)
	if decided.Status != kyc.CaseClosed || decided.Decision == nil || decided.Decision.By != login.Staff.ID {
		t.Fatalf("decided case %+v", decided)
	}
	e.do(t, "GET", base, tok, nil, "").decode(t, &v)
	if v.Status != kyc.Approved {
		t.Fatalf("after the reviewer approved: %s", v.Status)
	}
	sink.waitFor(t, "applicant.review_decided", func(h receivedHook) bool {
		return h.event.Type == kyc.EventReviewDecided && h.event.Data.ApplicantID == id
	})
	sink.waitFor(t, "status_changed to approved after review", func(h receivedHook) bool {
		return h.event.Type == kyc.EventStatusChanged && h.event.Data.ApplicantID == id &&
			h.event.Data.Details["from"] == string(kyc.InReview) && h.event.Data.Details["to"] == string(kyc.Approved)
	})

	// Every webhook is signed, verifiable and described by openapi.yaml.
	doc, _ := loadSpec(t)
	for _, h := range sink.all() {
		if err := webhook.Verify([]byte(wh.Secret), h.header, h.body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("webhook %s %s: %v", h.event.Type, h.event.ID, err)
		}
		if h.header.Get("webhook-id") != h.event.ID {
			t.Errorf("webhook-id %q, body id %q", h.header.Get("webhook-id"), h.event.ID)
		}
		validateWebhook(t, doc, h)
	}
	tampered := sink.all()[0]
	if webhook.Verify([]byte(wh.Secret), tampered.header, append(tampered.body, ' '), time.Now(), 5*time.Minute) == nil {
		t.Error("a tampered body verifies")
	}

	// The delivery log shows the deliveries; a replay sends the same event id again.
	r = e.do(t, "GET", "/v1/webhooks/"+wh.Endpoint.ID+"/deliveries", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var dl struct{ Deliveries []DeliveryLog }
	r.decode(t, &dl)
	if len(dl.Deliveries) == 0 {
		t.Fatal("no deliveries logged")
	}
	var done *DeliveryLog
	for i, d := range dl.Deliveries {
		if d.Status == kyc.DeliveryDelivered && len(d.Requests) > 0 {
			done = &dl.Deliveries[i]
			break
		}
	}
	if done == nil {
		t.Fatalf("no delivered delivery with its requests: %+v", dl.Deliveries[0])
	}
	sent := func() int {
		n := 0
		for _, h := range sink.all() {
			if h.event.ID == done.EventID {
				n++
			}
		}
		return n
	}
	n := sent()
	r = e.do(t, "POST", "/v1/webhooks/deliveries/"+done.ID+"/replay", e.key, nil, "")
	wantStatus(t, r, http.StatusAccepted)
	var replay kyc.Delivery
	r.decode(t, &replay)
	if replay.EventID != done.EventID || replay.ID == done.ID || replay.Status != kyc.DeliveryPending {
		t.Errorf("replay %+v of %+v", replay, done.Delivery)
	}
	for deadline := time.Now().Add(60 * time.Second); sent() <= n; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the replayed delivery did not arrive within 60s")
		}
	}

	// Nothing personal reached the log.
	logs := e.logs.String()
	for _, s := range []string{"Testperson", "Neuname", "1990-04-12", ext, "married"} {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains personal data %q", s)
		}
	}
}

// waitStatus polls the applicant until its status is want (and no longer pending).
func (e *env) waitStatus(t *testing.T, path, token string, want kyc.Status) kyc.ApplicantView {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var v kyc.ApplicantView
		e.do(t, "GET", path, token, nil, "").decode(t, &v)
		if v.Status != kyc.Pending {
			if v.Status != want {
				t.Fatalf("status %s, want %s; reasons %+v", v.Status, want, v.Reasons)
			}
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("still pending after 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// validateWebhook checks a received webhook's body against the webhooks section of openapi.yaml.
func validateWebhook(t *testing.T, doc *openapi3.T, h receivedHook) {
	t.Helper()
	pi := doc.Webhooks[h.event.Type]
	if pi == nil || pi.Post == nil {
		t.Errorf("webhook type %q is not in openapi.yaml", h.event.Type)
		return
	}
	schema := pi.Post.RequestBody.Value.Content.Get("application/json").Schema.Value
	var body any
	if err := json.Unmarshal(h.body, &body); err != nil {
		t.Fatal(err)
	}
	if err := schema.VisitJSON(body, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("webhook %s does not match openapi.yaml: %v\n%s", h.event.Type, err, h.body)
	}
	for _, name := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		if h.header.Get(name) == "" {
			t.Errorf("webhook %s without header %s", h.event.Type, name)
		}
	}
}
