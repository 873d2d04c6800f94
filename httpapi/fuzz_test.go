package httpapi

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kycd/kycd/kyc"
)

// wantClientError fails unless err maps to a 4xx problem: input, however broken, is never a
// server error.
func wantClientError(t *testing.T, err error) {
	t.Helper()
	p, internal := problemFor(err)
	if internal || p.Status < 400 || p.Status > 499 {
		t.Fatalf("error %v maps to %d (internal %v)", err, p.Status, internal)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"external_id":"x","level":"basic","profile":{"first_name":"A","address":{"city":"B"}}}`,
		`{"external_id":"x",}`, `{"external_id":5}`, `{"nope":1}`, `[]`, `null`, ``, `{"a":` + strings.Repeat("[", 100),
		`{"external_id":"x"} trailing`, `{"profile":{"address":{"line1":true}}}`, "\xff\xfe", `"\ud800"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v kyc.NewApplicant
		err := decodeJSON(bytes.NewReader(data), &v)
		if err == nil {
			return
		}
		wantClientError(t, err)
		var re *requestError
		if !errors.As(err, &re) {
			t.Fatalf("decode error %T is not a malformed-request error: %v", err, err)
		}
	})
}

// FuzzReadForm feeds arbitrary multipart bodies to the upload reader.
func FuzzReadForm(f *testing.F) {
	const boundary = "kycdboundary"
	seed := func(parts ...string) []byte {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.SetBoundary(boundary)
		for i := 0; i+1 < len(parts); i += 2 {
			if parts[i] == "file" {
				w, _ := mw.CreateFormFile("file", "a.jpg")
				_, _ = w.Write([]byte(parts[i+1]))
				continue
			}
			_ = mw.WriteField(parts[i], parts[i+1])
		}
		_ = mw.Close()
		return b.Bytes()
	}
	f.Add(seed("file", "\xff\xd8\xff\xe0data", "nonce", "abc", "index", "1"))
	f.Add(seed("file", strings.Repeat("x", 300)))
	f.Add(seed("nonce", "abc"))
	f.Add(seed("file", "a", "file", "b"))
	f.Add(seed("unknown", "v"))
	f.Add([]byte("--kycdboundary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, body []byte) {
		spec := map[string]fieldSpec{
			"file":  {file: true, max: 256, required: true, tooLarge: kyc.FileTooLarge},
			"nonce": {max: 16},
			"index": {max: 4},
			"files": {file: true, multiple: true, max: 128, tooLarge: kyc.FileTooLarge},
		}
		// Through the HTTP entry point, so the body limit is part of what is fuzzed.
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		mr, err := multipartReader(httptest.NewRecorder(), req, spec, 2)
		if err != nil {
			t.Fatal(err)
		}
		form, err := readForm(mr, spec, 2)
		if err != nil {
			wantClientError(t, err)
			return
		}
		if len(form.file("file")) > 256 || len(form.values["nonce"]) > 16 || len(form.files["files"]) > 2 {
			t.Fatalf("limits not enforced: file %d, nonce %d, files %d", len(form.file("file")), len(form.values["nonce"]), len(form.files["files"]))
		}
		if form.files["file"] == nil {
			t.Fatal("required file missing without an error")
		}
	})
}

func FuzzIsJSON(f *testing.F) {
	for _, s := range []string{"application/json", "application/json; charset=utf-8", "application/problem+json", "text/json", "", ";;;", "application/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		_ = isJSON(ct)
	})
}

func BenchmarkGetApplicant(b *testing.B) {
	e := setup(b)
	id, tok := e.newApplicant(b, "bench-1", "basic")
	h := e.api.Handler()
	for _, who := range []struct{ name, token string }{{"integrator", e.key}, {"applicant", tok}} {
		b.Run(who.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("GET", "/v1/applicants/"+id, nil)
					req.Header.Set("Authorization", "Bearer "+who.token)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
			})
		})
	}
}
