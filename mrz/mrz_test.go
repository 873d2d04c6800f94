package mrz

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kycd/kycd/kyc"
)

// The ICAO 9303 Part 4 specimen passport (Utopia), the test zone everyone uses.
var specimenTD3 = []string{
	"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
}

func TestParseSpecimen(t *testing.T) {
	t.Parallel()
	r, err := Parse(specimenTD3, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := Fields{DocumentCode: "P", IssuingCountry: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
		DocumentNumber: "L898902C3", Nationality: "UTO", DateOfBirth: "1974-08-12", Sex: "F",
		ExpiryDate: "2012-04-15", PersonalNumber: "ZE184226B"}
	if r.Fields != want || !r.Valid || r.Format != TD3 {
		t.Fatalf("got %+v valid=%v format=%s, want %+v", r.Fields, r.Valid, r.Format, want)
	}
	for _, c := range []string{"document_number", "date_of_birth", "expiry_date", "personal_number", "composite"} {
		if !r.Checks[c] {
			t.Errorf("check %s failed", c)
		}
	}
	if len(r.Corrections) != 0 || r.Findings() != nil {
		t.Errorf("clean zone: corrections %v findings %v", r.Corrections, r.Findings())
	}
}

// TestResultJSON pins the shape of document.mrz in CHECK-CLI.md.
func TestResultJSON(t *testing.T) {
	t.Parallel()
	r, err := Parse(specimenTD3, testNow)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"format", "raw", "valid", "fields"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	fields := m["fields"].(map[string]any)
	for _, k := range []string{"document_number", "surname", "given_names", "nationality", "date_of_birth",
		"sex", "expiry_date", "issuing_country", "personal_number"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("fields.%s missing from %s", k, b)
		}
	}
	if _, ok := fields["optional_data"]; ok {
		t.Errorf("empty optional data should be omitted: %s", b)
	}
}

func TestCheckDigitsResolveLookAlikes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		lines       []string
		wantValid   bool
		wantNumber  string
		corrections int // by check digit
	}{
		{"0 read as O in the document number", []string{specimenTD3[0],
			"L8989O2C36UTO7408122F1204159ZE184226B<<<<<10"}, true, "L898902C3", 1},
		{"8 read as B in the document number", []string{specimenTD3[0],
			"L89B902C36UTO7408122F1204159ZE184226B<<<<<10"}, true, "L898902C3", 1},
		{"B read as 8 at the end of the personal number is not guessed", []string{specimenTD3[0],
			"L898902C36UTO7408122F1204159ZE1842268<<<<<10"}, false, "L898902C3", 0},
		{"Z read as 2 in the personal number", []string{specimenTD3[0],
			"L898902C36UTO7408122F12041592E184226B<<<<<10"}, true, "L898902C3", 1},
		{"digit misread as another digit stays invalid", []string{specimenTD3[0],
			"L898902C46UTO7408122F1204159ZE184226B<<<<<10"}, false, "L898902C4", 0},
		{"long TD1 number with O for 0", []string{"IDBEL6OOO01795<0152<<<<<<<<<<<",
			"1301014F2311207BEL130101987398", "SPECIMEN<<SPECIMEN<<<<<<<<<<<<"}, true, "600001795015", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Parse(tt.lines, testNow)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range r.Corrections {
				if c.Reason == "check_digit" {
					n++
				}
			}
			if r.Valid != tt.wantValid || r.Fields.DocumentNumber != tt.wantNumber || n != tt.corrections {
				t.Errorf("valid=%v number=%q check-digit corrections=%d (%+v, problems %v); want %v %q %d",
					r.Valid, r.Fields.DocumentNumber, n, r.Corrections, r.Problems, tt.wantValid, tt.wantNumber, tt.corrections)
			}
		})
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		valid bool
	}{
		{"zone among other text", []string{"PASSPORT  PASSEPORT", "Surname / Nom", "ERIKSSON",
			specimenTD3[0], specimenTD3[1], "signature"}, true},
		{"spaces and lower case from OCR", []string{"p<uto eriksson<<anna<maria<<<<<<<<<<<<<<<<<<<",
			"L898902C36 UTO7408122F1204159ZE184226B<<<<<10"}, true},
		{"fillers dropped at the end of the names", []string{"P<UTOERIKSSON<<ANNA<MARIA", specimenTD3[1]}, true},
		{"one filler dropped in the personal number", []string{specimenTD3[0],
			"L898902C36UTO7408122F1204159ZE184226B<<<<10"}, true},
		{"one filler doubled", []string{specimenTD3[0],
			"L898902C36UTO7408122F1204159ZE184226B<<<<<<10"}, true},
		{"stray marks at the line ends", []string{"|" + specimenTD3[0] + ".", specimenTD3[1] + " |"}, true},
		{"guillemets for double fillers", []string{"P<UTOERIKSSON«ANNA<MARIA«««««««««<", specimenTD3[1]}, true},
		{"TD1 card back", []string{"IDENTITY CARD", "I<UTOD231458907<<<<<<<<<<<<<<<",
			"7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"}, true},
		{"wrong check digit", []string{specimenTD3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<<11"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Find(tt.lines, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if r.Valid != tt.valid {
				t.Fatalf("valid = %v, want %v (%+v)", r.Valid, tt.valid, r)
			}
			if r.Fields.Surname != "ERIKSSON" || r.Fields.GivenNames != "ANNA MARIA" {
				t.Errorf("names %q / %q", r.Fields.Surname, r.Fields.GivenNames)
			}
		})
	}
}

