package mrz

import (
	"sort"
	"strings"
	"time"
)

// maxFits bounds the length repairs tried per line, and maxWindows the zones tried per page, so a
// page of noise cannot make Find slow.
const (
	maxFits    = 8
	maxWindows = 64
)

// Find locates the zone among the text lines of a page (OCR output, in reading order, with other
// text around it) and reads it. Lines whose length is off by a few characters, which OCR causes by
// dropping or doubling fillers, are repaired by stretching or shrinking a run of fillers; the
// repair that verifies best wins.
//
// It returns the best reading even when it does not verify (Result.Valid false); the error, a
// *kyc.Error with code DOC_FIELDS_UNREADABLE wrapping ErrNotFound, is for pages where nothing
// looks like a zone.
func Find(textLines []string, now time.Time) (*Result, error) {
	var cand []string
	for _, l := range textLines {
		// OCR adds stray marks at the ends of lines (| from a card edge, . or ,)
		n := strings.TrimFunc(normalise(l), func(r rune) bool {
			return !(r == '<' || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
		})
		if looksLikeZoneLine(n) {
			cand = append(cand, n)
		}
	}
	var best *Result
	bestScore := -1 << 30
	tried := 0
	consider := func(lines []string) {
		if tried >= maxWindows*maxFits {
			return
		}
		tried++
		lay, ok := detect(lines)
		if !ok {
			return
		}
		res := read(lay, lines, now)
		if s := score(res); s > bestScore {
			best, bestScore = res, s
		}
	}
	windows := 0
	for i := range cand {
		for _, shape := range shapes {
			if i+len(shape.lengths) > len(cand) || windows >= maxWindows {
				continue
			}
			fits := make([][]string, len(shape.lengths))
			ok := true
			for j, n := range shape.lengths {
				fits[j] = fit(cand[i+j], n, j == shape.namesLine)
				if len(fits[j]) == 0 {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			windows++
			combine(fits, consider)
		}
	}
	if best == nil {
		return nil, unreadable(ErrNotFound, "no machine-readable zone in the text")
	}
	return best, nil
}

// shape is a line-length pattern of a layout; namesLine is the line whose end is all fillers
// when the names are short, so missing fillers may be added there.
type shape struct {
	lengths   []int
	namesLine int
}

var shapes = []shape{
	{[]int{30, 30, 30}, 2},
	{[]int{44, 44}, 0},
	{[]int{36, 36}, 0},
	{[]int{9, 30, 30}, 2},
	{[]int{30}, -1},
}

// score ranks readings: verified zones first, then the number of verified check digits, then the
// fewest problems and corrections.
func score(r *Result) int {
	s := 0
	if r.Valid {
		s += 10000
	}
	for _, ok := range r.Checks {
		if ok {
			s += 100
		}
	}
	s -= 10 * len(r.Problems)
	s -= len(r.Corrections)
	return s
}

// looksLikeZoneLine keeps lines made (almost) only of the zone's alphabet that carry a filler or
// have a zone's exact length.
func looksLikeZoneLine(s string) bool {
	if len(s) < 9 || len(s) > 50 {
		return false
	}
	good := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '<' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			good++
		}
	}
	if good*10 < len(s)*9 {
		return false
	}
	switch len(s) {
	case 30, 36, 44:
		return true
	}
	return strings.Contains(s, "<")
}

// fit returns readings of line with exactly n characters: the line itself, or with its runs of
// fillers stretched or shrunk by the difference (at most 3), or, on a names line, padded with
// fillers at the end.
func fit(line string, n int, namesLine bool) []string {
	d := n - len(line)
	switch {
	case d == 0:
		return []string{line}
	case d > 3 && !(namesLine && len(line) >= n/3):
		return nil
	case d < -3:
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len(s) == n && !seen[s] && len(out) < maxFits {
			seen[s] = true
			out = append(out, s)
		}
	}
	if d > 0 && namesLine {
		add(line + strings.Repeat("<", d))
	}
	if d >= -3 && d <= 3 {
		type run struct{ at, n int }
		var runs []run
		for i := 0; i < len(line); {
			if line[i] != '<' {
				i++
				continue
			}
			j := i
			for j < len(line) && line[j] == '<' {
				j++
			}
			if j-i >= 2 {
				runs = append(runs, run{i, j - i})
			}
			i = j
		}
		sort.SliceStable(runs, func(a, b int) bool { return runs[a].n > runs[b].n })
		for _, r := range runs {
			if r.n+d < 1 {
				continue
			}
			add(line[:r.at] + strings.Repeat("<", r.n+d) + line[r.at+r.n:])
		}
	}
	return out
}

// combine calls f with every combination of one reading per line.
func combine(fits [][]string, f func([]string)) {
	lines := make([]string, len(fits))
	var rec func(i int)
	rec = func(i int) {
		if i == len(fits) {
			f(append([]string(nil), lines...))
			return
		}
		for _, s := range fits[i] {
			lines[i] = s
			rec(i + 1)
		}
	}
	rec(0)
}
