package names

import (
	"strings"
	"unicode"
)

// kana are the Hepburn spellings of the hiragana (katakana are mapped onto them), as Japanese
// passports write names (Ministry of Foreign Affairs Hepburn: no macrons).
var kana = map[rune]string{
	'あ': "A", 'い': "I", 'う': "U", 'え': "E", 'お': "O",
	'か': "KA", 'き': "KI", 'く': "KU", 'け': "KE", 'こ': "KO",
	'さ': "SA", 'し': "SHI", 'す': "SU", 'せ': "SE", 'そ': "SO",
	'た': "TA", 'ち': "CHI", 'つ': "TSU", 'て': "TE", 'と': "TO",
	'な': "NA", 'に': "NI", 'ぬ': "NU", 'ね': "NE", 'の': "NO",
	'は': "HA", 'ひ': "HI", 'ふ': "FU", 'へ': "HE", 'ほ': "HO",
	'ま': "MA", 'み': "MI", 'む': "MU", 'め': "ME", 'も': "MO",
	'や': "YA", 'ゆ': "YU", 'よ': "YO",
	'ら': "RA", 'り': "RI", 'る': "RU", 'れ': "RE", 'ろ': "RO",
	'わ': "WA", 'ゐ': "I", 'ゑ': "E", 'を': "O", 'ん': "N",
	'が': "GA", 'ぎ': "GI", 'ぐ': "GU", 'げ': "GE", 'ご': "GO",
	'ざ': "ZA", 'じ': "JI", 'ず': "ZU", 'ぜ': "ZE", 'ぞ': "ZO",
	'だ': "DA", 'ぢ': "JI", 'づ': "ZU", 'で': "DE", 'ど': "DO",
	'ば': "BA", 'び': "BI", 'ぶ': "BU", 'べ': "BE", 'ぼ': "BO",
	'ぱ': "PA", 'ぴ': "PI", 'ぷ': "PU", 'ぺ': "PE", 'ぽ': "PO",
	'ぁ': "A", 'ぃ': "I", 'ぅ': "U", 'ぇ': "E", 'ぉ': "O", 'ゔ': "VU",
}

// kanaYoon are the contracted sounds written with a small ya/yu/yo.
var kanaYoon = map[string]string{
	"SHI": "SH", "CHI": "CH", "JI": "J",
}

