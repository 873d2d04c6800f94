package reading

import (
	"strings"
	"time"

	"github.com/kycd/kycd/mrz"
	"github.com/kycd/kycd/ocr"
)

// Character classes of zone positions, for choosing among the recogniser's alternatives once the
// layout is known: 'A' a letter, 'a' a letter or filler, 'N' a digit, 'n' a digit or filler,
// 'S' a sex code, 'C' a position of a three-letter country code (chosen as a whole among the known
// codes), 'x' anything (document and optional numbers mix letters and digits: there the check
// digits decide, in the mrz package).
var classChars = map[byte]string{
	'A': "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	'a': "ABCDEFGHIJKLMNOPQRSTUVWXYZ<",
	'N': "0123456789",
	'n': "0123456789<",
	'S': "MFX<",
}

func rep(c byte, n int) string { return strings.Repeat(string(c), n) }

// zoneTemplates give the class of every position of the ICAO 9303 layouts, line by line.
var zoneTemplates = map[mrz.Format][]string{
	mrz.TD3: {
		"aaCCC" + rep('a', 39),
		rep('x', 9) + "n" + "CCC" + rep('N', 7) + "S" + rep('N', 7) + rep('x', 14) + "n" + "N",
	},
	mrz.TD1: {
		"aaCCC" + rep('x', 9) + "n" + rep('x', 15),
		rep('N', 7) + "S" + rep('N', 7) + "CCC" + rep('x', 11) + "N",
		rep('a', 30),
	},
	mrz.TD2: {
		"aaCCC" + rep('a', 31),
		rep('x', 9) + "n" + "CCC" + rep('N', 7) + "S" + rep('N', 7) + rep('x', 7) + "N",
	},
	mrz.MRVA: {
		"aaCCC" + rep('a', 39),
		rep('x', 9) + "n" + "CCC" + rep('N', 7) + "S" + rep('N', 7) + rep('x', 16),
	},
	mrz.MRVB: {
		"aaCCC" + rep('a', 31),
		rep('x', 9) + "n" + "CCC" + rep('N', 7) + "S" + rep('N', 7) + rep('x', 8),
	},
}

// refineZone reads the zone again knowing its layout: at each position whose class is known the
// recogniser's best character of that class is taken (a '0' where only letters may stand becomes
// the letter the recogniser thought next likeliest, 'U' or 'O' as the glyph says, rather than a
// fixed look-alike). The new reading replaces the old one when it verifies better.
func refineZone(res *mrz.Result, lines []ocr.Line, now time.Time) *mrz.Result {
	tmpl, ok := zoneTemplates[res.Format]
	if !ok || len(tmpl) != len(res.Raw) {
		return res
	}
	out := make([]string, len(res.Raw))
	changed := false
	for i, raw := range res.Raw {
		out[i] = raw
		if len(tmpl[i]) != len(raw) {
			continue
		}
		chars := alignedZone(lines, raw)
		if chars == nil {
			continue
		}
		b := []byte(raw)
		for p := 0; p < len(b); p++ {
			if tmpl[i][p] == 'C' && p+3 <= len(b) {
				prefer := ""
				if i > 0 && len(out[0]) >= 5 { // the issuing state, line 1
					prefer = out[0][2:5]
				}
				if code := bestCode(chars[p:p+3], prefer); code != "" && code != string(b[p:p+3]) {
					copy(b[p:p+3], code)
					changed = true
				}
				p += 2
				continue
			}
			allowed, known := classChars[tmpl[i][p]]
			if !known || chars[p].P == nil {
				continue
			}
			if c := chars[p].Best(allowed); c != b[p] {
				b[p] = c
				changed = true
			}
		}
		out[i] = string(b)
	}
	if !changed {
		return res
	}
	again, err := mrz.Parse(out, now)
	if err != nil || zoneRank(again) <= zoneRank(res) {
		return res
	}
	return again
}

