// Package mrz reads the machine-readable zone of identity documents (ICAO 9303 TD1, TD2, TD3 and
// the MRV-A/MRV-B visas, plus the French identity card and the French and Swiss driving licences)
// from text lines, typically OCR output.
//
// OCR confuses look-alike characters (O/0, I/1, B/8, S/5, Z/2, G/6, D/0). Where a position can
// only hold digits (dates, check digits) or only letters (codes, names) the reading is fixed from
// the position alone; in document and optional numbers, which mix both, the check digits decide:
// a bounded search tries the look-alike readings, keeps the one that satisfies the most check
// digits with the fewest changes, and gives up when two readings tie. Every change is reported in
// Result.Corrections so a reviewer can see what was read and what was assumed.
//
// The package is a plain function of its input: no I/O, no logging, and the current date is passed
// in so that two-digit years are resolved the same way in tests and in production.
package mrz

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kycd/kycd/kyc"
)

// Sentinel causes, reachable with errors.Is through the *kyc.Error that Parse and Find return.
var (
	// ErrNotFound means no text line looked like a machine-readable zone.
	ErrNotFound = errors.New("mrz: no machine-readable zone found")
	// ErrFormat means the lines do not have the line count and lengths of any known layout.
	ErrFormat = errors.New("mrz: unrecognised layout")
)

// Result is one machine-readable zone as read. Its JSON form is the document.mrz object of the
// `kycd check` output (CHECK-CLI.md); fields beyond format, raw, valid and fields are additions.
type Result struct {
	Format Format `json:"format"`
	// Raw holds the lines as read, normalised (upper case, no spaces) but before corrections.
	Raw []string `json:"raw"`
	// Valid is true when every check digit verifies, the country codes are known, the dates are
	// real dates and no field holds characters outside its alphabet.
	Valid  bool   `json:"valid"`
	Fields Fields `json:"fields"`
	// Checks gives the outcome of each check digit by name (document_number, date_of_birth,
	// expiry_date, personal_number, composite).
	Checks map[string]bool `json:"checks,omitempty"`
	// Corrections lists every character read differently from the raw text.
	Corrections []Correction `json:"corrections,omitempty"`
	// Problems are machine-readable reasons for Valid being false, e.g. "check_digit:composite",
	// "unknown_code:nationality", "invalid_date:expiry_date".
	Problems []string `json:"problems,omitempty"`
}

// Fields are the values of the zone. Dates are ISO 8601; values that are unknown (a date with
// "<<" for the day, an empty optional field) are left empty and omitted from JSON.
type Fields struct {
	DocumentCode   string `json:"document_code,omitempty"`
	IssuingCountry string `json:"issuing_country,omitempty"`
	Surname        string `json:"surname,omitempty"`
	GivenNames     string `json:"given_names,omitempty"`
	// NameTruncated is true when the name field is full, so the last name may be cut short:
	// name comparison then accepts a prefix.
	NameTruncated  bool   `json:"name_truncated,omitempty"`
	DocumentNumber string `json:"document_number,omitempty"`
	Nationality    string `json:"nationality,omitempty"`
	DateOfBirth    string `json:"date_of_birth,omitempty"`
	Sex            string `json:"sex,omitempty"` // M, F or X (unspecified)
	ExpiryDate     string `json:"expiry_date,omitempty"`
	// PersonalNumber is the TD3 personal number field (and the Swiss licence's PIN code).
	PersonalNumber string `json:"personal_number,omitempty"`
	// OptionalData is the optional data field of TD1 line 1 (after any long document number),
	// TD2 and visas, or the French card's administrative code.
	OptionalData  string `json:"optional_data,omitempty"`
	OptionalData2 string `json:"optional_data_2,omitempty"` // TD1 line 2
	IssueDate     string `json:"issue_date,omitempty"`      // French card: YYYY-MM
}

