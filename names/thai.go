package names

import "strings"

// A simplified Royal Thai General System of Transcription (RTGS), the system Thai passports use.
// Thai writes vowels around consonants and leaves some unwritten; this reader handles the common
// syllable shapes (leading vowels, the inherent o/a, final consonant values, the silencing mark)
// and is meant for comparing names, not for printing them.

// thaiConsonants: initial and final sound of each consonant ("" final: cannot close a syllable).
var thaiConsonants = map[rune][2]string{
	'ก': {"K", "K"}, 'ข': {"KH", "K"}, 'ฃ': {"KH", "K"}, 'ค': {"KH", "K"}, 'ฅ': {"KH", "K"},
	'ฆ': {"KH", "K"}, 'ง': {"NG", "NG"}, 'จ': {"CH", "T"}, 'ฉ': {"CH", "T"}, 'ช': {"CH", "T"},
	'ซ': {"S", "T"}, 'ฌ': {"CH", "T"}, 'ญ': {"Y", "N"}, 'ฎ': {"D", "T"}, 'ฏ': {"T", "T"},
	'ฐ': {"TH", "T"}, 'ฑ': {"TH", "T"}, 'ฒ': {"TH", "T"}, 'ณ': {"N", "N"}, 'ด': {"D", "T"},
	'ต': {"T", "T"}, 'ถ': {"TH", "T"}, 'ท': {"TH", "T"}, 'ธ': {"TH", "T"}, 'น': {"N", "N"},
	'บ': {"B", "P"}, 'ป': {"P", "P"}, 'ผ': {"PH", "P"}, 'ฝ': {"F", "P"}, 'พ': {"PH", "P"},
	'ฟ': {"F", "P"}, 'ภ': {"PH", "P"}, 'ม': {"M", "M"}, 'ย': {"Y", "I"}, 'ร': {"R", "N"},
	'ล': {"L", "N"}, 'ว': {"W", "O"}, 'ศ': {"S", "T"}, 'ษ': {"S", "T"}, 'ส': {"S", "T"},
	'ห': {"H", ""}, 'ฬ': {"L", "N"}, 'อ': {"", ""}, 'ฮ': {"H", ""},
}

// thaiFollowing are vowel signs written after (or above, below) the consonant.
var thaiFollowing = map[rune]string{
	'ะ': "A", 'ั': "A", 'า': "A", 'ำ': "AM", 'ิ': "I", 'ี': "I", 'ึ': "UE", 'ื': "UE", 'ุ': "U", 'ู': "U",
}

// thaiLeading are vowel signs written before the consonant they follow in speech.
var thaiLeading = map[rune]string{'เ': "E", 'แ': "AE", 'โ': "O", 'ใ': "AI", 'ไ': "AI"}

func isThai(r rune) bool { return r >= 0x0E00 && r <= 0x0E7F }

// thaiRTGS romanises one Thai word.
func thaiRTGS(word string) string {
	rs := []rune(word)
	// drop tone marks and the repetition sign; a consonant carrying the silencing mark (์),
	// with any vowel on it, is not pronounced
	var clean []rune
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '่', '้', '๊', '๋', 'ๆ', '็':
			continue
		case '์':
			// remove the silenced consonant (and a vowel sign between it and the mark)
			for len(clean) > 0 {
				last := clean[len(clean)-1]
				clean = clean[:len(clean)-1]
				if _, isCons := thaiConsonants[last]; isCons {
					break
				}
			}
			continue
		}
		clean = append(clean, r)
	}
	rs = clean
	isCons := func(i int) bool {
		if i < 0 || i >= len(rs) {
			return false
		}
		_, ok := thaiConsonants[rs[i]]
		return ok
	}
	var b strings.Builder
	for i := 0; i < len(rs); {
		lead := ""
		if v, ok := thaiLeading[rs[i]]; ok {
			lead = v
			i++
		}
		if !isCons(i) {
			if i < len(rs) {
				b.WriteString(foldLatin(rs[i]))
				i++
			}
			b.WriteString(lead)
			continue
		}
		// initial consonant, with a cluster of ร, ล, ว when a vowel follows the pair
		initial := thaiConsonants[rs[i]][0]
		i++
		if isCons(i) && (rs[i] == 'ร' || rs[i] == 'ล' || rs[i] == 'ว') && (lead != "" || thaiFollowing[at(rs, i+1)] != "") {
			initial += thaiConsonants[rs[i]][0]
			i++
		}
		vowel := lead
		if v, ok := thaiFollowing[at(rs, i)]; ok {
			switch {
			case lead == "E" && at(rs, i) == 'า':
				vowel = "AO"
			case lead != "" && (at(rs, i) == 'ิ' || at(rs, i) == 'ี') && at(rs, i+1) == 'ย':
				vowel = "IA"
				i++
			case lead == "E" && at(rs, i) == 'ื' && at(rs, i+1) == 'อ':
				vowel = "UEA"
				i++
			default:
				vowel = lead + v
				if lead != "" {
					vowel = lead
				}
			}
			i++
		} else if lead == "E" && at(rs, i) == 'อ' {
			vowel = "OE"
			i++
		} else if lead == "" && at(rs, i) == 'อ' && isCons(i+1) {
			vowel = "O" // อ as the vowel o between consonants
			i++
		} else if lead == "" && at(rs, i) == 'ว' && isCons(i+1) {
			vowel = "UA" // ว as the vowel ua
			i++
		}
		final := ""
		// a consonant closes the syllable unless a vowel sign follows it (then it starts the next)
		if isCons(i) && thaiFollowing[at(rs, i+1)] == "" && thaiLeading[at(rs, i)] == "" {
			if !(isCons(i+1) && thaiFollowing[at(rs, i+2)] == "" && vowel == "" && i+2 < len(rs)) || vowel != "" {
				final = thaiConsonants[rs[i]][1]
				i++
			}
		}
		if vowel == "" {
			if final != "" {
				vowel = "O" // inherent o of a closed syllable
			} else {
				vowel = "A" // inherent a of an open syllable
			}
		}
		if vowel == "A" && final == "I" {
			vowel, final = "AI", ""
		}
		b.WriteString(initial + vowel + final)
	}
	return b.String()
}

func at(rs []rune, i int) rune {
	if i < 0 || i >= len(rs) {
		return 0
	}
	return rs[i]
}
