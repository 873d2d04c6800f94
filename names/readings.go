package names

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-unidecode"
)

// reading is one Latin rendering of a name or name part.
type reading struct {
	tokens []string
	method string
	// surname is the number of leading tokens that are the surname when the script says so
	// (Chinese, Japanese, Korean full names), 0 when unknown.
	surname int
	// abjad marks Arabic and Hebrew readings: consonant outlines, compared with the other
	// side's outline.
	abjad bool
}

// role says which part of a name a string is, which decides where a CJK surname ends.
type role uint8

const (
	roleFull role = iota
	roleSurname
	roleGiven
)

type script uint8

const (
	scriptLatin script = iota
	scriptCyrillic
	scriptGreek
	scriptArabic
	scriptHebrew
	scriptHan
	scriptKana
	scriptHangul
	scriptThai
	scriptOther
)

// scriptOf classifies a word by its first letter of a known script; Han with kana is Japanese.
func scriptOf(w string) script {
	s := scriptOther
	hasKana, hasHan := false, false
	for _, r := range w {
		switch {
		case isKana(r):
			hasKana = true
		case unicode.Is(unicode.Han, r) || r == '々':
			hasHan = true
		case isHangul(r):
			return scriptHangul
		case unicode.Is(unicode.Cyrillic, r):
			return scriptCyrillic
		case unicode.Is(unicode.Greek, r):
			return scriptGreek
		case unicode.Is(unicode.Arabic, r) || (r >= 0x0600 && r <= 0x06FF):
			return scriptArabic // the harakat are of the inherited script, but in the Arabic block
		case unicode.Is(unicode.Hebrew, r):
			return scriptHebrew
		case isThai(r):
			return scriptThai
		case unicode.Is(unicode.Latin, r):
			if s == scriptOther {
				s = scriptLatin
			}
		}
	}
	switch {
	case hasKana:
		return scriptKana
	case hasHan:
		return scriptHan
	}
	return s
}

// maxReadings bounds the readings of one name part, maxWords the words read of it (names are
// shorter; the bound keeps hostile input cheap).
const (
	maxReadings  = 48
	maxWords     = 12
	maxWordRunes = 48
)

// readingsOfWord are the readings of one word standing alone (role full).
func readingsOfWord(w string) []reading { return readingsOf([]string{w}, roleFull) }

// readingsOf returns the readings of a name part given as words: every combination of the
// words' readings, at most maxReadings, the most standard first.
func readingsOf(ws []string, ro role) []reading {
	if len(ws) > maxWords {
		ws = ws[:maxWords]
	}
	out := []reading{{method: "latin"}}
	for i, w := range ws {
		wr := ro
		if ro == roleFull && len(ws) > 1 {
			// "张 三": a full name typed with a space is surname first, as CJK names are written
			wr = roleGiven
			if i == 0 {
				wr = roleSurname
			}
		}
		alts := wordReadings(w, wr)
		if len(alts) == 0 {
			continue
		}
		var next []reading
		for _, base := range out {
			for _, a := range alts {
				if len(next) >= maxReadings {
					break
				}
				r := reading{
					tokens:  append(append([]string(nil), base.tokens...), a.tokens...),
					method:  mergeMethod(base.method, a.method),
					surname: base.surname,
					abjad:   base.abjad || a.abjad,
				}
				if len(base.tokens) == 0 {
					r.surname = a.surname
				}
				next = append(next, r)
			}
		}
		out = next
	}
	// drop the empty tokens of characters no table reads
	kept := out[:0]
	for _, r := range out {
		toks := r.tokens[:0]
		for _, t := range r.tokens {
			if t != "" {
				toks = append(toks, t)
			}
		}
		r.tokens = toks
		r.surname = min(r.surname, len(toks))
		if len(toks) > 0 {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

func mergeMethod(a, b string) string {
	switch {
	case a == "latin" || a == "":
		return b
	case b == "latin" || b == a:
		return a
	}
	return a + "+" + b
}

// wordReadings returns the readings of one word by script; ro says which part of a name it is.
func wordReadings(w string, ro role) []reading {
	if rs := []rune(w); len(rs) > maxWordRunes {
		w = string(rs[:maxWordRunes])
	}
	switch scriptOf(w) {
	case scriptLatin:
		var b strings.Builder
		for _, r := range w {
			b.WriteString(foldLatin(r))
		}
		if b.Len() == 0 {
			return nil
		}
		return []reading{{tokens: []string{b.String()}, method: "latin"}}
	case scriptCyrillic:
		var toks []string
		for _, lang := range []string{"ru", "uk", "be", "sr", "bg"} {
			toks = append(toks, cyrillicWord(w, lang))
		}
		toks = append(toks, mvd782Word(w))
		var out []reading
		for _, t := range dedupe(toks) {
			out = append(out, reading{tokens: []string{t}, method: "icao:cyrillic"})
		}
		return out
	case scriptGreek:
		return []reading{{tokens: []string{greekWord(w)}, method: "icao:greek"}}
	case scriptArabic:
		return []reading{
			{tokens: []string{arabicWord(w, arabicICAO)}, method: "icao:arabic"},
			{tokens: []string{arabicSkeletons(w)}, method: "arabic", abjad: true},
		}
	case scriptHebrew:
		var out []reading
		for _, t := range hebrewReadings(w) {
			out = append(out, reading{tokens: []string{t}, method: "hebrew", abjad: true})
		}
		return out
	case scriptHan:
		return append(japaneseReadings(w, ro), chineseReadings(w, ro)...)
	case scriptKana:
		return japaneseReadings(w, ro)
	case scriptHangul:
		return koreanReadings(w, ro)
	case scriptThai:
		return []reading{{tokens: []string{thaiRTGS(w)}, method: "rtgs"}}
	}
	// Anything else: unidecode's reading, cleaned to A-Z.
	var b strings.Builder
	for _, r := range strings.ToUpper(unidecode.Unidecode(w)) {
		if r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	return []reading{{tokens: []string{b.String()}, method: "unidecode"}}
}
