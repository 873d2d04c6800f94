package names

import (
	"strings"
	"time"

	"github.com/kycd/kycd/kyc"
	"golang.org/x/text/language"
)

// Person is what is compared on each side: the profile as the applicant entered it, or the
// document as read (usually the MRZ fields). Dates are ISO 8601 (YYYY-MM-DD); nationality is an
// ISO 3166-1 alpha-3 code (alpha-2 and ICAO 9303 codes such as D are accepted). Empty values are
// not compared.
type Person struct {
	Name        Name   `json:"name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	Nationality string `json:"nationality,omitempty"`
}

// Comparison holds the three field scores; a field not compared (empty on either side) has
// Method "skipped".
type Comparison struct {
	Name        Score `json:"name"`
	DateOfBirth Score `json:"date_of_birth"`
	Nationality Score `json:"nationality"`
}

// CompareDOB scores two ISO dates: 1 when equal; 0.5 when day and month are swapped (a typo the
// applicant can fix, still a mismatch); 0 otherwise. Unparseable dates score 0.
func CompareDOB(profile, document string) Score {
	sc := Score{Threshold: 1, Method: "date", Details: map[string]any{}}
	if profile == "" || document == "" {
		sc.Method = "skipped"
		return sc
	}
	p, errP := time.Parse(time.DateOnly, profile)
	d, errD := time.Parse(time.DateOnly, document)
	switch {
	case errP != nil || errD != nil:
		sc.Details["reason"] = "unparseable date"
	case p.Equal(d):
		sc.Value = 1
	case p.Year() == d.Year() && int(p.Month()) == d.Day() && p.Day() == int(d.Month()):
		sc.Value = 0.5
		sc.Details["day_month_swapped"] = true
	default:
		if p.Year() == d.Year() {
			sc.Details["same_year"] = true
		}
		sc.Details["days_apart"] = int(absDuration(p.Sub(d)).Hours() / 24)
	}
	sc.Match = sc.Value >= sc.Threshold
	return sc
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// CanonicalCountry returns the ISO 3166-1 alpha-3 code of an alpha-2, alpha-3 or ICAO 9303 code
// ("D" is DEU), or "" when it is none of them.
func CanonicalCountry(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	switch c {
	case "":
		return ""
	case "D":
		return "DEU"
	case "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "UTO", "XXA", "XXB", "XXC", "XXX", "EUE", "UNO", "UNA", "UNK":
		return c
	}
	r, err := language.ParseRegion(c)
	if err != nil || !r.IsCountry() {
		return ""
	}
	return r.ISO3()
}

// CompareNationality scores two country codes: 1 when they name the same country, 0.5 for the
// British nationality classes against GBR (a British overseas citizen is not a British citizen,
// but the applicant may well have picked the closest entry), 0 otherwise.
func CompareNationality(profile, document string) Score {
	sc := Score{Threshold: 1, Method: "country", Details: map[string]any{}}
	if strings.TrimSpace(profile) == "" || strings.TrimSpace(document) == "" {
		sc.Method = "skipped"
		return sc
	}
	p, d := CanonicalCountry(profile), CanonicalCountry(document)
	switch {
	case p == "" || d == "":
		sc.Details["reason"] = "unknown country code"
	case p == d:
		sc.Value = 1
	case britishClass(p) && britishClass(d):
		sc.Value = 0.5
		sc.Details["british_nationality_class"] = true
	}
	sc.Match = sc.Value >= sc.Threshold
	return sc
}

func britishClass(c string) bool {
	switch c {
	case "GBR", "GBD", "GBN", "GBO", "GBP", "GBS":
		return true
	}
	return false
}

// Check compares a profile with a document and returns the scores and the findings:
// DATA_MISMATCH_NAME, DATA_MISMATCH_DOB and DATA_MISMATCH_NATIONALITY, each with its score,
// threshold and method in the detail (never the values themselves). Fields empty on either side
// are skipped, not failed.
func Check(profile, document Person) (Comparison, []kyc.Finding) {
	var c Comparison
	var out []kyc.Finding
	if profile.Name.Empty() || document.Name.Empty() {
		c.Name = Score{Threshold: Threshold, Method: "skipped"}
	} else {
		c.Name = Compare(profile.Name, document.Name)
		if !c.Name.Match {
			out = append(out, kyc.NewFinding(kyc.DataMismatchName, kyc.SideNone, detail(c.Name)))
		}
	}
	c.DateOfBirth = CompareDOB(profile.DateOfBirth, document.DateOfBirth)
	if c.DateOfBirth.Method != "skipped" && !c.DateOfBirth.Match {
		out = append(out, kyc.NewFinding(kyc.DataMismatchDOB, kyc.SideNone, detail(c.DateOfBirth)))
	}
	c.Nationality = CompareNationality(profile.Nationality, document.Nationality)
	if c.Nationality.Method != "skipped" && !c.Nationality.Match {
		out = append(out, kyc.NewFinding(kyc.DataMismatchNationality, kyc.SideNone, detail(c.Nationality)))
	}
	return c, out
}

// detail flattens a score for a finding.
func detail(s Score) map[string]any {
	d := map[string]any{"score": s.Value, "threshold": s.Threshold, "method": s.Method}
	for k, v := range s.Details {
		d[k] = v
	}
	return d
}
