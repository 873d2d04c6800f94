package names

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Tables derived from ICAO Doc 9303 Part 3 (8th edition, section 6: transliterations recommended
// for use by States). Upper case only; input is upper-cased first.

// cyrillicICAO is the ICAO column of the Cyrillic table (Russian reading; other languages
// override a few letters below).
var cyrillicICAO = map[rune]string{
	'А': "A", 'Б': "B", 'В': "V", 'Г': "G", 'Ґ': "G", 'Д': "D", 'Ђ': "D", 'Ѓ': "G", 'Е': "E", 'Ё': "E",
	'Є': "IE", 'Ж': "ZH", 'З': "Z", 'Ѕ': "DZ", 'И': "I", 'І': "I", 'Ї': "I", 'Й': "I", 'Ј': "J",
	'К': "K", 'Л': "L", 'Љ': "LJ", 'М': "M", 'Н': "N", 'Њ': "NJ", 'О': "O", 'П': "P", 'Р': "R",
	'С': "S", 'Т': "T", 'Ћ': "C", 'Ќ': "KJ", 'У': "U", 'Ў': "U", 'Ф': "F", 'Х': "KH", 'Ц': "TS",
	'Ч': "CH", 'Џ': "DZ", 'Ш': "SH", 'Щ': "SHCH", 'Ъ': "IE", 'Ы': "Y", 'Ь': "", 'Э': "E", 'Ю': "IU",
	'Я': "IA", 'Ѫ': "U", 'Һ': "C",
}

// cyrillicLang are the language exceptions: Ukrainian (И is Y, Г is H, as on Ukrainian
// passports), Belarusian, Bulgarian, Macedonian and Serbian (whose Latin alphabet the MRZ folds:
// Č, Š, Ž, Ć lose their marks, Đ is D).
var cyrillicLang = map[string]map[rune]string{
	"uk": {'И': "Y", 'Г': "H"},
	"be": {'Г': "H", 'Ё': "IO"},
	"bg": {'Щ': "SHT", 'Ъ': "A"},
	"mk": {'Ѓ': "GJ", 'Ќ': "KJ", 'Х': "H", 'Ц': "C", 'Џ': "DJ"},
	"sr": {'Ц': "C", 'Ч': "C", 'Ш': "S", 'Ж': "Z", 'Х': "H", 'Џ': "DZ", 'Ђ': "D"},
}

// greekICAO follows ELOT 743, the Greek passport standard ICAO 9303 Part 3 adopts: Β is V, Η is
// I, Φ is F, and a few vowel pairs are read together (greekPairs).
var greekICAO = map[rune]string{
	'Α': "A", 'Β': "V", 'Γ': "G", 'Δ': "D", 'Ε': "E", 'Ζ': "Z", 'Η': "I", 'Θ': "TH", 'Ι': "I",
	'Κ': "K", 'Λ': "L", 'Μ': "M", 'Ν': "N", 'Ξ': "X", 'Ο': "O", 'Π': "P", 'Ρ': "R", 'Σ': "S",
	'Τ': "T", 'Υ': "Y", 'Φ': "F", 'Χ': "CH", 'Ψ': "PS", 'Ω': "O",
}

var greekPairs = map[string]string{
	"ΟΥ": "OU", "ΑΥ": "AV", "ΕΥ": "EV", "ΗΥ": "IV", "ΓΓ": "NG", "ΓΞ": "NX", "ΓΧ": "NCH",
}

// arabicICAO is the MRZ transliteration of ICAO 9303 Part 3 for Arabic script (including the
// Persian, Urdu and Pashto letters). It marks the letters that Latin cannot tell apart with X
// (ح XH, خ XKH, ش XSH ...) so that the Arabic can be restored, and writes the harakat (short
// vowel marks, rarely written in names) as letters too. The hamza forms of alef, which the table
// does not list, read as A.
var arabicICAO = map[rune]string{
	'ا': "A", 'أ': "A", 'إ': "A", 'آ': "A", 'ٱ': "XXA", 'ء': "", 'ؤ': "W", 'ئ': "Y",
	'ب': "B", 'ت': "T", 'ث': "XTH", 'ج': "J", 'ح': "XH", 'خ': "XKH", 'د': "D", 'ذ': "XDH",
	'ر': "R", 'ز': "Z", 'س': "S", 'ش': "XSH", 'ص': "XSS", 'ض': "XDZ", 'ط': "XTT", 'ظ': "XZZ",
	'ع': "E", 'غ': "G", 'ف': "F", 'ق': "Q", 'ك': "K", 'ل': "L", 'م': "M", 'ن': "N", 'ه': "H",
	'و': "W", 'ى': "XAY", 'ي': "Y", 'ة': "P",
	'پ': "P", 'ٹ': "XXT", 'ټ': "XRT", 'ځ': "XKE", 'څ': "XXH", 'چ': "XC", 'ڈ': "XXD", 'ډ': "XDR",
	'ڑ': "XXR", 'ړ': "XRR", 'ږ': "XRX", 'ژ': "XJ", 'ښ': "XXS", 'ک': "XKK", 'ګ': "XXK", 'ڭ': "XNG",
	'گ': "XGG", 'ں': "XNN", 'ڼ': "XXN", 'ھ': "XDO", 'ۀ': "XYH", 'ہ': "XXG", 'ۂ': "XGE", 'ۃ': "XTG",
	'ی': "XYA", 'ۍ': "XXY", 'ې': "Y", 'ے': "XYB", 'ۓ': "XBE",
	'َ': "A", 'ً': "F", 'ِ': "I", 'ٍ': "K", 'ُ': "U", 'ٌ': "N", 'ْ': "O", 'ّ': "", 'ٰ': "",
}

// arabicSound reads Arabic letters by sound for comparing with names written in Latin by ear
// (MOHAMED for محمد): the long vowel letters and the guttural ع are left out of the consonant
// outline, and the X marks of the MRZ table are not used.
var arabicSound = map[rune]string{
	'ا': "", 'أ': "", 'إ': "", 'آ': "", 'ٱ': "", 'ء': "", 'ؤ': "", 'ئ': "", 'ع': "", 'ى': "", 'ة': "",
	'ب': "B", 'ت': "T", 'ث': "TH", 'ج': "J", 'ح': "H", 'خ': "KH", 'د': "D", 'ذ': "DH", 'ر': "R",
	'ز': "Z", 'س': "S", 'ش': "SH", 'ص': "S", 'ض': "D", 'ط': "T", 'ظ': "Z", 'غ': "GH", 'ف': "F",
	'ق': "K", 'ك': "K", 'ل': "L", 'م': "M", 'ن': "N", 'ه': "H", 'و': "W", 'ي': "Y", 'پ': "P",
	'چ': "CH", 'ژ': "ZH", 'ک': "K", 'گ': "G", 'ی': "Y",
}

// hebrewICAO reads Hebrew letters without points; ambiguous letters (ב B/V, ו V/vowel, כ K/KH,
// פ P/F, ש S/SH, י Y/vowel) get the reading of the unpointed letter here, the alternatives in
// hebrewAlt. ICAO 9303 Part 3 has no Hebrew table; this follows the pointed/unpointed readings
// of the common Israeli practice (as Arg0s1080/mrz's experimental table does).
var hebrewICAO = map[rune]string{
	'א': "", 'ב': "V", 'ג': "G", 'ד': "D", 'ה': "H", 'ו': "V", 'ז': "Z", 'ח': "CH", 'ט': "T",
	'י': "Y", 'כ': "CH", 'ך': "CH", 'ל': "L", 'מ': "M", 'ם': "M", 'נ': "N", 'ן': "N", 'ס': "S",
	'ע': "", 'פ': "F", 'ף': "F", 'צ': "TZ", 'ץ': "TZ", 'ק': "Q", 'ר': "R", 'ש': "S", 'ת': "T",
}

// hebrewDagesh are the letters a dagesh (or, for ו, the shuruk) changes.
var hebrewDagesh = map[rune]string{'ב': "B", 'כ': "K", 'ך': "K", 'פ': "P", 'ף': "P", 'ו': "U"}

// hebrewGeresh are the letters a geresh turns into foreign sounds.
var hebrewGeresh = map[rune]string{'ג': "J", 'ד': "DH", 'ז': "ZH", 'צ': "TSH", 'ץ': "TSH", 'ת': "T"}

// hebrewPoints are the vowel points.
var hebrewPoints = map[rune]string{
	'\u05B0': "E", '\u05B1': "E", '\u05B2': "A", '\u05B3': "O", '\u05B4': "I", '\u05B5': "E",
	'\u05B6': "E", '\u05B7': "A", '\u05B8': "O", '\u05B9': "O", '\u05BA': "O", '\u05BB': "U",
}

// hebrewDiphthong is a vowel point followed by yod (qamats with yod is AI, hiriq with yod a long I).
var hebrewDiphthong = map[rune]string{
	'\u05B2': "AI", '\u05B3': "OI", '\u05B4': "I", '\u05B5': "EI", '\u05B6': "EI", '\u05B7': "AI",
	'\u05B8': "AI", '\u05B9': "OI", '\u05BA': "OI", '\u05BB': "UI",
}

var hebrewAlt = map[rune][]string{
	'ב': {"B"}, 'ו': {"", "O", "U"}, 'כ': {"K"}, 'פ': {"P"}, 'ש': {"SH"}, 'י': {"", "I"}, 'ה': {""},
	'ח': {"H", "KH"}, 'ק': {"K"}, 'צ': {"TS", "Z"},
}

// hebrewWord transliterates a Hebrew word, pointed or not: dagesh, shin and sin dots, geresh and
// vowel points are read; a vowel point followed by yod is a diphthong (EI, AI, OI, UI).
func hebrewWord(w string) string {
	rs := []rune(norm.NFD.String(w))
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if v, ok := hebrewPoints[r]; ok {
			if at(rs, i+1) == 'י' && r != '\u05B0' && r != '\u05B1' {
				b.WriteString(hebrewDiphthong[r])
				i++
				for i+1 < len(rs) && (rs[i+1] == '\u05B0' || rs[i+1] == '\u202C') {
					i++
				}
				continue
			}
			b.WriteString(v)
			continue
		}
		base, ok := hebrewICAO[r]
		if !ok {
			if !unicode.Is(unicode.Mn, r) && r != '\u202C' && r != '\u05F3' {
				b.WriteString(foldLatin(r))
			}
			continue
		}
		// marks on this letter
		var dagesh, shin, sin, geresh bool
		for i+1 < len(rs) {
			switch rs[i+1] {
			case '\u05BC':
				dagesh = true
			case '\u05C1':
				shin = true
			case '\u05C2':
				sin = true
			case '\u05F3', '\'':
				geresh = true
			case '\u202C':
			default:
				goto done
			}
			i++
		}
	done:
		switch {
		case geresh && hebrewGeresh[r] != "":
			base = hebrewGeresh[r]
		case r == 'ש' && shin && !sin && !dagesh:
			base = "SH"
		case r == 'ש':
			base = "S"
		case r == 'ו' && dagesh:
			if at(rs, i+1) == 'י' {
				b.WriteString("UI")
				i++
				for i+1 < len(rs) && (rs[i+1] == '\u05B0' || rs[i+1] == '\u202C') {
					i++
				}
				continue
			}
			base = "U"
		case dagesh && hebrewDagesh[r] != "":
			base = hebrewDagesh[r]
		}
		b.WriteString(base)
	}
	return b.String()
}

