package reading

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// dateKind says how a two-digit year is resolved: a birth date lies in the past, an expiry date
// within 70 years before and 30 years after now (the MRZ package's rule).
type dateKind int

const (
	birthDate dateKind = iota
	expiryDate
	anyDate
)

// monthNames are month abbreviations and names as documents print them (English, French,
// Spanish, German, Italian, Portuguese, Dutch), upper case without accents, by month.
var monthNames = map[string]int{
	"JAN": 1, "JANUARY": 1, "JANV": 1, "JANVIER": 1, "ENE": 1, "ENERO": 1, "JANUAR": 1, "GEN": 1, "GENNAIO": 1, "JANEIRO": 1, "JANUARI": 1,
	"FEB": 2, "FEBRUARY": 2, "FEV": 2, "FEVR": 2, "FEVRIER": 2, "FEBRERO": 2, "FEBRUAR": 2, "FEBBRAIO": 2, "FEVEREIRO": 2, "FEBRUARI": 2,
	"MAR": 3, "MARCH": 3, "MARS": 3, "MARZO": 3, "MRZ": 3, "MAERZ": 3, "MARZ": 3, "MARCO": 3, "MAART": 3,
	"APR": 4, "APRIL": 4, "AVR": 4, "AVRIL": 4, "ABR": 4, "ABRIL": 4, "APRILE": 4,
	"MAY": 5, "MAI": 5, "MAYO": 5, "MAG": 5, "MAGGIO": 5, "MAIO": 5, "MEI": 5,
	"JUN": 6, "JUNE": 6, "JUIN": 6, "JUNIO": 6, "JUNI": 6, "GIU": 6, "GIUGNO": 6, "JUNHO": 6,
	"JUL": 7, "JULY": 7, "JUIL": 7, "JUILLET": 7, "JULIO": 7, "JULI": 7, "LUG": 7, "LUGLIO": 7, "JULHO": 7,
	"AUG": 8, "AUGUST": 8, "AOU": 8, "AOUT": 8, "AGO": 8, "AGOSTO": 8, "AUGUSTUS": 8,
	"SEP": 9, "SEPT": 9, "SEPTEMBER": 9, "SEPTEMBRE": 9, "SEPTIEMBRE": 9, "SET": 9, "SETTEMBRE": 9, "SETEMBRO": 9,
	"OCT": 10, "OCTOBER": 10, "OCTOBRE": 10, "OCTUBRE": 10, "OKT": 10, "OKTOBER": 10, "OTT": 10, "OTTOBRE": 10, "OUT": 10, "OUTUBRO": 10,
	"NOV": 11, "NOVEMBER": 11, "NOVEMBRE": 11, "NOVIEMBRE": 11, "NOVEMBRO": 11,
	"DEC": 12, "DECEMBER": 12, "DECEMBRE": 12, "DIC": 12, "DICIEMBRE": 12, "DEZ": 12, "DEZEMBER": 12, "DICEMBRE": 12, "DEZEMBRO": 12,
}

