package names

import "strings"

// Revised Romanisation of Korean (2000), syllable by syllable, as South Korean passports write
// given names (no sound changes across syllables).
var (
	hangulInitials = []string{"G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "", "J", "JJ", "CH", "K", "T", "P", "H"}
	hangulVowels   = []string{"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WO", "WE", "WI", "YU", "EU", "UI", "I"}
	hangulFinals   = []string{"", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P", "P", "T", "T", "NG", "T", "T", "K", "T", "P", "T"}
)

// koreanSurnames are the spellings Koreans use for their surnames, which rarely follow the
// Revised Romanisation (김 is KIM, not GIM; 이 is LEE, YI, RHEE or I).
var koreanSurnames = map[string][]string{
	"김": {"KIM", "GIM"}, "이": {"LEE", "YI", "RHEE", "I"}, "박": {"PARK", "PAK", "BAK"},
	"최": {"CHOI", "CHOE"}, "정": {"JUNG", "JEONG", "CHUNG", "JONG"}, "강": {"KANG", "GANG"},
	"조": {"CHO", "JO"}, "윤": {"YOON", "YUN"}, "장": {"JANG", "CHANG"}, "임": {"LIM", "IM", "YIM"},
	"한": {"HAN"}, "오": {"OH", "O"}, "서": {"SEO", "SUH"}, "신": {"SHIN", "SIN"},
	"권": {"KWON", "GWON"}, "황": {"HWANG"}, "안": {"AHN", "AN"}, "송": {"SONG"},
	"류": {"RYU", "YOO", "YU"}, "유": {"YOO", "YU"}, "홍": {"HONG"}, "전": {"JEON", "CHUN", "JUN"},
	"고": {"KO", "GO"}, "문": {"MOON", "MUN"}, "양": {"YANG"}, "손": {"SON", "SOHN"},
	"배": {"BAE", "PAE"}, "백": {"BAEK", "PAIK"}, "허": {"HEO", "HUH"}, "노": {"NOH", "ROH", "NO"},
	"남": {"NAM"}, "심": {"SHIM", "SIM"}, "곽": {"KWAK", "GWAK"}, "성": {"SUNG", "SEONG"},
	"차": {"CHA"}, "주": {"JOO", "JU", "CHU"}, "우": {"WOO", "U"}, "구": {"KOO", "KU", "GU"},
	"민": {"MIN"}, "진": {"JIN", "CHIN"}, "나": {"NA", "RA"}, "지": {"JI", "CHI"},
	"엄": {"EOM", "UM"}, "채": {"CHAE"}, "원": {"WON"}, "천": {"CHUN", "CHEON"},
	"방": {"BANG", "PANG"}, "공": {"KONG", "GONG"}, "현": {"HYUN", "HYEON"}, "함": {"HAM"},
	"변": {"BYUN", "BYEON"}, "염": {"YEOM", "YUM"}, "여": {"YEO", "YOH"}, "추": {"CHOO", "CHU"},
	"도": {"DO", "TO"}, "소": {"SO"}, "석": {"SEOK", "SUK"}, "선": {"SUN", "SEON"},
	"설": {"SEOL", "SUL"}, "마": {"MA"}, "길": {"GIL", "KIL"}, "연": {"YEON", "YUN"},
	"위": {"WI", "WEE"}, "표": {"PYO"}, "명": {"MYUNG", "MYEONG"}, "기": {"KI", "GI"},
	"반": {"BAN", "PAN"}, "왕": {"WANG"}, "금": {"KEUM", "GEUM"}, "옥": {"OK"}, "육": {"YOOK", "YUK"},
	"인": {"IN"}, "맹": {"MAENG"}, "제": {"JE", "JAE"}, "모": {"MO"}, "탁": {"TAK"},
	"국": {"KOOK", "GUK"}, "어": {"EO", "UH"}, "편": {"PYUN", "PYEON"}, "용": {"YONG"},
	"남궁": {"NAMGOONG", "NAMGUNG"}, "황보": {"HWANGBO"}, "제갈": {"JEGAL"}, "선우": {"SUNWOO", "SEONU"},
	"독고": {"DOKGO"}, "사공": {"SAGONG"},
}

// maxKoreanReadings bounds the spelling combinations of one Korean name.
const maxKoreanReadings = 32

func isHangul(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

// hangulSyllable returns the Revised Romanisation of one syllable and the usual passport
// variants: EO and EU written U (성 SUNG, 은 UN), EO written O as McCune-Reischauer does
// (정 JONG), and the unvoiced initials K, T, P, CH of McCune-Reischauer.
func hangulSyllable(r rune) []string {
	if !isHangul(r) {
		return []string{foldLatin(r)} // a Latin letter or a lone jamo mixed into the word
	}
	c := int(r - 0xAC00)
	l, v, t := c/588, c%588/28, c%28
	rr := hangulInitials[l] + hangulVowels[v] + hangulFinals[t]
	out := []string{rr}
	vow := hangulVowels[v]
	if strings.Contains(vow, "EO") || strings.Contains(vow, "EU") {
		u := strings.NewReplacer("EO", "U", "EU", "U").Replace(vow)
		out = append(out, hangulInitials[l]+u+hangulFinals[t])
		o := strings.NewReplacer("EO", "O", "EU", "U").Replace(vow)
		out = append(out, hangulInitials[l]+o+hangulFinals[t])
	}
	if mr, ok := map[string]string{"G": "K", "D": "T", "B": "P", "J": "CH"}[hangulInitials[l]]; ok {
		for _, s := range append([]string(nil), out...) {
			out = append(out, mr+strings.TrimPrefix(s, hangulInitials[l]))
		}
	}
	return dedupe(out)
}

// koreanReadings reads a Hangul word: as a full name the first syllable (or two, for the
// two-syllable surnames) is the surname in its usual spellings, every other syllable a token.
func koreanReadings(word string, role role) []reading {
	rs := []rune(word)
	surLen := 0
	switch role {
	case roleSurname:
		surLen = len(rs)
	case roleFull:
		if len(rs) >= 2 {
			surLen = 1
			if len(rs) >= 3 {
				if _, ok := koreanSurnames[string(rs[:2])]; ok {
					surLen = 2
				}
			}
		}
	}
	var surnames []string
	if surLen > 0 {
		if s, ok := koreanSurnames[string(rs[:surLen])]; ok {
			surnames = s
		} else {
			var b strings.Builder
			for _, r := range rs[:surLen] {
				b.WriteString(hangulSyllable(r)[0])
			}
			surnames = []string{b.String()}
		}
	}
	givens := [][]string{nil}
	for _, r := range rs[surLen:] {
		var next [][]string
		for _, g := range givens {
			for _, s := range hangulSyllable(r) {
				if len(next) < maxKoreanReadings {
					next = append(next, append(append([]string(nil), g...), s))
				}
			}
		}
		givens = next
	}
	var out []reading
	if surnames == nil {
		surnames = []string{""}
	}
	for _, s := range surnames {
		for _, g := range givens {
			var toks []string
			n := 0
			if s != "" {
				toks, n = []string{s}, 1
			}
			out = append(out, reading{tokens: append(toks, g...), method: "korean", surname: n})
			if len(out) >= maxKoreanReadings {
				return out
			}
		}
	}
	return out
}