func TestFindNothing(t *testing.T) {
	t.Parallel()
	for _, lines := range [][]string{nil, {"hello world"}, {"<<<<", "12345"}, {strings.Repeat("X", 44)}} {
		r, err := Find(lines, testNow)
		if r != nil && r.Valid {
			t.Errorf("%q: found a valid zone %+v", lines, r)
		}
		if r == nil {
			var ke *kyc.Error
			if !errors.As(err, &ke) || ke.Code != kyc.DocFieldsUnreadable || !errors.Is(err, ErrNotFound) {
				t.Errorf("%q: error %v, want DOC_FIELDS_UNREADABLE wrapping ErrNotFound", lines, err)
			}
			if f, ok := FindingFromError(err); !ok || f.Code != kyc.DocFieldsUnreadable {
				t.Errorf("FindingFromError = %+v, %v", f, ok)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, lines := range [][]string{nil, {""}, {"P<UTO"}, {specimenTD3[0]}, {specimenTD3[0], specimenTD3[1], specimenTD3[1]}} {
		_, err := Parse(lines, testNow)
		if !errors.Is(err, ErrFormat) || kyc.KindOf(err) != kyc.KindInvalid {
			t.Errorf("%q: error %v, want ErrFormat", lines, err)
		}
	}
}

func TestResolveDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		raw   string
		birth bool
		want  string
		ok    bool
	}{
		{"740812", true, "1974-08-12", true},
		{"260315", true, "2026-03-15", true}, // born today
		{"260316", true, "1926-03-16", true}, // tomorrow is in the future: last century
		{"250101", true, "2025-01-01", true},
		{"000229", true, "2000-02-29", true},
		{"010229", true, "", false}, // 2001 is not a leap year
		{"74<<<<", true, "", true},  // unknown month and day
		{"7408<<", true, "", true},  // unknown day
		{"74<<12", true, "", false},
		{"741312", true, "", false},
		{"120415", false, "2012-04-15", true},
		{"940623", false, "1994-06-23", true},
		{"560101", false, "2056-01-01", true},
		{"570101", false, "1957-01-01", true},
		{"74<<<<", false, "", false}, // an expiry date must be complete
		{"7408", false, "", false},
	}
	for _, tt := range tests {
		got, ok := resolveDate(tt.raw, tt.birth, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("resolveDate(%q, birth=%v) = %q, %v; want %q, %v", tt.raw, tt.birth, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFindings(t *testing.T) {
	t.Parallel()
	r, err := Parse([]string{specimenTD3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<<11"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	fs := r.Findings()
	if len(fs) != 1 || fs[0].Code != kyc.MRZInvalid || fs[0].Step != kyc.StepIdentity {
		t.Fatalf("findings %+v", fs)
	}
	if got := fs[0].Detail["failed_checks"]; !reflect.DeepEqual(got, []string{"composite"}) {
		t.Errorf("failed_checks = %v", got)
	}
	var nilResult *Result
	if nilResult.Findings() != nil {
		t.Error("nil result has findings")
	}
}

func TestKnownCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{"DEU": true, "D": true, "UTO": true, "XXA": true, "GBD": true,
		"RKS": true, "CHN": true, "BOS": false, "ASU": false, "": false, "ZZZ": false, "QQ": false} {
		if got := KnownCode(code); got != want {
			t.Errorf("KnownCode(%q) = %v, want %v", code, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(specimenTD3[0], specimenTD3[1], "")
	f.Add("I<UTOD23145890<1233<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
	f.Add("IDFRATEST<NAME<<<<<<<<<<<<<<<<0CHE02", "1710GVA123451ROBERTA<<<<<<<9112311F2", "")
	f.Add("D1FRA13AA000026181231MARTIN<<9", "", "")
	f.Add("AAA001D<<", "FACHE305142128097<<800126<<<<<", "MARCHAND<<FABIENNE<<<<<<<<<<<<")
	f.Add("IDBEL6OOO01795<0152<<<<<<<<<<<", "1301014F2311207BEL130101987398", "SPECIMEN<<SPECIMEN<<<<<<<<<<<<")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		var lines []string
		for _, l := range []string{a, b, c} {
			if l != "" {
				lines = append(lines, l)
			}
		}
		r, err := Parse(lines, testNow)
		if err != nil {
			if r != nil || kyc.KindOf(err) != kyc.KindInvalid {
				t.Fatalf("error %v with result %v", err, r)
			}
			return
		}
		if r.Valid {
			for name, ok := range r.Checks {
				if !ok {
					t.Fatalf("valid zone with failing check %s", name)
				}
			}
			if len(r.Problems) != 0 {
				t.Fatalf("valid zone with problems %v", r.Problems)
			}
		}
		if len(r.Raw) != len(lines) {
			t.Fatalf("raw has %d lines, input %d", len(r.Raw), len(lines))
		}
		for _, d := range []string{r.Fields.DateOfBirth, r.Fields.ExpiryDate} {
			if d != "" {
				if _, err := time.Parse(time.DateOnly, d); err != nil {
					t.Fatalf("bad date %q", d)
				}
			}
		}
		_ = r.Findings()
	})
}

func FuzzFind(f *testing.F) {
	f.Add(strings.Join(specimenTD3, "\n"))
	f.Add("PASSPORT\nP<UTOERIKSSON<<ANNA<MARIA\nL898902C36UTO7408122F1204159ZE184226B<<<<10\n")
	f.Add("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<")
	f.Fuzz(func(t *testing.T, page string) {
		r, err := Find(strings.Split(page, "\n"), testNow)
		if (r == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", r, err)
		}
	})
}

func BenchmarkParseTD3(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(specimenTD3, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCorrected measures the look-alike search: the document number is misread.
func BenchmarkParseCorrected(b *testing.B) {
	lines := []string{specimenTD3[0], "L8989O2C36UTO7408122F1204159ZE184226B<<<<<10"}
	for b.Loop() {
		if _, err := Parse(lines, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseUnfixable is the worst case of the search: a wrong digit no look-alike explains.
func BenchmarkParseUnfixable(b *testing.B) {
	lines := []string{specimenTD3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<<11"}
	for b.Loop() {
		if _, err := Parse(lines, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind(b *testing.B) {
	page := []string{"PASSPORT", "Surname", "ERIKSSON", "Given names", "ANNA MARIA", "P<UTOERIKSSON<<ANNA<MARIA",
		"L898902C36UTO7408122F1204159ZE184226B<<<<10"}
	for b.Loop() {
		if _, err := Find(page, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCheckDigit checks the 7-3-1 rule's invariants: a computed check digit is a digit that
// Verify accepts, and no other digit is accepted (except the '0' an all-filler field may carry).
func FuzzCheckDigit(f *testing.F) {
	for _, s := range []string{"L898902C3", "740812", "<<<<<<<<<<<<<<", "", "ZE184226B", "abc", "D23145890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := CheckDigit(s)
		if err != nil {
			return
		}
		if d < '0' || d > '9' {
			t.Fatalf("check digit %q of %q", d, s)
		}
		if !Verify(s, d) {
			t.Fatalf("Verify(%q, %q) = false for the computed digit", s, d)
		}
		empty := strings.Trim(s, "<") == ""
		for c := byte('0'); c <= '9'; c++ {
			if c != d && Verify(s, c) && !(empty && c == '0') {
				t.Fatalf("Verify(%q, %q) = true, check digit is %q", s, c, d)
			}
		}
	})
}
