package natid

import (
	"fmt"
	"time"

	"github.com/kycd/kycd/kyc"
)

// CHN validates Chinese resident identity card numbers (GB 11643-1999): six digits of the
// place of registration, the birth date YYYYMMDD, a three-digit sequence whose last digit is odd
// for men and even for women, and an ISO 7064 MOD 11-2 check character (0-9 or X). The
// first-generation 15-digit numbers (birth year without century, no check character) are still
// accepted and upgraded. The same scheme is used by the residence permits of Hong Kong, Macao
// (81, 82) and Taiwan (83) residents, and by the 2023 foreigner's permanent residence card,
// whose number starts with 9 followed by the issuing province.
//
// The place is checked at province level only: county tables change every year and the sources
// disagree on historic codes, while a province code that never existed is a sure sign of a
// misread or invented number.
type CHN struct {
	clock kyc.Clock
}

// NewCHN returns the validator; clock decides which birth dates lie in the future.
func NewCHN(clock kyc.Clock) *CHN {
	if clock == nil {
		clock = kyc.SystemClock{}
	}
	return &CHN{clock: clock}
}

// Country is CHN.
func (*CHN) Country() string { return "CHN" }

// provinces are the GB/T 2260 province-level codes, plus 83 which the residence permits of
// Taiwan residents use.
var provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区", "83": "台湾地区",
}

// Mod112 returns the ISO 7064 MOD 11-2 check character of a string of digits ('X' for ten).
// It is exported for the generic ISO 7064 test vectors; ok is false for non-digits.
func Mod112(digits string) (check byte, ok bool) {
	sum := 0
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		// weight of position i counted from the right, the check character being position 1
		sum = (sum + int(c-'0')) * 2 % 11
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X', true
	}
	return byte('0' + v), true
}

// Validate checks an 18- or 15-character number.
func (v *CHN) Validate(number string) (Info, error) {
	n := clean(number)
	switch len(n) {
	case 18:
		return v.validate18(n)
	case 15:
		return v.validate15(n)
	}
	return Info{}, invalid("CHN", ReasonFormat, "%d characters, want 18 (or 15 for first-generation cards)", len(n))
}

func (v *CHN) validate18(n string) (Info, error) {
	if !allDigits(n[:17]) || !(n[17] == 'X' || (n[17] >= '0' && n[17] <= '9')) {
		return Info{}, invalid("CHN", ReasonFormat, "17 digits and a digit or X expected")
	}
	info := Info{Country: "CHN", Number: n, Kind: "resident_id"}
	region := n[:2]
	switch {
	case n[0] == '9':
		info.Kind = "foreign_permanent_residence"
		region = n[1:3]
	case region == "81" || region == "82":
		info.Kind = "hk_macao_residence_permit"
	case region == "83":
		info.Kind = "taiwan_residence_permit"
	}
	name, ok := provinces[region]
	if !ok {
		return Info{}, invalid("CHN", ReasonRegion, "province code %s does not exist", region)
	}
	info.Region, info.RegionName = region, name
	dob, err := v.birthDate(n[6:14])
	if err != nil {
		return Info{}, err
	}
	info.DateOfBirth = dob
	if want, _ := Mod112(n[:17]); want != n[17] {
		return Info{}, invalid("CHN", ReasonChecksum, "MOD 11-2 check character mismatch")
	}
	info.Sex = sexOf(n[16])
	return info, nil
}

func (v *CHN) validate15(n string) (Info, error) {
	if !allDigits(n) {
		return Info{}, invalid("CHN", ReasonFormat, "15 digits expected")
	}
	name, ok := provinces[n[:2]]
	if !ok || n[0] == '9' {
		return Info{}, invalid("CHN", ReasonRegion, "province code %s does not exist", n[:2])
	}
	dob, err := v.birthDate("19" + n[6:12])
	if err != nil {
		return Info{}, err
	}
	up, _ := UpgradeCHN(n)
	return Info{Country: "CHN", Number: n, Kind: "resident_id_15", DateOfBirth: dob, Sex: sexOf(n[14]),
		Region: n[:2], RegionName: name, Upgraded: up}, nil
}

// birthDate checks YYYYMMDD: a real calendar date, not after now and not before 1850.
func (v *CHN) birthDate(s string) (string, error) {
	t, err := time.Parse("20060102", s)
	if err != nil || t.Year() < 1850 {
		return "", invalid("CHN", ReasonBirthDate, "embedded birth date is not a valid date")
	}
	if t.After(v.clock.Now()) {
		return "", invalid("CHN", ReasonFutureBirthDate, "embedded birth date is in the future")
	}
	return t.Format(time.DateOnly), nil
}

func sexOf(d byte) string {
	if (d-'0')%2 == 1 {
		return "M"
	}
	return "F"
}

// UpgradeCHN turns a first-generation 15-digit number into its 18-digit form: the century 19 is
// inserted before the birth year and the MOD 11-2 check character appended.
func UpgradeCHN(number string) (string, error) {
	n := clean(number)
	if len(n) != 15 || !allDigits(n) {
		return "", invalid("CHN", ReasonFormat, "15 digits expected, got %d characters", len(n))
	}
	body := n[:6] + "19" + n[6:]
	check, _ := Mod112(body)
	return fmt.Sprintf("%s%c", body, check), nil
}
