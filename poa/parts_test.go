package poa

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/names"
)

func TestAddressScore(t *testing.T) {
	gb := &kyc.Address{Line1: "Flat 4B, 12 Baker Street", City: "London", PostalCode: "NW1 6XE", Country: "GBR"}
	us := &kyc.Address{Line1: "1450 Maple Avenue", Line2: "Apt 5C", City: "Springfield", PostalCode: "62704", Country: "USA"}
	cn := &kyc.Address{Line1: "建国路88号3号楼1201室", Line2: "朝阳区", City: "北京市", PostalCode: "100022", Country: "CHN"}
	cnSmallFirst := &kyc.Address{Line1: "1201室, 3号楼, 建国路88号", Line2: "朝阳区", City: "北京市", Country: "CHN"}
	cases := []struct {
		name   string
		addr   *kyc.Address
		window string
		match  bool
	}{
		{"same, abbreviated and upper case", gb, "FLAT 4B | 12 BAKER ST | LONDON | NW16XE", true},
		{"apartment for flat", gb, "Apartment 4B, 12 Baker Street | London | NW1 6XE", true},
		{"OCR ran words together", gb, "FLAT4B | 12 BAKER ST | LONDON | NW16XE", true},
		{"OCR read O as zero", &kyc.Address{Line1: "123 Oak Tce", City: "Norwich", PostalCode: "CG58BY", Country: "GBR"}, "1230AK TERRACE | NORWICH | CG5 8BY", true},
		{"another street in the same city", gb, "Flat 2A, 7 Church Road | London | SE5 8QT", false},
		{"US block", us, "Apt 5C, 1450 Maple Ave | Springfield, IL 62704", true},
		{"US other house", us, "88 Elm Drive | Springfield, IL 62711", false},
		{"chinese big to small", cn, "用电地址：北京市朝阳区建国路88号3号楼1201室", true},
		{"chinese without 市", cn, "北京朝阳区建国路88号 | 3号楼1201室", true},
		{"chinese small to big profile", cnSmallFirst, "北京市朝阳区建国路88号3号楼1201室", true},
		{"chinese other road", cn, "北京市朝阳区中山路12号5栋302室", false},
	}
	for _, c := range cases {
		var s float64
		if c.addr.Country == "CHN" {
			s, _ = scoreZH(parseZH(c.addr), c.addr.PostalCode, NormalizeText(c.window))
		} else {
			s, _ = scoreLatin(parseLatin(c.addr), NormalizeText(c.window))
		}
		if (s >= AddressThreshold) != c.match {
			t.Errorf("%s: score %.2f, want match=%v", c.name, s, c.match)
		}
	}
}

