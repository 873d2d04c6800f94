package reading

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/kycd/kycd/ocr"
)

// printed is what was read from a document's printed (visual) zone. Dates hold every reading of
// an ambiguous date (day/month order), the most likely first.
type printed struct {
	Surname, Given string // Latin name fields
	Native         string // a name in Chinese characters (resident-ID-style cards)
	DOB, Expiry    []string
	Number         string
	NationalNumber string // an 18-character Chinese resident ID number
	Sex            string
	// ChineseID is true when the page has the layout of a Chinese resident identity card.
	ChineseID bool
	// Conf is the OCR confidence of each field read.
	Conf map[string]float64
}

func (p *printed) fullName() string {
	switch {
	case p.Given != "" && p.Surname != "":
		return p.Given + " " + p.Surname
	case p.Surname != "":
		return p.Surname
	case p.Given != "":
		return p.Given
	}
	return p.Native
}

// item is one OCR box.
type item struct {
	text  string
	norm  string // lower case, accents and punctuation folded to spaces
	conf  float64
	quad  ocr.Quad
	line  int
	label string // the field this box labels, if it is a label
}

// labels are the printed field captions documents carry, folded (lower case, no accents, no
// punctuation). Captions of four letters or fewer must be whole words; captions of eight or more
// may carry a misread letter per six (OCR of small print), shorter ones none.
var labels = []struct {
	field string
	pats  []string
}{
	{"given", []string{"given names", "given name", "first name", "forenames", "forename", "prenoms", "prenom",
		"nombres", "vornamen", "vorname", "nome", "voornamen", "imiona"}},
	{"surname", []string{"surname", "last name", "family name", "apellidos", "apellido", "nachname", "familienname",
		"cognome", "sobrenome", "achternaam", "nazwisko", "nom"}},
	{"dob", []string{"date of birth", "birth date", "date de naissance", "fecha de nacimiento", "geburtsdatum",
		"data di nascita", "data de nascimento", "geboortedatum", "data urodzenia", "birth"}},
	{"expiry", []string{"date of expiry", "expiry date", "date of exp", "expiry", "expires", "valid until", "valid thru",
		"date d expiration", "expiration", "fecha de caducidad", "caducidad", "gultig bis", "scadenza", "validade",
		"geldig tot", "termin waznosci"}},
	{"number", []string{"passport no", "passport number", "passport nr", "document no", "document number", "document nr",
		"card no", "card number", "no du passeport", "numero de document", "numero del documento", "pasaporte no",
		"reisepass nr", "dokumentennummer", "documentnummer", "id no", "id number", "numero", "nr dokumentu"}},
	{"sex", []string{"sex", "sexe", "sexo", "geschlecht", "sesso"}},
}

// Chinese captions of the resident identity card (and of Chinese passports).
const (
	cnName   = "姓名"
	cnSex    = "性别"
	cnBirth  = "出生"
	cnNumber = "公民身份号码"
	cnExpiry = "有效期限"
)

var cnNumberRE = regexp.MustCompile(`[0-9]{17}[0-9Xx]`)

// readPrinted reads the printed fields of a page: captions are found (tolerating a misread
// letter or two), and the value of each is the box under it or, failing that, to its right.
func readPrinted(page *ocr.Page, now time.Time) *printed {
	p := &printed{Conf: map[string]float64{}}
	items := layout(page)
	for i := range items {
		items[i].label = labelOf(items[i].norm)
	}
	readChinese(p, page, items, now)
	for i := range items {
		it := &items[i]
		if it.label == "" {
			continue
		}
		if _, done := p.Conf[it.label]; done {
			continue
		}
		for _, v := range valueCandidates(items, i, anywhere) {
			if p.take(it.label, v, now) {
				break
			}
		}
	}
	return p
}

// take stores v as the field's value when it has the field's form, and reports whether it did.
func (p *printed) take(field string, v *item, now time.Time) bool {
	text := strings.TrimSpace(v.text)
	switch field {
	case "surname", "given":
		name, ok := latinName(foldNameDigits(text))
		if !ok {
			return false
		}
		if field == "surname" {
			p.Surname = name
		} else {
			p.Given = name
		}
	case "dob":
		ds := parseDates(text, birthDate, now)
		if len(ds) == 0 {
			return false
		}
		p.DOB = ds
	case "expiry":
		ds := parseDates(text, expiryDate, now)
		if len(ds) == 0 {
			return false
		}
		p.Expiry = ds[len(ds)-1:] // a validity period prints the start first
		if len(ds) > 1 && !strings.ContainsAny(text, "-–~至") {
			p.Expiry = ds
		}
	case "number":
		n, ok := docNumber(text)
		if !ok {
			return false
		}
		p.Number = n
	case "sex":
		s := sexOf(text)
		if s == "" {
			return false
		}
		p.Sex = s
	default:
		return false
	}
	p.Conf[field] = v.conf
	return true
}

