// Package poa is kycd's proof-of-address engine: it reads a utility bill, bank statement, tax or
// government letter uploaded as a JPEG, PNG or PDF, and checks that it is recent, in the
// applicant's name and at the applicant's address, and of a type the level accepts.
//
// Text comes from a PDF's text layer (poppler's pdftotext) when it has one, otherwise from OCR
// of the page (PDF pages rasterised by poppler's pdftoppm; images as uploaded) with the
// project's PP-OCRv4 engine. The text is then read as rows of cells, and:
//   - the document type is classified by keywords (English and Chinese), the letterhead and
//     title counting most (POA_TYPE_NOT_ACCEPTED when the level does not accept it);
//   - the issue date is chosen among the dates found by their labels (see issue.go; dates in
//     English and Chinese formats, day/month order by the document itself or the applicant's
//     country): POA_DATE_MISSING, POA_TOO_OLD;
//   - the applicant's name is looked for with the tolerant comparison of the names package:
//     POA_NAME_MISSING, POA_NAME_MISMATCH;
//   - the applicant's address is normalised and scored against windows of the document's rows:
//     POA_ADDRESS_MISSING, POA_ADDRESS_MISMATCH, with the score and its parts in the detail;
//   - signs of editing (an image editor as the PDF's producer or in the image's metadata, an
//     incremental update that changes the page's text) give POA_EDIT_SUSPECTED, which sends the
//     file to a reviewer and never rejects it.
//
// What was read goes into CheckResult.POA. Document text, names and addresses are never logged.
package poa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // uploads decoded here when the pipeline did not
	_ "image/png"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/names"
	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/onnx"
)

// Config configures the engine. The zero value works: defaults are noted per field.
type Config struct {
	// ONNX says where the ONNX Runtime library and the OCR models are (default onnx.DefaultDir()).
	ONNX onnx.Config
	// OCR tunes the OCR engine (default ocr.Options{}).
	OCR ocr.Options
	// MaxPages is the number of PDF pages read (default 3); later pages are ignored.
	MaxPages int
	// DPI is the resolution PDF pages without text are rasterised at for OCR (default 150): the
	// long side of an A4 page becomes 11.69 × DPI pixels, whatever the page's declared size.
	DPI int
	// MinPageChars is the number of non-space characters a page's text layer needs to be used;
	// a page with fewer is rasterised and read by OCR (default 25).
	MinPageChars int
	// Pdfinfo, Pdftotext and Pdftoppm are the poppler-utils programs (default: found in PATH).
	Pdfinfo, Pdftotext, Pdftoppm string
	// ToolTimeout bounds each run of a poppler program (default 20s).
	ToolTimeout time.Duration
	// TempDir holds the short-lived copy of a PDF the poppler programs read (default
	// os.TempDir()); each check uses a private subfolder, removed when it ends.
	TempDir string
	// MaxAgeDays applies when the level sets no POAMaxAgeDays (default 90).
	MaxAgeDays int
	// Types are the accepted document types when the level lists none (default DefaultTypes).
	Types []string
	// CountryTypes, when it has an entry for the applicant's country (ISO3, from the profile's
	// address, else the country of residence), replaces the level's accepted types for it.
	CountryTypes map[string][]string
	// AddressThreshold is the address score at which the address matches (default 0.6).
	AddressThreshold float64
	// NameThreshold is the name score (names.Compare) at which the name is the applicant's
	// (default names.Threshold, as in the document comparison).
	NameThreshold float64
	// KeepText makes Analyse return the text it read (Analysis.Text), for evaluation and
	// debugging; the check pipeline never needs it.
	KeepText bool
	// Reader replaces the OCR engine (tests); nil loads the models on first use.
	Reader PageReader
	// Shared, when set, is the OCR engine to use (shared with other engines, so the models load
	// once); ONNX and OCR are then ignored.
	Shared *ocr.Lazy
	// Logger receives load failures (never document contents).
	Logger *slog.Logger
}

