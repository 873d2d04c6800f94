package mrz

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// evaluate verifies the check digits and decodes the fields of the corrected buffer.
func (r *reader) evaluate() {
	res := r.res
	if len(r.checks) > 0 {
		res.Checks = make(map[string]bool, len(r.checks))
	}
	for _, c := range r.checks {
		ok := r.verify(c)
		res.Checks[c.name] = ok
		if !ok {
			res.Problems = append(res.Problems, "check_digit:"+c.name)
		}
	}
	f := &res.Fields
	var docPrefix, docSerial, lang string
	for _, fs := range r.lay.fields {
		raw := r.text(fs.at)
		if !r.alphabetOK(fs, raw) {
			res.Problems = append(res.Problems, "invalid_characters:"+strings.TrimPrefix(fs.name, "check:"))
			continue
		}
		switch fs.name {
		case fDocumentCode:
			f.DocumentCode = strings.TrimRight(raw, "<")
		case fIssuingCountry:
			f.IssuingCountry = r.code(fs.name, raw)
		case fNationality:
			f.Nationality = r.code(fs.name, raw)
		case fDocumentNumber:
			f.DocumentNumber = r.documentNumber(fs, raw)
		case fNames:
			f.Surname, f.GivenNames = splitNames(raw)
			f.NameTruncated = raw[len(raw)-1] != '<'
		case fSurname:
			f.Surname = words(raw)
			f.NameTruncated = f.NameTruncated || raw[len(raw)-1] != '<'
		case fGivenNames:
			f.GivenNames = words(raw)
			f.NameTruncated = f.NameTruncated || raw[len(raw)-1] != '<'
		case fDateOfBirth:
			f.DateOfBirth = r.date(fs.name, raw, true)
		case fExpiryDate:
			f.ExpiryDate = r.date(fs.name, raw, false)
		case fSex:
			switch raw {
			case "M", "F":
				f.Sex = raw
			case "<", "X":
				f.Sex = "X"
			}
		case fPersonalNumber:
			f.PersonalNumber = optional(raw)
		case fOptionalData:
			f.OptionalData = optional(r.optionalAfterNumber(fs, raw))
		case fOptionalData2:
			f.OptionalData2 = optional(raw)
		case fAdminCode:
			f.OptionalData = optional(raw)
		case fIssueDate:
			f.IssueDate = r.issueMonth(raw)
		case fVersion:
			f.OptionalData = optional(raw)
		case fDocumentNumber + "_prefix":
			docPrefix = raw
		case fDocumentNumber + "_serial":
			docSerial = raw
		case fLanguage:
			lang = raw
		}
	}
	switch r.lay.format {
	case SwissDrivingLicence:
		f.DocumentNumber = docPrefix + docSerial + lang
	case FrenchID:
		// The number printed on the card is issue month, office and serial: line 2, 0-12.
		f.DocumentNumber = r.text(sp(1, 0, 12))
		f.IssuingCountry = strings.TrimRight(r.text(sp(0, 2, 5)), "<")
	}
	if f.DocumentNumber == "" {
		res.Problems = append(res.Problems, "missing:document_number")
	}
	res.Valid = len(res.Problems) == 0
}

// alphabetOK reports whether raw holds only characters its field may hold.
func (r *reader) alphabetOK(fs fieldSpec, raw string) bool {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		k := r.kinds[fs.at.line][fs.at.from+i]
		ok := false
		switch k {
		case kAlpha, kName:
			ok = c == '<' || (c >= 'A' && c <= 'Z')
		case kNumeric, kCheck:
			ok = c == '<' || (c >= '0' && c <= '9')
		case kAlnum, kRaw:
			ok = c == '<' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
		case kSex:
			ok = c == 'M' || c == 'F' || c == 'X' || c == '<'
		case kFiller:
			ok = true
		}
		if !ok {
			return false
		}
	}
	if fs.kind == kAlpha && fs.name == fDocumentCode && (raw[0] < 'A' || raw[0] > 'Z') {
		return false
	}
	return true
}

// code decodes a country code field ("D<<" is Germany) and reports codes that are neither
// ISO 3166-1 nor ICAO 9303 Part 3 codes.
func (r *reader) code(name, raw string) string {
	c := strings.TrimRight(raw, "<")
	if !KnownCode(c) {
		r.res.Problems = append(r.res.Problems, "unknown_code:"+name)
	}
	return c
}

// documentNumber returns the document number, including its continuation in the optional data
// field when it is longer than nine characters.
func (r *reader) documentNumber(fs fieldSpec, raw string) string {
	ld := r.lay.longDoc
	if ld != nil && fs.at == ld.number && r.buf[ld.check.line][ld.check.from] == '<' {
		ext := r.text(ld.ext)
		if end := strings.IndexByte(ext, '<'); end > 1 {
			return strings.TrimRight(raw, "<") + ext[:end-1]
		} else if end < 0 && len(ext) > 1 {
			return strings.TrimRight(raw, "<") + ext[:len(ext)-1]
		}
	}
	return strings.TrimRight(raw, "<")
}

