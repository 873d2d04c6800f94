package names

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// latinICAO are the Latin letters ICAO 9303 Part 3 (section 6, Latin-based national characters)
// writes as more than their base letter, and the letters whose base letter NFD decomposition does
// not find (Ł, Đ, Ø, Þ, ß have no combining mark to strip).
var latinICAO = map[rune]string{
	'Ä': "AE", 'Å': "AA", 'Æ': "AE", 'Ö': "OE", 'Ø': "OE", 'Ü': "UE", 'Œ': "OE", 'Þ': "TH", 'ß': "SS",
	'ẞ': "SS", 'Ĳ': "IJ", 'Ł': "L", 'Đ': "D", 'Ð': "D", 'Ħ': "H", 'ı': "I", 'Ŀ': "L", 'Ŋ': "N",
	'Ŧ': "T", 'ĸ': "K", 'ſ': "S", 'Ƒ': "F", 'Ɖ': "D", 'Ǝ': "E", 'Ə': "A", 'ǝ': "E", 'ə': "A",
}

// foldLatin returns the MRZ spelling (A-Z) of one Latin letter, or "" for anything else.
func foldLatin(r rune) string {
	if r < 0x80 {
		switch {
		case r >= 'A' && r <= 'Z':
			return string(r)
		case r >= 'a' && r <= 'z':
			return string(r - 'a' + 'A')
		}
		return ""
	}
	up := unicode.ToUpper(r)
	if s, ok := latinICAO[up]; ok {
		return s
	}
	if s, ok := latinICAO[r]; ok {
		return s
	}
	if !unicode.Is(unicode.Latin, r) {
		return ""
	}
	// NFD: base letter followed by combining marks; keep the base if it is A-Z.
	var out strings.Builder
	for _, d := range norm.NFD.String(string(up)) {
		if d >= 'A' && d <= 'Z' {
			out.WriteRune(d)
		}
	}
	return out.String()
}

// isSeparator reports characters that separate name parts: spaces, hyphens, commas, the MRZ
// filler. Apostrophes and dots are dropped instead (O'CONNOR is OCONNOR, J.R. is JR); combining
// marks stay with their letter (Arabic harakat and Hebrew points are read by the word's table,
// Latin marks are folded).
func isSeparator(r rune) bool {
	switch r {
	case '-', '‐', '‑', '–', '—', ',', '<', '/', '_', '·', '・', '･':
		return true
	}
	return unicode.IsSpace(r) || unicode.IsDigit(r) || unicode.IsSymbol(r) || unicode.IsControl(r) ||
		(unicode.IsPunct(r) && !isDropped(r))
}

func isDropped(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´', '.', '"', 'ʹ', 'ʺ':
		return true
	}
	return false
}

// words splits s into name words: runs between separators, without dropped characters.
func words(s string) []string {
	s = norm.NFC.String(s)
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range s {
		if (r == '\'' || r == '’' || r == '\u05F3') && unicode.Is(unicode.Hebrew, prev) {
			// after a Hebrew letter an apostrophe is a geresh (ג׳ is J): keep it in the word
			cur = append(cur, '\u05F3')
			prev = r
			continue
		}
		prev = r
		switch {
		case isSeparator(r):
			flush()
		case isDropped(r):
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// Normalize renders a name in the form the MRZ would print it: ICAO 9303 transliteration of any
// script (Cyrillic read as Russian, Chinese as Hanyu Pinyin, ...), upper-case A-Z words separated
// by single spaces. It is the canonical form for storing and searching; Compare tries more than
// this one reading.
func Normalize(s string) string {
	var toks []string
	for _, w := range words(s) {
		rs := readingsOfWord(w)
		if len(rs) > 0 {
			toks = append(toks, rs[0].tokens...)
		}
	}
	return strings.Join(toks, " ")
}

// key is a loose spelling of a Latin token that absorbs the usual transliteration variants:
// umlauts written with or without E, KS/X, PH/F, Y/I, W/V, Q/K, KH/H and doubled letters.
func key(t string) string {
	if len(t) == 0 {
		return t
	}
	b := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		next := byte(0)
		if i+1 < len(t) {
			next = t[i+1]
		}
		switch {
		case (c == 'A' || c == 'O' || c == 'U') && next == 'E' && i > 0:
			b = append(b, c)
			i++
		case c == 'K' && next == 'S':
			b = append(b, 'X')
			i++
		case c == 'P' && next == 'H':
			b = append(b, 'F')
			i++
		case c == 'K' && next == 'H':
			b = append(b, 'H')
			i++
		case c == 'Y':
			b = append(b, 'I')
		case c == 'W':
			b = append(b, 'V')
		case c == 'Q':
			b = append(b, 'K')
		default:
			b = append(b, c)
		}
	}
	// collapse doubled letters
	out := b[:1]
	for i := 1; i < len(b); i++ {
		if b[i] != b[i-1] {
			out = append(out, b[i])
		}
	}
	return string(out)
}

// skeleton is the consonant outline of a Latin token, for comparing with abjad scripts (Arabic,
// Hebrew) that do not write short vowels: vowels dropped (Y and W too, except at the start),
// doubled letters collapsed, Q as K, and the digraphs of one sound kept as one letter.
func skeleton(t string) string {
	b := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch c {
		case 'A', 'E', 'I', 'O', 'U':
			continue
		case 'Y', 'W':
			if i > 0 {
				continue
			}
		case 'Q':
			c = 'K'
		case 'C':
			if i+1 < len(t) && t[i+1] == 'H' { // CH is one sound; K when it stands alone
				b = append(b, 'C', 'H')
				i++
				continue
			}
			c = 'K'
		}
		if n := len(b); n > 0 && b[n-1] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}
