package natid

import "strings"

// TWN validates Taiwan national identification numbers (and the 2021 uniform ID numbers of
// resident foreigners, which share the scheme): a letter for the place of first registration, a
// digit for the sex (1/8 male, 2/9 female), seven serial digits and a check digit.
type TWN struct{}

// Country is TWN.
func (TWN) Country() string { return "TWN" }

// twnLetters are the two-digit values of the place letters (I, O, W, X, Y, Z out of order
// because they were added later).
var twnLetters = map[byte]int{
	'A': 10, 'B': 11, 'C': 12, 'D': 13, 'E': 14, 'F': 15, 'G': 16, 'H': 17, 'I': 34, 'J': 18,
	'K': 19, 'L': 20, 'M': 21, 'N': 22, 'O': 35, 'P': 23, 'Q': 24, 'R': 25, 'S': 26, 'T': 27,
	'U': 28, 'V': 29, 'W': 32, 'X': 30, 'Y': 31, 'Z': 33,
}

// Validate checks the letter, the sex digit and the check digit.
func (TWN) Validate(number string) (Info, error) {
	n := clean(number)
	if len(n) != 10 || n[0] < 'A' || n[0] > 'Z' || !allDigits(n[1:]) {
		return Info{}, invalid("TWN", ReasonFormat, "a letter and nine digits expected")
	}
	info := Info{Country: "TWN", Number: n, Kind: "national_id"}
	switch n[1] {
	case '1':
		info.Sex = "M"
	case '2':
		info.Sex = "F"
	case '8':
		info.Sex, info.Kind = "M", "resident_foreigner"
	case '9':
		info.Sex, info.Kind = "F", "resident_foreigner"
	default:
		return Info{}, invalid("TWN", ReasonFormat, "second character must be 1, 2, 8 or 9")
	}
	code := twnLetters[n[0]]
	sum := code/10 + code%10*9
	for i := 1; i <= 8; i++ {
		sum += int(n[i]-'0') * (9 - i)
	}
	sum += int(n[9] - '0')
	if sum%10 != 0 {
		return Info{}, invalid("TWN", ReasonChecksum, "check digit mismatch")
	}
	info.Region = n[:1]
	return info, nil
}

// HKG validates Hong Kong identity card numbers: one or two letters, six digits and a check
// character (0-9 or A), often printed in brackets: A123456(3).
type HKG struct{}

// Country is HKG.
func (HKG) Country() string { return "HKG" }

// Validate checks the format and the modulus 11 check character.
func (HKG) Validate(number string) (Info, error) {
	n := strings.NewReplacer("(", "", ")", "", "[", "", "]", "").Replace(clean(number))
	letters := 0
	for letters < len(n) && n[letters] >= 'A' && n[letters] <= 'Z' {
		letters++
	}
	if letters < 1 || letters > 2 || len(n) != letters+7 || !allDigits(n[letters:letters+6]) ||
		!(n[len(n)-1] == 'A' || (n[len(n)-1] >= '0' && n[len(n)-1] <= '9')) {
		return Info{}, invalid("HKG", ReasonFormat, "one or two letters, six digits and a check character expected")
	}
	// A single letter is weighted as if preceded by a space (value 36).
	sum := 0
	if letters == 1 {
		sum = 36 * 9
	}
	for i := 0; i < len(n)-1; i++ {
		w := 9 - i
		if letters == 1 {
			w = 8 - i
		}
		c := n[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * w
	}
	want := byte('0' + (11-sum%11)%11)
	if (11-sum%11)%11 == 10 {
		want = 'A'
	}
	if n[len(n)-1] != want {
		return Info{}, invalid("HKG", ReasonChecksum, "check character mismatch")
	}
	return Info{Country: "HKG", Number: n, Kind: "identity_card"}, nil
}