// Engine is the proof-of-address check engine. It is safe for concurrent use.
type Engine struct {
	cfg    Config
	pop    poppler
	lazy   *ocr.Lazy
	reader PageReader // Config.Reader (tests)
}

var _ check.Engine = (*Engine)(nil)

// New returns the engine; the OCR models are loaded on first use.
func New(cfg Config) *Engine {
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 3
	}
	if cfg.DPI <= 0 {
		cfg.DPI = 150
	}
	if cfg.MinPageChars <= 0 {
		cfg.MinPageChars = 25
	}
	if cfg.ToolTimeout <= 0 {
		cfg.ToolTimeout = 20 * time.Second
	}
	if cfg.MaxAgeDays <= 0 {
		cfg.MaxAgeDays = 90
	}
	if len(cfg.Types) == 0 {
		cfg.Types = DefaultTypes
	}
	if cfg.AddressThreshold <= 0 {
		cfg.AddressThreshold = AddressThreshold
	}
	if cfg.NameThreshold <= 0 {
		cfg.NameThreshold = names.Threshold
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	tool := func(p *string, name string) {
		if *p == "" {
			if path, err := exec.LookPath(name); err == nil {
				*p = path
			} else {
				*p = name
			}
		}
	}
	tool(&cfg.Pdfinfo, "pdfinfo")
	tool(&cfg.Pdftotext, "pdftotext")
	tool(&cfg.Pdftoppm, "pdftoppm")
	lazy := cfg.Shared
	if lazy == nil {
		lazy = ocr.NewLazy(cfg.ONNX, cfg.OCR)
	}
	return &Engine{cfg: cfg, reader: cfg.Reader, lazy: lazy,
		pop: poppler{pdfinfo: cfg.Pdfinfo, pdftotext: cfg.Pdftotext, pdftoppm: cfg.Pdftoppm, timeout: cfg.ToolTimeout}}
}

// Name implements check.Engine.
func (e *Engine) Name() string { return "poa" }

// Load loads the OCR models now (at start-up, to fail early); Check loads them when needed.
func (e *Engine) Load() error {
	_, err := e.load()
	return err
}

func (e *Engine) load() (PageReader, error) {
	if e.reader != nil {
		return e.reader, nil
	}
	eng, err := e.lazy.Get()
	if err != nil {
		e.cfg.Logger.Warn("proof-of-address OCR unavailable", "err", err)
		return nil, err
	}
	return eng, nil
}

// Close releases the OCR models.
func (e *Engine) Close() error { return e.lazy.Close() }

// finding makes a proof-of-address finding.
func finding(code kyc.Code, detail map[string]any) kyc.Finding {
	f := kyc.NewFinding(code, kyc.SidePOA, detail)
	f.Step = kyc.StepProofOfAddress
	return f
}

// refused reports whether the file checks already refused the upload.
func refused(res *kyc.CheckResult) bool {
	for _, f := range res.Findings {
		if f.Side == kyc.SidePOA && strings.HasPrefix(string(f.Code), "FILE_") {
			return true
		}
	}
	return false
}

// Check implements check.Engine.
func (e *Engine) Check(ctx context.Context, in *check.Input, res *kyc.CheckResult) error {
	if in == nil || in.CheckInput == nil || in.POA == nil || refused(res) {
		return nil
	}
	var img image.Image
	if d := in.Image(in.POA); d != nil {
		img = d.Image
	}
	a, err := e.Analyse(ctx, in.POA.Data, img, in.Profile, in.Level, in.Now)
	if err != nil {
		return err
	}
	a.apply(res)
	return nil
}

// Analysis is the engine's reading of one proof of address.
type Analysis struct {
	Findings     []kyc.Finding
	POA          *kyc.POAData
	Measurements map[string]float64
	// Source is where the text came from: "text_layer", "ocr" or "mixed" (empty when none).
	Source string
	// Text is the document's text, one row per line with its cells separated by " | ", when
	// Config.KeepText is set.
	Text []string
}

