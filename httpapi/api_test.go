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
	"testing"

	"github.com/kycd/kycd/kyc"
)

func TestPublicRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r := e.do(t, "GET", "/healthz", "", nil, "")
	wantStatus(t, r, http.StatusOK)
	if got := r.header.Get("X-Request-Id"); got == "" {
		t.Error("no X-Request-Id")
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}

	r = e.do(t, "GET", "/v1/reasons", "", nil, "")
	wantStatus(t, r, http.StatusOK)
	var cat struct{ Reasons []ReasonEntry }
	r.decode(t, &cat)
	if len(cat.Reasons) != len(kyc.Catalogue()) {
		t.Fatalf("%d reasons, want %d", len(cat.Reasons), len(kyc.Catalogue()))
	}
	for _, re := range cat.Reasons {
		if re.Code == kyc.ImgGlare && (re.DefaultDisposition != kyc.Retry || re.MessageZH == "" || re.Hint == "" || re.Step != kyc.StepIdentity) {
			t.Errorf("IMG_GLARE entry %+v", re)
		}
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r := e.do(t, "GET", "/v1/nothing-here", e.key, nil, "")
	wantProblem(t, r, http.StatusNotFound, "", "")

	r = e.do(t, "PUT", "/v1/events", e.key, nil, "")
	wantProblem(t, r, http.StatusMethodNotAllowed, "", "")
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") {
		t.Errorf("Allow %q", allow)
	}

	// The caller's request id is echoed when plain, replaced otherwise.
	for _, tc := range []struct{ in, want string }{{"abc-123", "abc-123"}, {"bad id\u00e9", ""}} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/healthz", nil)
		req.Header.Set("X-Request-Id", tc.in)
		res, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := res.Header.Get("X-Request-Id")
		if (tc.want != "" && got != tc.want) || (tc.want == "" && (got == tc.in || got == "")) {
			t.Errorf("request id %q → %q", tc.in, got)
		}
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	id, tok := e.newApplicant(t, "auth-1", "basic")
	otherID, _ := e.newApplicant(t, "auth-2", "basic")

	revoked, k, err := e.svc.CreateAPIKey(ctx, kyc.Actor{Type: kyc.ActorSystem}, "to revoke")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RevokeAPIKey(ctx, kyc.Actor{Type: kyc.ActorSystem}, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateStaff(ctx, kyc.Actor{Type: kyc.ActorSystem}, "rev@example.test", "Reviewer", kyc.RoleReviewer, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	r := e.json(t, "POST", "/v1/staff/login", "", LoginRequest{Email: "rev@example.test", Password: "a long enough password"})
	wantStatus(t, r, http.StatusOK)
	var login LoginResponse
	r.decode(t, &login)

	cases := []struct {
		name, method, path, token string
		status                    int
	}{
		{"no credentials", "GET", "/v1/events", "", http.StatusUnauthorized},
		{"unknown key", "GET", "/v1/events", "kyck_thisisnotakey", http.StatusUnauthorized},
		{"revoked key", "GET", "/v1/events", revoked, http.StatusUnauthorized},
		{"garbage credential", "GET", "/v1/events", "hello", http.StatusUnauthorized},
		{"forged applicant token", "GET", "/v1/applicants/" + id, tok + "x", http.StatusUnauthorized},
		{"forged staff session", "GET", "/v1/review/cases", login.Token + "x", http.StatusUnauthorized},
		{"applicant token on integrator route", "GET", "/v1/events", tok, http.StatusForbidden},
		{"applicant token on staff route", "GET", "/v1/review/cases", tok, http.StatusForbidden},
		{"key on staff route", "GET", "/v1/review/cases", e.key, http.StatusForbidden},
		{"key on applicant-only file route", "GET", "/v1/applicants/" + id + "/files/file_x", e.key, http.StatusForbidden},
		{"reviewer on admin route", "GET", "/v1/admin/api-keys", login.Token, http.StatusForbidden},
		{"staff on integrator route", "POST", "/v1/applicants/" + id + "/token", login.Token, http.StatusForbidden},
		{"applicant token on other applicant", "GET", "/v1/applicants/" + otherID, tok, http.StatusNotFound},
		{"applicant token on other applicant's upload", "POST", "/v1/applicants/" + otherID + "/selfie", tok, http.StatusNotFound},
		{"applicant token on other applicant's submit", "POST", "/v1/applicants/" + otherID + "/submit", tok, http.StatusNotFound},
		{"applicant token on unknown applicant", "GET", "/v1/applicants/app_nope", tok, http.StatusNotFound},
		{"applicant token, own applicant", "GET", "/v1/applicants/" + id, tok, http.StatusOK},
		{"key, any applicant", "GET", "/v1/applicants/" + otherID, e.key, http.StatusOK},
		{"key, unknown applicant", "GET", "/v1/applicants/app_nope", e.key, http.StatusNotFound},
		{"reviewer on staff route", "GET", "/v1/review/cases", login.Token, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := e.do(t, tc.method, tc.path, tc.token, nil, "")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status >= 400 {
				wantProblem(t, r, tc.status, "", "")
			}
			if tc.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Error("401 without WWW-Authenticate: Bearer")
			}
		})
	}
	// The other applicant's 404 looks exactly like an unknown applicant's.
	a := e.do(t, "GET", "/v1/applicants/"+otherID, tok, nil, "").problem(t)
	b := e.do(t, "GET", "/v1/applicants/app_nope", tok, nil, "").problem(t)
	if a.Detail != b.Detail || a.Type != b.Type {
		t.Errorf("other applicant %+v differs from unknown %+v", a, b)
	}
}

func TestCreateApplicantErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.newApplicant(t, "dup-1", "basic")
	big := `{"external_id":"x","profile":{"full_name":"` + strings.Repeat("a", int(testCfg.MaxJSONBytes)) + `"}}`
	cases := []struct {
		name, body, ctype string
		status            int
		field             string
		detail            string
	}{
		{"duplicate external id", `{"external_id":"dup-1"}`, "application/json", http.StatusConflict, "", ""},
		{"syntax error", `{"external_id": "x",}`, "application/json", http.StatusBadRequest, "", "offset 21"},
		{"truncated", `{"external_id": "x"`, "application/json", http.StatusBadRequest, "", "ends too early"},
		{"empty body", ``, "application/json", http.StatusBadRequest, "", "empty"},
		{"unknown field", `{"external_id":"x","levle":"basic"}`, "application/json", http.StatusBadRequest, "levle", "levle"},
		{"unknown nested field", `{"external_id":"x","profile":{"surname":"X"}}`, "application/json", http.StatusBadRequest, "surname", ""},
		{"wrong type", `{"external_id":"x","profile":{"first_name":5}}`, "application/json", http.StatusBadRequest, "profile.first_name", "string"},
		{"not an object", `[1,2]`, "application/json", http.StatusBadRequest, "", ""},
		{"two values", `{"external_id":"x"} {"external_id":"y"}`, "application/json", http.StatusBadRequest, "", "single JSON value"},
		{"too large", big, "application/json", http.StatusRequestEntityTooLarge, "", ""},
		{"not JSON", `external_id=x`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, "", ""},
		{"no content type", `{"external_id":"x"}`, "", http.StatusUnsupportedMediaType, "", ""},
		{"missing external id", `{"level":"basic"}`, "application/json", http.StatusUnprocessableEntity, "external_id", ""},
		{"unknown level", `{"external_id":"x","level":"gold"}`, "application/json", http.StatusUnprocessableEntity, "level", ""},
		{"bad date of birth", `{"external_id":"x","profile":{"date_of_birth":"12/04/1990"}}`, "application/json", http.StatusUnprocessableEntity, "profile.date_of_birth", ""},
		{"bad nationality", `{"external_id":"x","profile":{"nationality":"Germany"}}`, "application/json", http.StatusUnprocessableEntity, "profile.nationality", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := e.do(t, "POST", "/v1/applicants", e.key, []byte(tc.body), tc.ctype)
			p := wantProblem(t, r, tc.status, "", tc.field)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not mention %q", p.Detail, tc.detail)
			}
		})
	}
	// None of the refused requests created anything.
	r := e.do(t, "GET", "/v1/applicants?external_id=x", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var list struct{ Applicants []kyc.ApplicantView }
	r.decode(t, &list)
	if len(list.Applicants) != 0 {
		t.Errorf("refused requests created %d applicants", len(list.Applicants))
	}
	r = e.do(t, "GET", "/v1/applicants", e.key, nil, "")
	wantProblem(t, r, http.StatusBadRequest, "", "external_id")
}

func TestApplicantLifecycleIntegrator(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.newApplicant(t, "ext-42", "basic")

	r := e.do(t, "GET", "/v1/applicants?external_id=ext-42", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var list struct{ Applicants []kyc.ApplicantView }
	r.decode(t, &list)
	if len(list.Applicants) != 1 || list.Applicants[0].ID != id || list.Applicants[0].Status != kyc.NotStarted {
		t.Fatalf("lookup: %+v", list)
	}

	lvl := "advanced"
	r = e.json(t, "PATCH", "/v1/applicants/"+id, e.key, kyc.ApplicantUpdate{Level: &lvl})
	wantStatus(t, r, http.StatusOK)
	var v kyc.ApplicantView
	r.decode(t, &v)
	if v.Level != "advanced" || len(v.Steps) != 5 {
		t.Fatalf("after level change: level %s, %d steps", v.Level, len(v.Steps))
	}

	r = e.do(t, "GET", "/v1/applicants/"+id+"/attempts", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var hist struct {
		Attempts    []kyc.Attempt
		Submissions []kyc.Submission
	}
	r.decode(t, &hist)
	if len(hist.Attempts) != 0 || len(hist.Submissions) != 0 {
		t.Errorf("fresh applicant has history %+v", hist)
	}

	r = e.do(t, "GET", "/v1/events?limit=abc", e.key, nil, "")
	wantProblem(t, r, http.StatusBadRequest, "", "limit")
	r = e.do(t, "GET", "/v1/events?limit=1", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var page struct {
		Events    []kyc.EventRecord
		NextAfter string `json:"next_after"`
	}
	r.decode(t, &page)
	if len(page.Events) != 1 || page.Events[0].Type != kyc.EventApplicantCreated || page.NextAfter != page.Events[0].ID {
		t.Fatalf("events page %+v", page)
	}
	r = e.do(t, "GET", "/v1/events?after="+page.NextAfter, e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var rest struct{ Events []kyc.EventRecord }
	r.decode(t, &rest)
	for _, ev := range rest.Events {
		if ev.ID == page.NextAfter {
			t.Error("after is not exclusive")
		}
	}
}

func TestApplicantCannotChangeLevel(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "lvl-1", "basic")
	r := e.do(t, "PATCH", "/v1/applicants/"+id, tok, []byte(`{"level":"advanced"}`), "application/json")
	wantProblem(t, r, http.StatusForbidden, "", "level")
	r = e.do(t, "PATCH", "/v1/applicants/"+id, tok, []byte(`{"profile":{"first_name":"Mirá","last_name":"Testperson","date_of_birth":"1990-04-12","nationality":"DEU"}}`), "application/json")
	wantStatus(t, r, http.StatusOK)
	var v kyc.ApplicantView
	r.decode(t, &v)
	if v.Level != "basic" || v.Profile.FirstName != "Mirá" {
		t.Fatalf("after applicant update: %+v", v)
	}
}

func TestIdentityErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "idn-1", "basic")
	path := "/v1/applicants/" + id + "/identity"
	r := e.do(t, "PUT", path, tok, []byte(`{"doc_type":"library_card","country":"DEU"}`), "application/json")
	wantProblem(t, r, http.StatusUnprocessableEntity, "", "doc_type")
	r = e.do(t, "PUT", path, tok, []byte(`{"doc_type":"passport","country":"Germany"}`), "application/json")
	wantProblem(t, r, http.StatusUnprocessableEntity, "", "country")
	r = e.do(t, "PUT", path, tok, []byte(`{"doc_type":"passport"`), "application/json")
	wantProblem(t, r, http.StatusBadRequest, "", "")
	r = e.json(t, "PUT", path, tok, kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "deu"})
	wantStatus(t, r, http.StatusOK)
	var d kyc.Draft
	r.decode(t, &d)
	if d.Identity == nil || d.Identity.Country != "DEU" || d.Step != kyc.StepIdentity {
		t.Fatalf("draft %+v", d)
	}
}

