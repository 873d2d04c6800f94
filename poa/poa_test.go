package poa_test

import (
	"context"
	"errors"
	"image"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/onnx"
	"github.com/kycd/kycd/poa"
	"github.com/kycd/kycd/poa/poagen"
)

var now = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

var advanced = &kyc.Level{Name: "advanced", POAMaxAgeDays: 90, POATypes: poa.DefaultTypes}

func needPoppler(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdfinfo", "pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian package poppler-utils; scripts/setup.sh installs it)", tool)
		}
	}
}

// noOCR fails the test if OCR is asked for: text-layer PDFs must not need it.
type noOCR struct{ t *testing.T }

func (n noOCR) Read(context.Context, image.Image) (*ocr.Page, error) {
	n.t.Error("OCR used for a PDF with a text layer")
	return &ocr.Page{}, nil
}

func codes(res *kyc.CheckResult) []kyc.Code {
	var out []kyc.Code
	for _, f := range res.Findings {
		out = append(out, f.Code)
	}
	return out
}

func run(t *testing.T, eng *poa.Engine, s poagen.Sample) *kyc.CheckResult {
	t.Helper()
	prof := s.Profile
	pipe := check.New(check.Options{}, eng)
	res, err := pipe.Check(context.Background(), &kyc.CheckInput{Level: advanced, Profile: &prof, Now: now,
		POA: &kyc.Upload{Step: kyc.StepProofOfAddress, Side: kyc.SidePOA, Data: s.Data}})
	if err != nil {
		t.Fatalf("%s: %v", s.Name(), err)
	}
	return res
}

