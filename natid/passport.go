package natid

import (
	"errors"
	"regexp"
	"sort"
	"strings"
)

// passportFormats are the passport number formats of the issuing countries, by ISO 3166-1
// alpha-3 code. They follow the collection of validator.js (isPassportNumber, MIT licence),
// written here as fully anchored expressions (two of its patterns, MOZ and PHL, anchor only one
// alternative, which lets extra characters through).
var passportFormats = map[string]*regexp.Regexp{
	"ARM": regexp.MustCompile(`^[A-Z]{2}\d{7}$`),
	"ARG": regexp.MustCompile(`^[A-Z]{3}\d{6}$`),
	"AUT": regexp.MustCompile(`^[A-Z]\d{7}$`),
	"AUS": regexp.MustCompile(`^[A-Z]\d{7}$`),
	"AZE": regexp.MustCompile(`^[A-Z]\d{8}$`),
	"BEL": regexp.MustCompile(`^[A-Z]{2}\d{6}$`),
	"BGR": regexp.MustCompile(`^\d{9}$`),
	"BRA": regexp.MustCompile(`^[A-Z]{2}\d{6}$`),
	"BLR": regexp.MustCompile(`^[A-Z]{2}\d{7}$`),
	"CAN": regexp.MustCompile(`^(?:[A-Z]{2}\d{6}|[A-Z]\d{6}[A-Z]{2})$`),
	"CHE": regexp.MustCompile(`^[A-Z]\d{7}$`),
	// G + 8 digits (ordinary), E + a letter other than I or O or a digit + 7 digits (electronic)
	"CHN": regexp.MustCompile(`^(?:G\d{8}|E[A-HJ-NP-Z0-9]\d{7})$`),
	"CYP": regexp.MustCompile(`^[A-Z](?:\d{6}|\d{8})$`),
	"CZE": regexp.MustCompile(`^\d{8}$`),
	"DEU": regexp.MustCompile(`^[CFGHJKLMNPRTVWXYZ0-9]{9}$`),
	"DNK": regexp.MustCompile(`^\d{9}$`),
	"DZA": regexp.MustCompile(`^\d{9}$`),
	"EST": regexp.MustCompile(`^[A-Z]{1,2}\d{7}$`),
	"ESP": regexp.MustCompile(`^[A-Z0-9]{2}[A-Z0-9]?\d{6}$`),
	"FIN": regexp.MustCompile(`^[A-Z]{2}\d{7}$`),
	"FRA": regexp.MustCompile(`^\d{2}[A-Z]{2}\d{5}$`),
	"GBR": regexp.MustCompile(`^\d{9}$`),
	"GRC": regexp.MustCompile(`^[A-Z]{2}\d{7}$`),
	"HRV": regexp.MustCompile(`^\d{9}$`),
	"HUN": regexp.MustCompile(`^[A-Z]{2}\d{6,7}$`),
	"IRL": regexp.MustCompile(`^[A-Z0-9]{2}\d{7}$`),
	"IND": regexp.MustCompile(`^[A-Z]-?\d{7}$`),
	"IDN": regexp.MustCompile(`^[A-C]\d{7}$`),
	"IRN": regexp.MustCompile(`^[A-Z]\d{8}$`),
	"ISL": regexp.MustCompile(`^A\d{7}$`),
	"ITA": regexp.MustCompile(`^[A-Z0-9]{2}\d{7}$`),
	"JAM": regexp.MustCompile(`^A\d{7}$`),
	"JPN": regexp.MustCompile(`^[A-Z]{2}\d{7}$`),
	"KOR": regexp.MustCompile(`^[MS]\d{8}$`),
	"KAZ": regexp.MustCompile(`^[A-Z]\d{7}$`),
	"LIE": regexp.MustCompile(`^[A-Z]\d{5}$`),
	"LTU": regexp.MustCompile(`^[A-Z0-9]{8}$`),
	"LUX": regexp.MustCompile(`^[A-Z0-9]{8}$`),
	"LVA": regexp.MustCompile(`^[A-Z0-9]{2}\d{7}$`),
	"LBY": regexp.MustCompile(`^[A-Z0-9]{8}$`),
	"MLT": regexp.MustCompile(`^\d{7}$`),
	"MOZ": regexp.MustCompile(`^(?:[A-Z]{2}\d{7}|\d{2}[A-Z]{2}\d{5})$`),
	"MYS": regexp.MustCompile(`^[AHK]\d{8}$`),
	"MEX": regexp.MustCompile(`^[A-Z]\d{8}$`),
	"NLD": regexp.MustCompile(`^[A-Z]{2}[A-Z0-9]{6}\d$`),
	"NZL": regexp.MustCompile(`^(?:L[ADFH]|E[AP]|N)\d{6}$`),
	"PHL": regexp.MustCompile(`^(?:[A-Z]\d{6}|[A-Z]\d{7}[A-Z]|[A-Z]{2}\d{6,7})$`),
	"PAK": regexp.MustCompile(`^[A-Z]{2}\d{7}$`),
	"POL": regexp.MustCompile(`^[A-Z]{2}\d{7}$`),
	"PRT": regexp.MustCompile(`^[A-Z]\d{6}$`),
	"ROU": regexp.MustCompile(`^\d{8,9}$`),
	"RUS": regexp.MustCompile(`^\d{9}$`),
	"SWE": regexp.MustCompile(`^\d{8}$`),
	"SVN": regexp.MustCompile(`^P[A-Z]\d{7}$`),
	"SVK": regexp.MustCompile(`^[0-9A-Z]\d{7}$`),
	"THA": regexp.MustCompile(`^[A-Z]{1,2}\d{6,7}$`),
	"TUR": regexp.MustCompile(`^[A-Z]\d{8}$`),
	"UKR": regexp.MustCompile(`^[A-Z]{2}\d{6}$`),
	"USA": regexp.MustCompile(`^(?:\d{9}|[A-Z]\d{8})$`), // letter + 8 digits: next-generation books
	"ZAF": regexp.MustCompile(`^[TAMD]\d{8}$`),
}

// ErrNoPassportFormat is returned for countries whose passport number format is not known.
var ErrNoPassportFormat = errors.New("natid: no passport number format for this country")

// ValidatePassportNumber checks the format of a passport number of an ISO 3166-1 alpha-3
// country (spaces ignored, case folded). It returns nil, ErrNoPassportFormat or a *kyc.Error
// with code DOC_NUMBER_INVALID.
func ValidatePassportNumber(country, number string) error {
	country = strings.ToUpper(country)
	re, ok := passportFormats[country]
	if !ok {
		return ErrNoPassportFormat
	}
	if !re.MatchString(strings.ToUpper(strings.Join(strings.Fields(number), ""))) {
		return invalid(country, ReasonFormat, "passport number does not have the country's format")
	}
	return nil
}

// PassportCountries lists the countries with a known passport number format.
func PassportCountries() []string {
	out := make([]string, 0, len(passportFormats))
	for c := range passportFormats {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