// Correction is one character read differently from the raw text. Reason is "position" when the
// field's alphabet decided (a letter in a date), "check_digit" when check digits chose between
// look-alike readings of a mixed field.
type Correction struct {
	Field  string `json:"field"`
	Line   int    `json:"line"`
	Pos    int    `json:"pos"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Parse reads lines that are the whole zone, one string per line, top to bottom. now resolves
// two-digit years: a birth date is the latest date not after now, an expiry date lies within 70
// years before and 30 years after now.
//
// A nil error means the layout was recognised; whether the zone verifies is Result.Valid. An
// error is a *kyc.Error with code DOC_FIELDS_UNREADABLE.
func Parse(lines []string, now time.Time) (*Result, error) {
	norm := make([]string, len(lines))
	for i, l := range lines {
		norm[i] = normalise(l)
	}
	lay, ok := detect(norm)
	if !ok {
		return nil, unreadable(ErrFormat, fmt.Sprintf("no zone layout has %d lines of lengths %v", len(norm), lengths(norm)))
	}
	return read(lay, norm, now), nil
}

func lengths(lines []string) []int {
	out := make([]int, len(lines))
	for i, l := range lines {
		out[i] = len(l)
	}
	return out
}

func unreadable(cause error, msg string) *kyc.Error {
	return &kyc.Error{Kind: kyc.KindInvalid, Code: kyc.DocFieldsUnreadable, Field: "mrz", Message: msg, Err: cause}
}

// confusedFiller are characters OCR engines print for the '<' filler.
var confusedFiller = map[rune]bool{'«': true, '‹': true, '(': true, '[': true, '{': true, '〈': true, '＜': true}

// normalise upper-cases a line and removes what OCR adds around it: spaces, and other
// renderings of the filler. Characters outside the MRZ alphabet are kept so that the field
// holding them is reported invalid rather than silently shifted.
func normalise(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\u00a0' || r == '\u3000':
			continue
		case r == '«':
			b.WriteString("<<")
		case confusedFiller[r]:
			b.WriteByte('<')
		case r >= 'a' && r <= 'z':
			b.WriteByte(byte(r - 'a' + 'A'))
		case r >= 'Ａ' && r <= 'Ｚ': // full-width Latin from CJK OCR models
			b.WriteByte(byte(r - 'Ａ' + 'A'))
		case r >= '０' && r <= '９':
			b.WriteByte(byte(r - '０' + '0'))
		case r < 0x80:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// detect picks the layout from the line count, the lengths and the document code.
func detect(lines []string) (*layout, bool) {
	first := func() string {
		if len(lines) == 0 || len(lines[0]) < 5 {
			return ""
		}
		b := []byte(lines[0][:5])
		for i := range b {
			if l, ok := digitToLetter[b[i]]; ok {
				b[i] = l
			}
		}
		return string(b)
	}()
	switch {
	case len(lines) == 1 && len(lines[0]) == 30 && strings.HasPrefix(lines[0], "D1"):
		return &frenchDL, true
	case len(lines) == 3 && len(lines[0]) == 30 && len(lines[1]) == 30 && len(lines[2]) == 30:
		return &td1, true
	case len(lines) == 3 && len(lines[0]) == 9 && len(lines[1]) == 30 && len(lines[2]) == 30:
		return &swissDL, true
	case len(lines) == 2 && len(lines[0]) == 36 && len(lines[1]) == 36:
		switch {
		case first[0] == 'V':
			return &mrvb, true
		case first == "IDFRA":
			return &frenchID, true
		}
		return &td2, true
	case len(lines) == 2 && len(lines[0]) == 44 && len(lines[1]) == 44:
		if first[0] == 'V' {
			return &mrva, true
		}
		return &td3, true
	}
	return nil, false
}

// Findings turns the result into what the identity check reports: nothing for a valid zone,
// MRZ_INVALID with the failed checks otherwise. The side is left empty for the caller to set,
// since the zone is on the front of a passport and the back of most cards.
func (r *Result) Findings() []kyc.Finding {
	if r == nil || r.Valid {
		return nil
	}
	failed := []string{}
	for _, c := range checkOrder {
		if ok, present := r.Checks[c]; present && !ok {
			failed = append(failed, c)
		}
	}
	detail := map[string]any{
		"format":        string(r.Format),
		"failed_checks": failed,
		"problems":      append([]string(nil), r.Problems...),
		"corrections":   len(r.Corrections),
	}
	return []kyc.Finding{kyc.NewFinding(kyc.MRZInvalid, kyc.SideNone, detail)}
}

// FindingFromError maps an error of Parse or Find to its finding (DOC_FIELDS_UNREADABLE). ok is
// false for errors that carry no reason code.
func FindingFromError(err error) (f kyc.Finding, ok bool) {
	var e *kyc.Error
	if !errors.As(err, &e) || e.Code == "" {
		return kyc.Finding{}, false
	}
	cause := "unreadable"
	if errors.Is(err, ErrNotFound) {
		cause = "not_found"
	}
	return kyc.NewFinding(e.Code, kyc.SideNone, map[string]any{"mrz": cause}), true
}

var checkOrder = []string{fDocumentNumber, fDateOfBirth, fExpiryDate, fPersonalNumber, fComposite}
