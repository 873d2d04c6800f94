package poa

import (
	"strings"
	"unicode"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/names"
)

// Finding the applicant's name. Every segment is searched: the text after a name label ("Account
// holder:", "Dear", "户名：", "尊敬的"), then each run of two to four words (two to four Chinese
// characters) is compared with the profile name by the names package, which tolerates case,
// word order, transliteration (Chinese characters against pinyin, among others) and a missing
// middle name. A given name printed as an initial ("J Smith") is accepted when the initial is
// the profile's and the rest matches. The best score decides whether the name is there
// (names.Threshold). When it is not, the document is looked at for someone else's name — a
// labelled name, or a name-like line just above the address block — to tell a document in
// another person's name (POA_NAME_MISMATCH) from one without a name (POA_NAME_MISSING).

var nameLabels = []string{"account holder", "account name", "customer name", "name of customer",
	"name", "customer", "taxpayer", "policyholder", "policy holder", "insured", "addressee", "dear",
	"户名", "姓名", "客户名称", "客户姓名", "纳税人名称", "纳税人", "投保人", "被保险人", "收件人", "尊敬的"}

var titles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "mx": true,
	"prof": true, "sir": true, "madam": true, "mr.": true, "mrs.": true, "ms.": true, "dr.": true}

// notNames are words that appear where a name would but are not one.
var notNames = map[string]bool{"customer": true, "customers": true, "occupier": true, "resident": true,
	"householder": true, "homeowner": true, "account": true, "holder": true, "the": true, "sir": true,
	"madam": true, "valued": true, "member": true, "client": true, "user": true, "owner": true,
	"bill": true, "statement": true, "page": true, "date": true, "your": true, "of": true, "and": true,
	"number": true, "amount": true, "balance": true, "total": true, "payment": true, "due": true,
	"period": true, "electricity": true, "energy": true, "water": true, "gas": true, "tax": true,
	"bank": true, "council": true, "insurance": true, "mobile": true, "phone": true, "service": true,
	"services": true, "notice": true, "confirmation": true, "description": true, "reference": true}

var zhNotNames = []string{"客户", "用户", "住户", "业主", "先生", "女士", "会员"}

// hanName returns the profile's name in Chinese characters (surname first, no spaces), or "".
func hanName(prof []names.Name) string {
	for _, p := range prof {
		full := strings.Join(strings.Fields(p.Surname+p.Given+p.Full), "")
		if full != "" && len(hanRuns(full)) == 1 && hanRuns(full)[0] == full {
			return full
		}
	}
	return ""
}

// profileNames returns the forms of the profile's name to look for.
func profileNames(p *kyc.Profile) []names.Name {
	if p == nil {
		return nil
	}
	var out []names.Name
	if strings.TrimSpace(p.FirstName+p.LastName) != "" {
		out = append(out, names.Name{Given: p.FirstName, Surname: p.LastName})
	}
	if strings.TrimSpace(p.FullName) != "" {
		out = append(out, names.Name{Full: p.FullName})
	}
	return out
}

type nameResult struct {
	score    float64
	found    bool
	method   string
	other    bool // someone else's name is printed as the addressee
	examined int
}

// stripLabel returns the text after a name label in s (normalised), whether a label was found.
func stripLabel(s string) (string, bool) {
	for _, l := range nameLabels {
		i := strings.Index(s, l)
		if i < 0 {
			continue
		}
		if l[0] < 0x80 && i > 0 && isASCIILetter(s[i-1]) {
			continue
		}
		rest := s[i+len(l):]
		if l[0] < 0x80 && rest != "" && isASCIILetter(rest[0]) {
			continue
		}
		rest = strings.TrimLeft(rest, " :：,.-")
		return strings.TrimSpace(rest), true
	}
	return s, false
}

// lettersForDigits reads a digit inside a word of letters as the letter OCR mistook for it
// ("w0od" → "wood", "smlth" stays): words with one such digit and at least two letters.
func lettersForDigits(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		j := i
		letters, digits, at := 0, 0, -1
		for j < len(b) && (b[j] >= 'a' && b[j] <= 'z' || b[j] >= '0' && b[j] <= '9') {
			if b[j] >= '0' && b[j] <= '9' {
				digits++
				at = j
			} else {
				letters++
			}
			j++
		}
		if digits == 1 && letters >= 2 {
			switch b[at] {
			case '0':
				b[at] = 'o'
			case '1':
				b[at] = 'l'
			case '5':
				b[at] = 's'
			}
		}
		i = max(j, i+1)
	}
	return string(b)
}

// latinWords returns the words of s without titles and punctuation.
func latinWords(s string) (ws []string, titled bool) {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) && !unicode.Is(unicode.Han, r)) && r != '-' && r != '\'' && r != '.'
	}) {
		w = strings.Trim(w, ".-'")
		if w == "" {
			continue
		}
		if titles[w] {
			titled = true
			continue
		}
		for _, t := range []string{"mrs", "miss", "mr", "ms", "dr", "mx"} {
			if strings.HasPrefix(w, t) && len(w) == len(t)+1 { // "MrsJ": OCR joined title and initial
				titled, w = true, w[len(t):]
				break
			}
		}
		ws = append(ws, w)
	}
	return ws, titled
}