// Transliterate writes s as ICAO 9303 Part 3 writes names in the MRZ: upper-case A-Z words
// separated by single spaces. lang chooses the Cyrillic variant ("ru" by default, "uk", "be",
// "bg", "mk", "sr"); other scripts ignore it. Chinese, Japanese, Korean and Thai, which ICAO
// leaves to the issuing State, are romanised as their States do (Hanyu Pinyin, Hepburn, Revised
// Romanisation, RTGS).
func Transliterate(s, lang string) string {
	var toks []string
	for _, w := range words(s) {
		var t []string
		switch scriptOf(w) {
		case scriptCyrillic:
			t = []string{cyrillicWord(w, lang)}
		default:
			if rs := readingsOfWord(w); len(rs) > 0 {
				t = rs[0].tokens
			}
		}
		for _, x := range t {
			if x != "" {
				toks = append(toks, x)
			}
		}
	}
	return strings.Join(toks, " ")
}

// cyrillicWord transliterates one Cyrillic word with the ICAO table and a language's exceptions.
func cyrillicWord(w, lang string) string {
	over := cyrillicLang[lang]
	var b strings.Builder
	for _, r := range w {
		u := unicode.ToUpper(r)
		if s, ok := over[u]; ok {
			b.WriteString(s)
		} else if s, ok := cyrillicICAO[u]; ok {
			b.WriteString(s)
		} else {
			b.WriteString(foldLatin(r))
		}
	}
	return b.String()
}