// bestCode chooses a three-character country code for three zone characters: the known code
// (mrz.KnownCode, fillers trimmed) whose characters the recogniser scored highest, where a
// character restored from geometry, or scored near zero, may be any letter at a small score. A
// letter read with confidence (confidentLetter) is kept: documents carry codes no list knows
// (specimens, new states), and a confident reading is not to be overruled by the list. It
// returns "" when no known code is within reach, or when two are equally likely and neither is
// prefer (the code read elsewhere on the document: a holder's nationality is most often the
// issuing state).
func bestCode(z []ocr.ZoneChar, prefer string) string {
	const floor = 0.02
	letters := classChars['a']
	score := func(c ocr.ZoneChar, ch byte) float64 {
		i := strings.IndexByte(ocr.MRZChars, ch)
		if c.Inferred || c.P == nil || i < 0 || i >= len(c.P) {
			return floor
		}
		if confidentLetter(c) && ch != c.Char {
			return 0
		}
		return max(float64(c.P[i]), floor/10)
	}
	best, bestScore, tied := "", 0.0, false
	code := make([]byte, 3)
	for _, a := range []byte(letters[:26]) {
		sa := score(z[0], a)
		for _, b := range []byte(letters) {
			sb := sa * score(z[1], b)
			if sb < bestScore {
				continue
			}
			for _, c := range []byte(letters) {
				sc := sb * score(z[2], c)
				if sc < bestScore || sc == 0 || (b == '<' && c != '<') {
					continue
				}
				code[0], code[1], code[2] = a, b, c
				if !mrz.KnownCode(strings.TrimRight(string(code), "<")) {
					continue
				}
				switch {
				case sc > bestScore:
					best, bestScore, tied = string(code), sc, false
				case string(code) == prefer:
					best, tied = prefer, false
				case best != prefer:
					tied = true
				}
			}
		}
	}
	if tied {
		return ""
	}
	return best
}

// confidentLetter reports whether a zone character was read as a letter or filler with a score
// of at least 0.6.
func confidentLetter(c ocr.ZoneChar) bool {
	i := strings.IndexByte(ocr.MRZChars, c.Char)
	return !c.Inferred && (c.Char == '<' || (c.Char >= 'A' && c.Char <= 'Z')) && i >= 0 && i < len(c.P) && c.P[i] >= 0.6
}

// alignedZone finds the OCR line that mrz.Find turned into raw and returns its characters one
// per position of raw. Find may have stretched or shrunk a run of fillers, or padded the line
// with fillers, to reach the layout's length; the same is done to the characters here (the
// fillers added carry no alternatives). It returns nil when no line matches.
func alignedZone(lines []ocr.Line, raw string) []ocr.ZoneChar {
	for _, z := range zoneReadings(lines) {
		s := zoneString(z)
		if s == raw {
			return z
		}
		d := len(raw) - len(s)
		if d == 0 || d > 3 && !strings.HasPrefix(raw, s) || d < -3 {
			continue
		}
		if d > 0 && raw == s+rep('<', d) {
			return append(append([]ocr.ZoneChar(nil), z...), fillers(d)...)
		}
		// A run of at least two fillers stretched or shrunk by d.
		for at := 0; at < len(s); {
			if s[at] != '<' {
				at++
				continue
			}
			end := at
			for end < len(s) && s[end] == '<' {
				end++
			}
			if n := end - at; n >= 2 && n+d >= 1 && s[:at]+rep('<', n+d)+s[end:] == raw {
				out := append([]ocr.ZoneChar(nil), z[:at]...)
				if d > 0 {
					out = append(out, z[at:end]...)
					out = append(out, fillers(d)...)
				} else {
					out = append(out, z[at:end+d]...)
				}
				return append(out, z[end:]...)
			}
			at = end
		}
	}
	return nil
}

