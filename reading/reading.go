// Package reading is kycd's document-reading engine, the check.Engine named "ocr": it reads the
// identity document's images (front and back, flattened first when the document is located),
// finds and verifies the machine-readable zone, reads the printed fields (name, date of birth,
// document number, expiry; Latin and Chinese, including the Chinese resident identity card's
// name and 18-character number), and turns what it read into findings: MRZ_INVALID,
// DOC_FIELDS_UNREADABLE, DOC_NUMBER_INVALID, DATA_INTERNAL_INCONSISTENT (zone against print),
// DOC_EXPIRED, AGE_BELOW_MINIMUM, DOC_TYPE_MISMATCH_SELECTED, the level's DOC_TYPE_NOT_ACCEPTED
// and DOC_COUNTRY_NOT_ACCEPTED (on the type and issuing country read, or selected when nothing
// was read) and, when a profile is given, the profile comparison's DATA_MISMATCH_NAME/_DOB/
// _NATIONALITY, each with its own score and every field's score ("scores") in its detail.
//
// What was read goes to CheckResult.Document (the `kycd check` document object): the zone, and
// the fields full_name, date_of_birth, document_number, expiry_date (ISO dates), plus
// document_type (passport, id_card, residence_permit, driving_licence), issuing_country and
// nationality (ISO 3166-1 alpha-3, or ICAO codes such as UTO), sex and native_name where read,
// and document_number_source. document_number with issuing_country and document_type is what
// the service uses to look for duplicates (DUPLICATE_DOCUMENT), which need the database and are
// not judged here.
//
// An unreadable document yields findings, never an error; an error means the engine could not
// run (models missing, inference failed) and the pipeline retries. Nothing read is ever logged.
package reading

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/mrz"
	"github.com/kycd/kycd/names"
	"github.com/kycd/kycd/natid"
	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/onnx"
)

// PageReader reads the text of an image, or of the document located in it. *ocr.Engine is the
// production reader; tests pass their own.
type PageReader interface {
	Read(ctx context.Context, img image.Image) (*ocr.Page, error)
	ReadDocument(ctx context.Context, img image.Image, corners [4]image.Point, w, h int) (*ocr.Page, error)
}

var _ PageReader = (*ocr.Engine)(nil)

// ZoneReader is a PageReader that can read a page's machine-readable zone a second, slower way
// when the first reading does not verify.
type ZoneReader interface {
	ReadZoneCells(ctx context.Context, p *ocr.Page) error
}

var _ ZoneReader = (*ocr.Engine)(nil)

// Config configures the engine. The zero value reads with the default models from
// onnx.DefaultDir(), flattens located documents, and applies a minimum age of 18 where the level
// sets none.
type Config struct {
	// ONNX says where the runtime library and models are.
	ONNX onnx.Config
	// OCR tunes the OCR engine.
	OCR ocr.Options
	// Shared, when set, is the OCR engine to use (shared with other engines, so the models load
	// once); ONNX and OCR are then ignored.
	Shared *ocr.Lazy
	// NoRectify reads the whole photo instead of the located, flattened document.
	NoRectify bool
	// MinAge applies when the level sets none (default 18).
	MinAge int
	// Logger receives load failures (never document contents).
	Logger *slog.Logger
}

// Engine is the document-reading check engine. It loads the OCR models on first use (or on
// Load), and tries again on the next check if they were missing, so a machine whose models
// arrive after start-up recovers without a restart.
type Engine struct {
	cfg    Config
	lazy   *ocr.Lazy
	reader PageReader // set by NewWithReader (tests)
}

var _ check.Engine = (*Engine)(nil)

