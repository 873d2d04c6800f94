package poagen

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kycd/kycd/check"
)

var now = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func TestDeterministic(t *testing.T) {
	for _, f := range []Format{PDFText, PNG} {
		spec := Spec{Seed: 5, Lang: "en", Format: f, Case: CaseOK, Now: now}
		a, err := Render(spec)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Render(spec)
		if !bytes.Equal(a.Data, b.Data) || a.IssueDate != b.IssueDate {
			t.Errorf("%s: two renders of one spec differ", f)
		}
	}
}

func TestCorpusCoversEverything(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Corpus(len(Cases)*len(Formats), 1, now) {
		seen[string(s.Case)+"/"+string(s.Format)] = true
	}
	if len(seen) != len(Cases)*len(Formats) {
		t.Errorf("%d case/format pairs, want %d", len(seen), len(Cases)*len(Formats))
	}
}

func TestLabels(t *testing.T) {
	for i, c := range Cases {
		for _, lang := range []string{"en", "zh"} {
			s, err := Render(Spec{Seed: uint64(i), Lang: lang, Format: PDFText, Case: c, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if s.Expect != c.Code() {
				t.Errorf("%s: expect %q", s.Name(), s.Expect)
			}
			if (s.IssueDate == "") != (c == CaseNoDate) {
				t.Errorf("%s: issue date %q", s.Name(), s.IssueDate)
			}
			if s.IssueDate != "" {
				d, _ := time.Parse("2006-01-02", s.IssueDate)
				age := int(now.Sub(d).Hours() / 24)
				if (age > 90) != (c == CaseTooOld) || age < 0 {
					t.Errorf("%s: %d days old", s.Name(), age)
				}
			}
			if (s.DocType == Phone || s.DocType == Insurance) != (c == CaseWrongType) {
				t.Errorf("%s: type %s", s.Name(), s.DocType)
			}
			if s.Profile.Address == nil || (s.Profile.FullName == "" && s.Profile.LastName == "") {
				t.Errorf("%s: incomplete profile %+v", s.Name(), s.Profile)
			}
		}
	}
}

func TestFilesAreValid(t *testing.T) {
	for _, f := range Formats {
		for _, lang := range []string{"en", "zh"} {
			if lang == "zh" && f != PDFText && (!HasCJKFont() || f != PNG) {
				continue // one Chinese image is enough
			}
			if raceEnabled && (f == Photo || f == PDFScan) {
				continue
			}
			s, err := Render(Spec{Seed: 3, Lang: lang, Format: f, Case: CaseEdited, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			switch s.Ext {
			case "pdf":
				if _, fs := check.CheckPDF(s.Data, 2<<20); len(fs) != 0 {
					t.Errorf("%s: %v", s.Name(), fs)
				}
			default:
				img, _, err := image.Decode(bytes.NewReader(s.Data))
				if err != nil {
					t.Errorf("%s: %v", s.Name(), err)
				} else if img.Bounds().Dx() < 800 || len(s.Data) > 2<<20 {
					t.Errorf("%s: %v, %d bytes", s.Name(), img.Bounds(), len(s.Data))
				}
			}
		}
	}
}

// TestTextLayer reads a generated PDF back with poppler: the Chinese text comes out through the
// ToUnicode map, and the incremental update of an edited file is what a reader shows.
func TestTextLayer(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	for seed := uint64(0); seed < 40; seed++ {
		s, err := Render(Spec{Seed: seed, Lang: "zh", Format: PDFText, Case: CaseEdited, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
		cmd.Stdin = bytes.NewReader(s.Data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", s.Name(), err)
		}
		text := string(out)
		if !strings.Contains(text, "尊敬的") {
			t.Fatalf("%s: Chinese text not extracted: %q", s.Name(), text)
		}
		if bytes.Count(s.Data, []byte("%%EOF")) == 2 {
			return // an edited file with an update was found and read
		}
	}
	t.Error("no edited PDF with an incremental update in 40 seeds")
}
