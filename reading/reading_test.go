package reading

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/mrz"
	"github.com/kycd/kycd/natid"
	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/onnx"
)

var testNow = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func TestParseDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		kind dateKind
		want []string
	}{
		{"12.12.1982", birthDate, []string{"1982-12-12"}},
		{"05/03/2017", expiryDate, []string{"2017-03-05", "2017-05-03"}},
		{"Date of birth 1990-07-21", birthDate, []string{"1990-07-21"}},
		{"1988年1月2日", birthDate, []string{"1988-01-02"}},
		{"02 01 1988", birthDate, []string{"1988-01-02", "1988-02-01"}},
		{"12 AUGUST/AGO 74", birthDate, []string{"1974-08-12"}},
		{"16 APR/ABR 07", expiryDate, []string{"2007-04-16"}},
		{"01 JAN 1976", birthDate, []string{"1976-01-01"}},
		{"15 MAR 30", expiryDate, []string{"2030-03-15"}},
		{"15 MAR 30", birthDate, []string{"1930-03-15"}},
		{"2015.03.01-2035.03.01", expiryDate, []string{"2015-03-01", "2035-03-01"}},
		{"19900721", birthDate, []string{"1990-07-21"}},
		{"31.02.2001", birthDate, nil},
		{"no date here", birthDate, nil},
	}
	for _, tc := range tests {
		got := parseDates(tc.in, tc.kind, testNow)
		if !slices.Equal(got, tc.want) {
			t.Errorf("parseDates(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseDates(f *testing.F) {
	for _, s := range []string{"12.12.1982", "12 AUGUST/AGO 74", "1988年1月2日", "2015.03.01-2035.03.01", "０１．０２．２０２０", "31 DEC 99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range parseDates(s, birthDate, testNow) {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				t.Fatalf("parseDates(%q) returned %q: %v", s, d, err)
			}
		}
	})
}