// New returns the engine; the models are loaded on first use.
func New(cfg Config) *Engine {
	if cfg.MinAge <= 0 {
		cfg.MinAge = 18
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	lazy := cfg.Shared
	if lazy == nil {
		lazy = ocr.NewLazy(cfg.ONNX, cfg.OCR)
	}
	return &Engine{cfg: cfg, lazy: lazy}
}

// NewWithReader returns an engine that reads pages with r instead of loading the models.
func NewWithReader(r PageReader, cfg Config) *Engine {
	e := New(cfg)
	e.reader = r
	return e
}

// Name implements check.Engine.
func (e *Engine) Name() string { return "ocr" }

// Load loads the models now (at start-up, to fail loudly and early); Check calls it too.
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
		e.cfg.Logger.Warn("document reading unavailable", "err", err)
		return nil, err
	}
	return eng, nil
}

// Close releases the models.
func (e *Engine) Close() error { return e.lazy.Close() }

// side is what was read from one image.
type side struct {
	name  string // "front" or "back", the measurement key
	side  kyc.Side
	page  *ocr.Page
	zone  *mrz.Result
	print *printed
}

// Check implements check.Engine.
func (e *Engine) Check(ctx context.Context, in *check.Input, res *kyc.CheckResult) error {
	if in.Front == nil && in.Back == nil {
		return nil
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	var sides []*side
	for _, s := range []struct {
		name string
		u    *kyc.Upload
		side kyc.Side
	}{{"front", in.Front, kyc.SideFront}, {"back", in.Back, kyc.SideBack}} {
		img := in.Image(s.u)
		if img == nil {
			continue // absent, or refused by the file checks, which said why
		}
		reader, err := e.load()
		if err != nil {
			return err
		}
		sd, err := e.readSide(ctx, reader, img.Image, in.Quality(s.u), s.side, now, res, s.name)
		if err != nil {
			return err
		}
		sd.name = s.name
		sides = append(sides, sd)
	}
	if len(sides) == 0 {
		return nil
	}
	j := judge(in, sides, now, e.cfg.MinAge)
	res.Findings = append(res.Findings, j.findings...)
	res.Document = j.doc
	for k, v := range j.measures {
		res.Measure("document", k, v)
	}
	return nil
}

// readSide locates and flattens the document when it can (with the quality engine's outline,
// rep, when it ran), reads its text and parses it.
func (e *Engine) readSide(ctx context.Context, r PageReader, img image.Image, rep *imagecheck.Report, s kyc.Side,
	now time.Time, res *kyc.CheckResult, name string) (*side, error) {
	var sd *side
	if !e.cfg.NoRectify {
		if rep == nil {
			t := time.Now()
			rep = imagecheck.Assess(img, s, imagecheck.Thresholds{})
			res.Time("ocr_locate", time.Since(t))
		}
		if rep.Found && rep.DocSize.X >= 64 && rep.DocSize.Y >= 64 {
			res.Measure(name, "ocr_rectified", 1)
			page, err := r.ReadDocument(ctx, img, rep.Quad, rep.DocSize.X, rep.DocSize.Y)
			if err != nil {
				return nil, fmt.Errorf("reading: %s: %w", name, err)
			}
			if sd, err = e.parsePage(ctx, r, page, s, now, res); err != nil {
				return nil, err
			}
		}
	}
	// Without an outline, or when the flattened document's zone does not verify (or none was
	// found on a document that is not a Chinese identity card, which has none), the whole photo
	// is read too: a tight crop or a scan has no outline to find, and a wrong one misleads.
	if sd == nil || (sd.zone != nil && !sd.zone.Valid) || (sd.zone == nil && !sd.print.ChineseID) {
		page, err := r.Read(ctx, img)
		if err != nil {
			return nil, fmt.Errorf("reading: %s: %w", name, err)
		}
		whole, err := e.parsePage(ctx, r, page, s, now, res)
		if err != nil {
			return nil, err
		}
		if sd == nil || (whole.zone != nil && (sd.zone == nil || zoneRank(whole.zone) > zoneRank(sd.zone))) {
			sd = whole
		}
	}
	var conf float64
	for _, l := range sd.page.Lines {
		conf += l.Confidence
	}
	res.Measure(name, "ocr_lines", float64(len(sd.page.Lines)))
	if len(sd.page.Lines) > 0 {
		res.Measure(name, "ocr_confidence", round3(conf/float64(len(sd.page.Lines))))
	}
	return sd, nil
}

// parsePage reads the zone and the printed fields of a page, reading the zone a second way when
// the first reading does not verify.
func (e *Engine) parsePage(ctx context.Context, r PageReader, page *ocr.Page, s kyc.Side, now time.Time,
	res *kyc.CheckResult) (*side, error) {
	for stage, ms := range page.Timings {
		if stage != "total" {
			res.Time("ocr_"+stage, time.Duration(ms*float64(time.Millisecond)))
		}
	}
	sd := &side{side: s, page: page, print: readPrinted(page, now)}
	sd.zone = reconcileNames(findZone(page, now), page.Lines, sd.print, now)
	// The second reading when the first does not verify, or when its names (which no check
	// digit covers) differ from the printed ones.
	namesDiffer := sd.zone != nil && sd.zone.Valid && !sameNames(sd.zone, sd.print)
	if zr, ok := r.(ZoneReader); ok && (sd.zone == nil || !sd.zone.Valid || namesDiffer) {
		if err := zr.ReadZoneCells(ctx, page); err != nil {
			return nil, fmt.Errorf("reading: %w", err)
		}
		z := reconcileNames(findZone(page, now), page.Lines, sd.print, now)
		switch {
		case z == nil:
		case namesDiffer:
			if z.Valid && sameNames(z, sd.print) {
				sd.zone = z
			}
		case sd.zone == nil || zoneRank(z) > zoneRank(sd.zone):
			sd.zone = z
		}
		if ms, ok := page.Timings["cells"]; ok {
			res.Time("ocr_cells", time.Duration(ms*float64(time.Millisecond)))
		}
	}
	return sd, nil
}

// sameNames reports whether the zone's names are the printed ones, letter for letter (spaces
// and fillers aside), or whether there is no confident printed name to compare.
func sameNames(z *mrz.Result, p *printed) bool {
	if p.Surname == "" || p.Given == "" || minConf(p.Conf["surname"], p.Conf["given"]) < consistencyConfidence {
		return true
	}
	flat := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' {
				return r
			}
			return -1
		}, strings.ToUpper(s))
	}
	return flat(p.Surname) == flat(z.Fields.Surname) && flat(p.Given) == flat(z.Fields.GivenNames)
}

