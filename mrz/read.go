package mrz

import (
	"strings"
	"time"
)

// Look-alike characters. A position's alphabet decides which way they are read; in mixed fields
// swap gives the one alternative reading tried against the check digits.
var (
	letterToDigit = map[byte]byte{'O': '0', 'Q': '0', 'D': '0', 'U': '0', 'I': '1', 'L': '1',
		'Z': '2', 'S': '5', 'G': '6', 'B': '8', 'A': '4', 'T': '7'}
	digitToLetter = map[byte]byte{'0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B'}
	swap          = map[byte]byte{'0': 'O', 'O': '0', 'D': '0', 'Q': '0', '1': 'I', 'I': '1',
		'2': 'Z', 'Z': '2', '5': 'S', 'S': '5', '6': 'G', 'G': '6', '8': 'B', 'B': '8'}
)

// Bounds of the look-alike search: at most maxChanges characters changed, among at most
// maxPositions candidate positions, so at most sum C(maxPositions, k≤maxChanges) ≈ 1.4k trials.
const (
	maxChanges   = 3
	maxPositions = 20
)

// reader holds one zone while it is corrected and decoded.
type reader struct {
	lay    *layout
	buf    [][]byte
	now    time.Time
	res    *Result
	checks []checkSpec
	// kinds of each position after the layout and the long document number are applied
	kinds [][]kind
	names [][]string // field name of each position
}

func read(lay *layout, lines []string, now time.Time) *Result {
	r := &reader{lay: lay, now: now, res: &Result{Format: lay.format, Raw: append([]string(nil), lines...)}}
	r.buf = make([][]byte, len(lines))
	r.kinds = make([][]kind, len(lines))
	r.names = make([][]string, len(lines))
	for i, l := range lines {
		r.buf[i] = []byte(l)
		r.kinds[i] = make([]kind, len(l))
		r.names[i] = make([]string, len(l))
	}
	for _, f := range lay.fields {
		for p := f.at.from; p < f.at.to; p++ {
			r.kinds[f.at.line][p] = f.kind
			r.names[f.at.line][p] = strings.TrimPrefix(f.name, "check:")
		}
	}
	r.checks = append([]checkSpec(nil), lay.checks...)
	r.fixByPosition()
	r.longDocumentNumber()
	r.fixByCheckDigits()
	r.evaluate()
	return r.res
}

func (r *reader) text(s span) string { return string(r.buf[s.line][s.from:s.to]) }

func (r *reader) set(line, pos int, to byte, reason string) {
	from := r.buf[line][pos]
	r.buf[line][pos] = to
	r.res.Corrections = append(r.res.Corrections, Correction{
		Field: r.names[line][pos], Line: line, Pos: pos, From: string(from), To: string(to), Reason: reason,
	})
}

// fixByPosition reads look-alikes by the alphabet of their position: a letter where only digits
// may stand is its look-alike digit and the other way round.
func (r *reader) fixByPosition() {
	for li, line := range r.buf {
		for p, c := range line {
			switch r.kinds[li][p] {
			case kNumeric, kCheck:
				if d, ok := letterToDigit[c]; ok {
					r.set(li, p, d, "position")
				}
			case kAlpha, kName:
				if l, ok := digitToLetter[c]; ok {
					r.set(li, p, l, "position")
				}
			}
		}
	}
}

// longDocumentNumber applies ICAO 9303 Part 5 note j: a document number longer than nine
// characters puts '<' in the check digit position and continues in the optional data field,
// whose last character before the first filler is then the check digit. Issuers compute that
// digit over the number with or without the '<', so both are accepted.
func (r *reader) longDocumentNumber() {
	ld := r.lay.longDoc
	if ld == nil || r.buf[ld.check.line][ld.check.from] != '<' {
		return
	}
	ext := r.buf[ld.ext.line][ld.ext.from:ld.ext.to]
	if len(ext) == 0 || ext[0] == '<' {
		return
	}
	end := strings.IndexByte(string(ext), '<')
	if end < 0 {
		end = len(ext)
	}
	chk := ld.ext.from + end - 1
	line := ld.ext.line
	for p := ld.ext.from; p < ld.ext.from+end; p++ {
		r.names[line][p] = fDocumentNumber
	}
	r.kinds[line][chk] = kCheck
	if d, ok := letterToDigit[r.buf[line][chk]]; ok {
		r.set(line, chk, d, "position")
	}
	rest := sp(line, ld.ext.from, chk)
	withFiller := sp(ld.number.line, ld.number.from, ld.check.to)
	// The composite digit covers the same characters whatever the document number's length.
	for i, c := range r.checks {
		if c.name == fDocumentNumber {
			r.checks[i] = checkSpec{fDocumentNumber, one(line, chk), [][]span{{ld.number, rest}, {withFiller, rest}}}
		}
	}
}

// verify reports whether check c holds on the current buffer.
func (r *reader) verify(c checkSpec) bool {
	d := r.buf[c.digit.line][c.digit.from]
	for _, alt := range c.over {
		pieces := make([]string, len(alt))
		for i, s := range alt {
			pieces[i] = r.text(s)
		}
		got, ok := checkSum(pieces...)
		if !ok {
			continue
		}
		if got == d || (d == '<' && allFiller(strings.Join(pieces, ""))) {
			return true
		}
	}
	return false
}

