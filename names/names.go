// Package names compares the name an applicant typed in their profile with the name read from
// their identity document, and their date of birth and nationality, producing the
// DATA_MISMATCH_* findings with a score per field.
//
// Names are compared through their Latin readings, because the document's machine-readable zone
// is Latin: Cyrillic, Greek, Arabic and Hebrew are transliterated with the tables of ICAO 9303
// Part 3 (embedded here; Arabic and Hebrew also as consonant outlines, since their short vowels
// are not written), Chinese characters as Hanyu Pinyin with a table of surname readings and
// heteronyms tried, Korean as Revised Romanisation with the usual surname spellings, Japanese
// kana as Hepburn (kanji only for the common names in an embedded table), Thai as RTGS, anything
// else through unidecode. Case, diacritics (including Ł, ß, Đ, Ø, Æ, Œ, Þ, which Unicode
// decomposition does not fold), word order, middle names on one side, hyphens, apostrophes and
// words written together or apart are tolerated.
//
// The package is a set of plain functions: no I/O, no logging of names.
package names

import (
	"strings"
)

// Threshold is the name score at and above which two names are taken to be the same person's.
// It sits where the labelled pairs of the evaluation separate: transliteration variants
// (MOHAMED/MUHAMMAD, ALEKSANDR/ALEXANDER), a missing middle name and typos of one letter in a
// long name score above it; two different given names with the same surname, or the same given
// name with different surnames, below.
const Threshold = 0.85

// Name is a person's name in any script. Given holds first and middle names; Full is used when
// Given and Surname are both empty (a profile's full_name, a name printed in one line).
// Truncated marks a document name field that was full, so its last word may be cut short.
type Name struct {
	Given     string `json:"given,omitempty"`
	Surname   string `json:"surname,omitempty"`
	Full      string `json:"full,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
}

// Empty reports whether the name has no letters.
func (n Name) Empty() bool {
	return strings.TrimSpace(n.Given+n.Surname+n.Full) == ""
}

// Score is the outcome of one comparison: a value in [0,1], whether it reaches the threshold,
// how the best agreement was reached (e.g. "latin", "pinyin", "icao:cyrillic", "arabic") and
// details for reviewers (scores of the parts; never the names themselves).
type Score struct {
	Value     float64        `json:"value"`
	Threshold float64        `json:"threshold"`
	Match     bool           `json:"match"`
	Method    string         `json:"method"`
	Details   map[string]any `json:"details,omitempty"`
}

// missingSurnameFactor scales the score of two names when the surname of one (where it is known)
// matches no word of the other.
const missingSurnameFactor = 0.8

// surnameCovered reports whether some word of other (or two neighbouring words written together)
// matches a word of r's surname; true when r's surname is not known.
func surnameCovered(r, other reading) bool {
	if r.surname == 0 {
		return true
	}
	abjad := r.abjad || other.abjad
	sur := r.tokens[:r.surname]
	joined := strings.Join(sur, "")
	for _, cand := range merges(other.tokens) {
		for _, t := range cand {
			if tokenSim(joined, t, abjad) >= 0.88 {
				return true
			}
			for _, s := range sur {
				if tokenSim(s, t, abjad) >= 0.88 {
					return true
				}
			}
		}
	}
	return false
}

// maxPairs bounds the reading pairs compared for one pair of names.
const maxPairs = 512

// readingsOfName returns the readings of a whole name: surname then given names when both are
// known (the order does not matter to the comparison), else the full name.
func readingsOfName(n Name) []reading {
	if strings.TrimSpace(n.Surname) == "" && strings.TrimSpace(n.Given) == "" {
		return readingsOf(words(n.Full), roleFull)
	}
	sur := readingsOf(words(n.Surname), roleSurname)
	giv := readingsOf(words(n.Given), roleGiven)
	switch {
	case len(sur) == 0:
		return giv
	case len(giv) == 0:
		return sur
	}
	var out []reading
	for _, s := range sur {
		for _, g := range giv {
			if len(out) >= maxReadings {
				return out
			}
			out = append(out, reading{
				tokens:  append(append([]string(nil), s.tokens...), g.tokens...),
				method:  mergeMethod(s.method, g.method),
				surname: len(s.tokens),
				abjad:   s.abjad || g.abjad,
			})
		}
	}
	return out
}

// Compare scores how well a profile name matches a document name.
func Compare(profile, document Name) Score {
	sc := Score{Threshold: Threshold, Method: "none", Details: map[string]any{}}
	pr, dr := readingsOfName(profile), readingsOfName(document)
	if len(pr) == 0 || len(dr) == 0 {
		sc.Details["reason"] = "empty name"
		return sc
	}
	best, bestP, bestD, pairs := -1.0, 0, 0, 0
	for i, p := range pr {
		if best == 1 {
			break
		}
		for j, d := range dr {
			if pairs >= maxPairs {
				break
			}
			pairs++
			s := readingScore(p, d, document.Truncated)
			if !surnameCovered(p, d) || !surnameCovered(d, p) {
				s *= missingSurnameFactor // a whole surname absent is more than a middle name
			}
			if s > best {
				best, bestP, bestD = s, i, j
			}
			if best == 1 {
				break
			}
		}
	}
	sc.Value = round3(best)
	sc.Match = sc.Value >= Threshold
	sc.Method = mergeMethod(pr[bestP].method, dr[bestD].method)
	sc.Details["readings_compared"] = pairs
	if profile.Surname != "" && document.Surname != "" {
		sc.Details["surname_score"] = round3(partScore(profile.Surname, document.Surname, roleSurname, false))
	}
	if profile.Given != "" && document.Given != "" {
		sc.Details["given_score"] = round3(partScore(profile.Given, document.Given, roleGiven, document.Truncated))
	}
	return sc
}

// partScore compares one part of two names (surnames with surnames), for the details.
func partScore(p, d string, ro role, truncated bool) float64 {
	best := 0.0
	pairs := 0
	for _, a := range readingsOf(words(p), ro) {
		for _, b := range readingsOf(words(d), ro) {
			if pairs++; pairs > maxPairs {
				return best
			}
			best = max(best, readingScore(a, b, truncated))
		}
	}
	return best
}

func round3(f float64) float64 {
	return float64(int(f*1000+0.5)) / 1000
}
