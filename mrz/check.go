package mrz

import "errors"

// errCheckInput is returned by CheckDigit for text that cannot appear in a machine-readable zone.
var errCheckInput = errors.New("mrz: check digit input must be non-empty and contain only A-Z, 0-9 and '<'")

// charValue is the ICAO 9303 Part 3 value of one MRZ character: digits are themselves, A-Z are
// 10-35 and the filler '<' is 0. ok is false for any other byte.
func charValue(c byte) (v int, ok bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c == '<':
		return 0, true
	}
	return 0, false
}

// weights are the repeating 7-3-1 weights of ICAO 9303 Part 3 section 4.9.
var weights = [3]int{7, 3, 1}

// CheckDigit computes the ICAO 9303 7-3-1 check digit of s. It is exported because the same rule
// protects other identifiers read next to the zone (and for tests that build zones).
func CheckDigit(s string) (byte, error) {
	if s == "" {
		return 0, errCheckInput
	}
	sum := 0
	for i := 0; i < len(s); i++ {
		v, ok := charValue(s[i])
		if !ok {
			return 0, errCheckInput
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10), nil
}

// checkSum is CheckDigit over several pieces without building the joined string; ok is false when
// a piece holds a character outside the MRZ alphabet.
func checkSum(pieces ...string) (byte, bool) {
	sum, n := 0, 0
	for _, p := range pieces {
		for i := 0; i < len(p); i++ {
			v, ok := charValue(p[i])
			if !ok {
				return 0, false
			}
			sum += v * weights[n%3]
			n++
		}
	}
	return byte('0' + sum%10), true
}

// Verify reports whether digit is the correct check digit of s. A field left empty (all filler)
// may carry '<' or '0' as its check digit (ICAO 9303 Part 4 4.2.2.2 for the personal number).
func Verify(s string, digit byte) bool {
	got, err := CheckDigit(s)
	if err != nil {
		return false
	}
	if digit == '<' {
		return allFiller(s)
	}
	return got == digit
}

func allFiller(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			return false
		}
	}
	return true
}
