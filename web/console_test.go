package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kycd/kycd/synth"
)

// staffClient is a reviewer's browser without the browser: a cookie jar and forms.
type staffClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newStaffClient(t *testing.T, base string) *staffClient {
	jar, _ := cookiejar.New(nil)
	return &staffClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (s *staffClient) get(path string) (int, string) {
	s.t.Helper()
	resp, err := s.c.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (s *staffClient) post(path string, form url.Values, header map[string]string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf reads the form token from a console page.
func (s *staffClient) csrf(path string) string {
	s.t.Helper()
	_, body := s.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatalf("no form token on %s", path)
	}
	return m[1]
}

func (s *staffClient) login(email, password string) {
	s.t.Helper()
	code, body := s.post("/console/login", url.Values{"email": {email}, "password": {password}}, nil)
	if code != 200 || !strings.Contains(body, "Review queue") {
		s.t.Fatalf("login %s: %d %s", email, code, body)
	}
}

// decide posts a decision on a case and returns the case page that follows.
func (s *staffClient) decide(caseID string, form url.Values) (int, string) {
	s.t.Helper()
	form.Set("csrf", s.csrf("/console/cases/"+caseID))
	return s.post("/console/cases/"+caseID+"/decide", form, nil)
}

func multipartFile(t *testing.T, base, path, token string, fields map[string]string, data []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "photo.jpg")
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", base+path, &b)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 201 {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s = %d: %s", path, resp.StatusCode, raw)
	}
}