func (r *reader) satisfied() int {
	n := 0
	for _, c := range r.checks {
		if r.verify(c) {
			n++
		}
	}
	return n
}

type pos struct{ line, at int }

// fixByCheckDigits resolves look-alikes in mixed fields (document and optional numbers), where
// the position alone cannot tell a letter from a digit. Two steps, each kept only when it makes
// more check digits verify and none fail that verified before:
//
//  1. context: a look-alike inside a run of digits is read as a digit, inside a run of letters
//     as a letter ("L8989O2C3" is L898902C3). One proposal per field, so a check digit passing
//     by chance (one time in ten) only matters when the proposal is wrong.
//  2. search: the alternative readings of up to maxChanges positions among those protected only
//     by failing check digits; the reading that verifies the most checks with the fewest changes
//     is kept if it is the only one and chance is an unlikely explanation: with n candidate
//     positions and k changes there are C(n,k) readings, each passing a gained check digit one
//     time in ten, so C(n,k)/10^gained must not exceed maxSpurious. The composite digit covers
//     the document and personal numbers with the same weights as their own digits, so it adds
//     nothing when one of those is gained with it.
func (r *reader) fixByCheckDigits() {
	if len(r.checks) == 0 || r.satisfied() == len(r.checks) {
		return
	}
	r.fixByContext()
	base := r.satisfied()
	if base == len(r.checks) {
		return
	}
	baseOK := r.verified()
	cands := r.candidates()
	if len(cands) == 0 {
		return
	}
	bestGain, bestK := 0, 0
	var best [][]pos
	idx := make([]int, 0, maxChanges)
	saved := make([]byte, maxChanges)
	var walk func(start, k int)
	walk = func(start, k int) {
		if len(idx) == k {
			for j, i := range idx {
				p := cands[i]
				saved[j] = r.buf[p.line][p.at]
				r.buf[p.line][p.at] = swap[saved[j]]
			}
			gain := r.gain(baseOK)
			for j, i := range idx {
				p := cands[i]
				r.buf[p.line][p.at] = saved[j]
			}
			if gain > bestGain {
				bestGain, bestK, best = gain, k, nil
			}
			if gain == bestGain && k == bestK && gain > 0 {
				choice := make([]pos, len(idx))
				for j, i := range idx {
					choice[j] = cands[i]
				}
				best = append(best, choice)
			}
			return
		}
		for i := start; i < len(cands); i++ {
			idx = append(idx, i)
			walk(i+1, k)
			idx = idx[:len(idx)-1]
		}
	}
	for k := 1; k <= maxChanges && k <= len(cands); k++ {
		walk(0, k)
		if base+bestGain >= len(r.checks) {
			break // a full solution with k changes beats any with more
		}
	}
	// Two equally good readings, or one that chance explains, leave the text as read: the
	// failing check digit is then reported, which is the honest outcome.
	if len(best) == 1 && binomial(len(cands), bestK) <= maxSpurious*pow10(bestGain) {
		for _, p := range best[0] {
			r.set(p.line, p.at, swap[r.buf[p.line][p.at]], "check_digit")
		}
	}
}

// verified returns which checks hold on the current buffer.
func (r *reader) verified() []bool {
	ok := make([]bool, len(r.checks))
	for i, c := range r.checks {
		ok[i] = r.verify(c)
	}
	return ok
}

// gain is the number of independent check digits that verify now and did not in before, or -1
// when one that verified no longer does. A composite gained together with another check adds
// nothing (see fixByCheckDigits).
func (r *reader) gain(before []bool) int {
	g, composite := 0, false
	for i, c := range r.checks {
		ok := r.verify(c)
		switch {
		case before[i] && !ok:
			return -1
		case !before[i] && ok:
			g++
			composite = composite || c.name == fComposite
		}
	}
	if composite && g > 1 {
		g--
	}
	return g
}

// fixByContext reads look-alikes in mixed fields by their neighbours, one field at a time. It
// first proposes the whole field read by runs (contextReading); failing that, each look-alike
// whose two neighbours, as read, agree with each other and not with it ("O" in "89O2"), alone.
// A proposal is kept when it verifies more check digits and breaks none, and, among the
// single-character ones, when it is the only one that does.
func (r *reader) fixByContext() {
	for _, seg := range r.mixedSegments() {
		field := r.buf[seg.line][seg.from:seg.to]
		if proposal := contextReading(field); proposal != nil && r.tryProposal(seg, proposal, false) {
			r.tryProposal(seg, proposal, true)
			continue
		}
		var passing [][]byte
		for _, i := range oddOnesOut(field) {
			proposal := append([]byte(nil), field...)
			proposal[i] = flip(field[i])
			if r.tryProposal(seg, proposal, false) {
				passing = append(passing, proposal)
			}
		}
		if len(passing) == 1 {
			r.tryProposal(seg, passing[0], true)
		}
	}
}