// findZone reads the zone from the page's lines, trying the alternative zone readings and the
// layout-aware choice among the recogniser's alternatives, and keeps the reading that verifies
// best.
func findZone(page *ocr.Page, now time.Time) *mrz.Result {
	var best *mrz.Result
	for _, cand := range [][]string{page.MRZCandidates(), page.AltMRZCandidates()} {
		r, _ := mrz.Find(cand, now)
		if r == nil {
			continue
		}
		if !r.Valid {
			r = refineZone(r, page.Lines, now)
		}
		if best == nil || zoneRank(r) > zoneRank(best) {
			best = r
		}
		if best.Valid {
			break
		}
	}
	return best
}

func round3(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }

// judgement is the engine's verdict on a document.
type judgement struct {
	doc      *kyc.DocumentData
	findings []kyc.Finding
	measures map[string]float64
}

// judge turns what the sides read into the document data and the findings. It is a plain
// function of its inputs so the policy is tested without models.
func judge(in *check.Input, sides []*side, now time.Time, defaultMinAge int) judgement {
	j := judgement{doc: &kyc.DocumentData{Fields: map[string]string{}}, measures: map[string]float64{}}
	add := func(code kyc.Code, s kyc.Side, detail map[string]any) {
		j.findings = append(j.findings, kyc.NewFinding(code, s, detail))
	}
	selected := kyc.DocType("")
	if in.Identity != nil {
		selected = in.Identity.DocType
	}
	front := sides[0].side

	// The zone: the best reading over the sides.
	var zs *side
	for _, s := range sides {
		if s.zone != nil && (zs == nil || zoneRank(s.zone) > zoneRank(zs.zone)) {
			zs = s
		}
	}
	// Printed fields: the front's, completed by the back's.
	pr := &printed{Conf: map[string]float64{}}
	for _, s := range sides {
		pr.merge(s.print)
	}
	var zone *mrz.Result
	zoneSide := front
	if zs != nil {
		zone, zoneSide = zs.zone, zs.side
		j.doc.MRZ = &kyc.MRZData{Format: string(zone.Format), Raw: zone.Raw, Valid: zone.Valid, Fields: zoneFields(zone)}
		j.measures["mrz_valid"] = b2f(zone.Valid)
		j.measures["mrz_corrections"] = float64(len(zone.Corrections))
	}
	j.measures["mrz_found"] = b2f(zone != nil)

	// National number (Chinese resident identity card).
	reg := natid.Default(&kyc.FixedClock{T: now})
	var natInfo *natid.Info
	if pr.NationalNumber != "" && (pr.ChineseID || in.Identity == nil || strings.EqualFold(in.Identity.Country, "CHN")) {
		info, err := reg.Validate("CHN", pr.NationalNumber)
		if f, bad := natid.FindingFromError(err, front); bad {
			j.findings = append(j.findings, f)
		} else if err == nil {
			natInfo = &info
		}
	}

	// Settled values: the verified zone first, then a valid national number, then print.
	valid := zone != nil && zone.Valid
	fields := j.doc.Fields
	setIf := func(k, v string) {
		if v != "" {
			fields[k] = v
		}
	}
	setIf("full_name", pr.fullName())
	if fields["full_name"] == "" && zone != nil {
		setIf("full_name", strings.TrimSpace(zone.Fields.GivenNames+" "+zone.Fields.Surname))
	}
	if pr.Native != "" && fields["full_name"] != pr.Native {
		setIf("native_name", pr.Native)
	}
	dobVerified := false
	switch {
	case valid && zone.Fields.DateOfBirth != "":
		setIf("date_of_birth", zone.Fields.DateOfBirth)
		dobVerified = true
	case natInfo != nil && natInfo.DateOfBirth != "":
		setIf("date_of_birth", natInfo.DateOfBirth)
		dobVerified = true
	case len(pr.DOB) > 0:
		setIf("date_of_birth", pr.DOB[0])
		dobVerified = pr.Conf["dob"] >= trustedConfidence && len(pr.DOB) == 1
	}
	// document_number_source says how far the number can be trusted (a duplicate search wants
	// a verified one): "mrz" (the zone verifies), "national_id" (its checksum holds),
	// "mrz_check_digit" (its own check digit holds in a zone that does not verify), "printed".
	switch {
	case valid:
		setIf("document_number", zone.Fields.DocumentNumber)
		fields["document_number_source"] = "mrz"
	case natInfo != nil:
		setIf("document_number", natInfo.Number)
		fields["document_number_source"] = "national_id"
	case pr.NationalNumber != "":
		setIf("document_number", pr.NationalNumber)
	case pr.Number != "":
		setIf("document_number", pr.Number)
	case zone != nil && zone.Checks["document_number"]:
		setIf("document_number", zone.Fields.DocumentNumber)
		fields["document_number_source"] = "mrz_check_digit"
	}
	if fields["document_number"] == "" {
		delete(fields, "document_number_source")
	} else if fields["document_number_source"] == "" {
		fields["document_number_source"] = "printed"
	}
	expiryVerified := false
	switch {
	case valid && zone.Fields.ExpiryDate != "":
		setIf("expiry_date", zone.Fields.ExpiryDate)
		expiryVerified = true
	case len(pr.Expiry) > 0:
		setIf("expiry_date", pr.Expiry[0])
		expiryVerified = pr.Conf["expiry"] >= trustedConfidence && len(pr.Expiry) == 1
	}
	if valid {
		setIf("nationality", iso3(zone.Fields.Nationality))
		setIf("issuing_country", iso3(zone.Fields.IssuingCountry))
		setIf("sex", zone.Fields.Sex)
	} else {
		setIf("sex", pr.Sex)
		if pr.ChineseID {
			setIf("nationality", "CHN")
			setIf("issuing_country", "CHN")
		}
	}

	// Zone findings.
	kind := ""
	switch {
	case zone != nil:
		for _, f := range zone.Findings() {
			f.Side = zoneSide
			j.findings = append(j.findings, f)
		}
		if valid {
			kind = zoneKind(zone)
			if kind == "passport" {
				err := natid.ValidatePassportNumber(zone.Fields.IssuingCountry, zone.Fields.DocumentNumber)
				if f, bad := natid.FindingFromError(err, zoneSide); bad {
					j.findings = append(j.findings, f)
				}
			}
		}
	case pr.ChineseID:
		kind = "card"
	default:
		expectZone := selected == kyc.DocPassport
		haveKeys := fields["full_name"] != "" && (fields["date_of_birth"] != "" || fields["document_number"] != "")
		if expectZone || !haveKeys {
			s := front
			if selected.HasBack() && len(sides) > 1 {
				s = kyc.SideBack
			}
			why := "not_found"
			if !haveKeys {
				why = "no_fields"
			}
			add(kyc.DocFieldsUnreadable, s, map[string]any{"mrz": "not_found", "reason": why})
		}
	}
	if kind != "" {
		j.measures["doc_kind_"+kind] = 1
		if selected != "" && !compatible(selected, kind) {
			add(kyc.DocTypeMismatchSelected, zoneSide, map[string]any{"selected": string(selected), "detected": kind})
		}
	}
	docType := detectedType(kind, selected)
	setIf("document_type", string(docType))

	// Policy: the level's accepted documents, judged on what was read (issuing country and
	// type), or on the applicant's selection where nothing was read.
	if in.Level != nil && len(in.Level.Documents) > 0 {
		country := fields["issuing_country"]
		if country == "" && in.Identity != nil {
			country = strings.ToUpper(in.Identity.Country)
		}
		if docType == "" {
			docType = selected
		}
		if country != "" && docType != "" {
			if ok, code := in.Level.AcceptsDocument(docType, country); !ok {
				add(code, zoneSide, map[string]any{"document_type": string(docType), "issuing_country": country})
			}
		}
	}

	// Zone against print.
	if mism := inconsistent(zone, pr, natInfo); len(mism) > 0 {
		add(kyc.DataInternalInconsistent, front, map[string]any{"fields": mism})
	}

	// Policy: expiry and age.
	if exp := fields["expiry_date"]; exp != "" && expiryVerified {
		if t, err := time.Parse(time.DateOnly, exp); err == nil && t.Before(today(now)) {
			add(kyc.DocExpired, front, map[string]any{"days_expired": int(today(now).Sub(t).Hours() / 24)})
		}
	}
	minAge := defaultMinAge
	if in.Level != nil && in.Level.MinAge > 0 {
		minAge = in.Level.MinAge
	}
	if dob := fields["date_of_birth"]; dob != "" && dobVerified {
		if age, ok := ageAt(dob, now); ok && age < minAge {
			add(kyc.AgeBelowMinimum, front, map[string]any{"age": age, "min_age": minAge})
		}
	}

	// Profile against document.
	if in.Profile != nil {
		// A birth date that no check digit or checksum confirms and that was not read with
		// certainty is compared only when one of its readings agrees: a misread is not the
		// applicant's mistake to correct.
		dob := fields["date_of_birth"]
		if !dobVerified {
			dob = ""
			if slices.Contains(pr.DOB, in.Profile.DateOfBirth) {
				dob = in.Profile.DateOfBirth
			}
		}
		doc := names.Person{DateOfBirth: dob, Nationality: fields["nationality"]}
		switch {
		case valid:
			doc.Name = names.Name{Surname: zone.Fields.Surname, Given: zone.Fields.GivenNames, Truncated: zone.Fields.NameTruncated}
		case pr.Native != "":
			doc.Name = names.Name{Full: pr.Native}
		case pr.Surname != "" || pr.Given != "":
			doc.Name = names.Name{Surname: pr.Surname, Given: pr.Given}
		}
		prof := names.Person{
			Name:        names.Name{Given: in.Profile.FirstName, Surname: in.Profile.LastName, Full: in.Profile.FullName},
			DateOfBirth: in.Profile.DateOfBirth,
			Nationality: in.Profile.Nationality,
		}
		cmp, fs := names.Check(prof, doc)
		scores := map[string]any{}
		for k, sc := range map[string]names.Score{"name": cmp.Name, "date_of_birth": cmp.DateOfBirth, "nationality": cmp.Nationality} {
			if sc.Method != "skipped" {
				j.measures["profile_"+k+"_score"] = sc.Value
				scores[k] = round3(sc.Value)
			}
		}
		// Each mismatch carries its own score, threshold and method, and every field's score.
		for _, f := range fs {
			if f.Detail == nil {
				f.Detail = map[string]any{}
			}
			f.Detail["scores"] = maps.Clone(scores)
			j.findings = append(j.findings, f)
		}
	}
	return j
}

