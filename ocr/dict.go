package ocr

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Dict is the recognition model's alphabet: class 0 is the CTC blank, classes 1..n are the
// dictionary file's lines, and class n+1 is the space PaddleOCR appends (use_space_char).
type Dict struct {
	chars []string // chars[k] is class k; chars[0] is "" (blank)
	index map[string][]int
}

// ParseDict reads a PaddleOCR dictionary: one entry per line (LF or CRLF), an entry being one
// character (a few dictionaries hold short strings). Empty lines are kept as entries so the
// class numbering stays that of the model; a file that is not UTF-8, or has no entries, is
// refused.
func ParseDict(data []byte) (*Dict, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("ocr: dictionary is not UTF-8")
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return nil, fmt.Errorf("ocr: dictionary is empty")
	}
	lines := strings.Split(string(data), "\n")
	d := &Dict{chars: make([]string, 0, len(lines)+2), index: map[string][]int{}}
	d.chars = append(d.chars, "")
	for _, l := range lines {
		d.chars = append(d.chars, strings.TrimSuffix(l, "\r"))
	}
	d.chars = append(d.chars, " ")
	for k, c := range d.chars {
		if k > 0 && c != "" {
			d.index[c] = append(d.index[c], k)
		}
	}
	return d, nil
}

// Classes is the number of classes the recognition model must output.
func (d *Dict) Classes() int { return len(d.chars) }

// Char is the text of class k ("" for the blank or an unknown class).
func (d *Dict) Char(k int) string {
	if k <= 0 || k >= len(d.chars) {
		return ""
	}
	return d.chars[k]
}

// space is the class of the appended space.
func (d *Dict) space() int { return len(d.chars) - 1 }

// classesOf returns the classes whose text reads as c under folding: c itself, its lower case
// and full-width forms, and for the MRZ filler '<' the brackets OCR models print for it.
func (d *Dict) classesOf(c rune) []int {
	forms := []string{string(c)}
	switch {
	case c >= 'A' && c <= 'Z':
		forms = append(forms, string(c-'A'+'a'), string(c-'A'+'Ａ'), string(c-'A'+'ａ'))
	case c >= '0' && c <= '9':
		forms = append(forms, string(c-'0'+'０'))
	case c == '<':
		forms = append(forms, "＜", "〈", "‹", "《", "〈")
	}
	var out []int
	seen := map[int]bool{}
	for _, f := range forms {
		for _, k := range d.index[f] {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// Alphabet restricts decoding to a set of characters: every class that folds to one of them
// (see classesOf) votes for it, every other class is ignored. MRZAlphabet is the zone's.
type Alphabet struct {
	runes   []rune
	classes [][]int
}

// NewAlphabet builds the restriction of d to the characters of s. Characters the dictionary
// cannot print are dropped.
func (d *Dict) NewAlphabet(s string) *Alphabet {
	a := &Alphabet{}
	seen := map[rune]bool{}
	for _, r := range s {
		if seen[r] {
			continue
		}
		seen[r] = true
		if ks := d.classesOf(r); len(ks) > 0 {
			a.runes = append(a.runes, r)
			a.classes = append(a.classes, ks)
		}
	}
	return a
}

// MRZChars is the alphabet of the machine-readable zone.
const MRZChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
