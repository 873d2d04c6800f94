// Command eval-reading measures kycd's document reading (mrz, natid, names) against the public
// fixture sets in ../shared/testdata and prints the agreement per set. Disagreements that are
// documented (a source's rule deliberately not followed, with the reason in the package tests)
// are counted apart from undocumented ones, which are what a change must not add.
//
//	go run ./cmd/eval-reading [-testdata DIR] [-v]
//
// It prints no names or numbers unless -v is given, and then only fixture data.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/mrz"
	"github.com/kycd/kycd/names"
	"github.com/kycd/kycd/natid"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// now resolves two-digit years in the fixtures (they are all before it).
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval-reading", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("testdata", "", "fixture folder (default: ../shared/testdata next to the module root)")
	verbose := fs.Bool("v", false, "list every disagreement")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		d, err := defaultTestdata()
		if err != nil {
			fmt.Fprintln(stderr, "eval-reading:", err)
			return 1
		}
		*dir = d
	}
	if _, err := os.Stat(*dir); err != nil {
		fmt.Fprintf(stderr, "eval-reading: fixture folder %s not found (it exists only in the development workspace)\n", *dir)
		return 1
	}
	e := &eval{dir: *dir, verbose: *verbose, out: stdout}
	for _, set := range []func(){
		e.checkDigits, e.cheminfo, e.cheminfoNoisy, e.arg0sChecker, e.arg0sGenerator,
		e.cnResidentID, e.validatorJS, e.pinyin, e.iuliia, e.arg0sTables, e.watchman,
	} {
		set()
	}
	if e.err != nil {
		fmt.Fprintln(stderr, "eval-reading:", e.err)
		return 1
	}
	e.print()
	return 0
}

// defaultTestdata finds ../shared/testdata next to the module root (the folder with go.mod).
func defaultTestdata() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared", "testdata"), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("module root not found; pass -testdata")
		}
		d = parent
	}
}

type result struct {
	set, what              string
	cases, agree, accepted int // accepted: documented differences
	misses                 []string
}

type eval struct {
	dir     string
	verbose bool
	out     io.Writer
	results []*result
	err     error
}

func (e *eval) add(set, what string) *result {
	r := &result{set: set, what: what}
	e.results = append(e.results, r)
	return r
}

// record counts one case; doc is the documented reason when it disagrees on purpose.
func (r *result) record(ok bool, doc string, miss string) {
	r.cases++
	switch {
	case ok:
		r.agree++
	case doc != "":
		r.accepted++
	default:
		r.misses = append(r.misses, miss)
	}
}

func (e *eval) print() {
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "fixture set\twhat\tcases\tagree\tdocumented diff\tundocumented\taccuracy\taccuracy incl. documented")
	for _, r := range e.results {
		acc := func(n int) string {
			if r.cases == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(r.cases))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", r.set, r.what, r.cases, r.agree, r.accepted,
			len(r.misses), acc(r.agree), acc(r.agree+r.accepted))
	}
	tw.Flush()
	fmt.Fprintln(e.out, "(reading document photos, the specimen images and the synthetic passports, ID cards and "+
		"Chinese-style cards, clean and degraded: go run ./cmd/eval-ocr, which needs the models)")
	if e.verbose {
		for _, r := range e.results {
			for _, m := range r.misses {
				fmt.Fprintf(e.out, "MISS %s/%s: %s\n", r.set, r.what, m)
			}
		}
	}
}

