package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// person is an invented holder. Names are assembled from syllables so that no real person's
// name is reproduced on purpose; the issuing country is the ICAO test state UTO.
type person struct {
	Surname, Given string
	CNName         string // Chinese-style name for the resident-ID card
	Sex            string // "M" or "F"
	Birth          [3]int // year, month, day
	Expiry         [3]int
	Number         string // document number
	CNNumber       string // 18-character resident-ID-style number with a valid MOD 11-2 check
	Address        string
	CNAddress      string
}

var (
	syllables   = []string{"ka", "lo", "mi", "ren", "tas", "vo", "bel", "dor", "an", "si", "mar", "ton", "ul", "ve", "ri", "sa", "no", "gal", "ez", "tu"}
	cnSurnames  = []string{"林", "周", "吴", "郑", "王", "陈", "赵", "孙", "何", "高"}
	cnGiven     = []string{"小", "明", "华", "静", "伟", "芳", "军", "丽", "强", "敏", "杰", "婷", "磊", "洋", "艳", "勇"}
	streets     = []string{"Harbour Lane", "Linden Road", "Quarry Street", "Meadow Way", "Orchard Row", "Mill Close"}
	cnPlaces    = []string{"东湖区", "南山区", "西城区", "北林区", "青溪镇", "白沙路", "和平街", "新华路"}
	weights7311 = []int{7, 3, 1}
	// cnProvinces are GB/T 2260 province-level codes, the resident-ID number's first two digits.
	cnProvinces = []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
		50, 51, 52, 53, 54, 61, 62, 63, 64, 65}
)

func invent(r *rand.Rand) person {
	name := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		return strings.ToUpper(b.String())
	}
	p := person{Surname: name(2 + r.IntN(2)), Given: name(2 + r.IntN(2))}
	if r.IntN(2) == 0 {
		p.Sex = "M"
	} else {
		p.Sex = "F"
	}
	p.CNName = cnSurnames[r.IntN(len(cnSurnames))] + cnGiven[r.IntN(len(cnGiven))]
	if r.IntN(2) == 0 {
		p.CNName += cnGiven[r.IntN(len(cnGiven))]
	}
	p.Birth = [3]int{1950 + r.IntN(55), 1 + r.IntN(12), 1 + r.IntN(28)}
	p.Expiry = [3]int{2027 + r.IntN(10), 1 + r.IntN(12), 1 + r.IntN(28)}
	letters := "ABCDEFGHJKLMNPRSTUVWXYZ"
	p.Number = string(letters[r.IntN(len(letters))]) + string(letters[r.IntN(len(letters))]) + fmt.Sprintf("%07d", r.IntN(10000000))
	// The sequence number's last digit is odd for men and even for women (GB 11643).
	seq := r.IntN(1000)
	if (seq%2 == 1) != (p.Sex == "M") {
		seq ^= 1
	}
	body := fmt.Sprintf("%02d%04d%04d%02d%02d%03d", cnProvinces[(seq/2)%len(cnProvinces)], 101+r.IntN(800000)%9000, p.Birth[0], p.Birth[1], p.Birth[2], seq)
	p.CNNumber = body + cnCheck(body)
	p.Address = fmt.Sprintf("%d %s", 1+r.IntN(200), streets[r.IntN(len(streets))])
	p.CNAddress = cnPlaces[r.IntN(len(cnPlaces))] + cnPlaces[r.IntN(len(cnPlaces))] + fmt.Sprintf("%d号", 1+r.IntN(300))
	return p
}

// cnCheck is the GB 11643 MOD 11-2 check character of a 17-digit body.
func cnCheck(body string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	s := 0
	for i, c := range body {
		s += int(c-'0') * w[i]
	}
	return string("10X98765432"[s%11])
}

