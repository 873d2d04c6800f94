package poa

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// Date is one date found in a document's text.
type Date struct {
	Time time.Time
	// Start and End are the byte offsets of the date in the normalised segment text.
	Start, End int
	// Ambiguous marks a numeric date whose day and month could be swapped, resolved by country.
	Ambiguous bool
}

// ISO returns the date as YYYY-MM-DD.
func (d Date) ISO() string { return d.Time.Format("2006-01-02") }

// monthFirst lists the countries (ISO3) that write numeric dates month first (11/03/2026 is
// 3 November): the United States and the places that follow its usage.
var monthFirst = map[string]bool{"USA": true, "PHL": true, "FSM": true, "MHL": true, "PLW": true,
	"ASM": true, "GUM": true, "MNP": true, "PRI": true, "VIR": true, "UMI": true}

// MonthFirst reports whether country (ISO3) writes numeric dates month first.
func MonthFirst(country string) bool { return monthFirst[strings.ToUpper(country)] }

var monthIndex = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// monthRe matches a month name or any prefix of it of three letters or more ("sept", "apri",
// which OCR leaves when it loses a letter at the end).
var monthRe = func() string {
	var alts []string
	for _, m := range longNames {
		re := m[:3]
		tail := ""
		for i := len(m) - 1; i >= 3; i-- {
			tail = "(?:" + m[i:i+1] + tail + ")?"
		}
		alts = append(alts, re+tail)
	}
	return "(" + strings.Join(alts, "|") + ")"
}()

var longNames = []string{"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december"}

// monthOf returns the month (1-12) of a name matched by monthRe.
func monthOf(name string) int {
	for i, m := range longNames {
		if strings.HasPrefix(m, name[:3]) {
			return i + 1
		}
	}
	return 0
}

