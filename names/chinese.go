package names

import (
	"strings"

	"github.com/mozillazg/go-pinyin"
)

// surnameReadings are the Hanyu Pinyin spellings of Chinese surnames whose reading as a surname
// differs from the character's everyday reading (which is what go-pinyin returns), and the
// compound surnames, so that 曾 is ZENG and not CENG, 单 SHAN and not DAN. The first spelling is
// the one PRC passports print; 吕 is LYU on passports issued since 2012 and LU or LV before.
var surnameReadings = map[string][]string{
	"曾": {"ZENG"}, "单": {"SHAN"}, "解": {"XIE"}, "区": {"OU"}, "吕": {"LYU", "LU", "LV"},
	"朴": {"PIAO"}, "仇": {"QIU"}, "查": {"ZHA"}, "盖": {"GE"}, "覃": {"QIN"}, "尉迟": {"YUCHI"},
	"乐": {"YUE", "LE"}, "便": {"PIAN"}, "卜": {"BU"}, "重": {"CHONG"}, "种": {"CHONG"},
	"秘": {"BI"}, "缪": {"MIAO"}, "翟": {"ZHAI"}, "繁": {"PO"}, "句": {"GOU"}, "阚": {"KAN"},
	"员": {"YUN"}, "祭": {"ZHAI"}, "朝": {"CHAO"}, "隗": {"WEI"}, "召": {"SHAO"}, "宓": {"MI"},
	"沈": {"SHEN"}, "贾": {"JIA"}, "薄": {"BO"}, "柏": {"BAI"}, "藏": {"ZANG"}, "都": {"DU"},
	"华": {"HUA"}, "任": {"REN"}, "折": {"SHE"}, "纪": {"JI"}, "尉": {"YU", "WEI"}, "和": {"HE"},
	"盛": {"SHENG"}, "车": {"CHE"}, "过": {"GUO"}, "牟": {"MU", "MOU"}, "那": {"NA"}, "能": {"NAI"},
	"黑": {"HE"}, "参": {"SHEN"}, "隽": {"JUAN"}, "相": {"XIANG"}, "宿": {"SU"}, "少": {"SHAO"},
	"厍": {"SHE"}, "褚": {"CHU"}, "冼": {"XIAN"}, "洗": {"XIAN"}, "乘": {"SHENG"}, "石": {"SHI"},
	"万": {"WAN"}, "长": {"CHANG"}, "大": {"DA"}, "行": {"XING"}, "蕃": {"PI"}, "雍": {"YONG"},
	"期": {"QI"}, "眭": {"SUI"}, "郇": {"XUN"}, "阿": {"A"}, "恽": {"YUN"}, "谌": {"CHEN"},
	"令狐": {"LINGHU"}, "欧阳": {"OUYANG"}, "司马": {"SIMA"}, "上官": {"SHANGGUAN"},
	"诸葛": {"ZHUGE"}, "东方": {"DONGFANG"}, "皇甫": {"HUANGFU"}, "慕容": {"MURONG"},
	"夏侯": {"XIAHOU"}, "司徒": {"SITU"}, "公孙": {"GONGSUN"}, "澹台": {"TANTAI"},
	"宇文": {"YUWEN"}, "端木": {"DUANMU"}, "轩辕": {"XUANYUAN"}, "呼延": {"HUYAN"},
	"西门": {"XIMEN"}, "南宫": {"NANGONG"}, "闻人": {"WENREN"}, "申屠": {"SHENTU"},
	"长孙": {"ZHANGSUN"}, "万俟": {"MOQI"}, "第五": {"DIWU"}, "司空": {"SIKONG"},
	"钟离": {"ZHONGLI"}, "宗政": {"ZONGZHENG"}, "濮阳": {"PUYANG"}, "淳于": {"CHUNYU"},
	"太叔": {"TAISHU"}, "公冶": {"GONGYE"}, "赫连": {"HELIAN"}, "百里": {"BAILI"},
}

// maxGivenReadings bounds the heteronym combinations tried for a given name.
const maxGivenReadings = 8

// hanPinyin returns the toneless pinyin of each character (the go-pinyin default reading first,
// then its other readings), upper case, with ü as YU (the passport spelling of lü, nü) and
// its other spellings U and V as further readings.
func hanPinyin(word string) [][]string {
	a := pinyin.NewArgs()
	a.Heteronym = true
	a.Fallback = func(r rune, _ pinyin.Args) []string { return []string{foldLatin(r)} }
	var out [][]string
	for _, readings := range pinyin.Pinyin(word, a) {
		var opts []string
		for _, p := range readings {
			opts = append(opts, uSpellings(strings.ToUpper(p))...)
		}
		out = append(out, dedupe(opts))
	}
	return out
}

// uSpellings writes the ü of lü/nü (go-pinyin's V) as passports do: LYU, NYU (and LYUE), then
// the older spellings LU and LV.
func uSpellings(p string) []string {
	if !strings.Contains(p, "V") {
		return []string{p}
	}
	return []string{strings.ReplaceAll(p, "V", "YU"), strings.ReplaceAll(p, "V", "U"), p}
}

// chineseReadings are the readings of a name written in Chinese characters with no space, every
// syllable a token. As a full name (role full) the first character, or two for the compound
// surnames, is the surname, read from surnameReadings or pinyin; as a surname the whole word is;
// as a given name none is. Heteronyms of given-name characters are tried, at most
// maxGivenReadings combinations.
func chineseReadings(word string, role role) []reading {
	rs := []rune(word)
	if len(rs) == 0 {
		return nil
	}
	syll := hanPinyin(word)
	if len(syll) != len(rs) {
		return nil
	}
	surLen := 0
	switch role {
	case roleSurname:
		surLen = len(rs)
	case roleFull:
		surLen = 1
		if len(rs) >= 3 {
			if _, ok := surnameReadings[string(rs[:2])]; ok {
				surLen = 2
			}
		}
	}
	surnames := []string{""}
	if surLen > 0 {
		if t, ok := surnameReadings[string(rs[:surLen])]; ok {
			surnames = t
		} else {
			var b strings.Builder
			for i := 0; i < surLen; i++ {
				b.WriteString(syll[i][0])
			}
			surnames = []string{b.String()}
			if surLen == 1 {
				for _, alt := range syll[0][1:] {
					if len(surnames) < 3 {
						surnames = append(surnames, alt)
					}
				}
			}
		}
	}
	givens := [][]string{nil}
	for i := surLen; i < len(rs); i++ {
		var next [][]string
		for _, g := range givens {
			for j, p := range syll[i] {
				if j > 0 && len(next) >= maxGivenReadings {
					break
				}
				next = append(next, append(append([]string(nil), g...), p))
			}
		}
		givens = next
	}
	var out []reading
	for _, s := range surnames {
		for _, g := range givens {
			var toks []string
			n := 0
			if s != "" {
				toks, n = append(toks, s), 1
			}
			toks = append(toks, g...)
			out = append(out, reading{tokens: toks, method: "pinyin", surname: n})
		}
	}
	return out
}