// zoneReadings lists every zone reading of the lines: the main one and the alternative.
func zoneReadings(lines []ocr.Line) [][]ocr.ZoneChar {
	var out [][]ocr.ZoneChar
	for _, l := range lines {
		for _, z := range [][]ocr.ZoneChar{l.Zone, l.AltZone} {
			if len(z) > 0 {
				out = append(out, z)
			}
		}
	}
	return out
}

func zoneString(z []ocr.ZoneChar) string {
	b := make([]byte, len(z))
	for i, c := range z {
		b[i] = c.Char
	}
	return string(b)
}

func fillers(n int) []ocr.ZoneChar {
	out := make([]ocr.ZoneChar, n)
	for i := range out {
		out[i] = ocr.ZoneChar{Char: '<'}
	}
	return out
}

// nameFields gives, per layout, the zone line holding the name and where its field starts.
var nameFields = map[mrz.Format][2]int{
	mrz.TD3: {0, 5}, mrz.TD2: {0, 5}, mrz.MRVA: {0, 5}, mrz.MRVB: {0, 5}, mrz.TD1: {2, 0},
}

// nameSupport is the least score the recogniser must have given a printed name's letter at a
// zone position read otherwise for the printed letter to be taken there.
const nameSupport = 0.05

// reconcileNames reads a verified zone's name field again with the printed name in view: no
// check digit covers names, and a letter the recogniser scored second at a position (an N read
// as 2, an I read as a filler) is recovered when the confidently read printed name has it
// there. The printed name is taken only where the zone's own reading supports it at every
// position that differs (scored at least nameSupport, or a filler restored from geometry, which
// was not read at all); otherwise the zone is left as read, so that a print that really differs
// from its zone still shows as DATA_INTERNAL_INCONSISTENT.
func reconcileNames(res *mrz.Result, lines []ocr.Line, p *printed, now time.Time) *mrz.Result {
	if res == nil || !res.Valid || p == nil || p.Surname == "" || p.Given == "" || sameNames(res, p) ||
		minConf(p.Conf["surname"], p.Conf["given"]) < consistencyConfidence {
		return res
	}
	nf, ok := nameFields[res.Format]
	if !ok || nf[0] >= len(res.Raw) || len(res.Raw[nf[0]]) <= nf[1] {
		return res
	}
	raw := res.Raw[nf[0]]
	field := raw[nf[1]:]
	want, ok := zoneName(p.Surname, p.Given, len(field))
	if !ok {
		return res
	}
	chars := alignedZone(lines, raw)
	if chars == nil {
		return res
	}
	b := []byte(raw)
	for k := 0; k < len(field); k++ {
		if field[k] == want[k] {
			continue
		}
		c := chars[nf[1]+k]
		if i := strings.IndexByte(ocr.MRZChars, want[k]); !c.Inferred && (c.P == nil || i < 0 || i >= len(c.P) || c.P[i] < nameSupport) {
			return res
		}
		b[nf[1]+k] = want[k]
	}
	out := append([]string(nil), res.Raw...)
	out[nf[0]] = string(b)
	again, err := mrz.Parse(out, now)
	if err != nil || !again.Valid || !sameNames(again, p) {
		return res
	}
	return again
}

// zoneName writes a printed surname and given names as a zone's name field n characters long
// (SURNAME<<GIVEN<NAMES, fillers after), or reports that they do not fit or hold characters a
// zone cannot (a name the zone transliterates is left alone).
func zoneName(surname, given string, n int) (string, bool) {
	var b strings.Builder
	put := func(s string) bool {
		for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
			switch {
			case r >= 'A' && r <= 'Z':
				b.WriteRune(r)
			case r == ' ' || r == '-' || r == '\'':
				b.WriteByte('<')
			default:
				return false
			}
		}
		return true
	}
	if !put(surname) {
		return "", false
	}
	b.WriteString("<<")
	if !put(given) || b.Len() > n {
		return "", false
	}
	return b.String() + strings.Repeat("<", n-b.Len()), true
}