// TestReasonsOnTextPDFs checks each reason on generated PDFs with a text layer, in English and
// Chinese: exactly the expected code, and the issue date read.
func TestReasonsOnTextPDFs(t *testing.T) {
	needPoppler(t)
	eng := poa.New(poa.Config{Reader: noOCR{t}})
	for i, c := range poagen.Cases {
		for j, lang := range []string{"en", "zh"} {
			s, err := poagen.Render(poagen.Spec{Seed: uint64(1000 + 10*i + j), Lang: lang, Format: poagen.PDFText, Case: c, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			res := run(t, eng, s)
			want := []kyc.Code{}
			if s.Expect != "" {
				want = append(want, s.Expect)
			}
			if got := codes(res); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("%s: findings %v, want %v", s.Name(), res.Findings, want)
			}
			if res.POA == nil {
				t.Errorf("%s: no POA data", s.Name())
				continue
			}
			if res.POA.IssueDate != s.IssueDate {
				t.Errorf("%s: issue date %q, want %q", s.Name(), res.POA.IssueDate, s.IssueDate)
			}
			if s.Expect == "" && (!res.POA.NameFound || res.POA.AddressScore < poa.AddressThreshold || res.POA.DocType != string(s.DocType)) {
				t.Errorf("%s: POA data %+v for a good document", s.Name(), res.POA)
			}
			for _, f := range res.Findings {
				if f.Step != kyc.StepProofOfAddress || f.Side != kyc.SidePOA {
					t.Errorf("%s: finding %s on step %s side %s", s.Name(), f.Code, f.Step, f.Side)
				}
			}
		}
	}
}

func TestLevelPolicy(t *testing.T) {
	needPoppler(t)
	s, err := poagen.Render(poagen.Spec{Seed: 7, Lang: "en", Format: poagen.PDFText, Case: poagen.CaseWrongType, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	eng := poa.New(poa.Config{Reader: noOCR{t}})
	a, err := eng.Analyse(context.Background(), s.Data, nil, &s.Profile,
		&kyc.Level{POATypes: append([]string{string(s.DocType)}, poa.DefaultTypes...)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 0 {
		t.Errorf("a level accepting %s: findings %v", s.DocType, a.Findings)
	}
	// a stricter age limit makes a good bill too old
	ok, _ := poagen.Render(poagen.Spec{Seed: 8, Lang: "en", Format: poagen.PDFText, Case: poagen.CaseOK, Now: now})
	issued, _ := time.Parse("2006-01-02", ok.IssueDate)
	days := int(now.Sub(issued).Hours() / 24)
	if days < 2 {
		t.Skip("sample issued too recently for this test")
	}
	a, err = eng.Analyse(context.Background(), ok.Data, nil, &ok.Profile, &kyc.Level{POAMaxAgeDays: days - 1}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 1 || a.Findings[0].Code != kyc.POATooOld {
		t.Errorf("max age %d days on a %d-day-old bill: %v", days-1, days, a.Findings)
	}
}

func TestMalformedPDF(t *testing.T) {
	needPoppler(t)
	eng := poa.New(poa.Config{Reader: noOCR{t}})
	// passes the file-level check (header, pages, end marker) but is not a PDF poppler can read
	bad := []byte("%PDF-1.4\n1 0 obj << /Type /Page /Kids [ >> garbage\n%%EOF\n")
	if _, f := check.CheckPDF(bad, 1<<20); len(f) != 0 {
		t.Fatalf("the file-level check refused the sample: %v", f)
	}
	a, err := eng.Analyse(context.Background(), bad, nil, nil, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 1 || a.Findings[0].Code != kyc.FileCorrupted || a.Findings[0].Detail["problem"] == "" {
		t.Errorf("malformed PDF: %v, want FILE_CORRUPTED with a problem", a.Findings)
	}
}

func TestPopplerMissing(t *testing.T) {
	s, err := poagen.Render(poagen.Spec{Seed: 9, Lang: "en", Format: poagen.PDFText, Case: poagen.CaseOK, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	eng := poa.New(poa.Config{Reader: noOCR{t}, Pdfinfo: "/nonexistent/pdfinfo"})
	if _, err := eng.Analyse(context.Background(), s.Data, nil, &s.Profile, advanced, now); !errors.Is(err, poa.ErrPoppler) {
		t.Errorf("without poppler: %v, want an error wrapping ErrPoppler", err)
	}
}

func TestNoTempFilesLeft(t *testing.T) {
	needPoppler(t)
	dir := t.TempDir()
	s, err := poagen.Render(poagen.Spec{Seed: 10, Lang: "en", Format: poagen.PDFText, Case: poagen.CaseOK, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	eng := poa.New(poa.Config{Reader: noOCR{t}, TempDir: dir})
	if _, err := eng.Analyse(context.Background(), s.Data, nil, &s.Profile, advanced, now); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("%d temporary entries left behind", len(left))
	}
}

// fakeReader returns fixed lines, as OCR would read them.
type fakeReader struct{ lines []string }

func (f fakeReader) Read(_ context.Context, img image.Image) (*ocr.Page, error) {
	p := &ocr.Page{Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	for i, l := range f.lines {
		y := float64(20 + 30*i)
		q := ocr.Quad{{X: 40, Y: y}, {X: 400, Y: y}, {X: 400, Y: y + 20}, {X: 40, Y: y + 20}}
		p.Lines = append(p.Lines, ocr.Line{Text: l, Quad: q, Boxes: []ocr.Box{{Text: l, Quad: q, Confidence: 0.9}}})
	}
	return p, nil
}

func TestImageThroughOCR(t *testing.T) {
	lines := []string{"BlueWater Utilities plc", "Water services bill", "Bill date: 2 November 2026",
		"Mr John Smith", "Flat 4B, 12 Baker Street", "London", "NW1 6XE", "Billing period: 01/10/2026 - 31/10/2026"}
	eng := poa.New(poa.Config{Reader: fakeReader{lines}})
	prof := &kyc.Profile{FirstName: "John", LastName: "Smith",
		Address: &kyc.Address{Line1: "12 Baker St", Line2: "Flat 4B", City: "London", PostalCode: "NW16XE", Country: "GBR"}}
	img := image.NewGray(image.Rect(0, 0, 600, 800))
	a, err := eng.Analyse(context.Background(), []byte("not used: the image is given"), img, prof, advanced, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 0 || a.POA.IssueDate != "2026-11-02" || !a.POA.NameFound || a.POA.DocType != poa.TypeUtilityBill {
		t.Errorf("findings %v, POA %+v", a.Findings, a.POA)
	}
	// nothing readable
	eng = poa.New(poa.Config{Reader: fakeReader{[]string{"~"}}})
	a, err = eng.Analyse(context.Background(), nil, img, prof, advanced, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 1 || a.Findings[0].Code != kyc.POADateMissing {
		t.Errorf("unreadable page: %v, want POA_DATE_MISSING", a.Findings)
	}
}

func TestModelsMissing(t *testing.T) {
	eng := poa.New(poa.Config{ONNX: onnx.Config{Dir: t.TempDir(), Library: "/nonexistent/libonnxruntime.so"}})
	img := image.NewGray(image.Rect(0, 0, 60, 80))
	if _, err := eng.Analyse(context.Background(), nil, img, nil, nil, now); !errors.Is(err, onnx.ErrUnavailable) {
		t.Errorf("without models: %v, want an error wrapping onnx.ErrUnavailable", err)
	}
}

func TestSkipsWithoutInput(t *testing.T) {
	eng := poa.New(poa.Config{Reader: noOCR{t}})
	res := &kyc.CheckResult{}
	if err := eng.Check(context.Background(), &check.Input{CheckInput: &kyc.CheckInput{}}, res); err != nil || len(res.Findings) != 0 || res.POA != nil {
		t.Errorf("no proof of address: err %v, result %+v", err, res)
	}
}
