package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/kycd/kycd/cli"
	"github.com/kycd/kycd/internal/kycdtest"
	"github.com/kycd/kycd/poa/poagen"
	"github.com/kycd/kycd/synth"
)

func TestMain(m *testing.M) { kycdtest.Main(m) }

// runMain runs kycd in-process and returns its exit status and output.
func runMain(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

type server = kycdtest.Server

func startServer(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	return kycdtest.Start(t, env, args...)
}

type client struct {
	t    *testing.T
	base string
}

func (c client) do(method, path, auth string, body io.Reader, ctype string) (int, map[string]any, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, raw
}

func (c client) json(method, path, auth string, v any, want int) map[string]any {
	c.t.Helper()
	b, _ := json.Marshal(v)
	code, m, raw := c.do(method, path, auth, bytes.NewReader(b), "application/json")
	if code != want {
		c.t.Fatalf("%s %s = %d, want %d: %s", method, path, code, want, raw)
	}
	return m
}

func (c client) upload(path, auth string, fields map[string]string, file []byte, want int) map[string]any {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "photo.jpg")
	fw.Write(file)
	w.Close()
	code, m, raw := c.do("POST", path, auth, &b, w.FormDataContentType())
	if code != want {
		c.t.Fatalf("POST %s = %d, want %d: %s", path, code, want, raw)
	}
	return m
}

// card is a clean synthetic photo of an identity card of an invented person.
func card(t *testing.T, seed uint64) []byte {
	t.Helper()
	return synth.Render(synth.Spec{Seed: seed, Kind: synth.IDCard}).JPEG
}

func photo(t *testing.T, w, h, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*3 + seed*41), uint8(y*5 + seed*7), uint8((x ^ y) + seed), 255})
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 85})
	return b.Bytes()
}

// applicantThroughSubmit creates an applicant, uploads everything the basic level needs and
// submits; it returns the applicant id, its token and the uploaded bytes by file id.
func applicantThroughSubmit(t *testing.T, c client, key, ext string) (string, string, map[string][]byte) {
	t.Helper()
	a := c.json("POST", "/v1/applicants", key, map[string]any{"external_id": ext, "level": "basic", "profile": map[string]any{
		"first_name": "Ada", "last_name": "Testperson", "date_of_birth": "1990-04-01", "nationality": "UTO"}}, 201)
	id := a["id"].(string)
	tok := c.json("POST", "/v1/applicants/"+id+"/token", key, nil, 200)["token"].(string)
	c.json("PUT", "/v1/applicants/"+id+"/identity", tok, map[string]any{"doc_type": "id_card", "country": "DEU"}, 200)
	files := map[string][]byte{}
	put := func(path string, fields map[string]string, data []byte) {
		m := c.upload(path, tok, fields, data, 201)
		files[m["id"].(string)] = data
	}
	put("/v1/applicants/"+id+"/documents/front", nil, card(t, 11))
	put("/v1/applicants/"+id+"/documents/back", nil, card(t, 12))
	put("/v1/applicants/"+id+"/selfie", nil, photo(t, 480, 640, 3))
	ch := c.json("POST", "/v1/applicants/"+id+"/liveness/challenge", tok, nil, 201)
	for i := 0; i < 3; i++ {
		put("/v1/applicants/"+id+"/liveness/frames", map[string]string{"nonce": ch["nonce"].(string), "index": fmt.Sprint(i),
			"captured_at": time.Now().UTC().Format(time.RFC3339Nano)}, photo(t, 320, 240, 10+i))
	}
	c.json("POST", "/v1/applicants/"+id+"/submit", tok, nil, 202)
	return id, tok, files
}

func jobState(t *testing.T, dataDir, kind string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "kycd.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var state string
	err = db.QueryRow(`SELECT state FROM river_job WHERE kind = $1 ORDER BY id DESC LIMIT 1`, kind).Scan(&state)
	if err != nil {
		return "none: " + err.Error()
	}
	return state
}