func (a *Analysis) apply(res *kyc.CheckResult) {
	res.Findings = append(res.Findings, a.Findings...)
	if a.POA != nil {
		res.POA = a.POA
	}
	for k, v := range a.Measurements {
		res.Measure("poa", k, v)
	}
}

// Analyse checks one proof of address: data is the uploaded file, img its decoded image (nil for
// a PDF, or to decode data here), profile and level may be nil. An error means the engine could
// not run (OCR models or poppler missing); a file poppler cannot read is a FILE_CORRUPTED finding.
func (e *Engine) Analyse(ctx context.Context, data []byte, img image.Image, profile *kyc.Profile, level *kyc.Level, now time.Time) (*Analysis, error) {
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	a := &Analysis{Measurements: map[string]float64{}}
	var d *docText
	var signals []string
	start := time.Now()
	if imagecheck.Sniff(data) == "pdf" {
		var problem string
		var err error
		d, signals, problem, err = e.readPDF(ctx, data, a.Measurements)
		if err != nil {
			return nil, err
		}
		if problem != "" {
			a.Findings = append(a.Findings, finding(kyc.FileCorrupted, map[string]any{"problem": problem}))
			return a, nil
		}
	} else {
		if img == nil {
			dec, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				return a, nil // the file checks report undecodable images
			}
			img = dec
		}
		r, err := e.load()
		if err != nil {
			return nil, err
		}
		page, err := r.Read(ctx, img)
		if err != nil {
			return nil, fmt.Errorf("poa: OCR: %w", err)
		}
		d = &docText{source: "ocr"}
		d.addOCRPage(page)
		addTimings(a.Measurements, page)
		a.Measurements["ocr_pages"] = 1
		if ed := imageEditor(data); ed != "" {
			signals = append(signals, "image_metadata:"+ed)
		}
	}
	a.Measurements["read_ms"] = ms(time.Since(start))
	a.Source = d.source
	if e.cfg.KeepText {
		a.Text = d.lines()
	}
	e.judge(d, profile, level, now, a)
	if len(signals) > 0 {
		a.Findings = append(a.Findings, finding(kyc.POAEditSuspected, map[string]any{"signals": signals}))
	}
	a.Measurements["text_chars"] = float64(d.chars)
	a.Measurements["total_ms"] = ms(time.Since(start))
	return a, nil
}