// tryProposal reports whether reading seg as proposal verifies more check digits and breaks
// none; with apply it also makes the change.
func (r *reader) tryProposal(seg span, proposal []byte, apply bool) bool {
	field := r.buf[seg.line][seg.from:seg.to]
	before := r.verified()
	old := append([]byte(nil), field...)
	copy(field, proposal)
	gained := r.gain(before) > 0
	copy(field, old)
	if apply && gained {
		for i := range proposal {
			if proposal[i] != old[i] {
				r.set(seg.line, seg.from+i, proposal[i], "check_digit")
			}
		}
	}
	return gained
}

// flip reads a look-alike as the other class: a digit as its letter, a letter as its digit.
func flip(c byte) byte {
	if c >= '0' && c <= '9' {
		return digitToLetter[c]
	}
	return letterToDigit[c]
}

// oddOnesOut are the look-alikes whose neighbours (as read; a field end or filler agrees with
// the other side) are both of the other class.
func oddOnesOut(seg []byte) []int {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	var out []int
	for i, c := range seg {
		if _, look := swap[c]; !look {
			continue
		}
		var sides []bool
		if i > 0 && seg[i-1] != '<' {
			sides = append(sides, isDigit(seg[i-1]))
		}
		if i+1 < len(seg) && seg[i+1] != '<' {
			sides = append(sides, isDigit(seg[i+1]))
		}
		if len(sides) == 0 {
			continue
		}
		odd := true
		for _, d := range sides {
			odd = odd && d != isDigit(c)
		}
		if odd {
			out = append(out, i)
		}
	}
	return out
}

// mixedSegments are the runs of consecutive mixed-field positions with the same field name.
func (r *reader) mixedSegments() []span {
	var out []span
	for li := range r.buf {
		for p := 0; p < len(r.buf[li]); {
			if r.kinds[li][p] != kAlnum {
				p++
				continue
			}
			q := p
			for q < len(r.buf[li]) && r.kinds[li][q] == kAlnum && r.names[li][q] == r.names[li][p] {
				q++
			}
			out = append(out, sp(li, p, q))
			p = q
		}
	}
	return out
}

// contextReading proposes a reading of a mixed field where each run of look-alikes takes the
// class of the characters around it: digits between digits (or a digit and the field's end),
// letters between letters. It returns nil when nothing would change.
func contextReading(seg []byte) []byte {
	const (
		edge = iota
		digit
		letter
	)
	class := func(c byte) (int, bool) { // ok false for look-alikes
		if _, look := swap[c]; look {
			return 0, false
		}
		switch {
		case c >= '0' && c <= '9':
			return digit, true
		case c >= 'A' && c <= 'Z':
			return letter, true
		}
		return edge, true
	}
	out := append([]byte(nil), seg...)
	changed := false
	for i := 0; i < len(seg); {
		if _, ok := class(seg[i]); ok {
			i++
			continue
		}
		j := i
		for j < len(seg) {
			if _, ok := class(seg[j]); ok {
				break
			}
			j++
		}
		left, right := edge, edge
		if i > 0 {
			left, _ = class(seg[i-1])
		}
		if j < len(seg) {
			right, _ = class(seg[j])
		}
		want := edge
		switch {
		case left == right:
			want = left
		case left == edge:
			want = right
		case right == edge:
			want = left
		}
		for k := i; k < j && want != edge; k++ {
			c := seg[k]
			isDigit := c >= '0' && c <= '9'
			if (want == digit) != isDigit {
				if want == letter {
					out[k] = digitToLetter[c]
				} else {
					out[k] = letterToDigit[c]
				}
				changed = true
			}
		}
		i = j
	}
	if !changed {
		return nil
	}
	return out
}

// maxSpurious is the expected number of wrong readings that would pass the gained check digits
// by chance above which a correction is not made.
const maxSpurious = 0.1

func binomial(n, k int) float64 {
	v := 1.0
	for i := 0; i < k; i++ {
		v = v * float64(n-i) / float64(i+1)
	}
	return v
}

func pow10(n int) float64 {
	v := 1.0
	for i := 0; i < n; i++ {
		v *= 10
	}
	return v
}

// candidates are the mixed-field positions holding a look-alike character that only failing
// check digits protect: a position under a verified check digit (a document number whose own
// digit verifies, while the composite fails) is taken as read. At most maxPositions.
func (r *reader) candidates() []pos {
	const (
		underFailing = 1
		underPassing = 2
	)
	cover := map[pos]int{}
	for _, c := range r.checks {
		mark := underFailing
		if r.verify(c) {
			mark = underPassing
		}
		for _, alt := range c.over {
			for _, s := range alt {
				for p := s.from; p < s.to; p++ {
					cover[pos{s.line, p}] |= mark
				}
			}
		}
	}
	var out []pos
	for li, line := range r.buf {
		for p, ch := range line {
			if r.kinds[li][p] != kAlnum || cover[pos{li, p}] != underFailing {
				continue
			}
			if _, ok := swap[ch]; ok {
				out = append(out, pos{li, p})
				if len(out) == maxPositions {
					return out
				}
			}
		}
	}
	return out
}