// TestKillMidCheck kills a real kycd process with SIGKILL while a check job runs, starts a new one
// and shows the decision still arrives and every uploaded file is intact.
func TestKillMidCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	dir := t.TempDir()
	// The quality engine only: this test is about durability, not about reading documents.
	env := map[string]string{"KYCD_DATA_DIR": dir, "KYCD_CHECK_ENGINES": "quality"}
	code, key, errOut := runMain(t, env, "", "apikey", "create", "--name", "e2e")
	if code != 0 {
		t.Fatalf("apikey create: %d %s", code, errOut)
	}
	key = strings.TrimSpace(key)
	slow := startServer(t, map[string]string{"KYCD_DATA_DIR": dir, "KYCD_CHECK_ENGINES": "quality", "KYCD_TEST_CHECK_DELAY": "4s",
		"KYCD_JOBS_JOB_TIMEOUT": "30s", "KYCD_JOBS_RESCUE_AFTER": "31s"})
	c := client{t, "http://" + slow.Addr}
	id, tok, files := applicantThroughSubmit(t, c, key, "ext-kill")
	deadline := time.Now().Add(20 * time.Second)
	for jobState(t, dir, "check_submission") != "running" {
		if time.Now().After(deadline) {
			t.Fatalf("check job never ran: %s\n%s", jobState(t, dir, "check_submission"), slow.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	slow.Kill() // SIGKILL, mid-check: the job stays "running" in the database
	if st := jobState(t, dir, "check_submission"); st != "running" {
		t.Fatalf("after kill the job is %q, want running (killed mid-check)", st)
	}
	fresh := startServer(t, map[string]string{"KYCD_DATA_DIR": dir, "KYCD_CHECK_ENGINES": "quality",
		"KYCD_JOBS_JOB_TIMEOUT": "30s", "KYCD_JOBS_RESCUE_AFTER": "31s"})
	c = client{t, "http://" + fresh.Addr}
	// Rescue after 31 s, found by River's rescuer within ~45 s more; the job timeout leaves room for
	// the quality engine on a loaded machine under the race detector (it took over 6 s there).
	deadline = time.Now().Add(180 * time.Second)
	var status string
	for {
		m := c.json("GET", "/v1/applicants/"+id, key, nil, 200)
		status = m["status"].(string)
		if status != "pending" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status != "approved" {
		t.Fatalf("after restart the status is %q, want approved\n%s", status, fresh.Log())
	}
	for fid, want := range files {
		code, _, body := c.do("GET", "/v1/applicants/"+id+"/files/"+fid, tok, nil, "")
		if code != 200 || !bytes.Equal(body, want) {
			t.Fatalf("file %s after crash: %d, %d bytes (want %d)", fid, code, len(body), len(want))
		}
	}
	if strings.Contains(fresh.Log()+slow.Log(), "Testperson") {
		t.Fatal("a log line carries the applicant's name")
	}
}

// TestAuditVerifyFindsTampering edits one audit row behind kycd's back; `kycd audit verify` names it.
func TestAuditVerifyFindsTampering(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	dir := t.TempDir()
	env := map[string]string{"KYCD_DATA_DIR": dir}
	_, key, _ := runMain(t, env, "", "apikey", "create", "--name", "e2e")
	key = strings.TrimSpace(key)
	srv := startServer(t, env)
	c := client{t, "http://" + srv.Addr}
	for i := 0; i < 3; i++ {
		c.json("POST", "/v1/applicants", key, map[string]any{"external_id": fmt.Sprint("ext-audit-", i), "level": "basic"}, 201)
	}
	srv.Stop(t)
	code, out, errOut := runMain(t, env, "", "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify before tampering: %d %s %s", code, out, errOut)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "kycd.db"))
	if err != nil {
		t.Fatal(err)
	}
	// Someone with write access to the file drops the guard and rewrites entry 3.
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 3`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, out, _ = runMain(t, env, "", "audit", "verify")
	if code != 3 || !strings.Contains(out, "seq=3 ") {
		t.Fatalf("verify after tampering: exit %d, %s", code, out)
	}
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KYCD_DATA_DIR": dir, "KYCD_DATABASE_DSN": "postgres://secret@x/y"}
	if code, _, _ := runMain(t, env, "", "frobnicate"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
	if code, _, _ := runMain(t, env, "", "serve", "--role", "chef"); code != 2 {
		t.Errorf("bad role exit %d, want 2", code)
	}
	code, out, _ := runMain(t, env, "", "config")
	if code != 0 || strings.Contains(out, "secret@") {
		t.Errorf("config printed a secret: %s", out)
	}
	if code, out, e := runMain(t, env, "", "migrate"); code != 0 || !strings.Contains(out, "applied") {
		t.Fatalf("migrate: %d %s %s", code, out, e)
	}
	if code, out, e := runMain(t, env, "correct horse battery\n", "reviewer", "create", "--email", "admin@kycd.test", "--name", "Admin", "--role", "admin", "--password-stdin"); code != 0 || !strings.Contains(out, "created admin") {
		t.Fatalf("reviewer create: %d %s %s", code, out, e)
	}
	if code, _, _ := runMain(t, env, "short\n", "reviewer", "create", "--email", "b@kycd.test", "--password-stdin"); code != 1 {
		t.Errorf("short password exit %d, want 1", code)
	}
	if code, out, e := runMain(t, env, "", "keys", "rotate"); code != 0 || !strings.Contains(out, "retired 1 old master keys") {
		t.Fatalf("keys rotate: %d %s %s", code, out, e)
	}
}

func TestCheckCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	front := filepath.Join(dir, "front.jpg")
	tiny := filepath.Join(dir, "tiny.jpg")
	os.WriteFile(front, card(t, 11), 0o600)
	os.WriteFile(tiny, photo(t, 150, 100, 2), 0o600)
	// A bank statement with a text layer, five months old, of an invented person.
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	old, err := poagen.Render(poagen.Spec{Seed: 3, Lang: "en", Format: poagen.PDFText, Case: poagen.CaseTooOld, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	oldPOA, oldProfile := filepath.Join(dir, "poa.pdf"), filepath.Join(dir, "poa-profile.json")
	os.WriteFile(oldPOA, old.Data, 0o600)
	pb, _ := json.Marshal(old.Profile)
	os.WriteFile(oldProfile, pb, 0o600)
	profile := filepath.Join(dir, "p.json")
	os.WriteFile(profile, []byte(`{"first_name":"Ada","last_name":"Testperson","date_of_birth":"1990-04-01","nationality":"UTO"}`), 0o600)
	env := map[string]string{}
	tests := []struct {
		name     string
		args     []string
		code     int
		decision string
		reason   string
	}{
		{"one clean image", []string{"--doc-front", front}, 0, "approved", ""},
		{"missing back", []string{"--doc-type", "id_card", "--doc-country", "DEU", "--doc-front", front, "--profile", profile}, 0, "action_required", "DOC_SIDE_MISSING"},
		{"low resolution", []string{"--doc-front", tiny}, 0, "action_required", "IMG_LOW_RESOLUTION"},
		{"old proof of address", []string{"--level", "advanced", "--now", "2026-11-20", "--poa", oldPOA, "--profile", oldProfile},
			0, "action_required", "POA_TOO_OLD"},
		{"not accepted", []string{"--doc-type", "passport", "--doc-country", "XX"}, 2, "", ""},
		{"unknown level", []string{"--level", "platinum"}, 2, "", ""},
		{"missing file", []string{"--doc-front", filepath.Join(dir, "nope.jpg")}, 2, "", ""},
		{"bad date", []string{"--now", "23/11/2026"}, 2, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runMain(t, env, "", append([]string{"check"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			if code != 0 {
				return
			}
			var res struct {
				Decision string
				Reasons  []struct {
					Code      string
					MessageZH string `json:"message_zh"`
				}
				Measurements map[string]map[string]float64
				TimingsMS    map[string]float64 `json:"timings_ms"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			if res.Decision != tt.decision {
				t.Fatalf("decision %s, want %s: %s", res.Decision, tt.decision, out)
			}
			found := tt.reason == ""
			for _, r := range res.Reasons {
				found = found || r.Code == tt.reason
				if r.MessageZH == "" {
					t.Fatalf("reason %s has no Chinese message", r.Code)
				}
			}
			if !found {
				t.Fatalf("reasons %+v, want %s among them", res.Reasons, tt.reason)
			}
			if res.TimingsMS["total"] <= 0 {
				t.Fatalf("no total timing: %s", out)
			}
		})
	}
}