// TestUploadErrors sends every kind of bad upload and checks the answer and that nothing was
// stored: no file row, no blob, no attempt.
func TestUploadErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "up-1", "advanced")
	base := "/v1/applicants/" + id
	good := photo(t, 640, 420, 1)
	over := bytes.Repeat([]byte{0xff}, int(testCfg.MaxImageBytes)+1)
	copy(over, good) // a JPEG header, then too many bytes
	overPDF := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), int(testCfg.MaxPDFBytes))...)
	// An image above the image limit but within the PDF limit: the proof-of-address body admits
	// it and the checks refuse it.
	imageForPOA := append(append([]byte(nil), good...), bytes.Repeat([]byte{0}, int(testCfg.MaxImageBytes))...)

	r := e.json(t, "PUT", base+"/identity", tok, kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "DEU"})
	wantStatus(t, r, http.StatusOK)
	before := e.state(t, id)

	cases := []struct {
		name   string
		path   string
		parts  []part
		ctype  string // overrides the multipart content type
		status int
		code   kyc.Code
		field  string
	}{
		{"image too large", base + "/documents/front", []part{filePart(over)}, "", http.StatusRequestEntityTooLarge, kyc.FileTooLarge, "file"},
		{"selfie too large", base + "/selfie", []part{filePart(over)}, "", http.StatusRequestEntityTooLarge, kyc.FileTooLarge, "file"},
		{"PDF too large", base + "/proof-of-address", []part{filePart(overPDF)}, "", http.StatusRequestEntityTooLarge, kyc.FileTooLarge, "file"},
		{"image too large for POA", base + "/proof-of-address", []part{filePart(imageForPOA)}, "", http.StatusRequestEntityTooLarge, kyc.FileTooLarge, "file"},
		{"GIF", base + "/documents/front", []part{filePart([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))}, "", http.StatusUnsupportedMediaType, kyc.FileFormatUnsupported, "file"},
		{"text", base + "/selfie", []part{filePart([]byte("just some text"))}, "", http.StatusUnsupportedMediaType, kyc.FileFormatUnsupported, "file"},
		{"PDF as a document side", base + "/documents/front", []part{filePart([]byte("%PDF-1.4\n1 0 obj<</Type /Page >>endobj\n%%EOF"))}, "", http.StatusUnsupportedMediaType, kyc.FileFormatUnsupported, "file"},
		{"truncated JPEG", base + "/documents/front", []part{filePart(good[:len(good)/3])}, "", http.StatusUnprocessableEntity, kyc.FileCorrupted, "file"},
		{"truncated PDF", base + "/proof-of-address", []part{filePart([]byte("%PDF-1.4\n1 0 obj<</Type /Page >>endobj\n"))}, "", http.StatusUnprocessableEntity, kyc.FileCorrupted, "file"},
		{"missing file field", base + "/documents/front", []part{{name: "other", data: []byte("x")}}, "", http.StatusBadRequest, "", "other"},
		{"no parts", base + "/documents/front", nil, "", http.StatusBadRequest, "", "file"},
		{"file without filename", base + "/documents/front", []part{{name: "file", data: good}}, "", http.StatusBadRequest, "", "file"},
		{"file twice", base + "/documents/front", []part{filePart(good), filePart(good)}, "", http.StatusBadRequest, "", "file"},
		{"not multipart", base + "/documents/front", nil, "image/jpeg", http.StatusUnsupportedMediaType, "", ""},
		{"bad side", base + "/documents/left", []part{filePart(good)}, "", http.StatusUnprocessableEntity, "", "side"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartBody(t, tc.parts...)
			if tc.ctype != "" {
				body, ct = good, tc.ctype
			}
			r := e.do(t, "POST", tc.path, tok, body, ct)
			wantProblem(t, r, tc.status, tc.code, tc.field)
			if got := e.state(t, id); got != before {
				t.Errorf("refused upload changed the stored state: %+v → %+v", before, got)
			}
		})
	}

	// A huge body, streamed: the answer comes without the server buffering it.
	t.Run("huge streamed body", func(t *testing.T) {
		pr, pw := io.Pipe()
		mwBody, ct := multipartBody(t, filePart(good))
		head := mwBody[:bytes.Index(mwBody, good)]
		go func() {
			_, _ = pw.Write(head)
			chunk := bytes.Repeat([]byte{0xff}, 64<<10)
			for i := 0; i < 200; i++ { // 12.5 MiB
				if _, err := pw.Write(chunk); err != nil {
					return
				}
			}
			pw.Close()
		}()
		r := e.doReader(t, "POST", base+"/selfie", tok, pr, ct)
		pr.Close()
		wantProblem(t, r, http.StatusRequestEntityTooLarge, kyc.FileTooLarge, "file")
		if got := e.state(t, id); got != before {
			t.Errorf("refused upload changed the stored state: %+v → %+v", before, got)
		}
	})

	// The same image for front and back is refused at upload, keeping the first.
	r = e.multipart(t, base+"/documents/front", tok, filePart(good))
	wantStatus(t, r, http.StatusCreated)
	r = e.multipart(t, base+"/documents/back", tok, filePart(good))
	wantProblem(t, r, http.StatusUnprocessableEntity, kyc.DocSameSideTwice, "file")
	if got, want := e.state(t, id), (state{files: before.files + 1, blobs: before.blobs + 1}); got != want {
		t.Errorf("after one good upload and a refused one: %+v, want %+v", got, want)
	}
}