// japaneseSurnames and japaneseGivenNames give the passport spelling of common names written in
// kanji, whose reading no rule derives (山田 is YAMADA, not the Mandarin SHAN TIAN). The lists
// hold the most frequent surnames and a selection of frequent given names; names outside them
// are compared through their Mandarin reading and fail unless written in kana.
var japaneseSurnames = map[string]string{
	"佐藤": "SATO", "鈴木": "SUZUKI", "高橋": "TAKAHASHI", "田中": "TANAKA", "伊藤": "ITO",
	"渡辺": "WATANABE", "渡邊": "WATANABE", "渡部": "WATANABE", "山本": "YAMAMOTO", "中村": "NAKAMURA",
	"小林": "KOBAYASHI", "加藤": "KATO", "吉田": "YOSHIDA", "山田": "YAMADA", "佐々木": "SASAKI",
	"山口": "YAMAGUCHI", "松本": "MATSUMOTO", "井上": "INOUE", "木村": "KIMURA", "林": "HAYASHI",
	"斎藤": "SAITO", "斉藤": "SAITO", "清水": "SHIMIZU", "山崎": "YAMAZAKI", "森": "MORI",
	"池田": "IKEDA", "橋本": "HASHIMOTO", "阿部": "ABE", "石川": "ISHIKAWA", "山下": "YAMASHITA",
	"中島": "NAKAJIMA", "石井": "ISHII", "小川": "OGAWA", "前田": "MAEDA", "岡田": "OKADA",
	"長谷川": "HASEGAWA", "藤田": "FUJITA", "後藤": "GOTO", "近藤": "KONDO", "村上": "MURAKAMI",
	"遠藤": "ENDO", "青木": "AOKI", "坂本": "SAKAMOTO", "福田": "FUKUDA", "太田": "OTA",
	"西村": "NISHIMURA", "藤井": "FUJII", "金子": "KANEKO", "岡本": "OKAMOTO", "藤原": "FUJIWARA",
	"中野": "NAKANO", "三浦": "MIURA", "原田": "HARADA", "中川": "NAKAGAWA", "松田": "MATSUDA",
	"竹内": "TAKEUCHI", "小野": "ONO", "田村": "TAMURA", "中山": "NAKAYAMA", "和田": "WADA",
	"石田": "ISHIDA", "森田": "MORITA", "上田": "UEDA", "原": "HARA", "内田": "UCHIDA",
	"柴田": "SHIBATA", "酒井": "SAKAI", "宮崎": "MIYAZAKI", "横山": "YOKOYAMA", "高木": "TAKAGI",
	"安藤": "ANDO", "宮本": "MIYAMOTO", "大野": "ONO", "小島": "KOJIMA", "谷口": "TANIGUCHI",
	"今井": "IMAI", "工藤": "KUDO", "高田": "TAKADA", "増田": "MASUDA", "丸山": "MARUYAMA",
	"杉山": "SUGIYAMA", "村田": "MURATA", "大塚": "OTSUKA", "新井": "ARAI", "小山": "KOYAMA",
	"平野": "HIRANO", "藤本": "FUJIMOTO", "河野": "KONO", "上野": "UENO", "野口": "NOGUCHI",
	"武田": "TAKEDA", "松井": "MATSUI", "千葉": "CHIBA", "岩崎": "IWASAKI", "菅原": "SUGAWARA",
	"木下": "KINOSHITA", "久保": "KUBO", "佐野": "SANO", "野村": "NOMURA", "松尾": "MATSUO",
	"市川": "ICHIKAWA", "菊地": "KIKUCHI", "菊池": "KIKUCHI", "杉本": "SUGIMOTO", "古川": "FURUKAWA",
	"大西": "ONISHI", "島田": "SHIMADA", "水野": "MIZUNO", "桜井": "SAKURAI", "高野": "TAKANO",
	"吉川": "YOSHIKAWA", "山内": "YAMAUCHI", "西田": "NISHIDA", "飯田": "IIDA", "西川": "NISHIKAWA",
	"小松": "KOMATSU", "北村": "KITAMURA", "安田": "YASUDA", "五十嵐": "IGARASHI", "川口": "KAWAGUCHI",
	"平田": "HIRATA", "関": "SEKI", "中田": "NAKATA", "久保田": "KUBOTA", "服部": "HATTORI",
	"東": "HIGASHI", "岩田": "IWATA", "土屋": "TSUCHIYA", "川崎": "KAWASAKI", "福島": "FUKUSHIMA",
	"本田": "HONDA", "辻": "TSUJI", "樋口": "HIGUCHI", "秋山": "AKIYAMA", "田口": "TAGUCHI",
	"永井": "NAGAI", "山中": "YAMANAKA", "中西": "NAKANISHI", "吉村": "YOSHIMURA", "川上": "KAWAKAMI",
	"石原": "ISHIHARA", "大橋": "OHASHI", "松岡": "MATSUOKA", "馬場": "BABA", "浜田": "HAMADA",
	"森本": "MORIMOTO", "星野": "HOSHINO", "矢野": "YANO", "浅野": "ASANO", "大久保": "OKUBO",
	"松下": "MATSUSHITA", "荒木": "ARAKI", "大谷": "OTANI", "内藤": "NAITO", "岡崎": "OKAZAKI",
	"野田": "NODA", "小池": "KOIKE", "松村": "MATSUMURA", "宮田": "MIYATA", "片山": "KATAYAMA",
}

var japaneseGivenNames = map[string]string{
	"太郎": "TARO", "花子": "HANAKO", "一郎": "ICHIRO", "次郎": "JIRO", "三郎": "SABURO",
	"健": "KEN", "翔": "SHO", "大輔": "DAISUKE", "拓也": "TAKUYA", "直樹": "NAOKI", "健太": "KENTA",
	"翔太": "SHOTA", "大樹": "DAIKI", "拓海": "TAKUMI", "蓮": "REN", "陽翔": "HARUTO", "悠真": "YUMA",
	"湊": "MINATO", "大和": "YAMATO", "誠": "MAKOTO", "浩": "HIROSHI", "隆": "TAKASHI", "修": "OSAMU",
	"学": "MANABU", "茂": "SHIGERU", "清": "KIYOSHI", "明": "AKIRA", "実": "MINORU", "勇": "ISAMU",
	"進": "SUSUMU", "博": "HIROSHI", "和子": "KAZUKO", "幸子": "SACHIKO", "洋子": "YOKO",
	"恵子": "KEIKO", "京子": "KYOKO", "久美子": "KUMIKO", "裕子": "YUKO", "由美子": "YUMIKO",
	"美穂": "MIHO", "愛": "AI", "陽菜": "HINA", "結衣": "YUI", "葵": "AOI", "美咲": "MISAKI",
	"舞": "MAI", "真由美": "MAYUMI", "直美": "NAOMI", "智子": "TOMOKO", "明美": "AKEMI",
	"優子": "YUKO", "香織": "KAORI", "彩": "AYA", "翼": "TSUBASA", "大翔": "HIROTO", "結菜": "YUNA",
	"凛": "RIN", "芽依": "MEI", "健一": "KENICHI", "浩二": "KOJI", "正": "TADASHI", "豊": "YUTAKA",
	"和夫": "KAZUO", "義男": "YOSHIO", "秀樹": "HIDEKI", "雅人": "MASATO", "康弘": "YASUHIRO",
	"信也": "SHINYA", "亮": "RYO", "涼": "RYO", "聡": "SATOSHI", "剛": "TSUYOSHI", "恵": "MEGUMI",
	"真": "MAKOTO", "春香": "HARUKA", "千尋": "CHIHIRO", "美香": "MIKA", "由香": "YUKA",
}

