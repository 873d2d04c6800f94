package poa

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseDates(t *testing.T) {
	cases := []struct {
		text, country string
		want          []string
	}{
		{"Statement date: 2026-11-03", "GBR", []string{"2026-11-03"}},
		{"Bill date: 03/11/2026", "GBR", []string{"2026-11-03"}},
		{"Bill date: 11/03/2026", "USA", []string{"2026-11-03"}},
		{"Bill date: 03/11/2026", "", []string{"2026-11-03"}},
		{"Due 25/11/2026", "USA", []string{"2026-11-25"}}, // a part above 12 decides
		{"Due 11/25/2026", "GBR", []string{"2026-11-25"}},
		{"Date: 3 November 2026", "GBR", []string{"2026-11-03"}},
		{"Date: 3rd November 2026", "GBR", []string{"2026-11-03"}},
		{"Date: 03 Nov 2026", "GBR", []string{"2026-11-03"}},
		{"Nov 3, 2026", "USA", []string{"2026-11-03"}},
		{"November 3, 2026", "USA", []string{"2026-11-03"}},
		{"NOVEMBER 3 2026", "USA", []string{"2026-11-03"}},
		{"账单日期：2026年11月3日", "CHN", []string{"2026-11-03"}},
		{"账单日期：２０２６年１１月０３日", "CHN", []string{"2026-11-03"}},
		{"2026/11/03", "CHN", []string{"2026-11-03"}},
		{"2026.11.03", "CHN", []string{"2026-11-03"}},
		{"Billing period: 01/10/2026 – 31/10/2026", "GBR", []string{"2026-10-01", "2026-10-31"}},
		{"Billing period: 01/10/2026-31/10/2026", "GBR", []string{"2026-10-01", "2026-10-31"}},
		{"对账期间：2026/08/01～2026/08/31", "CHN", []string{"2026-08-01", "2026-08-31"}},
		{"计费周期：2026年10月1日至2026年10月31日", "CHN", []string{"2026-10-01", "2026-10-31"}},
		{"Statement date: October 30,2026", "GBR", []string{"2026-10-30"}}, // OCR lost the space
		{"10 0ctober2026", "GBR", []string{"2026-10-10"}},                  // OCR read O as 0
		{"Date: 2O26-11-O3", "GBR", []string{"2026-11-03"}},
		{"Date: 13 Novemher 2026", "GBR", []string{"2026-11-13"}},
		{"16th March 2025 - 15th Apri 2025", "GBR", []string{"2025-03-16", "2025-04-15"}},
		{"3 Sept 2026", "GBR", []string{"2026-09-03"}},
		{"Statement period: 07/10/2026 - 06/11/2026", "GBR", []string{"2026-10-07", "2026-11-06"}},
		{"2026-10-07 - 2026-11-06", "GBR", []string{"2026-10-07", "2026-11-06"}},
		{"Date: 31/02/2026", "GBR", nil}, // no such day
		{"Account number: 12 3456 7890, amount £84.20, 235 kWh", "GBR", nil},
		{"Tel 0800 123 4567", "GBR", nil},
		{"", "GBR", nil},
	}
	for _, c := range cases {
		got := ParseDates(c.text, c.country)
		var iso []string
		for _, d := range got {
			iso = append(iso, d.ISO())
		}
		if strings.Join(iso, ",") != strings.Join(c.want, ",") {
			t.Errorf("ParseDates(%q, %s) = %v, want %v", c.text, c.country, iso, c.want)
		}
	}
}

func TestAmbiguousFlag(t *testing.T) {
	ds := ParseDates("03/11/2026 and 25/11/2026", "GBR")
	if len(ds) != 2 || !ds[0].Ambiguous || ds[1].Ambiguous {
		t.Fatalf("got %+v, want the first ambiguous and the second not", ds)
	}
}

func FuzzParseDates(f *testing.F) {
	for _, s := range []string{"Statement date: 03/11/2026", "2026年11月3日", "Nov 3, 2026",
		"01/10/2026 – 31/10/2026", "3rd of November 2026", "2O26-1l-O3", "99/99/9999", "年月日"} {
		f.Add(s, "GBR")
		f.Add(s, "USA")
	}
	f.Fuzz(func(t *testing.T, s, country string) {
		norm := NormalizeText(s)
		for _, d := range ParseDates(s, country) {
			if d.Start < 0 || d.End > len(norm) || d.Start >= d.End {
				t.Fatalf("offsets %d..%d outside %d bytes", d.Start, d.End, len(norm))
			}
			if d.Time.Year() < 1900 || d.Time.Year() > 2199 || d.Time.Hour() != 0 {
				t.Fatalf("implausible date %v", d.Time)
			}
			if !utf8.ValidString(norm[d.Start:d.End]) && utf8.ValidString(s) {
				t.Fatalf("offsets cut a character")
			}
		}
	})
}

// layoutDoc builds a document from text laid out as pdftotext -layout prints it.
func layoutDoc(text string) *docText {
	d := &docText{source: "text_layer"}
	d.addLayoutPage(text)
	return d
}

func TestIssueDateChoice(t *testing.T) {
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name, country, text, want, method string
	}{
		{"labelled beats period and due", "GBR", `
Northern Power Ltd
                                   Bill date: 05/11/2026
Billing period: 01/10/2026 – 31/10/2026
Amount due £84.20, payment due by 26/11/2026`, "2026-11-05", "label"},
		{"period end when no statement date", "GBR", `
Harbour Bank plc
Statement period: 1 October 2026 to 31 October 2026
Date              Description        Amount
03/10/2026        Card payment       £10.00`, "2026-10-31", "period_end"},
		{"letter date alone on its line", "USA", `
Department of Taxation
                                                 11/03/2026
Dear Ms Smith,
Your tax year 2025 ends on 12/31/2025.`, "2026-11-03", "letter_date"},
		{"label with its space lost", "GBR", `
Skyline Mobile
Billdate: 2 October2026
Bill period: 28 August 2026 - 27 September 2026`, "2026-10-02", "label"},
		{"label on the left cell", "GBR", `
Statement date        3 Nov 2026
Account               1234`, "2026-11-03", "label"},
		{"the document's own order settles 03/11", "USA", `
Statement date: 03/11/2026
Billing period: 14/10/2026 - 02/11/2026`, "2026-11-03", "label"},
		{"chinese labels", "CHN", `
华北电力供电公司
                              账单日期：2026年11月3日
计费周期：2026年10月1日至2026年10月31日
应缴金额：¥128.40  缴费截止日期：2026年11月24日`, "2026-11-03", "label"},
		{"due date only", "GBR", `
Northern Power Ltd
Amount due £84.20, payment due by 26/11/2026`, "", ""},
	}
	for _, c := range cases {
		d := layoutDoc(c.text)
		h, method, ok := issueDate(docDates(d, c.country), d.rows, now)
		got := ""
		if ok {
			got = h.ISO()
		}
		if got != c.want || method != c.method {
			t.Errorf("%s: issue date %q by %q, want %q by %q", c.name, got, method, c.want, c.method)
		}
	}
}
