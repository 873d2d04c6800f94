package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/kycd/kycd/kyc"
)

func TestMessagesHaveBothLanguages(t *testing.T) {
	t.Parallel()
	for k, m := range messages {
		if strings.TrimSpace(m.en) == "" || strings.TrimSpace(m.zh) == "" {
			t.Errorf("message %q lacks a language: %+v", k, m)
		}
		if strings.Count(m.en, "{") != strings.Count(m.zh, "{") {
			t.Errorf("message %q: placeholders differ between languages", k)
		}
	}
}

// TestEveryUsedKeyExists reads the templates and the flow script for message keys and checks each
// is in the table, including the families built from domain values (step.<step>, ...).
func TestEveryUsedKeyExists(t *testing.T) {
	t.Parallel()
	var used []string
	keyRE := []*regexp.Regexp{
		regexp.MustCompile(`\.T "([a-z0-9_.]+)"`),
		regexp.MustCompile(`\bt\('([a-z0-9_.]+)'`),
		regexp.MustCompile(`[:(,] ?'([a-z]+\.[a-z0-9_.]+)'`),
	}
	err := fs.WalkDir(templateFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, p)
		for _, re := range keyRE[:1] {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used = append(used, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	js, err := fs.ReadFile(staticFS, "static/flow.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range keyRE[1:] {
		for _, m := range re.FindAllStringSubmatch(string(js), -1) {
			if !strings.HasSuffix(m[1], ".") && !strings.HasSuffix(m[1], "_") {
				used = append(used, m[1])
			}
		}
	}
	for _, s := range kyc.Steps {
		used = append(used, "step."+string(s))
	}
	for _, d := range kyc.DocTypes {
		used = append(used, "doc."+string(d))
	}
	for _, s := range kyc.Statuses {
		used = append(used, "status."+string(s))
	}
	for _, s := range []kyc.StepState{kyc.StepNotStarted, kyc.StepDraft, kyc.StepPending, kyc.StepPassed, kyc.StepRetry, kyc.StepReview, kyc.StepRejected} {
		used = append(used, "status.step_"+string(s))
	}
	for _, a := range kyc.LivenessActions {
		used = append(used, "liveness."+string(a))
	}
	for _, c := range []kyc.CaseStatus{kyc.CaseOpen, kyc.CaseClaimed, kyc.CaseAwaitingSecond, kyc.CaseClosed} {
		used = append(used, "case.status."+string(c))
	}
	used = append(used, "case.kind.review", "case.kind.appeal", "side.front", "side.back", "side.selfie", "side.poa")
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the patterns no longer match the sources", len(used))
	}
	for _, k := range used {
		if _, ok := messages[k]; !ok {
			t.Errorf("message key %q is used but not in the table", k)
		}
	}
}

func TestRequestLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query, cookie, accept string
		want                  Lang
	}{
		{"", "", "", EN},
		{"", "", "zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"", "", "fr-FR,zh-TW;q=0.5", ZH},
		{"", "", "de-DE,de;q=0.9", EN},
		{"", "zh-CN", "en-US", ZH},
		{"en", "zh-CN", "zh-CN", EN},
		{"zh", "", "", ZH},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/console/?lang="+tt.query, nil)
		if tt.cookie != "" {
			r.Header.Set("Cookie", langCookie+"="+tt.cookie)
		}
		if tt.accept != "" {
			r.Header.Set("Accept-Language", tt.accept)
		}
		if got := requestLang(r); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt, got, tt.want)
		}
	}
}

func TestTemplatesParseAndErrorPageHidesDetail(t *testing.T) {
	t.Parallel()
	s := New(nil, Config{})
	if len(s.pages) < 10 {
		t.Fatalf("parsed %d pages", len(s.pages))
	}
	for _, tt := range []struct {
		err    error
		status int
		text   string
	}{
		{kyc.NotFound("case"), 404, "This page does not exist."},
		{kyc.Errorf(kyc.KindConflict, "internal words"), 409, "This action is not possible right now."},
		{&kyc.Error{Kind: kyc.KindInternal, Message: "sql: database is locked at /var/lib/kycd"}, 500, "We could not complete this request."},
	} {
		w := httptest.NewRecorder()
		s.errorPage(w, httptest.NewRequest("GET", "/console/x", nil), tt.err)
		body := w.Body.String()
		if w.Code != tt.status || !strings.Contains(body, tt.text) || strings.Contains(body, "sql") || strings.Contains(body, "internal words") {
			t.Errorf("%v: %d %s", tt.err, w.Code, body)
		}
	}
	// A panic in a page handler becomes the error page, without the panic's text.
	s.mux.HandleFunc("GET /boom", func(w2 http.ResponseWriter, r *http.Request) { panic("secret detail") })
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret detail") {
		t.Errorf("panic page: %d %s", w.Code, w.Body.String())
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}