// addTimings adds the OCR stage times of a page to the measurements (ocr_det_ms, ...).
func addTimings(m map[string]float64, p *ocr.Page) {
	for k, v := range p.Timings {
		m["ocr_"+k+"_ms"] += math.Round(v*100) / 100
	}
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

// readPDF extracts the text of a PDF: the text layer where a page has one, OCR where not. A
// non-empty problem means the file is unreadable (FILE_CORRUPTED).
func (e *Engine) readPDF(ctx context.Context, data []byte, m map[string]float64) (*docText, []string, string, error) {
	dir, err := os.MkdirTemp(e.cfg.TempDir, "kycd-poa-*")
	if err != nil {
		return nil, nil, "", fmt.Errorf("poa: temporary folder: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "upload.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return nil, nil, "", fmt.Errorf("poa: temporary file: %w", err)
	}
	unreadable := func(err error) (*docText, []string, string, error) {
		if errors.Is(err, errUnreadable) {
			m["pdf_unreadable"] = 1
			e.cfg.Logger.Info("proof-of-address PDF unreadable", "err", err) // tool and status only
			return nil, nil, "the PDF could not be read: it is damaged or not a valid PDF; export or scan it again", nil
		}
		return nil, nil, "", err
	}
	meta, err := e.pop.info(ctx, file)
	if err != nil {
		return unreadable(err)
	}
	if meta.Encrypted {
		return nil, nil, "encrypted PDF: export it without a password", nil
	}
	if meta.Pages < 1 {
		return nil, nil, "the PDF has no pages", nil
	}
	n := min(meta.Pages, e.cfg.MaxPages)
	m["pdf_pages"] = float64(meta.Pages)
	var signals []string
	for _, s := range []string{meta.Producer, meta.Creator} {
		if ed := editorIn(s); ed != "" && !slices.Contains(signals, "pdf_producer:"+ed) {
			signals = append(signals, "pdf_producer:"+ed)
		}
	}
	signals = append(signals, pdfUpdateSignals(data)...)
	pages, err := e.pop.text(ctx, file, n)
	if err != nil {
		return unreadable(err)
	}
	d := &docText{}
	textPages, ocrPages := 0, 0
	for p := 1; p <= n; p++ {
		var t string
		if p <= len(pages) {
			t = pages[p-1]
		}
		if nonSpace(t) >= e.cfg.MinPageChars {
			d.addLayoutPage(t)
			textPages++
			continue
		}
		r, err := e.load()
		if err != nil {
			return nil, nil, "", err
		}
		img, err := e.pop.render(ctx, file, dir, p, int(11.69*float64(e.cfg.DPI)+0.5))
		if err != nil {
			return unreadable(err)
		}
		page, err := r.Read(ctx, img)
		if err != nil {
			return nil, nil, "", fmt.Errorf("poa: OCR: %w", err)
		}
		d.addOCRPage(page)
		ocrPages++
		addTimings(m, page)
	}
	switch {
	case ocrPages == 0:
		d.source = "text_layer"
	case textPages == 0:
		d.source = "ocr"
	default:
		d.source = "mixed"
	}
	m["ocr_pages"] = float64(ocrPages)
	return d, signals, "", nil
}

func nonSpace(s string) int {
	n := 0
	for _, r := range s {
		if r > ' ' {
			n++
		}
	}
	return n
}

// minTextChars is the least text a readable document has.
const minTextChars = 30

// judge turns the document's text into findings and the POA data.
func (e *Engine) judge(d *docText, profile *kyc.Profile, level *kyc.Level, now time.Time, a *Analysis) {
	poa := &kyc.POAData{}
	a.POA = poa
	if d.chars < minTextChars {
		a.Findings = append(a.Findings, finding(kyc.POADateMissing, map[string]any{
			"problem": "no readable text", "text_chars": d.chars}))
		return
	}
	country := ""
	if profile != nil {
		country = profile.CountryOfResidence
		if profile.Address != nil && profile.Address.Country != "" {
			country = profile.Address.Country
		}
	}
	// type
	typ, scores := classify(d)
	poa.DocType = typ
	a.Measurements["type_score"] = math.Round(scores[typ]*10) / 10
	accepted := e.cfg.Types
	if level != nil && len(level.POATypes) > 0 {
		accepted = level.POATypes
	}
	if t, ok := e.cfg.CountryTypes[strings.ToUpper(country)]; ok {
		accepted = t
	}
	if !slices.Contains(accepted, typ) {
		a.Findings = append(a.Findings, finding(kyc.POATypeNotAccepted, map[string]any{
			"doc_type": typ, "accepted": accepted}))
	}
	// date
	maxAge := e.cfg.MaxAgeDays
	if level != nil && level.POAMaxAgeDays > 0 {
		maxAge = level.POAMaxAgeDays
	}
	hits := docDates(d, country)
	a.Measurements["dates_found"] = float64(len(hits))
	if h, method, ok := issueDate(hits, d.rows, now); ok {
		poa.IssueDate = h.ISO()
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		age := int(math.Round(today.Sub(h.Time).Hours() / 24))
		a.Measurements["age_days"] = float64(age)
		if age > maxAge {
			a.Findings = append(a.Findings, finding(kyc.POATooOld, map[string]any{
				"issue_date": poa.IssueDate, "age_days": age, "max_age_days": maxAge, "date_source": method}))
		}
	} else {
		a.Findings = append(a.Findings, finding(kyc.POADateMissing, map[string]any{"dates_found": len(hits)}))
	}
	if profile == nil {
		return
	}
	// address first: the name-like line above the address block tells a missing name from
	// someone else's
	addrRow, addrX := -1, 0.0
	for _, s := range d.segs {
		if addressLike(s.norm) && !d.sender(s.norm) && !d.margin(s.row) {
			addrRow, addrX = s.row, s.x
			break
		}
	}
	if profile.Address != nil && strings.TrimSpace(profile.Address.Line1+profile.Address.City) != "" {
		score, parts, row, x := e.scoreAddress(d, profile.Address)
		poa.AddressScore = round2(score)
		a.Measurements["address_score"] = poa.AddressScore
		if score >= e.cfg.AddressThreshold {
			addrRow, addrX = row, x
		} else {
			detail := map[string]any{"address_score": poa.AddressScore, "threshold": e.cfg.AddressThreshold, "parts": parts}
			if addrRow >= 0 {
				a.Findings = append(a.Findings, finding(kyc.POAAddressMismatch, detail))
			} else {
				a.Findings = append(a.Findings, finding(kyc.POAAddressMissing, detail))
			}
		}
	}
	if prof := profileNames(profile); len(prof) > 0 {
		nr := findName(d, prof, addrRow, addrX, e.cfg.NameThreshold)
		poa.NameFound = nr.found
		a.Measurements["name_score"] = round2(nr.score)
		if !nr.found {
			detail := map[string]any{"name_score": round2(nr.score), "threshold": e.cfg.NameThreshold}
			if nr.other {
				a.Findings = append(a.Findings, finding(kyc.POANameMismatch, detail))
			} else {
				a.Findings = append(a.Findings, finding(kyc.POANameMissing, detail))
			}
		}
	}
}

// addressWindow is the number of consecutive rows an address is looked for in.
const addressWindow = 4

// scoreAddress returns the best score of the profile address over windows of rows, its parts,
// and where the best window starts.
func (e *Engine) scoreAddress(d *docText, addr *kyc.Address) (float64, map[string]float64, int, float64) {
	zh := addr.Country == "CHN" || hasHanText(addr.Line1+addr.City)
	var la latinAddress
	var zp []zhPart
	if zh {
		zp = parseZH(addr)
		if len(zp) == 0 {
			zh = false
		}
	}
	if !zh {
		la = parseLatin(addr)
	}
	// rows of non-company text
	rowText := make([]string, d.rows)
	rowX := make([]float64, d.rows)
	for i := range rowX {
		rowX[i] = -1
	}
	for _, s := range d.segs {
		if d.sender(s.norm) {
			continue
		}
		rowText[s.row] += " | " + s.norm
		if rowX[s.row] < 0 {
			rowX[s.row] = s.x
		}
	}
	best, bestRow, bestX := -1.0, -1, 0.0
	var bestParts map[string]float64
	for r := 0; r < d.rows; r++ {
		if rowText[r] == "" {
			continue
		}
		var w strings.Builder
		for k := r; k < min(d.rows, r+addressWindow); k++ {
			w.WriteString(rowText[k])
			w.WriteString(" | ")
		}
		var s float64
		var parts map[string]float64
		if zh {
			s, parts = scoreZH(zp, addr.PostalCode, w.String())
		} else {
			s, parts = scoreLatin(la, w.String())
		}
		if s > best {
			best, bestParts, bestRow, bestX = s, parts, r, rowX[r]
		}
	}
	// the block's first address-like row, for the name above it
	for _, s := range d.segs {
		if s.row >= bestRow && s.row < bestRow+addressWindow && addressLike(s.norm) && !d.sender(s.norm) {
			bestRow, bestX = s.row, s.x
			break
		}
	}
	return max(best, 0), bestParts, bestRow, bestX
}

func hasHanText(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}
