package poa

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/kycd/kycd/kyc"
)

// Address comparison. Both the profile address and the document's text are normalised — lower
// case, full-width folded, punctuation dropped, the usual abbreviations expanded (St → street,
// Apt → unit), unit words unified (flat, apartment, apt, suite, unit, room → unit), letters and
// digits split where a word runs into a number ("FLAT7C"), postal codes compared without spaces —
// and the profile's parts are looked for in a window of a few consecutive rows of the document.
// The score is the weighted share of the profile's parts found: postal code 0.30, street name
// 0.30, house number 0.15, city 0.15, unit 0.10 (weights of absent parts are shared out).
// Chinese addresses are compared part by part (省/市/区/县, road, 号, building, unit, room),
// which makes the order they are written in (big to small on documents, often small to big in
// a form) irrelevant.

// AddressThreshold is the default score at which the document's address is the profile's.
const AddressThreshold = 0.6

var abbreviations = map[string]string{
	"st": "street", "str": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane",
	"dr": "drive", "blvd": "boulevard", "cres": "crescent", "pl": "place", "ct": "court",
	"tce": "terrace", "ter": "terrace", "gdns": "gardens", "cl": "close", "sq": "square",
	"hwy": "highway", "pkwy": "parkway", "mt": "mount", "n": "north", "s": "south", "e": "east",
	"w": "west", "apt": "unit", "apartment": "unit", "flat": "unit", "suite": "unit", "ste": "unit",
	"unit": "unit", "rm": "unit", "room": "unit", "fl": "floor", "flr": "floor", "no": "number",
}

// unitWords and streetTypes are left out of the street name.
var streetTypes = map[string]bool{"street": true, "road": true, "avenue": true, "lane": true,
	"drive": true, "boulevard": true, "crescent": true, "place": true, "court": true,
	"terrace": true, "gardens": true, "close": true, "square": true, "way": true, "highway": true,
	"parkway": true, "walk": true, "row": true, "mews": true, "grove": true, "hill": true}

// addrTokens splits normalised text into address words.
func addrTokens(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			w := string(cur)
			// a house number run into its street ("6996albert", OCR lost the space); a
			// number with one or two letters is a unit ("7c")
			if m := reNumWord.FindStringSubmatch(w); m != nil {
				out = append(out, m[1])
				w = m[2]
			} else if m := reNumOWord.FindStringSubmatch(w); m != nil {
				out = append(out, m[1], "o"+m[2]) // "1230ak": OCR read "123 OAK" as one number
			}
			if e, ok := abbreviations[w]; ok {
				w = e
			}
			out = append(out, w)
			cur = cur[:0]
		}
	}
	prevLetter := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) && !unicode.Is(unicode.Han, r):
			cur = append(cur, r) // digits then letters stay together: "7c", "4b"
			prevLetter = true
		case unicode.IsDigit(r):
			if prevLetter && len(cur) > 0 {
				flush() // letters then digits split: "flat7c" → "flat", "7c"
			}
			cur = append(cur, r)
			prevLetter = false
		default:
			flush()
			prevLetter = false
		}
	}
	flush()
	return out
}

// latinAddress is a profile address in parts.
type latinAddress struct {
	postal string   // compact, lower case
	number string   // house number
	unit   string   // flat number
	street []string // street name words
	city   []string
}

var (
	reHouse    = regexp.MustCompile(`^\d+[a-z]?$`)
	reNumWord  = regexp.MustCompile(`^(\d+)([a-z]{3,})$`)
	reNumOWord = regexp.MustCompile(`^(\d+)0([a-z]{2,})$`)
)