// readChinese reads the captions of a Chinese resident identity card, whose values follow the
// caption on its row: in the same box or the next one.
func readChinese(p *printed, page *ocr.Page, items []item, now time.Time) {
	for _, l := range page.Lines {
		flat := strings.ReplaceAll(l.Text, " ", "")
		if m := cnNumberRE.FindString(strings.ToUpper(flat)); m != "" && (p.NationalNumber == "" || strings.Contains(flat, cnNumber)) {
			p.NationalNumber = strings.ToUpper(m)
			p.Conf["national_number"] = l.Confidence
		}
		if strings.Contains(flat, cnNumber) {
			p.ChineseID = true
		}
	}
	for i := range items {
		it := &items[i]
		flat := strings.ReplaceAll(it.text, " ", "")
		var caption string
		for _, c := range []string{cnName, cnSex, cnBirth, cnExpiry} {
			if strings.HasPrefix(flat, c) {
				caption = c
				break
			}
		}
		if caption == "" {
			continue
		}
		// The value: the rest of the box, else the box to its right.
		value, conf := strings.TrimPrefix(flat, caption), it.conf
		if strings.TrimSpace(value) == "" {
			if vs := valueCandidates(items, i, rightOnly); len(vs) > 0 {
				value, conf = vs[0].text, vs[0].conf
			}
		}
		switch caption {
		case cnName:
			if name := hanName(strings.ReplaceAll(value, " ", "")); name != "" && p.Native == "" {
				p.Native = name
				p.Conf["native"] = conf
			}
		case cnSex:
			if p.Sex == "" {
				p.Sex = sexOf(value)
			}
		case cnBirth:
			if ds := parseDates(value, birthDate, now); len(ds) > 0 && len(p.DOB) == 0 {
				p.DOB = ds
				p.Conf["dob"] = conf
			}
		case cnExpiry:
			if ds := parseDates(value, expiryDate, now); len(ds) > 0 && len(p.Expiry) == 0 {
				p.Expiry = ds[len(ds)-1:]
				p.Conf["expiry"] = conf
			}
		}
	}
	if p.NationalNumber != "" && p.Native != "" {
		p.ChineseID = true
	}
}

// hanName keeps the Chinese characters of a name (and the middle dot of transcribed names).
func hanName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r), r == '·', r == '•':
			b.WriteRune(r)
		case b.Len() > 0 && !unicode.IsSpace(r):
			return b.String() // the name ends where other text starts
		}
	}
	return b.String()
}

// foldNameDigits reads the digits OCR prints for look-alike capitals (0 O, 1 I, 2 Z, 5 S, 6 G,
// 7 Z, 8 B) as those letters when the text is mostly letters: a name holds no digits.
func foldNameDigits(s string) string {
	letters, digits := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r >= '0' && r <= '9':
			digits++
		}
	}
	if digits == 0 || digits*3 > letters {
		return s
	}
	return strings.NewReplacer("0", "O", "1", "I", "2", "Z", "5", "S", "6", "G", "7", "Z", "8", "B").Replace(s)
}

// latinName accepts a name value: letters (any Latin script), spaces, hyphens and apostrophes,
// at least two letters, no digits.
func latinName(s string) (string, bool) {
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '-' || r == '\'' || r == '’' || r == ',' || r == '.':
		default:
			return "", false
		}
	}
	if letters < 2 {
		return "", false
	}
	return strings.Join(strings.Fields(strings.Trim(s, ",. ")), " "), true
}

// docNumber accepts a document number: 5 to 20 letters and digits (spaces removed), at least
// one digit.
func docNumber(s string) (string, bool) {
	var b strings.Builder
	digits := 0
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= '0' && r <= '9':
			digits++
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", false
		}
	}
	n := b.String()
	if len(n) < 5 || len(n) > 20 || digits == 0 {
		return "", false
	}
	return n, true
}

func sexOf(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "男"), s == "M", strings.HasPrefix(s, "M/"), strings.HasPrefix(s, "M "), s == "H":
		return "M"
	case strings.HasPrefix(s, "女"), s == "F", strings.HasPrefix(s, "F/"), strings.HasPrefix(s, "F "), s == "W":
		return "F"
	}
	return ""
}

// layout lists the page's boxes as items.
func layout(page *ocr.Page) []item {
	var items []item
	for li, l := range page.Lines {
		for _, b := range l.Boxes {
			items = append(items, item{text: b.Text, norm: fold(b.Text), conf: b.Confidence, quad: b.Quad, line: li})
		}
	}
	return items
}