func (e *eval) jsonl(path string, each func(json.RawMessage)) {
	if e.err != nil {
		return
	}
	f, err := os.Open(filepath.Join(e.dir, path))
	if err != nil {
		e.err = err
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		each(append(json.RawMessage(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		e.err = err
	}
}

func decode(raw json.RawMessage, v any) { _ = json.Unmarshal(raw, v) }

// ---- MRZ ----

func (e *eval) checkDigits() {
	r := e.add("mrz_check_digits", "7-3-1 check digit")
	e.jsonl("mrz_check_digits/cases.jsonl", func(raw json.RawMessage) {
		var c struct {
			ID           string  `json:"id"`
			Input        string  `json:"input"`
			Expected     *string `json:"expected_check_digit"`
			EqualsThatOf string  `json:"expected_check_digit_equals_that_of"`
			Given        string  `json:"given_check_digit"`
			Valid        *bool   `json:"expected_valid"`
		}
		decode(raw, &c)
		got, err := mrz.CheckDigit(c.Input)
		var ok bool
		switch {
		case c.EqualsThatOf != "":
			other, _ := mrz.CheckDigit(c.EqualsThatOf)
			ok = err == nil && got == other
		case c.Valid != nil:
			ok = mrz.Verify(c.Input, c.Given[0]) == *c.Valid
		case c.Expected == nil:
			ok = err != nil
		default:
			ok = err == nil && string(got) == *c.Expected
		}
		r.record(ok, "", c.ID)
	})
}

// uto: cheminfo/mrz rejects the ICAO specimen state code UTO; kycd accepts every ICAO 9303 code.
var cheminfoDocumented = map[string]string{
	"cheminfo-009": "uto", "cheminfo-011": "uto", "cheminfo-018": "uto", "cheminfo-023": "uto",
	"cheminfo-029": "uto", "cheminfo-030": "uto", "cheminfo-031": "uto", "cheminfo-032": "uto",
	"cheminfo-033": "uto", "cheminfo-038": "uto",
	// field representation differences (see mrz/cheminfo_test.go)
	"cheminfo-008/optionalData": "fillers", "cheminfo-019/optional1": "long document number",
	"cheminfo-022/optional1": "long document number", "cheminfo-026/optional1": "long document number",
	"cheminfo-027/optional1": "long document number", "cheminfo-004/documentNumber": "French card number",
	"cheminfo-005/documentNumber": "French card number", "cheminfo-006/documentNumber": "French card number",
}

type cheminfoCase struct {
	ID       string   `json:"id"`
	Lines    []string `json:"lines"`
	Noisy    []string `json:"ocr_noisy_lines"`
	Expected struct {
		Valid      *bool              `json:"valid"`
		Fields     map[string]*string `json:"fields"`
		ParseError string             `json:"parse_error"`
	} `json:"expected"`
	Helper map[string]any `json:"helper_icao_check_digits"`
}

func yymmdd(iso string) string {
	if len(iso) != 10 {
		return ""
	}
	return iso[2:4] + iso[5:7] + iso[8:10]
}

// cheminfoValue is this reader's value in cheminfo's notation; ok false for fields it does not
// report separately (check digits).
func cheminfoValue(f mrz.Fields, name string) (string, bool) {
	switch name {
	case "documentCode":
		return f.DocumentCode, true
	case "issuingState":
		return f.IssuingCountry, true
	case "nationality":
		return f.Nationality, true
	case "lastName":
		return f.Surname, true
	case "firstName":
		return f.GivenNames, true
	case "documentNumber":
		return f.DocumentNumber, true
	case "birthDate":
		return yymmdd(f.DateOfBirth), true
	case "expirationDate":
		return yymmdd(f.ExpiryDate), true
	case "sex":
		return map[string]string{"M": "male", "F": "female", "X": "nonspecified"}[f.Sex], true
	case "personalNumber", "pinCode":
		return f.PersonalNumber, true
	case "optionalData", "optional1", "administrativeCode", "versionNumber":
		return f.OptionalData, true
	case "optional2":
		return f.OptionalData2, true
	}
	return "", false
}

func (e *eval) cheminfo() {
	valid := e.add("mrz_cheminfo", "validity verdict")
	fields := e.add("mrz_cheminfo", "expected fields")
	e.jsonl("mrz_cheminfo/cases.jsonl", func(raw json.RawMessage) {
		var c cheminfoCase
		decode(raw, &c)
		res, err := mrz.Parse(c.Lines, now)
		if c.Expected.ParseError != "" {
			valid.record(err != nil, "", c.ID+": parse error expected")
			return
		}
		if err != nil {
			valid.record(false, "", c.ID+": "+err.Error())
			return
		}
		want := c.Expected.Valid
		if want == nil && c.Helper != nil {
			all := true
			for k, v := range c.Helper {
				if b, isBool := v.(bool); isBool && !b && k != "document_number_variant" {
					all = false
				}
			}
			want = &all
		}
		if want != nil {
			valid.record(res.Valid == *want, cheminfoDocumented[c.ID], fmt.Sprintf("%s: valid=%v problems=%v", c.ID, res.Valid, res.Problems))
		}
		for name, exp := range c.Expected.Fields {
			got, ok := cheminfoValue(res.Fields, name)
			if !ok || exp == nil {
				continue
			}
			fields.record(got == *exp, cheminfoDocumented[c.ID+"/"+name], fmt.Sprintf("%s %s: %q want %q", c.ID, name, got, *exp))
		}
	})
}

func (e *eval) cheminfoNoisy() {
	r := e.add("mrz_cheminfo", "OCR-noisy lines (Parse and Find)")
	e.jsonl("mrz_cheminfo/cases.jsonl", func(raw json.RawMessage) {
		var c cheminfoCase
		decode(raw, &c)
		if c.Noisy == nil {
			return
		}
		clean, err := mrz.Parse(c.Lines, now)
		if err != nil {
			r.record(false, "", c.ID+": clean lines: "+err.Error())
			return
		}
		p, err1 := mrz.Parse(c.Noisy, now)
		f, err2 := mrz.Find(append([]string{"SPECIMEN", "signature"}, c.Noisy...), now)
		r.record(err1 == nil && p.Fields == clean.Fields && p.Valid == clean.Valid, "", c.ID+": Parse")
		r.record(err2 == nil && f.Fields == clean.Fields && f.Valid == clean.Valid, "", c.ID+": Find")
	})
}

func (e *eval) arg0sChecker() {
	valid := e.add("mrz_arg0s1080", "checker validity")
	fields := e.add("mrz_arg0s1080", "checker fields")
	e.jsonl("mrz_arg0s1080/checker_cases.jsonl", func(raw json.RawMessage) {
		var c struct {
			ID       string   `json:"id"`
			Lines    []string `json:"lines"`
			Expected struct {
				Valid  *bool             `json:"valid"`
				Fields map[string]string `json:"fields"`
			} `json:"expected"`
			Helper map[string]any `json:"helper_icao_check_digits"`
		}
		decode(raw, &c)
		res, err := mrz.Parse(c.Lines, now)
		if err != nil {
			valid.record(false, "", c.ID+": "+err.Error())
			return
		}
		want := c.Expected.Valid
		doc := ""
		if want == nil {
			all := true
			for _, v := range c.Helper {
				if b, isBool := v.(bool); isBool && !b {
					all = false
				}
			}
			want = &all
			if c.ID == "arg0s-chk-008" {
				doc = "ASU is not an ICAO code"
			}
		}
		valid.record(res.Valid == *want, doc, fmt.Sprintf("%s: valid=%v problems=%v", c.ID, res.Valid, res.Problems))
		f := res.Fields
		for name, exp := range c.Expected.Fields {
			var got string
			switch name {
			case "surname":
				got = f.Surname
			case "name":
				got = f.GivenNames
			case "country":
				got = f.IssuingCountry
			case "nationality":
				got = f.Nationality
			case "birth_date":
				got = yymmdd(f.DateOfBirth)
			case "expiry_date":
				got = yymmdd(f.ExpiryDate)
			case "sex":
				got = f.Sex
			case "document_type":
				got = f.DocumentCode
			case "document_number":
				got = f.DocumentNumber
			case "optional_data":
				got = f.OptionalData
				if res.Format == mrz.TD3 {
					got = f.PersonalNumber
				}
			case "optional_data_2":
				got = f.OptionalData2
			default:
				continue
			}
			fields.record(got == exp, "", fmt.Sprintf("%s %s: %q want %q", c.ID, name, got, exp))
		}
	})
}

func (e *eval) arg0sGenerator() {
	zone := e.add("mrz_arg0s1080", "generator zones read back")
	translit := e.add("mrz_arg0s1080", "generator names transliterated")
	e.jsonl("mrz_arg0s1080/generator_cases.jsonl", func(raw json.RawMessage) {
		var c struct {
			ID    string         `json:"id"`
			In    map[string]any `json:"input_fields"`
			Dict  *string        `json:"transliteration_dictionary"`
			Lines []string       `json:"expected_lines"`
		}
		decode(raw, &c)
		in := func(k string) string { s, _ := c.In[k].(string); return strings.ToUpper(strings.TrimSpace(s)) }
		res, err := mrz.Parse(c.Lines, now)
		forced := c.ID == "arg0s-gen-002" || c.ID == "arg0s-gen-007" // codes BOS/ASU forced by the test
		ok := err == nil && res.Valid != forced && res.Fields.DocumentNumber == in("document_number") &&
			yymmdd(res.Fields.DateOfBirth) == in("birth_date") && yymmdd(res.Fields.ExpiryDate) == in("expiry_date")
		zone.record(ok, "", c.ID)
		lang := ""
		if c.Dict != nil && strings.Contains(*c.Dict, "serbian") {
			lang = "sr"
		} else if c.Dict != nil && strings.Contains(*c.Dict, "ukrainian") {
			lang = "uk"
		}
		line := c.Lines[0][5:]
		if len(c.Lines) == 3 {
			line = c.Lines[2]
		}
		sur, giv, _ := strings.Cut(strings.TrimRight(line, "<"), "<<")
		want := strings.TrimSpace(strings.ReplaceAll(sur, "<", " ") + " " + strings.ReplaceAll(giv, "<", " "))
		raw1, _ := c.In["surname"].(string)
		raw2, _ := c.In["given_names"].(string)
		got := strings.TrimSpace(names.Transliterate(raw1, lang) + " " + names.Transliterate(raw2, lang))
		translit.record(got == want, "", fmt.Sprintf("%s: %q want %q", c.ID, got, want))
	})
}

// ---- national numbers ----

func (e *eval) cnResidentID() {
	r := e.add("cn_resident_id", "valid/invalid verdict")
	up := e.add("cn_resident_id", "15->18 upgrade")
	v := natid.NewCHN(&kyc.FixedClock{T: now})
	e.jsonl("cn_resident_id/cases.jsonl", func(raw json.RawMessage) {
		var c struct {
			ID      string `json:"id"`
			Number  string `json:"id_number"`
			Valid   *bool  `json:"expected_valid"`
			Upgrade string `json:"upgrade_to_18"`
		}
		decode(raw, &c)
		if c.Valid != nil {
			_, err := v.Validate(c.Number)
			r.record((err == nil) == *c.Valid, "", c.ID)
		}
		if c.Upgrade != "" {
			got, err := natid.UpgradeCHN(c.Number)
			up.record(err == nil && got == c.Upgrade, "", c.ID)
		}
	})
}

func (e *eval) validatorJS() {
	reg := natid.Default(&kyc.FixedClock{T: now})
	sets := map[string]*result{}
	for _, k := range []string{"zh-CN", "zh-TW", "zh-HK", "passport"} {
		what := "isIdentityCard " + k
		if k == "passport" {
			what = "isPassportNumber (60 countries)"
		}
		sets[k] = e.add("validatorjs_id_passport", what)
	}
	countries := map[string]string{"zh-CN": "CHN", "zh-TW": "TWN", "zh-HK": "HKG"}
	e.jsonl("validatorjs_id_passport/cases.jsonl", func(raw json.RawMessage) {
		var c struct {
			ID        string `json:"id"`
			Validator string `json:"validator"`
			Locale    string `json:"locale"`
			Country   string `json:"country"`
			Value     string `json:"value"`
			Valid     bool   `json:"expected_valid"`
		}
		decode(raw, &c)
		switch {
		case c.Validator == "isIdentityCard" && countries[c.Locale] != "":
			_, err := reg.Validate(countries[c.Locale], c.Value)
			sets[c.Locale].record((err == nil) == c.Valid, "", c.ID)
		case c.Validator == "isPassportNumber":
			country := c.Country
			if country == "SL" {
				country = "SI" // validator.js keys Slovenia as SL (Sierra Leone in ISO 3166)
			}
			iso3 := country
			if reg, err := language.ParseRegion(country); err == nil {
				iso3 = reg.ISO3()
			}
			err := natid.ValidatePassportNumber(iso3, c.Value)
			sets["passport"].record((err == nil) == c.Valid && !errors.Is(err, natid.ErrNoPassportFormat), "", c.ID)
		}
	})
}

// ---- names ----

func (e *eval) pinyin() {
	r := e.add("pinyin_pypinyin", "Hanzi vs toneless pinyin (Compare)")
	skipped := map[string]bool{"pyp-0437": true, "pyp-0441": true, "pyp-0449": true, "pyp-0451": true}
	e.jsonl("pinyin_pypinyin/cases.jsonl", func(raw json.RawMessage) {
		var c struct {
			ID       string          `json:"id"`
			Hans     json.RawMessage `json:"hans"`
			Kwargs   map[string]any  `json:"kwargs"`
			Expected json.RawMessage `json:"expected"`
		}
		decode(raw, &c)
		var hans string
		if json.Unmarshal(c.Hans, &hans) != nil || skipped[c.ID] {
			return
		}
		style, _ := c.Kwargs["style"].(string)
		if !(style == "NORMAL" || (style == "" && c.Kwargs["heteronym"] == nil)) {
			return
		}
		var flat []string
		if json.Unmarshal(c.Expected, &flat) != nil {
			var nested [][]string
			_ = json.Unmarshal(c.Expected, &nested)
			for _, n := range nested {
				if len(n) > 0 {
					flat = append(flat, n[0])
				}
			}
		}
		want := strings.Join(flat, " ")
		s := names.Compare(names.Name{Given: hans}, names.Name{Given: want})
		r.record(s.Match, "", fmt.Sprintf("%s %s vs %s: %.3f", c.ID, hans, want, s.Value))
	})
}

func (e *eval) iuliia() {
	for _, schema := range []string{"icao_doc_9303", "mvd_782"} {
		var exact *result
		if schema == "icao_doc_9303" {
			exact = e.add("translit_iuliia", schema+" transliteration")
		}
		cmp := e.add("translit_iuliia", schema+" Compare")
		b, err := os.ReadFile(filepath.Join(e.dir, "translit_iuliia", "schemas", schema+".json"))
		if err != nil {
			e.err = err
			return
		}
		var doc struct {
			Samples [][]string `json:"samples"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			e.err = err
			return
		}
		for _, s := range doc.Samples {
			if exact != nil {
				want := names.Normalize(s[1]) // Latin: upper case, punctuation removed
				got := names.Transliterate(s[0], "ru")
				exact.record(got == want, "", fmt.Sprintf("%q -> %q want %q", s[0], got, want))
			}
			c := names.Compare(names.Name{Full: s[0]}, names.Name{Full: s[1]})
			cmp.record(c.Match, "", fmt.Sprintf("%q vs %q: %.3f", s[0], s[1], c.Value))
		}
	}
}

// arg0sTableDocumented are the table entries kycd reads differently, by file and upper-case key.
var arg0sTableDocumented = map[string]string{
	"cyrillic_ukrainian.json/Г": "Ukrainian Г is H", "cyrillic_serbian.json/Г": "Serbian Г is G",
	"cyrillic_macedonian.json/К": "plain К is K (KJ is Ќ)", "greek.json/Β": "Β is V (ELOT 743)",
	"greek.json/Ρ": "Ρ is R",
}

func (e *eval) arg0sTables() {
	files, err := filepath.Glob(filepath.Join(e.dir, "translit_icao9303_arg0s1080", "*.json"))
	if err != nil {
		e.err = err
		return
	}
	sort.Strings(files)
	langs := map[string]string{"cyrillic_ukrainian.json": "uk", "cyrillic_belarussian.json": "be",
		"cyrillic_bulgarian.json": "bg", "cyrillic_macedonian.json": "mk", "cyrillic_serbian.json": "sr"}
	for _, f := range files {
		base := filepath.Base(f)
		r := e.add("translit_icao9303_arg0s1080", base)
		b, err := os.ReadFile(f)
		if err != nil {
			e.err = err
			return
		}
		var doc struct {
			Tables map[string]map[string]string `json:"tables"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			e.err = err
			return
		}
		for k, v := range doc.Tables["transliteration"] {
			if k == "'" {
				continue
			}
			got := strings.ReplaceAll(names.Transliterate(k, langs[base]), " ", "")
			doc := arg0sTableDocumented[base+"/"+strings.ToUpper(k)]
			if d := []rune(norm.NFD.String(k)); base == "hebrew.json" && len(d) > 1 && (d[0] == '\u05DB' || d[0] == '\u05DA') && d[1] == '\u05BC' {
				doc = "kaf with dagesh is K"
			}
			r.record(got == strings.ToUpper(v), doc, fmt.Sprintf("%s %q: %q want %q", base, k, got, v))
		}
	}
}

func (e *eval) watchman() {
	lab := e.add("name_matching_watchman", "TestCompareName labelled (8 match, 3 not)")
	cross := e.add("name_matching_watchman", "cross-script same-person pairs")
	groups := e.add("name_matching_watchman", "variant groups: variant vs name")
	neg := e.add("name_matching_watchman", "derived: other groups' names (must not match)")
	doc := func(q string) string {
		if q == "金正恩" {
			return "Korean name in Hanja (Korean reading not embedded)"
		}
		return ""
	}
	matches := func(q string, targets ...string) (bool, float64) {
		best := names.Score{}
		for _, t := range targets {
			if s := names.Compare(names.Name{Full: q}, names.Name{Full: t}); s.Value >= best.Value {
				best = s
			}
		}
		return best.Match, best.Value
	}
	e.jsonl("name_matching_watchman/compare_name_labelled.jsonl", func(raw json.RawMessage) {
		var c struct {
			Query struct{ Name string } `json:"query"`
			Index struct {
				Name     string   `json:"name"`
				AltNames []string `json:"alt_names"`
				Hist     []struct {
					Value string `json:"value"`
				} `json:"historical"`
			} `json:"index"`
			Should bool `json:"expected_should_match"`
		}
		decode(raw, &c)
		targets := append([]string{c.Index.Name}, c.Index.AltNames...)
		for _, h := range c.Index.Hist {
			targets = append(targets, h.Value)
		}
		m, v := matches(c.Query.Name, targets...)
		lab.record(m == c.Should, "", fmt.Sprintf("%q vs %q: %.3f", c.Query.Name, c.Index.Name, v))
	})
	e.jsonl("name_matching_watchman/cross_script_pairs.jsonl", func(raw json.RawMessage) {
		var c struct {
			Query    string `json:"query"`
			Expected string `json:"expected_match"`
		}
		decode(raw, &c)
		m, v := matches(c.Query, c.Expected)
		cross.record(m, doc(c.Query), fmt.Sprintf("%q vs %q: %.3f", c.Query, c.Expected, v))
	})
	type group struct {
		ID       string   `json:"entity_id"`
		Name     string   `json:"name"`
		Variants []string `json:"same_person_variants"`
	}
	var gs []group
	e.jsonl("name_matching_watchman/cross_script_variant_groups.jsonl", func(raw json.RawMessage) {
		var g group
		decode(raw, &g)
		gs = append(gs, g)
	})
	for _, g := range gs {
		for _, v := range g.Variants {
			m, s := matches(v, g.Name)
			groups.record(m, doc(v), fmt.Sprintf("%q vs %q: %.3f", v, g.Name, s))
		}
	}
	for _, a := range gs {
		for _, b := range gs {
			if a.ID == b.ID || a.Name == b.Name {
				continue
			}
			for _, v := range append([]string{a.Name}, a.Variants...) {
				m, s := matches(v, b.Name)
				neg.record(!m, "", fmt.Sprintf("%q vs %q: %.3f", v, b.Name, s))
			}
		}
	}
}