// mvd782Word is the Russian passport transliteration of 2010-2013 (order 782 of the Ministry of
// Internal Affairs, iuliia's mvd_782): YA/YU/YO for Я/Ю/Ё, Y for Й, YE for Е after a vowel. Many
// Russians still write their names this way, so it is compared too.
func mvd782Word(w string) string {
	rs := []rune(strings.ToUpper(w))
	isVowel := func(r rune) bool { return strings.ContainsRune("АЕЁИОУЫЭЮЯ", r) }
	var b strings.Builder
	for i, r := range rs {
		var prev, next rune
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch r {
		case 'Е':
			if prev != 0 && (isVowel(prev) || prev == 'Ъ' || prev == 'Ь') {
				b.WriteString("YE")
			} else {
				b.WriteString("E")
			}
		case 'Ё':
			switch {
			case prev == 'Ж' || prev == 'Ч' || prev == 'Ш' || prev == 'Щ':
				b.WriteString("E")
			case prev != 0 && !isVowel(prev) && prev != 'Ъ' && prev != 'Ь':
				b.WriteString("YE")
			default:
				b.WriteString("YO")
			}
		case 'И':
			if prev == 'Ь' {
				b.WriteString("YI")
			} else {
				b.WriteString("I")
			}
		case 'Й':
			b.WriteString("Y")
		case 'Ъ', 'Ь':
			_ = next
		case 'Ю':
			b.WriteString("YU")
		case 'Я':
			b.WriteString("YA")
		default:
			if s, ok := cyrillicICAO[r]; ok {
				b.WriteString(s)
			} else {
				b.WriteString(foldLatin(r))
			}
		}
	}
	return b.String()
}