// TestReplacedDraftLeavesNoOrphanBlob: a new photo for a slot replaces the draft, and the old
// encrypted blob goes with its row.
func TestReplacedDraftLeavesNoOrphanBlob(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "orphan-1", "basic")
	base := "/v1/applicants/" + id
	wantStatus(t, e.json(t, "PUT", base+"/identity", tok, kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "DEU"}), http.StatusOK)
	for seed := uint64(1); seed <= 3; seed++ {
		wantStatus(t, e.multipart(t, base+"/documents/front", tok, filePart(photo(t, 640, 420, seed))), http.StatusCreated)
	}
	if got, want := e.state(t, id), (state{files: 1, blobs: 1}); got != want {
		t.Errorf("after photographing the front three times: %+v, want %+v", got, want)
	}
	// A frame sent again for the same index replaces the earlier one; a new challenge discards
	// the frames of the previous one.
	for round := uint64(0); round < 2; round++ {
		var c kyc.Challenge
		e.do(t, "POST", base+"/liveness/challenge", tok, nil, "").decode(t, &c)
		for i := uint64(0); i < 2; i++ {
			wantStatus(t, e.multipart(t, base+"/liveness/frames", tok, filePart(photo(t, 360, 480, 10+round*10+i)),
				part{name: "nonce", data: []byte(c.Nonce)}, part{name: "index", data: []byte("0")}), http.StatusCreated)
		}
	}
	if got, want := e.state(t, id), (state{files: 2, blobs: 2}); got != want {
		t.Errorf("after two challenges with a frame sent twice each: %+v, want %+v (front and one frame)", got, want)
	}
}

func TestSubmitMissingSteps(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "sub-1", "basic")
	base := "/v1/applicants/" + id

	r := e.do(t, "POST", base+"/submit", tok, nil, "")
	p := wantProblem(t, r, http.StatusConflict, "", "")
	if len(p.Missing) != 4 {
		t.Errorf("nothing uploaded: missing %v, want every step", p.Missing)
	}

	wantStatus(t, e.json(t, "PUT", base+"/identity", tok, kyc.IdentityChoice{DocType: kyc.DocPassport, Country: "DEU"}), http.StatusOK)
	wantStatus(t, e.multipart(t, base+"/documents/front", tok, filePart(photo(t, 640, 420, 10))), http.StatusCreated)
	before := e.state(t, id)
	r = e.do(t, "POST", base+"/submit", tok, nil, "")
	p = wantProblem(t, r, http.StatusConflict, "", "")
	want := []kyc.Step{kyc.StepSelfie, kyc.StepLiveness}
	if fmt.Sprint(p.Missing) != fmt.Sprint(want) {
		t.Errorf("missing %v, want %v", p.Missing, want)
	}
	if got := e.state(t, id); got != before {
		t.Errorf("a refused submit changed the stored state: %+v → %+v", before, got)
	}
}

func TestLivenessFrames(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "live-1", "basic")
	base := "/v1/applicants/" + id

	frame := func(nonce, index, at string, seed uint64) *response {
		parts := []part{filePart(photo(t, 480, 360, seed))}
		if nonce != "-" {
			parts = append(parts, part{name: "nonce", data: []byte(nonce)})
		}
		if index != "-" {
			parts = append(parts, part{name: "index", data: []byte(index)})
		}
		if at != "" {
			parts = append(parts, part{name: "captured_at", data: []byte(at)})
		}
		return e.multipart(t, base+"/liveness/frames", tok, parts...)
	}
	wantProblem(t, frame("abc", "0", "", 20), http.StatusConflict, "", "") // no challenge yet

	r := e.do(t, "POST", base+"/liveness/challenge", tok, nil, "")
	wantStatus(t, r, http.StatusCreated)
	var c kyc.Challenge
	r.decode(t, &c)
	if len(c.Actions) < 2 || c.Nonce == "" {
		t.Fatalf("challenge %+v", c)
	}
	before := e.state(t, id)
	wantProblem(t, frame("-", "0", "", 21), http.StatusBadRequest, "", "nonce")
	wantProblem(t, frame(c.Nonce, "-", "", 22), http.StatusBadRequest, "", "index")
	wantProblem(t, frame(c.Nonce, "first", "", 23), http.StatusBadRequest, "", "index")
	wantProblem(t, frame(c.Nonce, "0", "yesterday", 24), http.StatusBadRequest, "", "captured_at")
	wantProblem(t, frame(c.Nonce, "99", "", 25), http.StatusUnprocessableEntity, "", "index")
	wantProblem(t, frame("0000", "0", "", 26), http.StatusConflict, kyc.LivenessExpired, "")
	if got := e.state(t, id); got != before {
		t.Errorf("refused frames changed the stored state: %+v → %+v", before, got)
	}
	for i := 0; i < 3; i++ {
		r := frame(c.Nonce, fmt.Sprint(i), "2025-06-01T10:00:0"+fmt.Sprint(i)+".250Z", uint64(30+i))
		wantStatus(t, r, http.StatusCreated)
		var f kyc.File
		r.decode(t, &f)
		if f.Index != i || f.CapturedAt == nil || f.CapturedAt.Nanosecond() != 250e6 || f.Step != kyc.StepLiveness {
			t.Errorf("frame %d: %+v", i, f)
		}
	}
}

func TestJSONBodyLimitOnEveryJSONRoute(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "lim-1", "basic")
	big := []byte(`{"message":"` + strings.Repeat("x", int(testCfg.MaxJSONBytes)) + `"}`)
	for _, tc := range []struct{ method, path, token string }{
		{"POST", "/v1/applicants", e.key},
		{"PATCH", "/v1/applicants/" + id, tok},
		{"PUT", "/v1/applicants/" + id + "/identity", tok},
		{"POST", "/v1/applicants/" + id + "/appeal", tok},
		{"POST", "/v1/webhooks", e.key},
		{"POST", "/v1/staff/login", ""},
	} {
		r := e.do(t, tc.method, tc.path, tc.token, big, "application/json")
		wantProblem(t, r, http.StatusRequestEntityTooLarge, "", "")
	}
}