// waitDecided polls the applicant until the checks have decided.
func waitDecided(t *testing.T, base, key, id string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st := api(t, base, "GET", "/v1/applicants/"+id, key, nil, 200)["status"].(string)
		if st != "pending" {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("checks did not decide in time")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func openCase(t *testing.T, s *staffClient, status string) string {
	t.Helper()
	_, body := s.get("/console/?status=" + status)
	m := regexp.MustCompile(`data-case="(case_[0-9a-z]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s case in the queue:\n%s", status, body)
	}
	return m[1]
}

// TestConsoleSecurityAndFourEyes checks the console without a browser: sessions, CSRF, roles,
// friendly error pages, and the four-eyes override of a FINAL decision by two reviewers.
func TestConsoleSecurityAndFourEyes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kycd")
	}
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"KYCD_DATA_DIR": dir}
	key := runMain(t, env, "", "apikey", "create", "--name", "console")
	runMain(t, env, "first reviewer password\n", "reviewer", "create", "--email", "ann@kycd.test", "--name", "Ann", "--role", "reviewer", "--password-stdin")
	runMain(t, env, "second reviewer password\n", "reviewer", "create", "--email", "bo@kycd.test", "--name", "Bo", "--role", "admin", "--password-stdin")
	srv := startServer(t, env)
	base := "http://" + srv.Addr

	ann := newStaffClient(t, base)
	// Not signed in: the queue sends to the login page; a wrong password says so and nothing more.
	if code, body := ann.get("/console/"); code != 200 || !strings.Contains(body, `id="login"`) {
		t.Fatalf("anonymous queue: %d", code)
	}
	if code, body := ann.post("/console/login", url.Values{"email": {"ann@kycd.test"}, "password": {"nope nope nope"}}, nil); code != 401 || !strings.Contains(body, "Wrong email or password") {
		t.Fatalf("wrong password: %d", code)
	}
	// A cross-site login form is refused before the password is even checked.
	if code, _ := ann.post("/console/login", url.Values{"email": {"ann@kycd.test"}, "password": {"first reviewer password"}},
		map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); code != 403 {
		t.Fatalf("cross-site login: %d, want 403", code)
	}
	ann.login("ann@kycd.test", "first reviewer password")
	u, _ := url.Parse(base + "/console/")
	var session *http.Cookie
	for _, c := range ann.c.Jar.Cookies(u) {
		if c.Name == "kycd_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	// A reviewer is not an admin.
	if code, body := ann.get("/console/admin/keys"); code != 403 || strings.Contains(body, "kyck_") {
		t.Fatalf("reviewer on admin page: %d", code)
	}
	// No raw errors: an unknown case is a friendly page.
	if code, body := ann.get("/console/cases/case_nope"); code != 404 || !strings.Contains(body, "This page does not exist") || strings.Contains(body, "not_found") {
		t.Fatalf("unknown case: %d %s", code, body)
	}

	// An applicant whose case reaches the queue by appeal.
	a := api(t, base, "POST", "/v1/applicants", key, map[string]any{"external_id": "four-eyes", "level": "basic", "profile": map[string]any{
		"first_name": "Ada", "last_name": "Testperson", "date_of_birth": "1990-04-01", "nationality": "DEU"}}, 201)
	id := a["id"].(string)
	tok := api(t, base, "POST", "/v1/applicants/"+id+"/token", key, nil, 200)["token"].(string)
	api(t, base, "PUT", "/v1/applicants/"+id+"/identity", tok, map[string]any{"doc_type": "id_card", "country": "DEU"}, 200)
	p := "/v1/applicants/" + id
	multipartFile(t, base, p+"/documents/front", tok, nil, synth.Render(synth.Spec{Seed: 11, Kind: synth.IDCard}).JPEG)
	multipartFile(t, base, p+"/documents/back", tok, nil, synth.Render(synth.Spec{Seed: 12, Kind: synth.IDCard}).JPEG)
	// No face in this "selfie": the automated checks will not approve it.
	multipartFile(t, base, p+"/selfie", tok, nil, synth.Render(synth.Spec{Seed: 13, Kind: synth.IDCard}).JPEG)
	ch := api(t, base, "POST", p+"/liveness/challenge", tok, nil, 201)
	for i := 0; i < 3; i++ {
		multipartFile(t, base, p+"/liveness/frames", tok, map[string]string{"nonce": ch["nonce"].(string), "index": fmt.Sprint(i),
			"captured_at": time.Now().UTC().Format(time.RFC3339Nano)}, synth.Render(synth.Spec{Seed: uint64(20 + i), Kind: synth.IDCard}).JPEG)
	}
	api(t, base, "POST", p+"/submit", tok, nil, 202)
	switch st := waitDecided(t, base, key, id); st {
	case "approved":
		api(t, base, "PATCH", p, key, map[string]any{"profile": map[string]any{"first_name": "Ada", "last_name": "Lovelace",
			"date_of_birth": "1990-04-01", "nationality": "DEU"}}, 200)
		fallthrough
	case "action_required", "rejected":
		api(t, base, "POST", p+"/appeal", tok, map[string]any{"message": "Please look again."}, 201)
	}

	// Ann claims and rejects: the applicant is rejected (MANUAL_REJECTION, FINAL).
	caseID := openCase(t, ann, "open")
	code, _ := ann.post("/console/cases/"+caseID+"/claim", url.Values{"csrf": {"0000"}}, nil)
	if code != 403 {
		t.Fatalf("claim with a wrong form token: %d, want 403", code)
	}
	code, _ = ann.post("/console/cases/"+caseID+"/claim", url.Values{"csrf": {ann.csrf("/console/")}}, nil)
	if code != 200 {
		t.Fatalf("claim: %d", code)
	}
	if code, body := ann.decide(caseID, url.Values{"action": {"reject"}}); code != 422 || !strings.Contains(body, "needs a comment") {
		t.Fatalf("reject without comment: %d", code)
	}
	if code, body := ann.decide(caseID, url.Values{"action": {"reject"}, "comment": {"The document is not readable."}}); code != 200 || !strings.Contains(body, "Decision recorded") {
		t.Fatalf("reject: %d %s", code, body)
	}
	if st := api(t, base, "GET", p, key, nil, 200)["status"]; st != "rejected" {
		t.Fatalf("after the rejection the status is %v", st)
	}

	// The applicant appeals; Ann approves, which overrides a FINAL decision: it waits for a
	// second reviewer, and Ann cannot confirm her own proposal.
	api(t, base, "POST", p+"/appeal", tok, map[string]any{"message": "I sent a clearer photo with this appeal."}, 201)
	caseID = openCase(t, ann, "open")
	ann.post("/console/cases/"+caseID+"/claim", url.Values{"csrf": {ann.csrf("/console/")}}, nil)
	if code, body := ann.decide(caseID, url.Values{"action": {"approve"}}); code != 200 || !strings.Contains(body, "a second reviewer must confirm") {
		t.Fatalf("approve over FINAL: %d", code)
	}
	if _, body := ann.get("/console/cases/" + caseID); strings.Contains(body, `id="confirm"`) {
		t.Fatal("the proposer is offered to confirm her own proposal")
	}
	if code, _ := ann.decide(caseID, url.Values{"action": {"approve"}}); code != 422 {
		t.Fatalf("self-confirmation: %d, want 422", code)
	}
	bo := newStaffClient(t, base)
	bo.login("bo@kycd.test", "second reviewer password")
	if _, body := bo.get("/console/cases/" + caseID); !strings.Contains(body, `id="confirm"`) {
		t.Fatal("the second reviewer is not offered to confirm")
	}
	if code, body := bo.decide(caseID, url.Values{"action": {"approve"}}); code != 200 || !strings.Contains(body, "Ann / Bo") {
		t.Fatalf("confirm: %d", code)
	}
	if st := api(t, base, "GET", p, key, nil, 200)["status"]; st != "approved" {
		t.Fatalf("after four-eyes approval the status is %v", st)
	}
	// An admin sees the admin pages; a new key is shown once.
	tokBo := bo.csrf("/console/admin/keys")
	if code, body := bo.post("/console/admin/keys", url.Values{"csrf": {tokBo}, "name": {"second"}}, nil); code != 200 || !regexp.MustCompile(`id="new-key">kyck_`).MatchString(body) {
		t.Fatalf("create key: %d", code)
	}
	if _, body := bo.get("/console/admin/keys"); strings.Contains(body, "new-key") {
		t.Fatal("the key secret is shown again")
	}
	// Signing out ends the session.
	bo.post("/console/logout", url.Values{"csrf": {bo.csrf("/console/")}}, nil)
	if _, body := bo.get("/console/"); !strings.Contains(body, `id="login"`) {
		t.Fatal("still signed in after signing out")
	}
}