func parseLatin(a *kyc.Address) latinAddress {
	var la latinAddress
	la.postal = compact(a.PostalCode)
	for _, line := range []string{a.Line1, a.Line2} {
		toks := addrTokens(NormalizeText(line))
		for i := 0; i < len(toks); i++ {
			t := toks[i]
			switch {
			case t == "unit" && i+1 < len(toks):
				la.unit = toks[i+1]
				i++
			case t == "floor" || t == "number":
			case reHouse.MatchString(t):
				if la.number == "" {
					la.number = t
				} else if la.unit == "" {
					la.unit = t
				}
			case streetTypes[t]:
			default:
				la.street = append(la.street, t)
			}
		}
	}
	la.city = addrTokens(NormalizeText(a.City))
	return la
}

func compact(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(NormalizeText(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// scoreLatin scores a window of document text against the profile address.
func scoreLatin(la latinAddress, window string) (float64, map[string]float64) {
	toks := addrTokens(window)
	set := map[string]bool{}
	for _, t := range toks {
		set[t] = true
	}
	parts := map[string]float64{}
	type part struct {
		name   string
		weight float64
		ok     bool
		score  func() float64
	}
	frac := func(ws []string) float64 {
		if len(ws) == 0 {
			return 0
		}
		n := 0.0
		for _, w := range ws {
			if set[w] {
				n++
				continue
			}
			for t := range set { // one OCR slip in a long word
				if len(w) >= 5 && len(t) >= 4 && editDistance(w, t, 2) <= 1 {
					n += 0.8
					break
				}
			}
		}
		return n / float64(len(ws))
	}
	ps := []part{
		{"postal_code", 0.30, la.postal != "", func() float64 {
			if strings.Contains(compact(window), la.postal) {
				return 1
			}
			return 0
		}},
		{"street", 0.30, len(la.street) > 0, func() float64 { return frac(la.street) }},
		{"number", 0.15, la.number != "", func() float64 { return b2f(set[la.number]) }},
		{"city", 0.15, len(la.city) > 0, func() float64 { return frac(la.city) }},
		{"unit", 0.10, la.unit != "", func() float64 { return b2f(set[la.unit]) }},
	}
	total, got := 0.0, 0.0
	for _, p := range ps {
		if !p.ok {
			continue
		}
		s := p.score()
		parts[p.name] = round2(s)
		total += p.weight
		got += p.weight * s
	}
	if total == 0 {
		return 0, parts
	}
	return got / total, parts
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// editDistance is the Levenshtein distance of a and b, or limit+1 when it exceeds limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		lo := cur[0]
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			lo = min(lo, cur[j])
		}
		if lo > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// Chinese addresses.

var reZHPart = regexp.MustCompile(`[\p{Han}]+?(?:自治区|特别行政区|省|自治州|市|新区|区|县|旗|镇|乡|街道|大道|路|街|巷|弄|胡同|里|村|小区|花园|公寓|大厦)|\d+[a-z]?(?:号楼|号院|号|栋|幢|座|单元|室|层|楼|户)`)

// zhPart is one part of a Chinese address, with its weight.
type zhPart struct {
	text   string
	stem   string // without the administrative suffix (北京市 → 北京), "" when not shortenable
	weight float64
}

func zhWeight(p string) float64 {
	switch {
	case strings.HasSuffix(p, "路") || strings.HasSuffix(p, "街") || strings.HasSuffix(p, "大道") ||
		strings.HasSuffix(p, "巷") || strings.HasSuffix(p, "弄") || strings.HasSuffix(p, "胡同"):
		return 0.30
	case strings.HasSuffix(p, "号") && !strings.HasSuffix(p, "号楼"):
		return 0.15
	case strings.HasSuffix(p, "室") || strings.HasSuffix(p, "户"):
		return 0.15
	case strings.HasSuffix(p, "号楼") || strings.HasSuffix(p, "栋") || strings.HasSuffix(p, "幢") ||
		strings.HasSuffix(p, "座") || strings.HasSuffix(p, "单元"):
		return 0.10
	case strings.HasSuffix(p, "区") || strings.HasSuffix(p, "县"):
		return 0.10
	case strings.HasSuffix(p, "市") || strings.HasSuffix(p, "省"):
		return 0.10
	}
	return 0.10
}

// parseZH returns the parts of a Chinese address, or nil when it has none.
func parseZH(a *kyc.Address) []zhPart {
	all := NormalizeText(a.City + a.Line2 + a.Line1)
	all = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return -1
		}
		return r
	}, all)
	var out []zhPart
	seen := map[string]bool{}
	for _, m := range reZHPart.FindAllString(all, -1) {
		if seen[m] {
			continue
		}
		seen[m] = true
		p := zhPart{text: m, weight: zhWeight(m)}
		for _, suf := range []string{"市", "省", "区", "县"} {
			if s := strings.TrimSuffix(m, suf); s != m && len([]rune(s)) >= 2 {
				p.stem = s
			}
		}
		out = append(out, p)
	}
	return out
}