func TestWebhookManagement(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r := e.json(t, "POST", "/v1/webhooks", e.key, WebhookRequest{URL: "ftp://example.test/hook"})
	wantProblem(t, r, http.StatusUnprocessableEntity, "", "url")
	r = e.json(t, "POST", "/v1/webhooks", e.key, WebhookRequest{URL: "https://hooks.example.test/kycd", EventTypes: []string{kyc.EventDecision}})
	wantStatus(t, r, http.StatusCreated)
	var created struct {
		Endpoint kyc.Endpoint
		Secret   string
	}
	r.decode(t, &created)
	if !strings.HasPrefix(created.Secret, "whsec_") || created.Endpoint.ID == "" {
		t.Fatalf("created %+v", created)
	}
	if bytes.Contains(e.do(t, "GET", "/v1/webhooks", e.key, nil, "").body, []byte(created.Secret)) {
		t.Error("listing shows the secret")
	}
	r = e.do(t, "POST", "/v1/webhooks/"+created.Endpoint.ID+"/rotate-secret", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	var rot struct{ Secret string }
	r.decode(t, &rot)
	if rot.Secret == created.Secret || !strings.HasPrefix(rot.Secret, "whsec_") {
		t.Errorf("rotated secret %q", rot.Secret)
	}
	r = e.do(t, "GET", "/v1/webhooks/"+created.Endpoint.ID+"/deliveries", e.key, nil, "")
	wantStatus(t, r, http.StatusOK)
	r = e.do(t, "GET", "/v1/webhooks/wh_nope/deliveries", e.key, nil, "")
	wantProblem(t, r, http.StatusNotFound, "", "")
	r = e.do(t, "POST", "/v1/webhooks/deliveries/dlv_nope/replay", e.key, nil, "")
	wantProblem(t, r, http.StatusNotFound, "", "")
	r = e.do(t, "DELETE", "/v1/webhooks/"+created.Endpoint.ID, e.key, nil, "")
	wantStatus(t, r, http.StatusNoContent)
	r = e.do(t, "GET", "/v1/webhooks", e.key, nil, "")
	var list struct{ Endpoints []kyc.Endpoint }
	r.decode(t, &list)
	if len(list.Endpoints) != 1 || list.Endpoints[0].DisabledAt == nil {
		t.Errorf("after delete: %+v", list)
	}
}

func TestAdmin(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	if _, err := e.svc.CreateStaff(ctx, kyc.Actor{Type: kyc.ActorSystem}, "admin@example.test", "Admin", kyc.RoleAdmin, "an admin password!"); err != nil {
		t.Fatal(err)
	}
	r := e.json(t, "POST", "/v1/staff/login", "", LoginRequest{Email: "admin@example.test", Password: "wrong password!!"})
	wantProblem(t, r, http.StatusUnauthorized, "", "")
	r = e.json(t, "POST", "/v1/staff/login", "", LoginRequest{Email: "admin@example.test", Password: "an admin password!"})
	wantStatus(t, r, http.StatusOK)
	var login LoginResponse
	r.decode(t, &login)
	if login.Staff == nil || login.Staff.Role != kyc.RoleAdmin || !strings.HasPrefix(login.Token, "kst_") {
		t.Fatalf("login %+v", login)
	}
	adm := login.Token

	r = e.json(t, "POST", "/v1/admin/api-keys", adm, APIKeyRequest{Name: "backend"})
	wantStatus(t, r, http.StatusCreated)
	var k APIKeyResponse
	r.decode(t, &k)
	wantStatus(t, e.do(t, "GET", "/v1/events", k.Key, nil, ""), http.StatusOK)
	r = e.do(t, "GET", "/v1/admin/api-keys", adm, nil, "")
	wantStatus(t, r, http.StatusOK)
	if bytes.Contains(r.body, []byte(k.Key)) {
		t.Error("key listing shows a secret")
	}
	wantStatus(t, e.do(t, "DELETE", "/v1/admin/api-keys/"+k.APIKey.ID, adm, nil, ""), http.StatusNoContent)
	wantProblem(t, e.do(t, "GET", "/v1/events", k.Key, nil, ""), http.StatusUnauthorized, "", "")
	wantProblem(t, e.do(t, "DELETE", "/v1/admin/api-keys/key_nope", adm, nil, ""), http.StatusNotFound, "", "")

	r = e.json(t, "POST", "/v1/admin/staff", adm, StaffRequest{Email: "rev2@example.test", Name: "Rev", Role: kyc.RoleReviewer, Password: "short"})
	wantProblem(t, r, http.StatusUnprocessableEntity, "", "password")
	r = e.json(t, "POST", "/v1/admin/staff", adm, StaffRequest{Email: "rev2@example.test", Name: "Rev", Role: kyc.RoleReviewer, Password: "long enough password"})
	wantStatus(t, r, http.StatusCreated)
	r = e.json(t, "POST", "/v1/admin/staff", adm, StaffRequest{Email: "rev2@example.test", Name: "Rev", Role: kyc.RoleReviewer, Password: "long enough password"})
	wantProblem(t, r, http.StatusConflict, "", "")
	r = e.do(t, "GET", "/v1/admin/staff", adm, nil, "")
	wantStatus(t, r, http.StatusOK)
	if bytes.Contains(r.body, []byte("argon2")) {
		t.Error("staff listing shows password hashes")
	}
	r = e.do(t, "GET", "/v1/admin/levels", adm, nil, "")
	wantStatus(t, r, http.StatusOK)
	var lv struct{ Levels []kyc.Level }
	r.decode(t, &lv)
	if len(lv.Levels) != 2 || lv.Levels[0].Name != "basic" {
		t.Errorf("levels %+v", lv)
	}
}

func TestReviewQueueFilters(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.svc.CreateStaff(context.Background(), kyc.Actor{Type: kyc.ActorSystem}, "q@example.test", "Q", kyc.RoleReviewer, "queue password 1"); err != nil {
		t.Fatal(err)
	}
	var login LoginResponse
	e.json(t, "POST", "/v1/staff/login", "", LoginRequest{Email: "q@example.test", Password: "queue password 1"}).decode(t, &login)
	for _, tc := range []struct {
		query  string
		status int
		field  string
	}{
		{"", http.StatusOK, ""},
		{"?status=open,claimed&kind=appeal&level=basic&code=IMG_GLARE&limit=10", http.StatusOK, ""},
		{"?status=open&status=closed", http.StatusOK, ""},
		{"?status=lost", http.StatusUnprocessableEntity, "status"},
		{"?kind=complaint", http.StatusUnprocessableEntity, "kind"},
		{"?level=gold", http.StatusUnprocessableEntity, "level"},
		{"?code=NOT_A_CODE", http.StatusUnprocessableEntity, "code"},
		{"?limit=ten", http.StatusBadRequest, "limit"},
	} {
		r := e.do(t, "GET", "/v1/review/cases"+tc.query, login.Token, nil, "")
		if tc.status == http.StatusOK {
			wantStatus(t, r, http.StatusOK)
			continue
		}
		wantProblem(t, r, tc.status, "", tc.field)
	}
	wantProblem(t, e.do(t, "GET", "/v1/review/cases/case_nope", login.Token, nil, ""), http.StatusNotFound, "", "")
	wantProblem(t, e.do(t, "POST", "/v1/review/cases/case_nope/claim", login.Token, nil, ""), http.StatusNotFound, "", "")
	wantProblem(t, e.do(t, "GET", "/v1/review/files/file_nope", login.Token, nil, ""), http.StatusNotFound, "", "")
	r := e.do(t, "POST", "/v1/review/cases/case_nope/decision", login.Token, []byte(`{"action":"approve","by":"me"}`), "application/json")
	wantProblem(t, r, http.StatusBadRequest, "", "by")
}

func TestPanicIsA500WithoutStack(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.api.mux.HandleFunc("GET /test/panic", func(_ http.ResponseWriter, r *http.Request) {
		var s []int
		_ = s[len(r.URL.Path)] // a runtime error
	})
	r := e.do(t, "GET", "/test/panic", "", nil, "")
	p := wantProblem(t, r, http.StatusInternalServerError, "", "")
	if strings.Contains(string(r.body), "goroutine") || strings.Contains(string(r.body), "index") {
		t.Errorf("the client sees internals: %s", r.body)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "panic serving request") || !strings.Contains(logs, p.RequestID) || !strings.Contains(logs, "goroutine") {
		t.Errorf("panic not logged with its request id and stack:\n%s", logs)
	}
}

func TestProblemMapping(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err    error
		status int
		kind   string
		intern bool
	}{
		{kyc.Invalid("x", "bad"), 422, "invalid", false},
		{malformed("x", "bad"), 400, "malformed", false},
		{kyc.NotFound("thing"), 404, "not_found", false},
		{kyc.Errorf(kyc.KindConflict, "c"), 409, "conflict", false},
		{kyc.Errorf(kyc.KindUnauthorized, "u"), 401, "unauthorized", false},
		{kyc.Errorf(kyc.KindForbidden, "f"), 403, "forbidden", false},
		{kyc.Errorf(kyc.KindTooLarge, "t"), 413, "too_large", false},
		{kyc.Errorf(kyc.KindUnsupported, "u"), 415, "unsupported", false},
		{kyc.Errorf(kyc.KindInternal, "secret detail"), 500, "internal", true},
		{fmt.Errorf("wrapped: %w", kyc.NotFound("thing")), 404, "not_found", false},
		{io.ErrUnexpectedEOF, 500, "internal", true},
		{context.Canceled, 503, "unavailable", false},
		{&http.MaxBytesError{Limit: 10}, 413, "too_large", false},
	}
	for _, tc := range cases {
		p, internal := problemFor(tc.err)
		if p.Status != tc.status || p.Type != ProblemBaseURL+tc.kind || internal != tc.intern {
			t.Errorf("%v → %+v internal=%v", tc.err, p, internal)
		}
		if internal && strings.Contains(p.Detail, "secret") {
			t.Errorf("internal detail leaked: %q", p.Detail)
		}
	}
	// Problem JSON carries code, field and missing.
	rec := httptest.NewRecorder()
	writeProblem(rec, Problem{Type: ProblemBaseURL + "conflict", Title: "Conflict", Status: 409, Detail: "d",
		Code: kyc.LivenessExpired, Field: "nonce", Missing: []kyc.Step{kyc.StepSelfie}})
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["code"] != "LIVENESS_EXPIRED" || m["field"] != "nonce" || fmt.Sprint(m["missing"]) != "[selfie]" {
		t.Errorf("problem JSON %s", rec.Body)
	}
}