var (
	reYMD   = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d\d)(\s?[-/.]\s?)(\d{1,2})(\s?[-/.]\s?)(\d{1,2})(?:[^\d]|$)`)
	reZH    = regexp.MustCompile(`((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?`)
	reNum   = regexp.MustCompile(`(?:^|[^\d/.])(\d{1,2})\s?([/.\-])\s?(\d{1,2})\s?[/.\-]\s?((?:19|20)\d\d|\d\d)(?:[^\d]|$)`)
	reDMonY = regexp.MustCompile(`(?:^|[^\d])(\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?-?` + monthRe + `\.?-?,?\s*((?:19|20)\d\d)(?:[^\d]|$)`)
	reMonDY = regexp.MustCompile(`\b` + monthRe + `\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d\d)(?:[^\d]|$)`)
)

// NormalizeText prepares a line of document text for the parsers: full-width forms folded to
// ASCII (Chinese documents print full-width digits and colons), lower case, the letter O and l
// between digits read as 0 and 1 (frequent OCR confusions), a zero read for the O of a month
// name restored, and runs of spaces kept (they separate columns).
func NormalizeText(s string) string {
	s = width.Fold.String(s)
	s = strings.ToLower(s)
	s = fixDigits(s)
	s = strings.ReplaceAll(s, "0ct", "oct")
	s = strings.ReplaceAll(s, "n0v", "nov")
	return fixMonths(s)
}

// longMonths are the month names long enough to be recognised with one letter misread.
var longMonths = []string{"january", "february", "august", "september", "october", "november", "december"}

// fixMonths restores a long month name with one letter misread by OCR ("novemher", "septernber"
// is two, and stays).
func fixMonths(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] < 'a' || s[i] > 'z' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		w := s[i:j]
		if len(w) >= 6 && len(w) <= 10 && monthIndex[w] == 0 {
			for _, m := range longMonths {
				if editDistance(w, m, 1) <= 1 {
					w = m
					break
				}
			}
		}
		b.WriteString(w)
		i = j
	}
	return b.String()
}

// fixDigits reads o as 0 and l, i, | as 1 where they sit among digits: between two digits, or
// between a digit and a date separator.
func fixDigits(s string) string {
	b := []byte(s)
	digit := func(i int) bool { return i >= 0 && i < len(b) && b[i] >= '0' && b[i] <= '9' }
	sep := func(i int) bool { return i >= 0 && i < len(b) && (b[i] == '/' || b[i] == '-' || b[i] == '.') }
	for i, c := range b {
		if c != 'o' && c != 'l' && c != 'i' && c != '|' {
			continue
		}
		if digit(i+1) && (digit(i-1) || sep(i-1)) || digit(i-1) && (digit(i+1) || sep(i+1)) {
			if c == 'o' {
				b[i] = '0'
			} else {
				b[i] = '1'
			}
		}
	}
	return string(b)
}

// ParseDates returns the dates in s (normalised by NormalizeText first), in order of position.
// Numeric dates with the day and month both at most 12 are read month first for the countries
// of MonthFirst and day first elsewhere; a part above 12 decides by itself. Two-digit years are
// 20YY. Impossible dates (31 February) are skipped. It never fails: text without a date gives
// nothing.
func ParseDates(s, country string) []Date {
	s = NormalizeText(s)
	return parseNormalized(s, MonthFirst(country))
}

func parseNormalized(s string, mdy bool) []Date {
	var out []Date
	taken := make([]bool, len(s)+1)
	add := func(y, m, d, start, end int, amb bool) {
		for i := start; i < end; i++ {
			if taken[i] {
				return
			}
		}
		t, ok := mkDate(y, m, d)
		if !ok {
			return
		}
		for i := start; i < end; i++ {
			taken[i] = true
		}
		out = append(out, Date{Time: t, Start: start, End: end, Ambiguous: amb})
	}
	for _, m := range findAll(reZH, s, 3) {
		add(atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]]), m[2], m[1], false)
	}
	for _, m := range findAll(reYMD, s, 5) {
		// one separator throughout, and not the year of a date before and the start of one
		// after ("07/10/2026 - 06/11/2026" holds no 2026-06-11)
		sep1, sep2 := strings.TrimSpace(s[m[4]:m[5]]), strings.TrimSpace(s[m[8]:m[9]])
		after := s[m[11]:]
		if sep1 != sep2 || len(after) >= 2 && strings.ContainsRune("/.-", rune(after[0])) && after[1] >= '0' && after[1] <= '9' {
			continue
		}
		add(atoi(s[m[2]:m[3]]), atoi(s[m[6]:m[7]]), atoi(s[m[10]:m[11]]), m[2], m[11], false)
	}
	for _, m := range findAll(reDMonY, s, 3) {
		add(atoi(s[m[6]:m[7]]), monthOf(s[m[4]:m[5]]), atoi(s[m[2]:m[3]]), m[2], m[7], false)
	}
	for _, m := range findAll(reMonDY, s, 3) {
		add(atoi(s[m[6]:m[7]]), monthOf(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), m[2], m[7], false)
	}
	for _, m := range findAll(reNum, s, 4) {
		a, b := atoi(s[m[2]:m[3]]), atoi(s[m[6]:m[7]])
		y := atoi(s[m[8]:m[9]])
		if y < 100 {
			y += 2000
		}
		var day, mon int
		switch {
		case a > 12:
			day, mon = a, b
		case b > 12:
			day, mon = b, a
		case mdy:
			day, mon = b, a
		default:
			day, mon = a, b
		}
		add(y, mon, day, m[2], m[9], a <= 12 && b <= 12 && a != b)
	}
	// order by position
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Start < out[j-1].Start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// findAll is FindAllStringSubmatchIndex, except that the search resumes right after group g of
// each match (the date's last digit) rather than after the whole match, whose trailing
// non-digit the next date may need as its leading one ("01/10/2026-31/10/2026").
func findAll(re *regexp.Regexp, s string, g int) [][]int {
	var out [][]int
	for off := 0; off < len(s) && len(out) < 64; {
		m := re.FindStringSubmatchIndex(s[off:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += off
			}
		}
		out = append(out, m)
		next := m[2*g+1]
		if next <= off {
			next = off + 1
		}
		off = next
	}
	return out
}

func mkDate(y, m, d int) (time.Time, bool) {
	if y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}