// icaoCheck is the ICAO 9303 7-3-1 check digit.
func icaoCheck(s string) byte {
	sum := 0
	for i, c := range s {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * weights7311[i%3]
	}
	return byte('0' + sum%10)
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

func yymmdd(d [3]int) string { return fmt.Sprintf("%02d%02d%02d", d[0]%100, d[1], d[2]) }

// mrzTD3 is a passport's two 44-character lines.
func (p person) mrzTD3() []string {
	l1 := pad("P<UTO"+p.Surname+"<<"+p.Given, 44)
	num := pad(p.Number, 9)
	b, e := yymmdd(p.Birth), yymmdd(p.Expiry)
	opt := pad("", 14)
	l2 := num + string(icaoCheck(num)) + "UTO" + b + string(icaoCheck(b)) + p.Sex + e + string(icaoCheck(e)) + opt + string(icaoCheck(opt))
	composite := num + string(icaoCheck(num)) + b + string(icaoCheck(b)) + e + string(icaoCheck(e)) + opt + string(icaoCheck(opt))
	return []string{l1, l2 + string(icaoCheck(composite))}
}

// mrzTD1 is an ID card's three 30-character lines.
func (p person) mrzTD1() []string {
	num := pad(p.Number, 9)
	l1 := pad("I<UTO"+num+string(icaoCheck(num)), 30)
	b, e := yymmdd(p.Birth), yymmdd(p.Expiry)
	l2 := b + string(icaoCheck(b)) + p.Sex + e + string(icaoCheck(e)) + "UTO" + pad("", 11)
	composite := l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
	l2 += string(icaoCheck(composite))
	l3 := pad(p.Surname+"<<"+p.Given, 30)
	return []string{l1, l2, l3}
}

func (p person) date(d [3]int) string { return fmt.Sprintf("%02d.%02d.%04d", d[2], d[1], d[0]) }

// Person is the ground truth of a sample's (first) document: what a perfect reader reads from
// it. Dates are ISO 8601. The names are invented and the issuing state is the ICAO test state
// UTO (the Chinese-style card's fields are those of a CHN resident identity card).
type Person struct {
	// Surname and Given are the Latin names as printed and in the zone (upper case; empty on
	// the Chinese-style card).
	Surname, Given string
	// CNName is the Chinese name printed on the Chinese-style card.
	CNName string
	// Sex is "M" or "F".
	Sex string
	// DateOfBirth and ExpiryDate are ISO dates (the Chinese-style card prints no expiry).
	DateOfBirth, ExpiryDate string
	// Birth and Expiry are the same dates as year, month, day.
	Birth, Expiry [3]int
	// Number is the passport or ID card's document number.
	Number string
	// Nationality and IssuingCountry are ICAO codes: UTO, or CHN for the Chinese-style card.
	Nationality, IssuingCountry string
	// DocumentCode is the zone's document code: "P" (passport) or "I" (ID card); empty for the
	// Chinese-style card, which has no zone.
	DocumentCode string
	// MRZ is the zone's lines as printed (none on the Chinese-style card).
	MRZ []string
	// NationalID is the 18-character resident identity number printed on the Chinese-style card.
	NationalID string
}

// truth is the ground truth of p printed on a document of kind k.
func (p person) truth(k Kind) *Person {
	t := &Person{Surname: p.Surname, Given: p.Given, CNName: p.CNName, Sex: p.Sex,
		DateOfBirth: iso(p.Birth), ExpiryDate: iso(p.Expiry), Birth: p.Birth, Expiry: p.Expiry,
		Number: p.Number, Nationality: "UTO", IssuingCountry: "UTO"}
	switch k {
	case Passport:
		t.DocumentCode, t.MRZ = "P", p.mrzTD3()
	case IDCard:
		t.DocumentCode, t.MRZ = "I", p.mrzTD1()
	case CNID:
		t.Number, t.NationalID = p.CNNumber, p.CNNumber
		t.Nationality, t.IssuingCountry = "CHN", "CHN"
		t.ExpiryDate, t.Expiry = "", [3]int{}
		t.Surname, t.Given = "", "" // the card prints only the Chinese name
	}
	return t
}

func iso(d [3]int) string { return fmt.Sprintf("%04d-%02d-%02d", d[0], d[1], d[2]) }