func TestApplicantSeesReasonsWithoutDetail(t *testing.T) {
	t.Parallel()
	r := kyc.Explain(kyc.Finding{Code: kyc.ImgGlare, Step: kyc.StepIdentity, Side: kyc.SideFront, Detail: map[string]any{"glare_ratio": 0.3}}, kyc.Retry)
	v := &kyc.ApplicantView{Reasons: []kyc.Reason{r}, Steps: []kyc.StepView{{Step: kyc.StepIdentity, Reasons: []kyc.Reason{r}}}}
	app := &principal{actor: kyc.Actor{Type: kyc.ActorApplicant, ID: "app_1"}, applicantID: "app_1"}
	integ := &principal{actor: kyc.Actor{Type: kyc.ActorIntegrator, ID: "key_1"}}
	pv := viewFor(app, v)
	if pv.Reasons[0].Detail != nil || pv.Steps[0].Reasons[0].Detail != nil {
		t.Error("applicant view keeps reason detail")
	}
	if v.Reasons[0].Detail == nil {
		t.Error("viewFor changed the original")
	}
	if viewFor(integ, v).Reasons[0].Detail == nil {
		t.Error("integrator view lost reason detail")
	}
	f := fileFor(app, &kyc.File{Reasons: []kyc.Reason{r}})
	if f.Reasons[0].Detail != nil {
		t.Error("applicant file keeps reason detail")
	}
	c := caseFor(app, &kyc.Case{Reasons: []kyc.Reason{r}, ClaimedBy: "stf_1",
		Decision: &kyc.ReviewDecision{Action: kyc.ActionApprove, InternalNote: "looked fine", By: "stf_1"}})
	if c.Reasons[0].Detail != nil || c.Decision.InternalNote != "" || c.ClaimedBy != "" || c.Decision.By != "" {
		t.Errorf("applicant case shows internals: %+v", c)
	}
	s := submissionFor(app, &kyc.Submission{Reasons: []kyc.Reason{r}, Result: &kyc.CheckResult{}})
	if s.Reasons[0].Detail != nil || s.Result != nil {
		t.Error("applicant submission shows internals")
	}
}

