// Package natid validates national identity numbers (the Chinese resident identity card, Taiwan's
// national identification number, the Hong Kong identity card) and the format of passport
// numbers, so that a number misread from a document or mistyped by an applicant is caught
// before it is compared or stored.
//
// Each country is a Validator; a Registry holds them by ISO 3166-1 alpha-3 code, so another
// country joins by implementing two methods. Validators are plain functions of their input and
// of a clock (a birth date in the future is invalid): no I/O, no logging.
package natid

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kycd/kycd/kyc"
)

// Validator checks the numbers of one country.
type Validator interface {
	// Country is the ISO 3166-1 alpha-3 code of the issuing country.
	Country() string
	// Validate returns what the number encodes, or a *kyc.Error with code DOC_NUMBER_INVALID
	// wrapping an *InvalidError.
	Validate(number string) (Info, error)
}

// Info is what a valid number tells. Fields a country's numbers do not encode stay empty.
type Info struct {
	Country string `json:"country"`
	// Number is the number in its canonical form (upper case, no separators or brackets).
	Number string `json:"number"`
	// Kind distinguishes the documents that share a numbering scheme, e.g. "resident_id",
	// "resident_id_15" (first generation), "hk_macao_residence_permit".
	Kind        string `json:"kind"`
	DateOfBirth string `json:"date_of_birth,omitempty"` // ISO 8601
	Sex         string `json:"sex,omitempty"`           // M or F
	// Region is the code of the place of registration (a Chinese province), RegionName its name.
	Region     string `json:"region,omitempty"`
	RegionName string `json:"region_name,omitempty"`
	// Upgraded is the 18-digit form of a first-generation 15-digit Chinese number.
	Upgraded string `json:"upgraded,omitempty"`
}

// Reasons an InvalidError gives.
const (
	ReasonFormat          = "format"            // wrong length or characters
	ReasonChecksum        = "checksum"          // the check character does not match
	ReasonBirthDate       = "birth_date"        // the embedded birth date is not a date
	ReasonFutureBirthDate = "future_birth_date" // the embedded birth date is after now
	ReasonRegion          = "region"            // the region code is not one that issues numbers
)

// InvalidError says why a number is invalid, for the reviewer's detail. It never holds the
// number itself.
type InvalidError struct {
	Country string
	Reason  string
	Detail  string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("natid: %s number invalid: %s: %s", e.Country, e.Reason, e.Detail)
}

// invalid builds the domain error every validator returns.
func invalid(country, reason, format string, args ...any) error {
	detail := fmt.Sprintf(format, args...)
	return &kyc.Error{
		Kind:    kyc.KindInvalid,
		Code:    kyc.DocNumberInvalid,
		Field:   "document_number",
		Message: "the document number is not valid (" + reason + ")",
		Err:     &InvalidError{Country: country, Reason: reason, Detail: detail},
	}
}

// ErrNoValidator is returned for countries no validator covers; the number is then not judged.
var ErrNoValidator = errors.New("natid: no validator for this country")

// Registry holds validators by country.
type Registry struct {
	byCountry map[string]Validator
}

// NewRegistry returns a registry of the given validators; a later one replaces an earlier one
// for the same country.
func NewRegistry(vs ...Validator) *Registry {
	r := &Registry{byCountry: make(map[string]Validator, len(vs))}
	for _, v := range vs {
		r.Register(v)
	}
	return r
}

// Default returns the validators this package ships: CHN, TWN and HKG. clock decides which
// birth dates lie in the future.
func Default(clock kyc.Clock) *Registry {
	return NewRegistry(NewCHN(clock), TWN{}, HKG{})
}

// Register adds or replaces the validator of v.Country().
func (r *Registry) Register(v Validator) { r.byCountry[strings.ToUpper(v.Country())] = v }

// Lookup returns the validator of an ISO 3166-1 alpha-3 country code.
func (r *Registry) Lookup(country string) (Validator, bool) {
	v, ok := r.byCountry[strings.ToUpper(country)]
	return v, ok
}

// Countries lists the covered countries.
func (r *Registry) Countries() []string {
	out := make([]string, 0, len(r.byCountry))
	for c := range r.byCountry {
		out = append(out, c)
	}
	return out
}

// Validate validates number with the country's validator; ErrNoValidator when there is none.
func (r *Registry) Validate(country, number string) (Info, error) {
	v, ok := r.Lookup(country)
	if !ok {
		return Info{}, ErrNoValidator
	}
	return v.Validate(number)
}

// FindingFromError maps a validation error to its finding (DOC_NUMBER_INVALID) with the reason
// and country as detail. ok is false for nil, ErrNoValidator and errors without a reason code.
func FindingFromError(err error, side kyc.Side) (f kyc.Finding, ok bool) {
	var ke *kyc.Error
	if err == nil || !errors.As(err, &ke) || ke.Code == "" {
		return kyc.Finding{}, false
	}
	detail := map[string]any{}
	var ie *InvalidError
	if errors.As(err, &ie) {
		detail["country"] = ie.Country
		detail["reason"] = ie.Reason
		detail["detail"] = ie.Detail
	}
	return kyc.NewFinding(ke.Code, side, detail), true
}

// clean removes the separators people type or OCR reads into numbers.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '.', '\u00a0', '\u3000':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(s))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
