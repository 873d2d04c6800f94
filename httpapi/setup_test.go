package httpapi

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/config"
	"github.com/kycd/kycd/filestore"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/jobs"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/sqlstore"
	"github.com/kycd/kycd/webhook"
)

// env is one kycd API over real components: the service, the SQLite store, the encrypted file
// store and the check pipeline (file-level checks), served by httptest.
type env struct {
	svc      *kyc.Service
	db       *sqlstore.DB
	files    *filestore.Store
	filesDir string
	api      *Server
	srv      *httptest.Server
	key      string // an integrator API key
	logs     *syncBuffer
}

type setupOpts struct {
	cfg      Config
	settings func(*kyc.Settings)
	jobs     bool
}

// testCfg is the API configuration of most tests: small limits so that too-large inputs are cheap.
var testCfg = Config{MaxJSONBytes: 4 << 10, MaxImageBytes: 256 << 10, MaxPDFBytes: 512 << 10, MaxAppealFiles: 2,
	AllowPrivateWebhooks: true}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func setup(t testing.TB, opts ...setupOpts) *env {
	t.Helper()
	o := setupOpts{cfg: testCfg}
	if len(opts) > 0 {
		o = opts[0]
		if o.cfg == (Config{}) {
			o.cfg = testCfg
		}
	}
	ctx := context.Background()
	dir := t.TempDir()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	db := openStore(t, dir)
	fcfg := filestore.DefaultConfig(dir)
	files, err := filestore.Open(ctx, fcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = files.Close() })

	set := testSettings(t)
	if o.settings != nil {
		o.settings(&set)
	}
	checker := check.New(check.Options{Image: imagecheck.Limits{MaxBytes: o.cfg.MaxImageBytes}, MaxPDFBytes: o.cfg.MaxPDFBytes})
	svc, err := kyc.NewService(kyc.Deps{Store: db, Files: files, Sealer: files, Checker: checker, Logger: logger, Settings: set})
	if err != nil {
		t.Fatal(err)
	}
	o.cfg.Logger = logger
	api := New(svc, o.cfg)
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)

	key, _, err := svc.CreateAPIKey(ctx, kyc.Actor{Type: kyc.ActorSystem}, "tests")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{svc: svc, db: db, files: files, filesDir: filepath.Join(dir, "files"), api: api, srv: srv, key: key, logs: logs}
	if o.jobs {
		err := db.StartJobs(ctx, sqlstore.JobsConfig{
			Workers:           jobs.Workers(jobs.Config{Service: svc, Sender: webhook.NewSender(5 * time.Second), Logger: logger, JobTimeout: 30 * time.Second}),
			MaxWorkers:        1,
			FetchPollInterval: 20 * time.Millisecond,
			TestOnly:          true,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = db.StopJobs(ctx)
		})
	}
	return e
}