// parseDates finds the dates printed in s and returns each in ISO form; a numeric date whose day
// and month could be swapped (03/04/2001) yields both readings, day first. Two-digit years are
// resolved by kind against now. It never fails: text without a date gives nothing.
func parseDates(s string, kind dateKind, now time.Time) []string {
	toks := dateTokens(s)
	var out []string
	seen := map[string]bool{}
	add := func(y, m, d int) {
		if iso, ok := isoDate(y, m, d); ok && !seen[iso] {
			seen[iso] = true
			out = append(out, iso)
		}
	}
	for i := 0; i+2 < len(toks); i++ {
		a, b, c := toks[i], toks[i+1], toks[i+2]
		switch {
		case a.num && len(a.s) == 4 && b.num && c.num && len(b.s) <= 2 && len(c.s) <= 2: // Y M D
			add(atoi(a.s), atoi(b.s), atoi(c.s))
			i += 2
		case a.num && len(a.s) <= 2 && b.num && len(b.s) <= 2 && c.num && (len(c.s) == 4 || len(c.s) == 2): // D M Y
			y, ok := year(c.s, kind, now)
			if !ok {
				continue
			}
			add(y, atoi(b.s), atoi(a.s))
			if atoi(a.s) <= 12 && atoi(b.s) <= 12 && a.s != b.s {
				add(y, atoi(a.s), atoi(b.s))
			}
			i += 2
		case a.num && len(a.s) <= 2 && b.month > 0: // D MON Y, or D MON/MON Y ("16 APR/ABR 07")
			j := i + 2
			if j+1 < len(toks) && toks[j].sep && toks[j+1].month > 0 {
				j += 2
			}
			if j < len(toks) && toks[j].num && (len(toks[j].s) == 4 || len(toks[j].s) == 2) {
				if y, ok := year(toks[j].s, kind, now); ok {
					add(y, b.month, atoi(a.s))
					i = j
				}
			}
		}
	}
	// Compact forms: YYYYMMDD and DDMMYYYY runs of eight digits.
	for _, t := range toks {
		if !t.num || len(t.s) != 8 {
			continue
		}
		if y := atoi(t.s[:4]); y >= 1900 && y <= 2100 {
			add(y, atoi(t.s[4:6]), atoi(t.s[6:]))
		} else if y := atoi(t.s[4:]); y >= 1900 && y <= 2100 {
			add(y, atoi(t.s[2:4]), atoi(t.s[:2]))
		}
	}
	return out
}

type dateToken struct {
	s     string
	num   bool
	month int
	sep   bool // a '/' between bilingual month names
}

// dateTokens splits s into runs of digits and of letters; '/' between two words is kept as a
// marker so "APR/ABR" reads as one month. CJK date markers (年月日) and punctuation separate.
func dateTokens(s string) []dateToken {
	var out []dateToken
	var cur []rune
	flush := func() {
		if len(cur) == 0 {
			return
		}
		w := string(cur)
		t := dateToken{s: w, num: unicode.IsDigit(cur[0])}
		if !t.num {
			t.month = monthNames[foldMonth(w)]
		}
		out = append(out, t)
		cur = cur[:0]
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r >= '0' && r <= '9':
			if len(cur) > 0 && !unicode.IsDigit(cur[0]) {
				flush()
			}
			cur = append(cur, r)
		case r >= '０' && r <= '９':
			if len(cur) > 0 && !unicode.IsDigit(cur[0]) {
				flush()
			}
			cur = append(cur, r-'０'+'0')
		case unicode.IsLetter(r) && r < 0x2E80:
			if len(cur) > 0 && unicode.IsDigit(cur[0]) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
			if r == '/' && i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) {
				out = append(out, dateToken{s: "/", sep: true})
			}
		}
	}
	flush()
	return out
}

// foldMonth upper-cases a month word and drops accents and a trailing dot.
func foldMonth(w string) string {
	w = strings.ToUpper(strings.TrimSuffix(w, "."))
	r := strings.NewReplacer("É", "E", "È", "E", "Û", "U", "Ä", "A", "Ç", "C", "Ü", "U")
	return r.Replace(w)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// year resolves a two- or four-digit year.
func year(s string, kind dateKind, now time.Time) (int, bool) {
	n := atoi(s)
	switch {
	case len(s) == 4 && n >= 1900 && n <= 2200:
		return n, true
	case len(s) != 2 || n < 0:
		return 0, false
	}
	century := now.Year() / 100 * 100
	y := century + n
	switch kind {
	case birthDate:
		if y > now.Year() {
			y -= 100
		}
	case expiryDate:
		if y > now.Year()+30 {
			y -= 100
		} else if y < now.Year()-70 {
			y += 100
		}
	default:
		if y > now.Year()+30 {
			y -= 100
		}
	}
	return y, true
}

func isoDate(y, m, d int) (string, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}