// trustedConfidence is the OCR confidence above which a printed date is acted on alone (expiry,
// age) when no check digit or checksum confirms it.
const trustedConfidence = 0.95

func today(now time.Time) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ageAt is the age in whole years on now of someone born on the ISO date dob.
func ageAt(dob string, now time.Time) (int, bool) {
	t, err := time.Parse(time.DateOnly, dob)
	if err != nil {
		return 0, false
	}
	y, m, d := now.Date()
	age := y - t.Year()
	if m < t.Month() || (m == t.Month() && d < t.Day()) {
		age--
	}
	return age, true
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// zoneRank orders readings of the zone: verified first, then by verified check digits.
func zoneRank(r *mrz.Result) int {
	s := 0
	if r.Valid {
		s += 1000
	}
	for _, ok := range r.Checks {
		if ok {
			s += 10
		}
	}
	return s - len(r.Problems)
}

// zoneFields is the zone's fields as the `kycd check` output names them.
func zoneFields(r *mrz.Result) map[string]string {
	f := r.Fields
	out := map[string]string{}
	for k, v := range map[string]string{
		"document_code": f.DocumentCode, "document_number": f.DocumentNumber, "surname": f.Surname,
		"given_names": f.GivenNames, "nationality": f.Nationality, "date_of_birth": f.DateOfBirth, "sex": f.Sex,
		"expiry_date": f.ExpiryDate, "issuing_country": f.IssuingCountry, "personal_number": f.PersonalNumber,
		"optional_data": f.OptionalData,
	} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// zoneKind is the kind of document a verified zone belongs to: passport, card, visa or
// driving_licence.
func zoneKind(r *mrz.Result) string {
	switch r.Format {
	case mrz.MRVA, mrz.MRVB:
		return "visa"
	case mrz.FrenchDrivingLicence, mrz.SwissDrivingLicence:
		return "driving_licence"
	case mrz.FrenchID:
		return "card"
	case mrz.TD3:
		if strings.HasPrefix(r.Fields.DocumentCode, "P") {
			return "passport"
		}
	}
	switch c := r.Fields.DocumentCode; {
	case strings.HasPrefix(c, "P"):
		return "passport"
	case strings.HasPrefix(c, "V"):
		return "visa"
	}
	return "card"
}

// detectedType is the document type a detected kind is, where it says: a card is the
// residence permit the applicant selected, or an identity card.
func detectedType(kind string, selected kyc.DocType) kyc.DocType {
	switch kind {
	case "passport":
		return kyc.DocPassport
	case "driving_licence":
		return kyc.DocDrivingLicence
	case "card":
		if selected == kyc.DocResidencePermit {
			return kyc.DocResidencePermit
		}
		return kyc.DocIDCard
	}
	return ""
}

// iso3 is the ISO 3166-1 code of a zone's country code: Germany's "D" is DEU; the others are
// kept.
func iso3(code string) string {
	if code == "D" {
		return "DEU"
	}
	return code
}

// compatible reports whether the document type the applicant selected can be the detected kind.
func compatible(selected kyc.DocType, kind string) bool {
	switch kind {
	case "passport":
		return selected == kyc.DocPassport
	case "card":
		return selected == kyc.DocIDCard || selected == kyc.DocResidencePermit
	case "driving_licence":
		return selected == kyc.DocDrivingLicence
	}
	return false
}

// inconsistent lists the fields on which the verified zone (or a valid national number) and the
// confidently read print disagree.
func inconsistent(zone *mrz.Result, pr *printed, nat *natid.Info) []string {
	var out []string
	datesDiffer := func(want string, got []string) bool {
		if want == "" || len(got) == 0 {
			return false
		}
		for _, g := range got {
			if g == want {
				return false
			}
		}
		return true
	}
	if zone != nil && zone.Valid {
		f := zone.Fields
		if pr.Conf["dob"] >= consistencyConfidence && datesDiffer(f.DateOfBirth, pr.DOB) {
			out = append(out, "date_of_birth")
		}
		if pr.Conf["expiry"] >= consistencyConfidence && datesDiffer(f.ExpiryDate, pr.Expiry) {
			out = append(out, "expiry_date")
		}
		if pr.Number != "" && pr.Conf["number"] >= consistencyConfidence && f.DocumentNumber != "" &&
			!sameNumber(pr.Number, f.DocumentNumber) {
			out = append(out, "document_number")
		}
		if (pr.Surname != "" || pr.Given != "") && minConf(pr.Conf["surname"], pr.Conf["given"]) >= consistencyConfidence {
			sc := names.Compare(names.Name{Surname: pr.Surname, Given: pr.Given},
				names.Name{Surname: f.Surname, Given: f.GivenNames, Truncated: f.NameTruncated})
			if !sc.Match {
				out = append(out, "name")
			}
		}
	}
	if nat != nil && nat.DateOfBirth != "" && pr.Conf["dob"] >= consistencyConfidence && datesDiffer(nat.DateOfBirth, pr.DOB) {
		out = append(out, "date_of_birth")
	}
	return out
}

// consistencyConfidence is the OCR confidence a printed field needs before its disagreement with
// the zone is reported (a misread is not a forgery).
const consistencyConfidence = 0.85

// minConf is the lower of the confidences that are present.
func minConf(a, b float64) float64 {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// sameNumber compares document numbers the way OCR allows: separators ignored, look-alike
// letters and digits folded, and a printed number that contains the zone's (or the reverse,
// for long numbers split over zone fields) accepted.
func sameNumber(a, b string) bool {
	fa, fb := foldNumber(a), foldNumber(b)
	return fa == fb || (len(fb) >= 6 && strings.Contains(fa, fb)) || (len(fa) >= 6 && strings.Contains(fb, fa))
}

func foldNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case 'O', 'Q', 'D':
			b.WriteByte('0')
		case 'I', 'L':
			b.WriteByte('1')
		case 'Z':
			b.WriteByte('2')
		case 'S':
			b.WriteByte('5')
		case 'G':
			b.WriteByte('6')
		case 'B':
			b.WriteByte('8')
		default:
			if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// merge completes p with the fields of o that p lacks.
func (p *printed) merge(o *printed) {
	if o == nil {
		return
	}
	str := func(dst *string, src, key string) {
		if *dst == "" && src != "" {
			*dst = src
			if c, ok := o.Conf[key]; ok {
				p.Conf[key] = c
			}
		}
	}
	str(&p.Surname, o.Surname, "surname")
	str(&p.Given, o.Given, "given")
	str(&p.Native, o.Native, "native")
	str(&p.Number, o.Number, "number")
	str(&p.NationalNumber, o.NationalNumber, "national_number")
	str(&p.Sex, o.Sex, "sex")
	if len(p.DOB) == 0 && len(o.DOB) > 0 {
		p.DOB = o.DOB
		p.Conf["dob"] = o.Conf["dob"]
	}
	if len(p.Expiry) == 0 && len(o.Expiry) > 0 {
		p.Expiry = o.Expiry
		p.Conf["expiry"] = o.Conf["expiry"]
	}
	p.ChineseID = p.ChineseID || o.ChineseID
}