// TestSplitRoles runs the API and the workers as separate processes on one database: the API
// process only enqueues, the worker process decides.
func TestSplitRoles(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	dir := t.TempDir()
	env := map[string]string{"KYCD_DATA_DIR": dir, "KYCD_CHECK_ENGINES": "quality"}
	_, key, _ := runMain(t, env, "", "apikey", "create", "--name", "e2e")
	key = strings.TrimSpace(key)
	api := startServer(t, env, "--role", "api")
	c := client{t, "http://" + api.Addr}
	id, _, _ := applicantThroughSubmit(t, c, key, "ext-roles")
	time.Sleep(time.Second)
	if st := c.json("GET", "/v1/applicants/"+id, key, nil, 200)["status"]; st != "pending" {
		t.Fatalf("without a worker the status is %v, want pending", st)
	}
	worker := startServer(t, env, "--role", "worker")
	wc := client{t, "http://" + worker.Addr}
	if m := wc.json("GET", "/healthz", "", nil, 200); m["role"] != "worker" {
		t.Fatalf("worker health: %v", m)
	}
	if code, _, _ := wc.do("GET", "/v1/applicants/"+id, key, nil, ""); code != 404 {
		t.Fatalf("a worker process serves the API: %d", code)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := c.json("GET", "/v1/applicants/"+id, key, nil, 200)["status"]
		if st == "approved" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %v after the worker started\n%s", st, worker.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