// greekWord transliterates one Greek word (accents and diaeresis removed first).
func greekWord(w string) string {
	var rs []rune
	for _, r := range w {
		u := unicode.ToUpper(r)
		switch u {
		case 'Ά':
			u = 'Α'
		case 'Έ':
			u = 'Ε'
		case 'Ή':
			u = 'Η'
		case 'Ί', 'Ϊ', 'ΐ':
			u = 'Ι'
		case 'Ό':
			u = 'Ο'
		case 'Ύ', 'Ϋ', 'ΰ':
			u = 'Υ'
		case 'Ώ':
			u = 'Ω'
		case 'ς':
			u = 'Σ'
		}
		rs = append(rs, u)
	}
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		if i+1 < len(rs) {
			if s, ok := greekPairs[string(rs[i:i+2])]; ok {
				b.WriteString(s)
				i++
				continue
			}
		}
		if s, ok := greekICAO[rs[i]]; ok {
			b.WriteString(s)
		} else {
			b.WriteString(foldLatin(rs[i]))
		}
	}
	return b.String()
}

// arabicWord transliterates one Arabic-script word with table t.
func arabicWord(w string, t map[rune]string) string {
	var b strings.Builder
	for _, r := range w {
		if s, ok := t[r]; ok {
			b.WriteString(s)
		} else if unicode.Is(unicode.Mn, r) || r == 'ـ' {
			continue
		} else {
			b.WriteString(foldLatin(r))
		}
	}
	return b.String()
}

// arabicSkeletons is the consonant outline of an Arabic word, read by sound. A word-initial و or
// ي is a consonant (W, Y) and stays; elsewhere those letters are mostly long vowels and go.
func arabicSkeletons(w string) string {
	rs := []rune(w)
	var b strings.Builder
	for i, r := range rs {
		if (r == 'و' || r == 'ي') && i > 0 {
			continue
		}
		if s, ok := arabicSound[r]; ok {
			b.WriteString(s)
		}
	}
	return skeleton(b.String())
}

// hebrewReadings are the readings of a Hebrew word: the table's and, for up to three ambiguous
// letters, their alternatives.
func hebrewReadings(w string) []string {
	rs := []rune(w)
	outs := []string{""}
	ambiguous := 0
	for i, r := range rs {
		main, ok := hebrewICAO[r]
		if !ok {
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			main = foldLatin(r)
		}
		opts := []string{main}
		if alts, ok := hebrewAlt[r]; ok && ambiguous < 3 {
			if r == 'ה' && i != len(rs)-1 {
				alts = nil // only a final he is silent
			}
			if len(alts) > 0 {
				ambiguous++
				opts = append(opts, alts...)
			}
		}
		var next []string
		for _, o := range outs {
			for _, p := range opts {
				next = append(next, o+p)
			}
		}
		outs = next
	}
	return dedupe(append([]string{hebrewWord(w)}, outs...))
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