func TestAddressLike(t *testing.T) {
	for s, want := range map[string]bool{
		"12 Baker Street":       true,
		"FLAT 7C":               true,
		"Springfield, IL 62704": true,
		"NW1 6XE":               true,
		"通讯地址：深圳福田区滨江大道33号": true,
		"Dear Customer,":                          false,
		"Account number: 12 3456 7890":            false,
		"Northern Power Ltd, 1 Generator Way":     false, // the sender's
		"Your tax code for the tax year is 1257L": false,
		"The amount is 12571 dollars":             false,
	} {
		if got := addressLike(NormalizeText(s)); got != want {
			t.Errorf("addressLike(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFindName(t *testing.T) {
	john := []names.Name{{Given: "John", Surname: "Smith"}}
	wei := []names.Name{{Full: "张伟"}}
	weiLatin := []names.Name{{Given: "Wei", Surname: "Zhang"}}
	cases := []struct {
		name         string
		prof         []names.Name
		text         string
		found, other bool
	}{
		{"upper case with title", john, "MR JOHN SMITH\n12 BAKER ST\nLONDON", true, false},
		{"initial", john, "Mr J Smith\n12 Baker St", true, false},
		{"OCR read o as zero", john, "JOHN SM1TH\n12 Baker St", true, false},
		{"OCR joined title and initial", john, "MrJ Smith\n12 Baker St", true, false},
		{"surname first", john, "Account holder: SMITH JOHN", true, false},
		{"relative", john, "Mrs Mary Smith\n12 Baker Street\nLondon\nNW1 6XE", false, true},
		{"stranger in salutation", john, "Dear Mr Oliver Hughes,", false, true},
		{"occupier", john, "The Occupier\n12 Baker Street\nLondon\nNW1 6XE", false, false},
		{"no name at all", john, "Dear Customer,\nYour bill is ready.", false, false},
		{"han", wei, "户名：张伟\n用电地址：北京市朝阳区建国路88号", true, false},
		{"han against pinyin profile", weiLatin, "尊敬的张伟先生：", true, false},
		{"han relative", wei, "户名：张芳\n用电地址：北京市朝阳区建国路88号", false, true},
		{"han customer", wei, "尊敬的客户：", false, false},
		{"han title above the address", wei, "燃气费账单\n出账日期：2026-10-12\n用电地址：北京丰台区青年路86号10幢802室", false, false},
	}
	for _, c := range cases {
		d := layoutDoc(c.text)
		addrRow, addrX := -1, 0.0
		for _, s := range d.segs {
			if addressLike(s.norm) {
				addrRow, addrX = s.row, s.x
				break
			}
		}
		nr := findName(d, c.prof, addrRow, addrX, names.Threshold)
		if nr.found != c.found || (!nr.found && nr.other != c.other) {
			t.Errorf("%s: found=%v (%.2f) other=%v, want found=%v other=%v", c.name, nr.found, nr.score, nr.other, c.found, c.other)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]string{
		"Northern Power Ltd\nYour electricity bill\nElectricity used: 233 kWh":       TypeUtilityBill,
		"Harbour Bank plc\nStatement of account\nClosing balance £20.00":             TypeBankStatement,
		"National Revenue Service\nNotice of tax code\nYour tax code is 1257L":       TypeTaxLetter,
		"Westford City Council\nElectoral registration confirmation":                 TypeGovernmentLetter,
		"Skyline Mobile\nYour mobile phone bill\nCalls 40 min, texts 3, data 2.1 GB": TypePhoneBill,
		"Shield Home Insurance\nHome insurance policy schedule\nAnnual premium £300": TypeInsurance,
		"华北电力供电公司\n电费账单\n本期用量：233 千瓦时":                                               TypeUtilityBill,
		"天际移动通信\n话费账单\n手机号码：13800001111":                                             TypePhoneBill,
		"中原商业银行\n个人账户对账单\n期末余额：¥20.00":                                               TypeBankStatement,
		"Hello\nThis is a note about a party":                                        TypeOther,
	}
	for text, want := range cases {
		if got, _ := classify(layoutDoc(text)); got != want {
			t.Errorf("classify(%q) = %s, want %s", text, got, want)
		}
	}
}

func TestImageEditor(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	var jb, pb bytes.Buffer
	jpeg.Encode(&jb, img, nil)
	png.Encode(&pb, img)
	if e := imageEditor(jb.Bytes()); e != "" {
		t.Errorf("plain JPEG: editor %q", e)
	}
	if e := imageEditor(pb.Bytes()); e != "" {
		t.Errorf("plain PNG: editor %q", e)
	}
	// a JPEG comment segment after SOI, as GIMP writes
	c := "Created with GIMP"
	j := append([]byte{0xFF, 0xD8, 0xFF, 0xFE, 0, byte(len(c) + 2)}, c...)
	j = append(j, jb.Bytes()[2:]...)
	if e := imageEditor(j); e != "gimp" {
		t.Errorf("JPEG with a GIMP comment: editor %q", e)
	}
	for _, junk := range [][]byte{{0xFF, 0xD8, 0xFF}, {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, []byte("\x89PNG\r\n\x1a\n\xff\xff\xff\xfftEXt")} {
		imageEditor(junk) // must not panic
	}
}

func TestPDFUpdateSignals(t *testing.T) {
	base := "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	if s := pdfUpdateSignals([]byte(base)); len(s) != 0 {
		t.Errorf("single revision: %v", s)
	}
	sig := base + "9 0 obj << /Type /Sig /Contents <00> >> endobj\ntrailer << /Prev 10 >>\n%%EOF\n"
	if s := pdfUpdateSignals([]byte(sig)); len(s) != 0 {
		t.Errorf("signature update: %v", s)
	}
	text := base + "9 0 obj << /Length 30 >>\nstream\nBT /F1 10 Tf (03/11/2026) Tj ET\nendstream\nendobj\n%%EOF\n"
	if s := pdfUpdateSignals([]byte(text)); len(s) == 0 {
		t.Error("an update with new text: no signal")
	}
}