func TestLabelOf(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Surname/Apellidos":          "surname",
		"Sumame":                     "surname", // rn read as m
		"Surmame":                    "surname",
		"Nationality":                "",
		"Given names/Prénoms":        "given",
		"Glven names":                "given", // one misread letter in a long caption
		"Date of birth":              "dob",
		"Date de naissance":          "dob",
		"Date of expiry":             "expiry",
		"Passport No.":               "number",
		"Document No.":               "number",
		"Sex":                        "sex",
		"NOMBRE":                     "given", // Spanish "nombre", one letter from "nombres"
		"ERIKSSON":                   "",
		"Nom/Name":                   "surname",
		"Personal No./ Nim personal": "", // the personal number is not the document's
	}
	for in, want := range tests {
		if got := labelOf(fold(in)); got != want {
			t.Errorf("labelOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// page builds an OCR page: each row is a line of boxes (text, x) at y = 40×row, 24 high, 12
// pixels per character.
func page(rows ...[]any) *ocr.Page {
	p := &ocr.Page{Width: 1000, Height: 40 * len(rows), Timings: map[string]float64{}}
	for r, row := range rows {
		var l ocr.Line
		y := float64(40*r + 8)
		for i := 0; i+1 < len(row); i += 2 {
			text, x := row[i].(string), float64(row[i+1].(int))
			w := 12 * float64(len([]rune(text)))
			q := ocr.Quad{{X: x, Y: y}, {X: x + w, Y: y}, {X: x + w, Y: y + 24}, {X: x, Y: y + 24}}
			l.Boxes = append(l.Boxes, ocr.Box{Text: text, Quad: q, Confidence: 0.99})
			l.Text = strings.TrimSpace(l.Text + " " + text)
		}
		first, last := l.Boxes[0].Quad, l.Boxes[len(l.Boxes)-1].Quad
		l.Quad = ocr.Quad{first[0], last[1], last[2], first[3]}
		l.Confidence = 0.99
		l.MRZ = strings.ReplaceAll(l.Text, " ", "")
		p.Lines = append(p.Lines, l)
	}
	return p
}

func TestReadPrintedLatin(t *testing.T) {
	t.Parallel()
	p := page(
		[]any{"PASSPORT UTOPIA", 10},
		[]any{"Surname", 200},
		[]any{"ERIKSSON", 200},
		[]any{"Given names", 200},
		[]any{"ANNA MARIA", 200},
		[]any{"Date of birth", 200, "Sex", 500},
		[]any{"12.08.1974", 200, "F", 500},
		[]any{"Date of expiry", 200},
		[]any{"15.04.2032", 200},
		[]any{"Passport No.", 200},
		[]any{"L898902C3", 200},
	)
	pr := readPrinted(p, testNow)
	if pr.Surname != "ERIKSSON" || pr.Given != "ANNA MARIA" || pr.fullName() != "ANNA MARIA ERIKSSON" {
		t.Errorf("name %q / %q", pr.Given, pr.Surname)
	}
	if !slices.Equal(pr.DOB, []string{"1974-08-12", "1974-12-08"}) || !slices.Equal(pr.Expiry, []string{"2032-04-15"}) {
		t.Errorf("dates %q %q", pr.DOB, pr.Expiry)
	}
	if pr.Number != "L898902C3" || pr.Sex != "F" || pr.ChineseID {
		t.Errorf("number %q sex %q chinese %v", pr.Number, pr.Sex, pr.ChineseID)
	}
}

func TestFoldNameDigits(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"E7VONO": "EZVONO", "ER1KSSON": "ERIKSSON", "L898902C3": "L898902C3", "ANNA": "ANNA"} {
		if got := foldNameDigits(in); got != want {
			t.Errorf("foldNameDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadPrintedChinese(t *testing.T) {
	t.Parallel()
	p := page(
		[]any{"姓名", 10, "王小明", 90},
		[]any{"性别", 10, "男 民族 汉", 90},
		[]any{"出生", 10, "1990年7月21日", 90},
		[]any{"住址", 10, "北京市东城区", 90},
		[]any{"公民身份号码 " + cnNumberFor("11010519900721001"), 10},
	)
	pr := readPrinted(p, testNow)
	if !pr.ChineseID || pr.Native != "王小明" || pr.NationalNumber != cnNumberFor("11010519900721001") || pr.Sex != "M" {
		t.Errorf("chinese %v name %q number %q sex %q", pr.ChineseID, pr.Native, pr.NationalNumber, pr.Sex)
	}
	if !slices.Equal(pr.DOB, []string{"1990-07-21"}) {
		t.Errorf("dob %q", pr.DOB)
	}
}

func FuzzReadPrinted(f *testing.F) {
	f.Add("姓名 王小明", "Date of birth", "12.08.1974")
	f.Add("Surname", "ERIKSSON", "公民身份号码 11010519900721001X")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		pr := readPrinted(page([]any{a, 10}, []any{b, 10, c, 300}, []any{c, 10}), testNow)
		for _, d := range append(append([]string(nil), pr.DOB...), pr.Expiry...) {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				t.Fatalf("date %q: %v", d, err)
			}
		}
	})
}

// td3 builds a passport zone with correct check digits.
func td3(t testing.TB, surname, given, number, nat, dob, sex, expiry string) []string {
	t.Helper()
	pad := func(s string, n int) string { return (s + strings.Repeat("<", n))[:n] }
	cd := func(s string) string {
		c, err := mrz.CheckDigit(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(c)
	}
	l1 := pad("P<UTO"+surname+"<<"+strings.ReplaceAll(given, " ", "<"), 44)
	num := pad(number, 9)
	opt := pad("", 14)
	l2 := num + cd(num) + nat + dob + cd(dob) + sex + expiry + cd(expiry) + opt + cd(opt)
	comp := num + cd(num) + dob + cd(dob) + expiry + cd(expiry) + opt + cd(opt)
	return []string{l1, l2 + cd(comp)}
}

func zoneOf(t testing.TB, lines []string) *mrz.Result {
	t.Helper()
	r, err := mrz.Parse(lines, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func codes(fs []kyc.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Code)+"@"+string(f.Side))
	}
	slices.Sort(out)
	return out
}

func TestJudge(t *testing.T) {
	t.Parallel()
	adult := td3(t, "ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", "740812", "F", "320415")
	minor := td3(t, "ERIKSSON", "LISA", "L898902C4", "UTO", "150101", "F", "300101")
	expired := td3(t, "ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", "740812", "F", "250415")
	broken := append([]string(nil), adult...)
	broken[1] = broken[1][:43] + "0" // composite check digit wrong
	printedAdult := &printed{Surname: "ERIKSSON", Given: "ANNA MARIA", DOB: []string{"1974-08-12"},
		Number: "L898902C3", Conf: map[string]float64{"surname": 0.99, "given": 0.99, "dob": 0.99, "number": 0.99}}
	cn := &printed{Native: "王小明", NationalNumber: cnNumberFor("11010519900721001"), ChineseID: true,
		DOB: []string{"1990-07-21"}, Conf: map[string]float64{"dob": 0.99, "native": 0.99}}
	bad := []byte(cnNumberFor("11010519900721001"))
	bad[17] = "0123456789X"[(strings.IndexByte("0123456789X", bad[17])+1)%11]
	cnBad := &printed{Native: "王小明", NationalNumber: string(bad), ChineseID: true, Conf: map[string]float64{}}

	tests := []struct {
		name    string
		zone    []string
		print   *printed
		doc     kyc.DocType
		profile *kyc.Profile
		level   *kyc.Level
		want    []string
		fields  map[string]string
	}{
		{name: "valid passport", zone: adult, print: printedAdult, doc: kyc.DocPassport,
			fields: map[string]string{"document_number": "L898902C3", "date_of_birth": "1974-08-12",
				"expiry_date": "2032-04-15", "full_name": "ANNA MARIA ERIKSSON", "nationality": "UTO",
				"document_number_source": "mrz"}},
		{name: "expired", zone: expired, print: &printed{Conf: map[string]float64{}}, doc: kyc.DocPassport,
			want: []string{"DOC_EXPIRED@front"}},
		{name: "minor", zone: minor, print: &printed{Conf: map[string]float64{}}, doc: kyc.DocPassport,
			want: []string{"AGE_BELOW_MINIMUM@front"}},
		{name: "card selected, passport shown", zone: adult, print: &printed{Conf: map[string]float64{}}, doc: kyc.DocIDCard,
			want: []string{"DOC_TYPE_MISMATCH_SELECTED@front"}},
		{name: "zone does not verify", zone: broken, print: &printed{Conf: map[string]float64{}}, doc: kyc.DocPassport,
			want: []string{"MRZ_INVALID@front"}},
		{name: "no zone on a passport", print: &printed{Conf: map[string]float64{}}, doc: kyc.DocPassport,
			want: []string{"DOC_FIELDS_UNREADABLE@front"}},
		{name: "print disagrees", zone: adult, doc: kyc.DocPassport,
			print: &printed{Surname: "ERIKSSON", Given: "ANNA MARIA", DOB: []string{"1975-08-12"},
				Conf: map[string]float64{"surname": 0.99, "given": 0.99, "dob": 0.99}},
			want: []string{"DATA_INTERNAL_INCONSISTENT@front"}},
		{name: "profile", zone: adult, print: printedAdult, doc: kyc.DocPassport,
			profile: &kyc.Profile{FirstName: "John", LastName: "Smith", DateOfBirth: "1974-08-12", Nationality: "UTO"},
			want:    []string{"DATA_MISMATCH_NAME@"}},
		{name: "chinese card", print: cn, doc: kyc.DocIDCard,
			profile: &kyc.Profile{FullName: "Wang Xiaoming", DateOfBirth: "1990-07-21", Nationality: "CHN"},
			fields: map[string]string{"document_number": cnNumberFor("11010519900721001"), "full_name": "王小明",
				"date_of_birth": "1990-07-21", "document_number_source": "national_id"}},
		{name: "chinese card, bad checksum", print: cnBad, doc: kyc.DocIDCard,
			want: []string{"DOC_NUMBER_INVALID@front"}},
		{name: "chinese card, passport selected", print: cn, doc: kyc.DocPassport,
			want: []string{"DOC_TYPE_MISMATCH_SELECTED@front"}},
		{name: "unsure printed birth date is not held against the profile", doc: kyc.DocIDCard,
			print: &printed{Surname: "ERIKSSON", Given: "ANNA", DOB: []string{"1974-08-13"},
				Conf: map[string]float64{"surname": 0.99, "given": 0.99, "dob": 0.8}},
			profile: &kyc.Profile{FirstName: "Anna", LastName: "Eriksson", DateOfBirth: "1974-08-12"}},
		{name: "sure printed birth date is", doc: kyc.DocIDCard,
			print: &printed{Surname: "ERIKSSON", Given: "ANNA", DOB: []string{"1974-08-13"},
				Conf: map[string]float64{"surname": 0.99, "given": 0.99, "dob": 0.99}},
			profile: &kyc.Profile{FirstName: "Anna", LastName: "Eriksson", DateOfBirth: "1974-08-12"},
			want:    []string{"DATA_MISMATCH_DOB@"}},
		{name: "passport accepted", zone: adult, print: printedAdult, doc: kyc.DocPassport,
			level:  &kyc.Level{Documents: map[string][]kyc.DocType{"*": {kyc.DocPassport, kyc.DocIDCard}}},
			fields: map[string]string{"document_type": "passport", "issuing_country": "UTO"}},
		{name: "passports not accepted", zone: adult, print: printedAdult, doc: kyc.DocPassport,
			level: &kyc.Level{Documents: map[string][]kyc.DocType{"*": {kyc.DocIDCard}}},
			want:  []string{"DOC_TYPE_NOT_ACCEPTED@front"}},
		{name: "country not accepted", zone: adult, print: printedAdult, doc: kyc.DocPassport,
			level: &kyc.Level{Documents: map[string][]kyc.DocType{"CHN": {kyc.DocIDCard}}},
			want:  []string{"DOC_COUNTRY_NOT_ACCEPTED@front"}},
		{name: "country read, not selected, decides", zone: adult, print: printedAdult, doc: kyc.DocPassport,
			level:  &kyc.Level{Documents: map[string][]kyc.DocType{"UTO": {kyc.DocPassport}, "DEU": {}}},
			fields: map[string]string{"issuing_country": "UTO", "document_type": "passport"}},
		{name: "chinese card accepted", print: cn, doc: kyc.DocIDCard,
			level:  &kyc.Level{Documents: map[string][]kyc.DocType{"CHN": {kyc.DocIDCard}}},
			fields: map[string]string{"issuing_country": "CHN", "nationality": "CHN", "document_type": "id_card"}},
		{name: "nothing read, selection judged", print: &printed{Conf: map[string]float64{}}, doc: kyc.DocIDCard,
			level: &kyc.Level{Documents: map[string][]kyc.DocType{"UTO": {kyc.DocPassport}}},
			want:  []string{"DOC_FIELDS_UNREADABLE@front", "DOC_TYPE_NOT_ACCEPTED@front"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &side{name: "front", side: kyc.SideFront, page: &ocr.Page{}, print: tc.print}
			if tc.zone != nil {
				s.zone = zoneOf(t, tc.zone)
			}
			in := &check.Input{CheckInput: &kyc.CheckInput{
				Identity: &kyc.IdentityChoice{DocType: tc.doc, Country: "UTO"},
				Profile:  tc.profile,
				Level:    cmp.Or(tc.level, &kyc.Level{Name: "basic"}),
			}}
			j := judge(in, []*side{s}, testNow, 18)
			if got := codes(j.findings); !slices.Equal(got, tc.want) {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
			for k, v := range tc.fields {
				if j.doc.Fields[k] != v {
					t.Errorf("fields[%s] = %q, want %q", k, j.doc.Fields[k], v)
				}
			}
			if tc.zone != nil && (j.doc.MRZ == nil || j.doc.MRZ.Format != "TD3") {
				t.Errorf("document MRZ %+v", j.doc.MRZ)
			}
		})
	}
}

func TestJudgeProfileScores(t *testing.T) {
	t.Parallel()
	s := &side{side: kyc.SideFront, page: &ocr.Page{}, print: &printed{Conf: map[string]float64{}},
		zone: zoneOf(t, td3(t, "ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", "740812", "F", "320415"))}
	in := &check.Input{CheckInput: &kyc.CheckInput{Profile: &kyc.Profile{FirstName: "Anna", LastName: "Eriksson",
		DateOfBirth: "1974-08-21", Nationality: "UTO"}}}
	j := judge(in, []*side{s}, testNow, 18)
	if got := codes(j.findings); !slices.Equal(got, []string{"DATA_MISMATCH_DOB@"}) {
		t.Fatalf("findings %q", got)
	}
	if j.measures["profile_name_score"] < 0.85 || j.measures["profile_date_of_birth_score"] != 0 {
		t.Errorf("scores %v", j.measures)
	}
	if d := j.findings[0].Detail; d["score"] == nil || d["threshold"] == nil {
		t.Errorf("detail %v lacks the score", d)
	}
	sc, _ := j.findings[0].Detail["scores"].(map[string]any)
	if sc["name"] == nil || sc["date_of_birth"] != 0.0 || sc["nationality"] != 1.0 {
		t.Errorf("detail's per-field scores %v", sc)
	}
}

func TestBestCode(t *testing.T) {
	t.Parallel()
	zc := func(c byte, scores map[byte]float32) ocr.ZoneChar {
		p := make([]float32, len(ocr.MRZChars))
		for k, v := range scores {
			p[strings.IndexByte(ocr.MRZChars, k)] = v
		}
		return ocr.ZoneChar{Char: c, P: p}
	}
	tests := []struct {
		name string
		z    []ocr.ZoneChar
		want string
	}{
		{"digit misread", []ocr.ZoneChar{zc('0', map[byte]float32{'0': 0.5, 'U': 0.3}), zc('T', map[byte]float32{'T': 0.9}),
			zc('0', map[byte]float32{'0': 0.6, 'O': 0.3})}, "UTO"},
		{"lost letter: UNO or UTO", []ocr.ZoneChar{zc('U', map[byte]float32{'U': 0.9}), {Char: '<', Inferred: true},
			zc('O', map[byte]float32{'O': 0.9})}, ""},
		{"lost letter, the issuing state decides", []ocr.ZoneChar{zc('U', map[byte]float32{'U': 0.9}), {Char: '<', Inferred: true},
			zc('O', map[byte]float32{'O': 0.9})}, "UTO"},
		{"confident unknown code kept", []ocr.ZoneChar{zc('A', map[byte]float32{'A': 0.9}), zc('S', map[byte]float32{'S': 0.9}),
			zc('U', map[byte]float32{'U': 0.9, 'C': 0.05})}, ""},
		{"Germany", []ocr.ZoneChar{zc('D', map[byte]float32{'D': 0.9}), zc('<', map[byte]float32{'<': 0.9}),
			zc('<', map[byte]float32{'<': 0.9})}, "D<<"},
	}
	for _, tc := range tests {
		prefer := ""
		if strings.Contains(tc.name, "issuing") {
			prefer = "UTO"
		}
		if got := bestCode(tc.z, prefer); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// fakeReader returns a fixed page.
type fakeReader struct{ p *ocr.Page }

func (f fakeReader) Read(context.Context, image.Image) (*ocr.Page, error) { return f.p, nil }
func (f fakeReader) ReadDocument(context.Context, image.Image, [4]image.Point, int, int) (*ocr.Page, error) {
	return f.p, nil
}

func pngImage(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(10, 10, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckWithReader(t *testing.T) {
	t.Parallel()
	zone := td3(t, "ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", "740812", "F", "320415")
	p := page([]any{"Surname", 10}, []any{"ERIKSSON", 10}, []any{zone[0], 10}, []any{zone[1], 10})
	for i := range p.Lines {
		p.Lines[i].Zone = nil // the reading as the zone alphabet gave it (MRZ set by page)
	}
	pipe := check.New(check.Options{}, NewWithReader(fakeReader{p}, Config{NoRectify: true}))
	data := pngImage(t)
	res, err := pipe.Check(context.Background(), &kyc.CheckInput{
		Identity: &kyc.IdentityChoice{DocType: kyc.DocPassport, Country: "UTO"},
		Front:    &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: data},
		Now:      testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Document == nil || res.Document.MRZ == nil || !res.Document.MRZ.Valid {
		t.Fatalf("document %+v", res.Document)
	}
	if res.Document.Fields["document_number"] != "L898902C3" || res.Document.MRZ.Fields["surname"] != "ERIKSSON" {
		t.Errorf("fields %v / %v", res.Document.Fields, res.Document.MRZ.Fields)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings %v", codes(res.Findings))
	}
	if res.Measurements["front"]["ocr_lines"] != 4 || res.Measurements["document"]["mrz_valid"] != 1 {
		t.Errorf("measurements %v", res.Measurements)
	}
}

func TestCheckSkipsWithoutDocument(t *testing.T) {
	t.Parallel()
	e := New(Config{ONNX: onnx.Config{Dir: t.TempDir(), Library: "/nonexistent/libonnxruntime.so"}})
	res := &kyc.CheckResult{}
	if err := e.Check(context.Background(), &check.Input{CheckInput: &kyc.CheckInput{}}, res); err != nil {
		t.Fatalf("no document images: %v", err)
	}
	if res.Document != nil || len(res.Findings) != 0 {
		t.Errorf("result %+v", res)
	}
}

func TestCheckModelsMissing(t *testing.T) {
	t.Parallel()
	e := New(Config{ONNX: onnx.Config{Dir: t.TempDir()}})
	pipe := check.New(check.Options{}, e)
	_, err := pipe.Check(context.Background(), &kyc.CheckInput{
		Front: &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: pngImage(t)},
		Now:   testNow,
	})
	if !errors.Is(err, onnx.ErrUnavailable) {
		t.Errorf("check without models: %v, want an error wrapping onnx.ErrUnavailable", err)
	}
}

func TestInconsistentNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"L898902C3", "L898902C3", true},
		{"L 898 902 C3", "L898902C3", true},
		{"L898902C3", "1898902C3", true}, // L/1 look alike
		{"X1234567", "X1234568", false},
		{"ID9875401", "9875401", true}, // the zone holds the number without its prefix
	}
	for _, tc := range tests {
		if got := sameNumber(tc.a, tc.b); got != tc.same {
			t.Errorf("sameNumber(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
	if _, err := natid.Default(&kyc.FixedClock{T: testNow}).Validate("CHN", cnNumberFor("11010519900721001")); err != nil {
		t.Fatalf("test number invalid: %v", err)
	}
}

// cnNumberFor completes 17 digits with their MOD 11-2 check character.
func cnNumberFor(body string) string {
	c, _ := natid.Mod112(body)
	return body + string(c)
}

func TestReconcileNames(t *testing.T) {
	t.Parallel()
	read := td3(t, "RIDORMI", "ULM GAL", "PJ0563464", "UTO", "860706", "F", "290402") // an I read as '<'
	zoneChars := func(line string, at int, alt byte, p float32) []ocr.ZoneChar {
		z := make([]ocr.ZoneChar, len(line))
		for i := range line {
			z[i] = ocr.ZoneChar{Char: line[i], P: make([]float32, len(ocr.MRZChars))}
			z[i].P[strings.IndexByte(ocr.MRZChars, line[i])] = 0.9
		}
		z[at].P[strings.IndexByte(ocr.MRZChars, alt)] = p
		return z
	}
	at := strings.Index(read[0], "ULM<") + 3
	pr := &printed{Surname: "RIDORMI", Given: "ULMIGAL", Conf: map[string]float64{"surname": 0.99, "given": 0.98}}
	for _, tc := range []struct {
		name    string
		support float32
		print   *printed
		want    string
	}{
		{"the zone's reading supports the printed letter", 0.2, pr, "ULMIGAL"},
		{"it does not: the difference stays", 0.01, pr, "ULM GAL"},
		{"unsure print", 0.2, &printed{Surname: "RIDORMI", Given: "ULMIGAL", Conf: map[string]float64{"surname": 0.99, "given": 0.6}}, "ULM GAL"},
		{"print of another name", 0.2, &printed{Surname: "RIDORMI", Given: "ULMOGAL", Conf: map[string]float64{"surname": 0.99, "given": 0.99}}, "ULM GAL"},
	} {
		lines := []ocr.Line{{MRZ: read[0], Zone: zoneChars(read[0], at, 'I', tc.support)}, {MRZ: read[1], Zone: zoneChars(read[1], 0, 'P', 0.9)}}
		got := reconcileNames(zoneOf(t, read), lines, tc.print, testNow)
		if !got.Valid || got.Fields.GivenNames != tc.want {
			t.Errorf("%s: given names %q (valid %v), want %q", tc.name, got.Fields.GivenNames, got.Valid, tc.want)
		}
	}
	if got := reconcileNames(nil, nil, pr, testNow); got != nil {
		t.Errorf("no zone: %v", got)
	}
	if s, ok := zoneName("O'Neil-Smith", "Anna Maria", 30); !ok || s != "O<NEIL<SMITH<<ANNA<MARIA<<<<<<" {
		t.Errorf("zoneName = %q, %v", s, ok)
	}
	if _, ok := zoneName("Müller", "Jörg", 30); ok {
		t.Error("a name the zone transliterates was written as is")
	}
}