// hanRuns returns the runs of Chinese characters in s.
func hanRuns(s string) []string {
	var out []string
	var cur []rune
	for _, r := range s + " " {
		if unicode.Is(unicode.Han, r) || r == '·' {
			cur = append(cur, r)
			continue
		}
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	return out
}

// expandInitials replaces a one-letter word by the profile's given name when it starts so.
func expandInitials(ws []string, p names.Name) ([]string, bool) {
	given := strings.Fields(strings.ToLower(p.Given))
	if len(given) == 0 {
		return ws, false
	}
	out := append([]string(nil), ws...)
	changed := false
	for i, w := range out {
		if len([]rune(w)) == 1 && strings.HasPrefix(given[0], w) {
			out[i] = given[0]
			changed = true
		}
	}
	return out, changed
}

// nameLikeLatin reports whether ws can be a person's name.
func nameLikeLatin(ws []string, titled bool) bool {
	if len(ws) == 0 || len(ws) > 5 || (len(ws) == 1 && !titled) {
		return false
	}
	for _, w := range ws {
		if notNames[w] {
			return false
		}
	}
	return true
}

func nameLikeHan(run string) bool {
	n := len([]rune(run))
	if n < 2 || n > 4 {
		return false
	}
	for _, w := range zhNotNames {
		if strings.Contains(run, w) {
			return false
		}
	}
	return !strings.ContainsAny(run, zhDocChars)
}

// zhDocChars are characters of document titles and labels that names hardly ever use.
const zhDocChars = "账单费燃银证险税务局司址额码页宽带缴应表书函区市省路街话电号户期"

// findName searches the document for the profile's name.
func findName(d *docText, prof []names.Name, addrRow int, addrX float64, threshold float64) nameResult {
	var nr nameResult
	best := 0.0
	han := hanName(prof)
	considerHan := func(run string) {
		nr.examined++
		var v float64
		switch {
		case han != "" && strings.Contains(run, han):
			v = 1
		case han != "":
			// one character misread in a name of three or more
			rs, hs := []rune(run), []rune(han)
			if len(rs) == len(hs) && len(hs) >= 3 && editDistance(run, han, 1) <= 1 {
				v = 0.9
			}
		default:
			// a Latin profile against Chinese characters: only a close reading counts, a
			// near one ("单元" DAN YUAN against HAN SIYUAN) is chance
			for _, p := range prof {
				if sc := names.Compare(p, names.Name{Full: run}); sc.Value >= 0.95 {
					v = max(v, sc.Value)
				}
			}
		}
		if v > best {
			best, nr.method = v, "han"
		}
	}
	consider := func(text string) {
		for _, p := range prof {
			nr.examined++
			sc := names.Compare(p, names.Name{Full: text})
			if sc.Value > best {
				best, nr.method = sc.Value, sc.Method
			}
		}
	}
	considerWords := func(ws []string) {
		consider(strings.Join(ws, " "))
		for _, p := range prof {
			if ex, ok := expandInitials(ws, p); ok {
				nr.examined++
				sc := names.Compare(p, names.Name{Full: strings.Join(ex, " ")})
				if v := sc.Value * 0.98; v > best { // an initial is a little less than the name
					best, nr.method = v, sc.Method+"+initials"
				}
			}
		}
	}
	for _, s := range d.segs {
		rest, labelled := stripLabel(lettersForDigits(s.norm))
		rest = strings.TrimSuffix(strings.TrimRight(rest, " ,:："), "先生/女士")
		rest = strings.TrimSuffix(strings.TrimSuffix(rest, "先生"), "女士")
		ws, titled := latinWords(rest)
		if len(ws) >= 1 && len(ws) <= 5 {
			considerWords(ws)
		}
		for n := 2; n <= 4 && len(ws) > 5; n++ {
			for i := 0; i+n <= len(ws) && i < 12; i++ {
				considerWords(ws[i : i+n])
			}
		}
		for i := 0; i+1 < len(ws) && len(ws) <= 5; i++ { // "Mr John Smith, Flat 4": also the word pairs
			if len(ws) > 2 {
				considerWords(ws[i : i+2])
			}
		}
		runs := hanRuns(rest)
		for _, run := range runs {
			rs := []rune(run)
			if han != "" || len(rs) <= 4 {
				considerHan(run)
				if han != "" || best >= 0.95 {
					continue
				}
			}
			for n := 2; n <= 4; n++ {
				for i := 0; i+n <= len(rs); i++ {
					considerHan(string(rs[i : i+n]))
				}
			}
		}
		if labelled && best < threshold {
			if nameLikeLatin(ws, titled) {
				nr.other = true
			}
			for _, run := range runs {
				if nameLikeHan(run) {
					nr.other = true
				}
			}
		}
	}
	// the line above the address block
	if addrRow > 0 && !nr.other {
		for _, s := range d.segs {
			if s.row < addrRow-3 || s.row >= addrRow || abs(s.x-addrX) > 0.1 {
				continue
			}
			ws, titled := latinWords(s.norm)
			if nameLikeLatin(ws, titled) && !strings.ContainsAny(s.norm, "0123456789:") {
				nr.other = true
			}
			for _, run := range hanRuns(s.norm) {
				if nameLikeHan(run) && !strings.ContainsAny(s.norm, "0123456789") {
					nr.other = true
				}
			}
		}
	}
	nr.score = best
	nr.found = best >= threshold
	return nr
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