// scoreZH scores a window against the parts of a Chinese profile address.
func scoreZH(parts []zhPart, postal, window string) (float64, map[string]float64) {
	w := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return -1
		}
		return r
	}, window)
	total, got := 0.0, 0.0
	found := 0
	for _, p := range parts {
		total += p.weight
		if strings.Contains(w, p.text) || (p.stem != "" && strings.Contains(w, p.stem)) {
			got += p.weight
			found++
		}
	}
	detail := map[string]float64{"parts": float64(len(parts)), "parts_found": float64(found)}
	if pc := compact(postal); pc != "" && strings.Contains(w, pc) {
		got += 0.05 // a postal code is rarely printed on Chinese bills: only a bonus
		detail["postal_code"] = 1
	}
	if total == 0 {
		return 0, detail
	}
	return min(1, got/total), detail
}

// Address-likeness of a segment, to tell a missing address from a different one.

var (
	reUKPostcode = regexp.MustCompile(`\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b`)
	reUSZip      = regexp.MustCompile(`\b(?:al|ak|az|ar|ca|co|ct|de|dc|fl|ga|hi|id|il|in|ia|ks|ky|la|me|md|ma|mi|mn|ms|mo|mt|ne|nv|nh|nj|nm|ny|nc|nd|oh|ok|or|pa|ri|sc|sd|tn|tx|ut|vt|va|wa|wv|wi|wy|pr)\s+\d{5}(?:-\d{4})?\b`)
	reAUPost     = regexp.MustCompile(`\b(?:nsw|vic|qld|wa|sa|tas|act|nt)\s+\d{4}\b`)
	reStreet     = regexp.MustCompile(`\b\d+[a-z]?\s*(?:[a-z]+\s+){1,3}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|crescent|way|place|court|terrace|gardens|square|boulevard|blvd)\b`)
	reUnit       = regexp.MustCompile(`\b(?:flat|apt|apartment|unit|suite)\s*\d+[a-z]?\b`)
	reZHAddr     = regexp.MustCompile(`(?:路|街|大道|巷|弄)\s*\d+\s*号|\d+\s*(?:号楼|栋|幢|单元|室)|(?:省|市|区|县).{0,12}(?:路|街|大道)`)
)

// companyWords mark a segment as the sender's (a letterhead or footer), not the addressee's.
var companyWords = []string{" ltd", "limited", " plc", " inc", "n.a.", " llc", "registered", "authorised",
	"member fdic", "regulation", "civic centre", "office,", "department", "ministry", "p.o. box", "po box", "www.", "http", "@",
	"公司", "银行", "税务局", "办事处", "中心", "营业厅", "客服", "热线", "大厦"}

func companyLike(norm string) bool {
	t := " " + norm
	for _, w := range companyWords {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

func addressLike(norm string) bool {
	if companyLike(norm) {
		return false
	}
	return reUKPostcode.MatchString(norm) || reUSZip.MatchString(norm) || reAUPost.MatchString(norm) ||
		reStreet.MatchString(norm) || reUnit.MatchString(norm) || reZHAddr.MatchString(norm)
}