// Where a value lies relative to its caption.
const (
	anywhere = iota
	rightOnly
)

// valueCandidates lists the boxes that may hold label i's value, best first: the nearest box
// below that starts under it, then the nearest box to its right on its row. Both are judged in
// the caption's own frame, so a tilted or foreshortened document reads as a flat one.
func valueCandidates(items []item, i int, where int) []*item {
	l := &items[i]
	q := l.quad
	h, w := q.Height(), q.Width()
	if h <= 0 {
		return nil
	}
	dir := unitVec(q[0], q[1])
	nrm := ocr.Point{X: -dir.Y, Y: dir.X}
	lc := q.Center()
	proj := func(p, o ocr.Point) (float64, float64) {
		d := ocr.Point{X: p.X - o.X, Y: p.Y - o.Y}
		return d.X*dir.X + d.Y*dir.Y, d.X*nrm.X + d.Y*nrm.Y
	}
	type cand struct {
		it    *item
		score float64
	}
	var cs []cand
	for j := range items {
		v := &items[j]
		if j == i || v.label != "" {
			continue
		}
		_, across := proj(v.quad.Center(), lc)
		left, _ := proj(v.quad[0], q[0]) // v's start, along the caption from its start
		switch {
		case math.Abs(across) < 0.6*h && left >= w-h/2 && left-w < 8*h: // to the right
			cs = append(cs, cand{v, 10 + (left-w)/h})
		case where == anywhere && across > 0.6*h && across < 3*h && left > -1.5*h && left < w: // below
			cs = append(cs, cand{v, across / h})
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].score < cs[b].score })
	out := make([]*item, 0, 3)
	for _, c := range cs {
		if len(out) == 3 {
			break
		}
		out = append(out, c.it)
	}
	return out
}

func unitVec(a, b ocr.Point) ocr.Point {
	l := math.Hypot(b.X-a.X, b.Y-a.Y)
	if l == 0 {
		return ocr.Point{X: 1}
	}
	return ocr.Point{X: (b.X - a.X) / l, Y: (b.Y - a.Y) / l}
}

// labelOf returns the field a box's folded text is the caption of, or "". The OCR's classic
// confusion of "rn" with "m" ("Sumame") is folded on both sides first.
func labelOf(norm string) string {
	if norm == "" {
		return ""
	}
	norm = strings.ReplaceAll(norm, "rn", "m")
	for _, l := range labels {
		for _, p := range l.pats {
			p = strings.ReplaceAll(p, "rn", "m")
			if len(p) <= 4 {
				if hasWord(norm, p) {
					return l.field
				}
				continue
			}
			k := 0
			if len(p) >= 8 {
				k = len(p) / 6
			}
			if approxContains(norm, p, k) {
				return l.field
			}
			// A box that is the caption alone may carry one misread letter from six letters on.
			if len(p) >= 6 && abs(len(norm)-len(p)) <= 2 && approxContains(norm, p, 1) && approxContains(p, norm, 1) {
				return l.field
			}
		}
	}
	return ""
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

// fold lower-cases s, strips common accents and turns punctuation into spaces.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("àáâãäåą", r):
			b.WriteByte('a')
		case strings.ContainsRune("çćč", r):
			b.WriteByte('c')
		case strings.ContainsRune("èéêëę", r):
			b.WriteByte('e')
		case strings.ContainsRune("ìíîï", r):
			b.WriteByte('i')
		case strings.ContainsRune("ñń", r):
			b.WriteByte('n')
		case strings.ContainsRune("òóôõöø", r):
			b.WriteByte('o')
		case strings.ContainsRune("ùúûü", r):
			b.WriteByte('u')
		case strings.ContainsRune("śš", r):
			b.WriteByte('s')
		case strings.ContainsRune("źżž", r):
			b.WriteByte('z')
		case r == 'ł':
			b.WriteByte('l')
		case unicode.IsLetter(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// approxContains reports whether pat occurs in s with at most k edits (Sellers' algorithm).
func approxContains(s, pat string, k int) bool {
	if strings.Contains(s, pat) {
		return true
	}
	if k == 0 {
		return false
	}
	p := []rune(pat)
	prev := make([]int, len(p)+1)
	cur := make([]int, len(p)+1)
	for i := range prev {
		prev[i] = i
	}
	for _, c := range s {
		cur[0] = 0
		for i := 1; i <= len(p); i++ {
			cost := 1
			if p[i-1] == c {
				cost = 0
			}
			cur[i] = min(prev[i-1]+cost, prev[i]+1, cur[i-1]+1)
		}
		if cur[len(p)] <= k {
			return true
		}
		prev, cur = cur, prev
	}
	return false
}