// isKana reports hiragana and katakana, including the long vowel mark.
func isKana(r rune) bool {
	return unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー'
}

// kanaHepburn writes kana in passport Hepburn: contracted sounds (KYA, SHA), the small tsu
// doubling the next consonant (TCH before CH), N written M before B, M, P, long vowels not
// marked (OU, OO and UU written O and U, the katakana long mark dropped).
func kanaHepburn(s string) string {
	var rs []rune
	for _, r := range s {
		if r >= 'ァ' && r <= 'ヶ' {
			r -= 0x60 // katakana to hiragana
		}
		rs = append(rs, r)
	}
	var b strings.Builder
	double := false
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == 'っ' {
			double = true
			continue
		}
		if r == 'ー' {
			continue
		}
		syl, ok := kana[r]
		if !ok {
			syl = foldLatin(r)
		}
		if i+1 < len(rs) {
			switch rs[i+1] {
			case 'ゃ', 'ゅ', 'ょ':
				v := map[rune]string{'ゃ': "A", 'ゅ': "U", 'ょ': "O"}[rs[i+1]]
				if stem, ok := kanaYoon[syl]; ok {
					syl = stem + v
				} else if len(syl) > 1 {
					syl = syl[:len(syl)-1] + "Y" + v
				}
				i++
			}
		}
		if double && syl != "" {
			if strings.HasPrefix(syl, "CH") {
				b.WriteByte('T')
			} else {
				b.WriteByte(syl[0])
			}
			double = false
		}
		if syl == "N" && i+1 < len(rs) {
			if next := kana[rs[i+1]]; next != "" && strings.ContainsRune("BMP", rune(next[0])) {
				syl = "M"
			}
		}
		b.WriteString(syl)
	}
	out := b.String()
	for _, long := range [][2]string{{"OU", "O"}, {"OO", "O"}, {"UU", "U"}} {
		out = strings.ReplaceAll(out, long[0], long[1])
	}
	return out
}

// japaneseReadings reads a word with kanji or kana as a Japanese name: kana by rule, kanji
// through the name tables (as a full name: a surname from the table followed by a given name
// from the table or in kana). It returns nil when the tables do not cover the kanji.
func japaneseReadings(word string, role role) []reading {
	allKana := true
	for _, r := range word {
		allKana = allKana && isKana(r)
	}
	if allKana {
		return []reading{{tokens: []string{kanaHepburn(word)}, method: "hepburn"}}
	}
	given := func(s string) (string, bool) {
		if g, ok := japaneseGivenNames[s]; ok {
			return g, true
		}
		for _, r := range s {
			if !isKana(r) {
				return "", false
			}
		}
		return kanaHepburn(s), s != ""
	}
	var out []reading
	switch role {
	case roleSurname:
		if s, ok := japaneseSurnames[word]; ok {
			out = append(out, reading{tokens: []string{s}, method: "japanese", surname: 1})
		}
	case roleGiven:
		if g, ok := given(word); ok {
			out = append(out, reading{tokens: []string{g}, method: "japanese"})
		}
	default:
		rs := []rune(word)
		for n := len(rs) - 1; n >= 1; n-- {
			s, ok := japaneseSurnames[string(rs[:n])]
			if !ok {
				continue
			}
			if g, ok := given(string(rs[n:])); ok {
				out = append(out, reading{tokens: []string{s, g}, method: "japanese", surname: 1})
			}
		}
		if s, ok := japaneseSurnames[word]; ok {
			out = append(out, reading{tokens: []string{s}, method: "japanese", surname: 1})
		}
	}
	return out
}