// openStore opens a fresh store: SQLite in dir, or, when KYCD_HTTPAPI_TEST_PG_DSN is set, a fresh
// PostgreSQL schema dropped at the end of the test.
func openStore(t testing.TB, dir string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	cfg := sqlstore.Config{Driver: sqlstore.DriverSQLite, Path: filepath.Join(dir, "kycd.db")}
	if dsn := os.Getenv("KYCD_HTTPAPI_TEST_PG_DSN"); dsn != "" {
		var b [6]byte
		_, _ = crand.Read(b[:])
		cfg = sqlstore.Config{Driver: sqlstore.DriverPostgres, DSN: dsn, Schema: "kycd_httpapi_" + hex.EncodeToString(b[:])}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Errorf("drop schema: %v", err)
				return
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS "`+cfg.Schema+`" CASCADE`); err != nil {
				t.Errorf("drop schema: %v", err)
			}
		})
	}
	db, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func testSettings(t testing.TB) kyc.Settings {
	t.Helper()
	cfg, err := config.Load("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return kyc.Settings{
		Levels:             cfg.Levels,
		MaxAttemptsPerStep: 5,
		SLABusinessDays:    2,
		LivenessMinActions: 2,
		LivenessMaxActions: 3,
		LivenessTTL:        2 * time.Minute,
		MaxFrames:          30,
		MaxAppealFiles:     2,
		TokenSecret:        []byte("0123456789abcdef0123456789abcdef"),
		TokenTTL:           time.Hour,
		PublicURL:          "http://kycd.test",
		WebhookRetryWindow: time.Hour,
		CheckRetries:       3,
	}
}

// response is a finished response, already checked against openapi.yaml.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %d response: %v\n%s", r.status, err, r.body)
	}
}

func (r *response) problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.body)
	}
	var p Problem
	r.decode(t, &p)
	return p
}

// do sends a request and validates the response against openapi.yaml.
func (e *env) do(t testing.TB, method, path, token string, body []byte, contentType string) *response {
	t.Helper()
	return e.doReader(t, method, path, token, bytes.NewReader(body), contentType)
}

func (e *env) doReader(t testing.TB, method, path, token string, body io.Reader, contentType string) *response {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	vreq, _ := http.NewRequest(method, e.srv.URL+path, nil)
	validateResponse(t, vreq, res.StatusCode, res.Header, b)
	return &response{status: res.StatusCode, header: res.Header, body: b}
}

// json sends v as a JSON body (nil: no body).
func (e *env) json(t testing.TB, method, path, token string, v any) *response {
	t.Helper()
	if v == nil {
		return e.do(t, method, path, token, nil, "")
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	r := e.do(t, method, path, token, b, "application/json")
	if r.status < 300 {
		// What the server accepts, the document must accept too.
		validateRequest(t, method, e.srv.URL+path, b)
	}
	return r
}

// part is one multipart field; a file when filename is set.
type part struct {
	name, filename string
	data           []byte
}

func multipartBody(t testing.TB, parts ...part) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
			h.Set("Content-Type", "application/octet-stream")
			w, err = mw.CreatePart(h)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

func (e *env) multipart(t testing.TB, path, token string, parts ...part) *response {
	t.Helper()
	body, ct := multipartBody(t, parts...)
	return e.do(t, "POST", path, token, body, ct)
}

func filePart(data []byte) part { return part{name: "file", filename: "photo.jpg", data: data} }

func wantStatus(t testing.TB, r *response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
}

// wantProblem checks an error response: status, problem type and, when given, code and field.
func wantProblem(t testing.TB, r *response, status int, code kyc.Code, field string) Problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	p := r.problem(t)
	if p.Status != status || !strings.HasPrefix(p.Type, ProblemBaseURL) || p.Title == "" || p.Detail == "" || p.RequestID == "" {
		t.Errorf("incomplete problem %+v", p)
	}
	if p.Code != code {
		t.Errorf("problem code %q, want %q (%s)", p.Code, code, p.Detail)
	}
	if field != "" && p.Field != field {
		t.Errorf("problem field %q, want %q (%s)", p.Field, field, p.Detail)
	}
	return p
}

// newApplicant creates an applicant for level with a complete profile and returns its id and an
// applicant token.
func (e *env) newApplicant(t testing.TB, externalID, level string) (string, string) {
	t.Helper()
	in := kyc.NewApplicant{ExternalID: externalID, Level: level, Profile: kyc.Profile{
		FirstName: "Mira", LastName: "Testperson", DateOfBirth: "1990-04-12", Nationality: "DEU",
		Address: &kyc.Address{Line1: "Beispielweg 7", City: "Musterstadt", PostalCode: "12345", Country: "DEU"}}}
	r := e.json(t, "POST", "/v1/applicants", e.key, in)
	wantStatus(t, r, http.StatusCreated)
	var v kyc.ApplicantView
	r.decode(t, &v)
	r = e.json(t, "POST", "/v1/applicants/"+v.ID+"/token", e.key, nil)
	wantStatus(t, r, http.StatusOK)
	var tok TokenResponse
	r.decode(t, &tok)
	return v.ID, tok.Token
}

// state is what is stored for an applicant: file rows, blobs on disk, attempts. Failed requests
// must leave it unchanged.
type state struct {
	files, blobs, attempts, submissions int
}

func (e *env) state(t testing.TB, applicantID string) state {
	t.Helper()
	ctx := context.Background()
	files, err := e.db.ListFiles(ctx, kyc.FileFilter{ApplicantID: applicantID})
	if err != nil {
		t.Fatal(err)
	}
	at, err := e.db.ListAttempts(ctx, applicantID)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := e.db.ListSubmissions(ctx, applicantID)
	if err != nil {
		t.Fatal(err)
	}
	blobs := 0
	err = filepath.WalkDir(filepath.Join(e.filesDir, "applicants", applicantID), func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(d.Name(), ".attrs") && !strings.HasPrefix(d.Name(), ".") {
			blobs++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return state{files: len(files), blobs: blobs, attempts: len(at), submissions: len(subs)}
}

// photo returns a JPEG of w×h pixels: a smooth gradient with noise, different for every seed, so
// each upload has its own bytes.
func photo(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	img := paint(w, h, seed)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngPhoto is photo as a PNG.
func pngPhoto(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, paint(w, h, seed)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func paint(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, seed*7+1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.IntN(6))
			img.Set(x, y, color.RGBA{uint8(x*200/w) + n, uint8(y*200/h) + n, uint8(seed*37) + n, 255})
		}
	}
	return img
}
