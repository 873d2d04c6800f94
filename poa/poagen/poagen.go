// Package poagen generates synthetic proofs of address for tests and evaluation: utility bills,
// bank statements, tax and government letters, phone bills and insurance schedules, in English
// (GBR, USA, AUS conventions) and Chinese, for invented people at invented addresses. Each
// sample is a file as an applicant would upload it — a PDF with a text layer, a scanned PDF (one
// JPEG per page, no text), a phone photo of the printed page (JPEG) or a screenshot (PNG) — with
// the applicant's profile and the labels the proof-of-address engine should produce: the issue
// date, the document type and the reason codes.
//
// Samples are deterministic in their Spec. The people, companies and addresses are made up.
package poagen

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"time"

	"github.com/kycd/kycd/kyc"
)

// Case is the one thing wrong with a sample, or CaseOK.
type Case string

// Cases, each with the reason code the engine should report.
const (
	CaseOK           Case = "ok"
	CaseTooOld       Case = "too_old"       // POA_TOO_OLD
	CaseNoDate       Case = "no_date"       // POA_DATE_MISSING
	CaseOtherName    Case = "other_name"    // POA_NAME_MISMATCH: a relative or a stranger
	CaseNoName       Case = "no_name"       // POA_NAME_MISSING
	CaseOtherAddress Case = "other_address" // POA_ADDRESS_MISMATCH
	CaseNoAddress    Case = "no_address"    // POA_ADDRESS_MISSING
	CaseWrongType    Case = "wrong_type"    // POA_TYPE_NOT_ACCEPTED: phone bill or insurance
	CaseEdited       Case = "edited"        // POA_EDIT_SUSPECTED
)

// Cases lists every case.
var Cases = []Case{CaseOK, CaseTooOld, CaseNoDate, CaseOtherName, CaseNoName, CaseOtherAddress,
	CaseNoAddress, CaseWrongType, CaseEdited}

// Code is the reason code a case should produce ("" for CaseOK).
func (c Case) Code() kyc.Code {
	return map[Case]kyc.Code{CaseTooOld: kyc.POATooOld, CaseNoDate: kyc.POADateMissing,
		CaseOtherName: kyc.POANameMismatch, CaseNoName: kyc.POANameMissing,
		CaseOtherAddress: kyc.POAAddressMismatch, CaseNoAddress: kyc.POAAddressMissing,
		CaseWrongType: kyc.POATypeNotAccepted, CaseEdited: kyc.POAEditSuspected}[c]
}

// Format is how the sample is uploaded.
type Format string

// Formats.
const (
	PDFText Format = "pdf_text" // a PDF with a text layer
	PDFScan Format = "pdf_scan" // a scanned PDF: one image per page, no text
	Photo   Format = "photo"    // a JPEG phone photo of the printed page
	PNG     Format = "png"      // a PNG screenshot of the page
)

// Formats lists every format.
var Formats = []Format{PDFText, PDFScan, Photo, PNG}

// Spec says which sample to make.
type Spec struct {
	Seed   uint64
	Lang   string // "en" or "zh"
	Format Format
	Case   Case
	// Now is the date the sample is judged at; the issue date is chosen relative to it.
	Now time.Time
}

// Sample is one generated proof of address with its labels.
type Sample struct {
	Spec
	Data    []byte
	Ext     string // "pdf", "jpg", "png"
	Profile kyc.Profile
	// IssueDate is the document's date as YYYY-MM-DD ("" when none is printed): the statement
	// or issue date, or the end of the statement period when only that is printed.
	IssueDate string
	DocType   Kind
	// Expect is the reason code expected ("" for none).
	Expect kyc.Code
}

// Name is a short file name for the sample.
func (s Sample) Name() string {
	return fmt.Sprintf("poa_%s_%s_%s_%d.%s", s.Lang, s.Format, s.Case, s.Seed, s.Ext)
}

// Corpus returns n specs cycling through the cases, languages and formats, judged at now.
func Corpus(n int, seed uint64, now time.Time) []Spec {
	r := rand.New(rand.NewPCG(seed, 0x90a))
	out := make([]Spec, 0, n)
	for i := 0; i < n; i++ {
		c := Cases[i%len(Cases)]
		f := Formats[(i/len(Cases))%len(Formats)]
		lang := "en"
		if r.IntN(3) == 0 {
			lang = "zh"
		}
		out = append(out, Spec{Seed: seed*100003 + uint64(i), Lang: lang, Format: f, Case: c, Now: now})
	}
	return out
}