// capture uploads everything the basic level needs and submits it.
func (e *env) capture(t testing.TB, id, tok string, seed uint64) kyc.Submission {
	t.Helper()
	base := "/v1/applicants/" + id
	wantStatus(t, e.json(t, "PUT", base+"/identity", tok, kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "DEU"}), http.StatusOK)
	wantStatus(t, e.multipart(t, base+"/documents/front", tok, filePart(photo(t, 640, 420, seed))), http.StatusCreated)
	wantStatus(t, e.multipart(t, base+"/documents/back", tok, filePart(photo(t, 640, 420, seed+1))), http.StatusCreated)
	wantStatus(t, e.multipart(t, base+"/selfie", tok, filePart(photo(t, 360, 480, seed+2))), http.StatusCreated)
	var c kyc.Challenge
	e.do(t, "POST", base+"/liveness/challenge", tok, nil, "").decode(t, &c)
	for i := 0; i < 3; i++ {
		wantStatus(t, e.multipart(t, base+"/liveness/frames", tok, filePart(photo(t, 360, 480, seed+3+uint64(i))),
			part{name: "nonce", data: []byte(c.Nonce)}, part{name: "index", data: []byte(fmt.Sprint(i))}), http.StatusCreated)
	}
	r := e.do(t, "POST", base+"/submit", tok, nil, "")
	wantStatus(t, r, http.StatusAccepted)
	var sub kyc.Submission
	r.decode(t, &sub)
	return sub
}

func TestAppealErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "appeal-1", "basic")
	base := "/v1/applicants/" + id

	r := e.json(t, "POST", base+"/appeal", tok, AppealRequest{Message: "please look again"})
	wantProblem(t, r, http.StatusConflict, "", "")

	// Approved by the checks (run here as the worker would), then re-opened by a name change.
	sub := e.capture(t, id, tok, 200)
	if err := e.svc.RunCheck(context.Background(), sub.ID, false); err != nil {
		t.Fatal(err)
	}
	r = e.json(t, "PATCH", base, e.key, kyc.ApplicantUpdate{Profile: &kyc.Profile{FullName: "Mira Anders", DateOfBirth: "1990-04-12", Nationality: "DEU"}})
	wantStatus(t, r, http.StatusOK)
	var v kyc.ApplicantView
	r.decode(t, &v)
	if v.Status != kyc.ActionRequired {
		t.Fatalf("after the name change: %s", v.Status)
	}

	good := photo(t, 400, 300, 300)
	over := append(append([]byte(nil), good...), bytes.Repeat([]byte{0}, int(testCfg.MaxImageBytes))...)
	msg := part{name: "message", data: []byte("the document is mine")}
	file := func(data []byte) part { return part{name: "files", filename: "f.jpg", data: data} }
	before := e.state(t, id)
	for _, tc := range []struct {
		name   string
		parts  []part
		status int
		code   kyc.Code
		field  string
	}{
		{"no message", []part{file(good)}, http.StatusBadRequest, "", "message"},
		{"blank message", []part{{name: "message", data: []byte("   ")}}, http.StatusUnprocessableEntity, "", "message"},
		{"too many files", []part{msg, file(good), file(photo(t, 400, 300, 301)), file(photo(t, 400, 300, 302))}, http.StatusUnprocessableEntity, "", "files"},
		{"file too large", []part{msg, file(over)}, http.StatusRequestEntityTooLarge, kyc.FileTooLarge, "files"},
		{"second file not an image", []part{msg, file(good), file([]byte("plain text"))}, http.StatusUnsupportedMediaType, kyc.FileFormatUnsupported, "file"},
		{"message as a file", []part{{name: "message", filename: "m.txt", data: []byte("hi")}, {name: "message", data: []byte("x")}}, http.StatusBadRequest, "", "message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.multipart(t, base+"/appeal", tok, tc.parts...)
			wantProblem(t, r, tc.status, tc.code, tc.field)
			if got := e.state(t, id); got != before {
				t.Errorf("a refused appeal changed the stored state: %+v → %+v", before, got)
			}
		})
	}
	wantProblem(t, e.do(t, "POST", base+"/appeal", tok, []byte("hello"), "text/plain"), http.StatusUnsupportedMediaType, "", "")
	wantProblem(t, e.json(t, "POST", base+"/appeal", tok, AppealRequest{}), http.StatusUnprocessableEntity, "", "message")

	r = e.json(t, "POST", base+"/appeal", tok, AppealRequest{Message: "The new name is on my new card."})
	wantStatus(t, r, http.StatusCreated)
	var c kyc.Case
	r.decode(t, &c)
	if c.Kind != kyc.CaseAppeal || c.AppealMessage == "" || c.ClaimedBy != "" {
		t.Fatalf("case %+v", c)
	}
	for _, re := range c.Reasons {
		if re.Detail != nil {
			t.Errorf("the applicant sees reason detail in the case: %v", re.Detail)
		}
	}
	wantProblem(t, e.json(t, "POST", base+"/appeal", tok, AppealRequest{Message: "again"}), http.StatusConflict, "", "")
}

