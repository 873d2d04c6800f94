package names

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kycd/kycd/kyc"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Anna-Maria O'Connor", "ANNA MARIA OCONNOR"},
		{"  jean  pierre ", "JEAN PIERRE"},
		{"Müller", "MUELLER"},
		{"Łukasz Żółć", "LUKASZ ZOLC"},
		{"Straße", "STRASSE"},
		{"Đorđe Ðuković", "DORDE DUKOVIC"},
		{"Øyvind Ærø", "OEYVIND AEROE"},
		{"Œdipe", "OEDIPE"},
		{"Þórður", "THORDUR"},
		{"José Núñez", "JOSE NUNEZ"},
		{"Ivan Ivanovich", "IVAN IVANOVICH"},
		{"Юлия Щеглова", "IULIIA SHCHEGLOVA"},
		{"Νικόλαος Παπαδόπουλος", "NIKOLAOS PAPADOPOULOS"},
		{"张三", "ZHANG SAN"},
		{"曾小贤", "ZENG XIAO XIAN"},
		{"单田芳", "SHAN TIAN FANG"},
		{"吕布", "LYU BU"},
		{"김정은", "KIM JEONG EUN"},
		{"やまだ たろう", "YAMADA TARO"},
		{"サトウ", "SATO"},
		{"สมชาย", "SOMCHAI"},
		{"محمود", "MXHMWD"},
		{"", ""},
		{"123 !!", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTransliterateLanguages(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, lang, want string }{
		{"Олег Гриценко", "uk", "OLEH HRYTSENKO"},
		{"Олег Гриценко", "ru", "OLEG GRITSENKO"},
		{"Милица Јовановић", "sr", "MILICA JOVANOVIC"},
		{"Щерев", "bg", "SHTEREV"},
		{"Ѓорѓи", "mk", "GJORGJI"},
		{"Алёна", "be", "ALIONA"},
	}
	for _, tt := range tests {
		if got := Transliterate(tt.in, tt.lang); got != tt.want {
			t.Errorf("Transliterate(%q, %s) = %q, want %q", tt.in, tt.lang, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	doc := func(surname, given string) Name { return Name{Surname: surname, Given: given} }
	tests := []struct {
		name     string
		profile  Name
		document Name
		match    bool
	}{
		{"same", Name{Given: "Anna Maria", Surname: "Eriksson"}, doc("ERIKSSON", "ANNA MARIA"), true},
		{"case and spacing", Name{Full: "  anna   MARIA eriksson"}, doc("ERIKSSON", "ANNA MARIA"), true},
		{"middle name only on the document", Name{Given: "Anna", Surname: "Eriksson"}, doc("ERIKSSON", "ANNA MARIA"), true},
		{"middle name only in the profile", Name{Full: "Peter Benjamin Parker"}, doc("PARKER", "PETER"), true},
		{"order swapped", Name{Full: "Eriksson Anna"}, doc("ERIKSSON", "ANNA"), true},
		{"fields swapped", Name{Given: "Eriksson", Surname: "Anna"}, doc("ERIKSSON", "ANNA"), true},
		{"diacritics", Name{Full: "José Núñez"}, doc("NUNEZ", "JOSE"), true},
		{"umlaut as E or not", Name{Full: "Jürgen Müller"}, doc("MULLER", "JURGEN"), true},
		{"umlaut in ICAO form", Name{Full: "Jürgen Müller"}, doc("MUELLER", "JUERGEN"), true},
		{"letters NFD cannot fold", Name{Full: "Łukasz Øster"}, doc("OESTER", "LUKASZ"), true},
		{"hyphenated surname", Name{Full: "Anne Smith-Jones"}, doc("SMITH JONES", "ANNE"), true},
		{"apostrophe", Name{Full: "Enya O'Connor"}, doc("OCONNOR", "ENYA"), true},
		{"one-letter typo", Name{Full: "Christopher Johnson"}, doc("JOHNSON", "CHRISTOPHRE"), true},
		{"truncated document name", Name{Full: "Andre Estevao Cacador de Araujo"}, Name{Surname: "CACADOR DE ARAUJO", Given: "ANDRE ESTEV", Truncated: true}, true},
		{"Cyrillic vs ICAO", Name{Full: "Юлия Щеглова"}, doc("SHCHEGLOVA", "IULIIA"), true},
		{"Cyrillic vs old passport spelling", Name{Full: "Юлия Щеглова"}, doc("SHCHEGLOVA", "YULIYA"), true},
		{"Ukrainian", Name{Full: "Олег Гриценко"}, doc("HRYTSENKO", "OLEH"), true},
		{"Greek", Name{Full: "Γεώργιος Παπαδόπουλος"}, doc("PAPADOPOULOS", "GEORGIOS"), true},
		{"Chinese full name", Name{Full: "张三"}, doc("ZHANG", "SAN"), true},
		{"Chinese given name joined", Name{Full: "张三丰"}, doc("ZHANG", "SANFENG"), true},
		{"Chinese name order swapped in Latin", Name{Full: "San Zhang"}, doc("ZHANG", "SAN"), true},
		{"Chinese structured profile", Name{Surname: "张", Given: "三丰"}, doc("ZHANG", "SAN FENG"), true},
		{"surname 曾 is ZENG", Name{Full: "曾小贤"}, doc("ZENG", "XIAOXIAN"), true},
		{"surname 单 is SHAN", Name{Full: "单田芳"}, doc("SHAN", "TIANFANG"), true},
		{"surname 解 is XIE", Name{Full: "解缙"}, doc("XIE", "JIN"), true},
		{"surname 区 is OU", Name{Full: "区永红"}, doc("OU", "YONGHONG"), true},
		{"surname 吕 as LYU", Name{Full: "吕小红"}, doc("LYU", "XIAOHONG"), true},
		{"surname 吕 as LU", Name{Full: "吕小红"}, doc("LU", "XIAOHONG"), true},
		{"surname 朴 is PIAO", Name{Full: "朴树"}, doc("PIAO", "SHU"), true},
		{"compound surname 尉迟", Name{Full: "尉迟恭"}, doc("YUCHI", "GONG"), true},
		{"compound surname 欧阳", Name{Full: "欧阳娜娜"}, doc("OUYANG", "NANA"), true},
		{"Korean", Name{Full: "박지성"}, doc("PARK", "JI SUNG"), true},
		{"Korean joined", Name{Full: "박지성"}, doc("PARK", "JISUNG"), true},
		{"Japanese kana", Name{Full: "やまだ たろう"}, doc("YAMADA", "TARO"), true},
		{"Japanese kanji in the table", Name{Surname: "佐藤", Given: "花子"}, doc("SATO", "HANAKO"), true},
		{"Arabic", Name{Full: "محمد علي"}, doc("ALI", "MOHAMED"), true},
		{"Arabic vs ICAO MRZ spelling", Name{Full: "عبدالرحيم محمود"}, doc("MXHMWD", "EBDALRXHYM"), true},
		{"Hebrew", Name{Full: "דוד"}, Name{Full: "DAVID"}, true},

		{"different given name", Name{Full: "John Smith"}, doc("SMITH", "JANE"), false},
		{"different surname", Name{Full: "Anna Eriksson"}, doc("LARSSON", "ANNA"), false},
		{"prefix is not the name", Name{Full: "John Smith"}, doc("JOHNSON", "SMITH"), false},
		{"Chinese different given name", Name{Full: "张伟"}, doc("ZHANG", "WEN"), false},
		{"Chinese given name cut short", Name{Full: "张三"}, doc("ZHANG", "SANFENG"), false},
		{"Chinese surname differs", Name{Full: "李明"}, doc("LIU", "MING"), false},
		{"unrelated", Name{Full: "Maria Garcia"}, doc("PETROV", "IVAN"), false},
		{"empty profile", Name{}, doc("ERIKSSON", "ANNA"), false},
		{"surname missing from the profile", Name{Full: "Anna"}, doc("ERIKSSON", "ANNA"), false},
		{"surname missing from the document", Name{Given: "Anna", Surname: "Eriksson"}, Name{Full: "ANNA MARIA"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Compare(tt.profile, tt.document)
			if s.Match != tt.match {
				t.Errorf("score %.3f (%s), want match=%v", s.Value, s.Method, tt.match)
			}
			if s.Value < 0 || s.Value > 1 || s.Threshold != Threshold {
				t.Errorf("score %v out of range", s)
			}
		})
	}
}

func TestCompareDetailsHaveNoNames(t *testing.T) {
	t.Parallel()
	s := Compare(Name{Given: "Anna", Surname: "Eriksson"}, Name{Given: "ANNA MARIA", Surname: "ERIKSSON"})
	if _, ok := s.Details["surname_score"]; !ok {
		t.Errorf("details %v lack surname_score", s.Details)
	}
	for k, v := range s.Details {
		if str, ok := v.(string); ok && strings.Contains(strings.ToUpper(str), "ERIKSSON") {
			t.Errorf("detail %s carries the name", k)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	profile := Person{Name: Name{Given: "Anna", Surname: "Eriksson"}, DateOfBirth: "1974-08-12", Nationality: "SE"}
	tests := []struct {
		name  string
		doc   Person
		codes []kyc.Code
	}{
		{"all agree", Person{Name: Name{Surname: "ERIKSSON", Given: "ANNA MARIA"}, DateOfBirth: "1974-08-12", Nationality: "SWE"}, nil},
		{"name differs", Person{Name: Name{Surname: "LARSSON", Given: "ANNA"}, DateOfBirth: "1974-08-12", Nationality: "SWE"}, []kyc.Code{kyc.DataMismatchName}},
		{"day and month swapped", Person{Name: Name{Surname: "ERIKSSON", Given: "ANNA"}, DateOfBirth: "1974-12-08", Nationality: "SWE"}, []kyc.Code{kyc.DataMismatchDOB}},
		{"nationality differs", Person{Name: Name{Surname: "ERIKSSON", Given: "ANNA"}, DateOfBirth: "1974-08-12", Nationality: "NOR"}, []kyc.Code{kyc.DataMismatchNationality}},
		{"unknown values skipped", Person{Name: Name{Surname: "ERIKSSON", Given: "ANNA"}}, nil},
		{"all differ", Person{Name: Name{Surname: "PETROV", Given: "IVAN"}, DateOfBirth: "1990-01-01", Nationality: "RUS"},
			[]kyc.Code{kyc.DataMismatchName, kyc.DataMismatchDOB, kyc.DataMismatchNationality}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, fs := Check(profile, tt.doc)
			if len(fs) != len(tt.codes) {
				t.Fatalf("findings %+v, want %v (scores %+v)", fs, tt.codes, c)
			}
			for i, f := range fs {
				if f.Code != tt.codes[i] || f.Step != kyc.StepProfile {
					t.Errorf("finding %d = %+v, want %s", i, f, tt.codes[i])
				}
				if _, ok := f.Detail["score"]; !ok {
					t.Errorf("finding %s without score", f.Code)
				}
			}
		})
	}
}

func TestCompareDOBAndNationality(t *testing.T) {
	t.Parallel()
	if s := CompareDOB("1974-08-12", "1974-12-08"); s.Value != 0.5 || s.Match || s.Details["day_month_swapped"] != true {
		t.Errorf("swap: %+v", s)
	}
	if s := CompareDOB("1974-08-12", "bad"); s.Value != 0 || s.Match {
		t.Errorf("bad date: %+v", s)
	}
	for _, tt := range []struct {
		a, b  string
		value float64
	}{{"DEU", "D", 1}, {"de", "DEU", 1}, {"CHN", "CHN", 1}, {"GBR", "GBD", 0.5}, {"CHN", "TWN", 0}, {"XYZ", "XYZ", 0}} {
		if s := CompareNationality(tt.a, tt.b); s.Value != tt.value {
			t.Errorf("CompareNationality(%s, %s) = %v, want %v", tt.a, tt.b, s.Value, tt.value)
		}
	}
}

func TestJaroWinkler(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want float64
	}{{"MARTHA", "MARHTA", 0.961}, {"DWAYNE", "DUANE", 0.84}, {"DIXON", "DICKSONX", 0.813}, {"", "A", 0}, {"A", "A", 1}} {
		if got := jaroWinkler(tt.a, tt.b); math.Abs(got-tt.want) > 0.001 {
			t.Errorf("jaroWinkler(%s, %s) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Anna-Maria O'Connor", "Łukasz Żółć", "Юлия", "张三丰", "김정은", "สมชาย", "محمد", "משה", "やまだ", "\xff\xfe", "张$", "\xea\xa0A읣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		for _, r := range n {
			if !(r == ' ' || (r >= 'A' && r <= 'Z')) {
				t.Fatalf("Normalize(%q) = %q has %q", s, n, r)
			}
		}
		if strings.Contains(n, "  ") || strings.TrimSpace(n) != n {
			t.Fatalf("Normalize(%q) = %q is not single-spaced", s, n)
		}
		if utf8.ValidString(s) && Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
	})
}

func FuzzCompare(f *testing.F) {
	f.Add("Anna Maria Eriksson", "ERIKSSON", "ANNA MARIA")
	f.Add("张三丰", "ZHANG", "SANFENG")
	f.Add("محمد علي", "ALI", "MOHAMED")
	f.Fuzz(func(t *testing.T, full, surname, given string) {
		s := Compare(Name{Full: full}, Name{Surname: surname, Given: given})
		if s.Value < 0 || s.Value > 1 || math.IsNaN(s.Value) {
			t.Fatalf("score %v", s.Value)
		}
		if s.Match != (s.Value >= Threshold) {
			t.Fatalf("match %v with value %v", s.Match, s.Value)
		}
	})
}

func BenchmarkCompareLatin(b *testing.B) {
	p, d := Name{Given: "Anna Maria", Surname: "Eriksson"}, Name{Surname: "ERIKSSON", Given: "ANNA MARIA"}
	for b.Loop() {
		Compare(p, d)
	}
}

func BenchmarkCompareLatinMismatch(b *testing.B) {
	p, d := Name{Full: "Christopher Alexander Johnson"}, Name{Surname: "JOHNSTON", Given: "CHRISTINE ALEXANDRA"}
	for b.Loop() {
		Compare(p, d)
	}
}

func BenchmarkComparePinyin(b *testing.B) {
	p, d := Name{Full: "吕小红"}, Name{Surname: "LYU", Given: "XIAOHONG"}
	for b.Loop() {
		Compare(p, d)
	}
}

func BenchmarkCompareCyrillic(b *testing.B) {
	p, d := Name{Full: "Юлия Викторовна Щеглова"}, Name{Surname: "SHCHEGLOVA", Given: "IULIIA"}
	for b.Loop() {
		Compare(p, d)
	}
}

func BenchmarkCompareKorean(b *testing.B) {
	p, d := Name{Full: "김정은"}, Name{Surname: "KIM", Given: "JONG UN"}
	for b.Loop() {
		Compare(p, d)
	}
}