// Render makes the sample of spec.
func Render(spec Spec) (Sample, error) {
	r := rand.New(rand.NewPCG(spec.Seed, 0x70a))
	if spec.Now.IsZero() {
		spec.Now = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	}
	zh := spec.Lang == "zh"
	if zh && !HasCJKFont() && spec.Format != PDFText {
		return Sample{}, fmt.Errorf("poagen: Chinese pages need fonts-noto-cjk (/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc)")
	}
	country := "CHN"
	if !zh {
		country = pick(r, []string{"GBR", "GBR", "USA", "AUS"})
	}
	s := Sample{Spec: spec, Expect: spec.Case.Code()}
	who := newPerson(r, zh)
	home := newAddress(r, country)
	s.Profile = kyc.Profile{CountryOfResidence: country, Address: home.profile(r)}
	switch {
	case zh && r.IntN(4) == 0: // the profile in pinyin
		s.Profile.FirstName, s.Profile.LastName = pinyinOf(who.given), pinyinOf(who.sur)
	case zh:
		s.Profile.FullName = who.sur + who.given
	default:
		s.Profile.FirstName, s.Profile.LastName = who.given, who.sur
	}
	if s.Profile.FirstName == "" && s.Profile.FullName == "" {
		s.Profile.FullName = who.sur + who.given // a given name without a known reading
	}

	b := billSpec{zh: zh, country: country, style: r.IntN(40)}
	b.kind = pick(r, []Kind{Utility, Utility, Utility, Bank, Bank, Tax, Government})
	if spec.Case == CaseWrongType {
		b.kind = pick(r, []Kind{Phone, Phone, Insurance})
	}
	if spec.Case == CaseNoDate && b.kind == Bank {
		b.kind = Utility // a statement's transactions carry dates: a dateless one is not credible
	}
	s.DocType = b.kind
	today := time.Date(spec.Now.Year(), spec.Now.Month(), spec.Now.Day(), 0, 0, 0, 0, time.UTC)
	switch spec.Case {
	case CaseTooOld:
		b.issue = today.AddDate(0, 0, -(95 + r.IntN(600)))
	case CaseNoDate:
		b.dueDate = r.IntN(2) == 0
	default:
		b.issue = today.AddDate(0, 0, -r.IntN(85))
	}
	if b.kind == Bank && r.IntN(2) == 0 {
		b.periodOnly = true
	}
	if !b.issue.IsZero() {
		s.IssueDate = b.issue.Format("2006-01-02")
	}
	b.name = who.printed(r)
	switch spec.Case {
	case CaseOtherName:
		other := who.stranger(r)
		if r.IntN(2) == 0 {
			other = who.relative(r)
		}
		other.noInitial = true
		b.name = other.printed(r)
	case CaseNoName:
		b.name = ""
	}
	b.addr = home.printedLines(r)
	switch spec.Case {
	case CaseOtherAddress:
		b.addr = home.elsewhere(r).printedLines(r)
	case CaseNoAddress:
		b.addr = nil
	}
	pg := b.render(r)

	meta := pdfDoc{producer: pick(r, []string{"kycd poagen", "Billing System 4.2", "iText 7.2.5", "Microsoft Word"}),
		creator: "poagen", created: "D:" + today.Format("20060102") + "090000"}
	meta.modified = meta.created
	if spec.Case == CaseEdited {
		edited := spec.Format == PDFText && r.IntN(2) == 0 // otherwise: an image editor's mark
		if edited {
			// the same bill, first saved with an old date, then its text changed in place
			old := b
			old.issue = b.issue.AddDate(0, 0, -(120 + r.IntN(300)))
			oldPage := old.render(rand.New(rand.NewPCG(spec.Seed, 0x70b)))
			current := pg
			meta.update = &current
			pg = oldPage
		} else {
			meta.producer = pick(r, []string{"Adobe Photoshop 25.1 (Windows)", "GIMP 2.10.34", "Paint.NET 5.0", "Pixelmator Pro 3.5"})
		}
	}
	switch spec.Format {
	case PDFText:
		meta.pages = []pdfPage{{text: &pg}}
		s.Data, s.Ext = meta.bytes(), "pdf"
	case PDFScan:
		img := scanned(r, rasterise(&pg, 150, color.Gray{Y: uint8(r.IntN(40))}))
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 80}); err != nil {
			return Sample{}, err
		}
		if spec.Case != CaseEdited {
			meta.producer = pick(r, []string{"Canon iR-ADV C5535 PDF", "HP Scan", "NAPS2", "kycd poagen scan"})
		}
		meta.update = nil
		meta.pages = []pdfPage{{jpeg: jb.Bytes(), w: img.Bounds().Dx(), h: img.Bounds().Dy()}}
		s.Data, s.Ext = meta.bytes(), "pdf"
	case Photo:
		flat := rasterise(&pg, 150, color.Gray{Y: uint8(r.IntN(50))})
		img := photograph(r, flat, 1200, 1600)
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 82}); err != nil {
			return Sample{}, err
		}
		s.Data, s.Ext = jb.Bytes(), "jpg"
		if spec.Case == CaseEdited {
			s.Data = withJPEGComment(s.Data, "Created with "+meta.producer)
		}
	case PNG:
		img := rasterise(&pg, 120, color.Gray{})
		var pb bytes.Buffer
		if err := png.Encode(&pb, gray(img)); err != nil {
			return Sample{}, err
		}
		s.Data, s.Ext = pb.Bytes(), "png"
		if spec.Case == CaseEdited {
			s.Data = withPNGText(s.Data, "Software", meta.producer)
		}
	default:
		return Sample{}, fmt.Errorf("poagen: unknown format %q", spec.Format)
	}
	return s, nil
}

// gray converts a rendered page to grey, as screenshots of documents compress better so.
func gray(m *image.RGBA) *image.Gray {
	g := image.NewGray(m.Bounds())
	for i, j := 0, 0; i < len(m.Pix); i, j = i+4, j+1 {
		g.Pix[j] = uint8((int(m.Pix[i])*299 + int(m.Pix[i+1])*587 + int(m.Pix[i+2])*114) / 1000)
	}
	return g
}