// optionalAfterNumber strips a long document number's continuation from the optional field.
func (r *reader) optionalAfterNumber(fs fieldSpec, raw string) string {
	ld := r.lay.longDoc
	if ld == nil || fs.at != ld.ext || r.buf[ld.check.line][ld.check.from] != '<' || raw == "" || raw[0] == '<' {
		return raw
	}
	end := strings.IndexByte(raw, '<')
	if end < 0 {
		return ""
	}
	return raw[end:]
}

// optional decodes an optional data field: fillers at the ends dropped, inner runs of fillers
// read as one space.
func optional(raw string) string {
	return words(raw)
}

// words turns filler-separated text into space-separated words.
func words(raw string) string {
	return strings.Join(strings.FieldsFunc(raw, func(r rune) bool { return r == '<' }), " ")
}

// splitNames splits the name field at the first double filler: primary identifier (surname)
// before, secondary identifier (given names) after.
func splitNames(raw string) (surname, given string) {
	s := strings.TrimRight(raw, "<")
	i := strings.Index(s, "<<")
	if i < 0 {
		return words(s), ""
	}
	return words(s[:i]), words(s[i+2:])
}

// date decodes YYMMDD. A birth date whose month or day is "<<" (unknown, ICAO 9303 Part 3 4.6)
// is valid but left empty; an expiry date must be complete.
func (r *reader) date(name, raw string, birth bool) string {
	iso, ok := resolveDate(raw, birth, r.now)
	if !ok {
		r.res.Problems = append(r.res.Problems, "invalid_date:"+name)
	}
	return iso
}

// resolveDate decodes YYMMDD and infers the century from now: a birth date is the latest such
// date not after now; an expiry date lies within 70 years before and 30 years after now.
func resolveDate(raw string, birth bool, now time.Time) (iso string, ok bool) {
	if len(raw) != 6 {
		return "", false
	}
	yy, okY := num2(raw[0:2])
	mm, okM := num2(raw[2:4])
	dd, okD := num2(raw[4:6])
	if !okY {
		return "", false
	}
	if birth && (!okM || !okD) {
		// "<<" marks an unknown month or day; anything else is a misread.
		unknownM, unknownD := raw[2:4] == "<<", raw[4:6] == "<<"
		switch {
		case unknownM && unknownD, okM && unknownD && mm >= 1 && mm <= 12:
			return "", true
		}
		return "", false
	}
	if !okM || !okD || mm < 1 || mm > 12 || dd < 1 {
		return "", false
	}
	century := now.Year() / 100 * 100
	year := century + yy
	if birth {
		if year > now.Year() || (year == now.Year() && (mm > int(now.Month()) || (mm == int(now.Month()) && dd > now.Day()))) {
			year -= 100
		}
	} else {
		switch {
		case year > now.Year()+30:
			year -= 100
		case year < now.Year()-70:
			year += 100
		}
	}
	if dd > daysIn(year, mm) {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, mm, dd), true
}

// issueMonth decodes the French card's YYMM issue month (never after now).
func (r *reader) issueMonth(raw string) string {
	yy, okY := num2(raw[0:2])
	mm, okM := num2(raw[2:4])
	if !okY || !okM || mm < 1 || mm > 12 {
		r.res.Problems = append(r.res.Problems, "invalid_date:"+fIssueDate)
		return ""
	}
	year := r.now.Year()/100*100 + yy
	if time.Date(year, time.Month(mm), 1, 0, 0, 0, 0, time.UTC).After(r.now) {
		year -= 100
	}
	return fmt.Sprintf("%04d-%02d", year, mm)
}

func num2(s string) (int, bool) {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// icaoCodes are the ICAO 9303 Part 3 codes that are not ISO 3166-1 countries: Germany's "D",
// the British nationality classes, Kosovo, the specimen state Utopia, the stateless, refugee and
// unspecified codes, and the organisations that issue travel documents.
var icaoCodes = map[string]bool{
	"D": true, "GBD": true, "GBN": true, "GBO": true, "GBP": true, "GBS": true, "RKS": true,
	"UTO": true, "XXA": true, "XXB": true, "XXC": true, "XXX": true, "EUE": true,
	"UNO": true, "UNA": true, "UNK": true, "XBA": true, "XIM": true, "XCC": true, "XCE": true,
	"XCO": true, "XDC": true, "XEC": true, "XES": true, "XMP": true, "XOM": true, "XPO": true,
	"XAA": true,
}

// KnownCode reports whether code is a country or organisation code a zone may carry: an
// ISO 3166-1 alpha-3 country (current or historic) or an ICAO 9303 Part 3 special code.
func KnownCode(code string) bool {
	if icaoCodes[code] {
		return true
	}
	if len(code) != 3 {
		return false
	}
	reg, err := language.ParseRegion(code)
	return err == nil && reg.IsCountry()
}