// TestUploadTimeReasons: a file with a quality problem is kept and comes back with its reasons at
// once; the applicant sees them without the measurements, the integrator with them.
func TestUploadTimeReasons(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "reasons-1", "basic")
	for _, tc := range []struct {
		who, token string
		detail     bool
	}{{"applicant", tok, false}, {"integrator", e.key, true}} {
		r := e.multipart(t, "/v1/applicants/"+id+"/selfie", tc.token, filePart(photo(t, 150, 120, uint64(len(tc.who)))))
		wantStatus(t, r, http.StatusCreated)
		var f kyc.File
		r.decode(t, &f)
		if len(f.Reasons) == 0 || f.Reasons[0].Code != kyc.ImgLowResolution || f.Reasons[0].Disposition != kyc.Retry || f.Reasons[0].Side != kyc.SideSelfie {
			t.Fatalf("%s: reasons %+v", tc.who, f.Reasons)
		}
		if got := f.Reasons[0].Detail != nil; got != tc.detail {
			t.Errorf("%s sees detail: %v, want %v", tc.who, got, tc.detail)
		}
	}
	// The step shows the draft; the reasons come back on submit, not before.
	var v kyc.ApplicantView
	e.do(t, "GET", "/v1/applicants/"+id, tok, nil, "").decode(t, &v)
	for _, sv := range v.Steps {
		if sv.Step == kyc.StepSelfie && sv.State != kyc.StepDraft {
			t.Errorf("selfie step %s, want draft", sv.State)
		}
	}
}

// login creates a staff member and returns a session token.
func (e *env) login(t testing.TB, email string, role kyc.Role) (string, *kyc.Staff) {
	t.Helper()
	const pw = "a staff password"
	if _, err := e.svc.CreateStaff(context.Background(), kyc.Actor{Type: kyc.ActorSystem}, email, "Staff", role, pw); err != nil {
		t.Fatal(err)
	}
	r := e.json(t, "POST", "/v1/staff/login", "", LoginRequest{Email: email, Password: pw})
	wantStatus(t, r, http.StatusOK)
	var l LoginResponse
	r.decode(t, &l)
	return l.Token, l.Staff
}

func TestReviewDecisions(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, tok := e.newApplicant(t, "review-1", "basic")
	base := "/v1/applicants/" + id
	sub := e.capture(t, id, tok, 400)
	if err := e.svc.RunCheck(context.Background(), sub.ID, false); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.json(t, "PATCH", base, e.key, kyc.ApplicantUpdate{Profile: &kyc.Profile{FullName: "Mira Anders",
		DateOfBirth: "1990-04-12", Nationality: "DEU"}}), http.StatusOK)
	r := e.json(t, "POST", base+"/appeal", tok, AppealRequest{Message: "Please check my new name."})
	wantStatus(t, r, http.StatusCreated)
	var c kyc.Case
	r.decode(t, &c)
	cases := "/v1/review/cases/" + c.ID

	alice, _ := e.login(t, "alice@example.test", kyc.RoleReviewer)
	bob, _ := e.login(t, "bob@example.test", kyc.RoleReviewer)
	wantStatus(t, e.do(t, "POST", cases+"/claim", alice, nil, ""), http.StatusOK)
	wantProblem(t, e.do(t, "POST", cases+"/claim", bob, nil, ""), http.StatusConflict, "", "")
	wantProblem(t, e.json(t, "POST", cases+"/decision", bob, DecisionRequest{Action: kyc.ActionApprove}), http.StatusConflict, "", "")
	wantProblem(t, e.do(t, "POST", cases+"/release", bob, nil, ""), http.StatusConflict, "", "")
	wantStatus(t, e.do(t, "POST", cases+"/release", alice, nil, ""), http.StatusOK)
	wantStatus(t, e.do(t, "POST", cases+"/claim", bob, nil, ""), http.StatusOK)

	for _, tc := range []struct {
		name  string
		body  string
		code  int
		field string
	}{
		{"unknown action", `{"action":"maybe"}`, http.StatusUnprocessableEntity, "action"},
		{"resubmit without steps", `{"action":"resubmit"}`, http.StatusUnprocessableEntity, "steps"},
		{"reject without comment", `{"action":"reject"}`, http.StatusUnprocessableEntity, "comment"},
		{"unknown code", `{"action":"resubmit","steps":["identity"],"codes":["NOPE"]}`, http.StatusUnprocessableEntity, "codes"},
		{"step not in level", `{"action":"resubmit","steps":["proof_of_address"]}`, http.StatusUnprocessableEntity, "steps"},
		{"steps not a list", `{"action":"resubmit","steps":"identity"}`, http.StatusBadRequest, "steps"},
	} {
		r := e.do(t, "POST", cases+"/decision", bob, []byte(tc.body), "application/json")
		wantProblem(t, r, tc.code, "", tc.field)
	}
	r = e.json(t, "POST", cases+"/decision", bob, DecisionRequest{Action: kyc.ActionResubmit, Steps: []kyc.Step{kyc.StepIdentity},
		Codes: []kyc.Code{kyc.ImgGlare}, Comment: "The photo has a reflection over the name.", InternalNote: "glare on front"})
	wantStatus(t, r, http.StatusOK)
	wantProblem(t, e.json(t, "POST", cases+"/decision", bob, DecisionRequest{Action: kyc.ActionApprove}), http.StatusConflict, "", "")

	var v kyc.ApplicantView
	e.do(t, "GET", base, tok, nil, "").decode(t, &v)
	if v.Status != kyc.ActionRequired || len(v.Reasons) == 0 {
		t.Fatalf("after resubmit: %s %+v", v.Status, v.Reasons)
	}
	found := false
	for _, re := range v.Reasons {
		found = found || (re.Code == kyc.ImgGlare && re.Comment != "" && re.Step == kyc.StepIdentity)
	}
	if !found || bytes.Contains(e.do(t, "GET", base, tok, nil, "").body, []byte("glare on front")) {
		t.Errorf("the applicant should see IMG_GLARE with the comment and never the internal note: %+v", v.Reasons)
	}
}
