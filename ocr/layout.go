package ocr

import (
	"context"
	"math"
	"sort"
	"strings"
)

// rowGap is the horizontal gap, in text heights, beyond which two boxes on one row are separate
// lines (a caption far from its neighbour, or background text beside the document).
const rowGap = 4.0

// group assembles boxes into lines: boxes whose centres lie on one text row (in the page's
// dominant text direction), do not overlap and are not far apart, ordered left to right; lines
// top to bottom.
func group(boxes []Box) []Line {
	if len(boxes) == 0 {
		return nil
	}
	// Dominant direction: the median angle of the clearly elongated boxes.
	var angles []float64
	for _, b := range boxes {
		if b.Quad.Width() > 2*b.Quad.Height() {
			angles = append(angles, b.Quad.angle())
		}
	}
	theta := 0.0
	if len(angles) > 0 {
		sort.Float64s(angles)
		theta = angles[len(angles)/2]
	}
	cos, sin := math.Cos(-theta), math.Sin(-theta)
	rot := func(p Point) Point { return Point{p.X*cos - p.Y*sin, p.X*sin + p.Y*cos} }
	type placed struct {
		b          Box
		x0, x1, cy float64
		h          float64
	}
	ps := make([]placed, len(boxes))
	for i, b := range boxes {
		x0, x1 := math.Inf(1), math.Inf(-1)
		for _, p := range b.Quad {
			r := rot(p)
			x0, x1 = math.Min(x0, r.X), math.Max(x1, r.X)
		}
		ps[i] = placed{b: b, x0: x0, x1: x1, cy: rot(b.Quad.Center()).Y, h: b.Quad.Height()}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].cy < ps[j].cy })
	type row struct {
		items []placed
		cy    float64
	}
	var rows []*row
	for _, p := range ps {
		var target *row
		for _, r := range rows {
			h := p.h
			near, overlap := false, false
			for _, q := range r.items {
				h = math.Min(h, q.h)
				if math.Min(p.x1, q.x1)-math.Max(p.x0, q.x0) > 0.3*math.Min(p.x1-p.x0, q.x1-q.x0) {
					overlap = true
				}
				if math.Max(p.x0-q.x1, q.x0-p.x1) < rowGap*math.Min(p.h, q.h) {
					near = true
				}
			}
			if math.Abs(p.cy-r.cy) <= 0.5*h && near && !overlap {
				target = r
				break
			}
		}
		if target == nil {
			rows = append(rows, &row{items: []placed{p}, cy: p.cy})
			continue
		}
		target.items = append(target.items, p)
		var s float64
		for _, q := range target.items {
			s += q.cy
		}
		target.cy = s / float64(len(target.items))
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].cy < rows[j].cy })
	lines := make([]Line, 0, len(rows))
	for _, r := range rows {
		sort.SliceStable(r.items, func(i, j int) bool { return r.items[i].x0 < r.items[j].x0 })
		bs := make([]Box, len(r.items))
		for i, it := range r.items {
			bs[i] = it.b
		}
		lines = append(lines, makeLine(bs))
	}
	return lines
}

// makeLine builds a line of boxes ordered left to right.
func makeLine(bs []Box) Line {
	var l Line
	var texts []string
	var conf float64
	var n int
	for _, b := range bs {
		l.Boxes = append(l.Boxes, b)
		texts = append(texts, b.Text)
		k := len([]rune(b.Text))
		conf += b.Confidence * float64(k)
		n += k
	}
	first, last := bs[0].Quad, bs[len(bs)-1].Quad
	l.Quad = Quad{first[0], last[1], last[2], first[3]}
	l.Text = strings.Join(texts, " ")
	if n > 0 {
		l.Confidence = conf / float64(n)
	}
	l.MRZ, l.Zone, l.ZoneQuad = lineZone(bs)
	return l
}

// lineZone joins the zone readings of a line's zone-like boxes (upper-case zone characters:
// background words beside the zone are left out), putting fillers in the gaps between boxes (the
// detector often splits a zone line where a run of fillers is faint). Lines that do not look
// like zone lines get none.
func lineZone(bs []Box) (string, []ZoneChar, Quad) {
	var zs []Box
	for _, b := range bs {
		if zoneLike(b.Text) {
			zs = append(zs, b)
		}
	}
	if len(zs) == 0 {
		return "", nil, Quad{}
	}
	first, last := zs[0].Quad, zs[len(zs)-1].Quad
	lq := Quad{first[0], last[1], last[2], first[3]}
	dir := unit(lq[0], lq[1])
	along := func(p Point) float64 { return (p.X-lq[0].X)*dir.X + (p.Y-lq[0].Y)*dir.Y }
	var out []ZoneChar
	for i, b := range zs {
		off := along(b.Quad[0])
		if i > 0 && len(out) > 0 && len(b.Zone) > 0 {
			// fillers for the gap, at the pitch of the characters read so far
			if p := pitchOf(out); p > 0 {
				gap := off + b.Zone[0].X - out[len(out)-1].X
				for k := 1; k < int(math.Round(gap/p)); k++ {
					out = append(out, ZoneChar{Char: '<', X: out[len(out)-1].X + p, Inferred: true})
				}
			}
		}
		for _, z := range b.Zone {
			z.X += off
			out = append(out, z)
		}
	}
	if len(out) < 8 {
		return "", nil, Quad{}
	}
	return zoneString(out), out, lq
}

func zoneString(z []ZoneChar) string {
	b := make([]byte, len(z))
	for i, c := range z {
		b[i] = c.Char
	}
	return string(b)
}

// zoneLike reports whether a box's text reads as zone characters: at least 80 % of its
// non-space characters are upper-case letters, digits or fillers (background words in lower
// case are not), with at least four of them.
func zoneLike(s string) bool {
	good, all := 0, 0
	for _, r := range s {
		if r == ' ' {
			continue
		}
		all++
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '<' {
			good++
		}
	}
	return good >= 4 && good*5 >= all*4
}

// pitchOf is the median distance between neighbouring zone characters, or 0.
func pitchOf(z []ZoneChar) float64 {
	if len(z) < 3 {
		return 0
	}
	d := make([]float64, 0, len(z)-1)
	for i := 1; i < len(z); i++ {
		d = append(d, z[i].X-z[i-1].X)
	}
	sort.Float64s(d)
	return d[len(d)/2]
}

func unit(a, b Point) Point {
	l := dist(a, b)
	if l == 0 {
		return Point{1, 0}
	}
	return Point{(b.X - a.X) / l, (b.Y - a.Y) / l}
}

// completeZones finds the machine-readable zone among the lines (two or three zone lines one
// under the other, starting at the same place) and reads again each of its lines that the
// detector cut short: a zone line has a fixed length (44 characters in a passport's two lines,
// 36 in a TD2 card's two, 30 in a TD1 card's three) at a fixed pitch, so its full extent is
// known from the characters read, and the detector often stops where a long run of fillers
// fades.
//
// It returns the zone blocks found (line indexes and characters per line) for ReadZoneCells.
func (e *Engine) completeZones(ctx context.Context, page *source, lines []Line) ([]zoneBlock, error) {
	var blocks []zoneBlock
	var zl []int
	for i, l := range lines {
		if zoneLine(l) {
			zl = append(zl, i)
		}
	}
	for start := 0; start < len(zl); {
		end := start + 1
		for end < len(zl) && sameBlock(&lines[zl[end-1]], &lines[zl[end]]) {
			end++
		}
		n, err := e.completeBlock(ctx, page, lines, zl[start:end])
		if err != nil {
			return nil, err
		}
		if n > 0 {
			blocks = append(blocks, zoneBlock{lines: append([]int(nil), zl[start:end]...), n: n})
		}
		start = end
	}
	return blocks, nil
}

// zoneBlock is a machine-readable zone found on a page: its lines and characters per line.
type zoneBlock struct {
	lines []int
	n     int
}

// zoneLine reports whether a line may be a zone line: a dozen zone characters or more, with a
// filler or at least six digits (the second line of a card's zone may show no filler when the
// detector cut it short).
func zoneLine(l Line) bool {
	if len(l.Zone) < 12 {
		return false
	}
	digits := 0
	for _, z := range l.Zone {
		if z.Char >= '0' && z.Char <= '9' {
			digits++
		}
	}
	return strings.Contains(l.MRZ, "<") || digits >= 6
}

// sameBlock reports whether b continues the zone block of a: just below it, starting at the same
// place.
func sameBlock(a, b *Line) bool {
	p := pitchOf(a.Zone)
	h := a.ZoneQuad.Height()
	if p <= 0 {
		return false
	}
	dir := unit(a.ZoneQuad[0], a.ZoneQuad[1])
	d := Point{b.ZoneQuad[0].X - a.ZoneQuad[0].X, b.ZoneQuad[0].Y - a.ZoneQuad[0].Y}
	along := d.X*dir.X + d.Y*dir.Y
	across := -d.X*dir.Y + d.Y*dir.X
	return math.Abs(along+b.Zone[0].X-a.Zone[0].X) < 3*p && across > 0 && across < 3*h
}

// completeBlock extends and re-reads the short lines of one zone block, and returns the block's
// characters per line (0 when idx is not a zone block).
func (e *Engine) completeBlock(ctx context.Context, page *source, lines []Line, idx []int) (int, error) {
	if len(idx) < 2 || len(idx) > 3 {
		return 0, nil
	}
	var pitches []float64
	longest := 0
	for _, i := range idx {
		if p := pitchOf(lines[i].Zone); p > 0 {
			pitches = append(pitches, p)
		}
		longest = max(longest, len(lines[i].MRZ))
	}
	if len(pitches) == 0 {
		return 0, nil
	}
	sort.Float64s(pitches)
	pitch := pitches[len(pitches)/2]
	n := zoneLength(len(idx), lines[idx[0]].MRZ, longest)
	var quads []Quad
	var which []int
	var ends []float64
	for _, i := range idx {
		l := &lines[i]
		startX := l.Zone[0].X - pitch/2
		want := startX + float64(n)*pitch // where the line's last character cell ends
		if want <= l.ZoneQuad.Width()+0.7*pitch {
			continue
		}
		dir := unit(l.ZoneQuad[0], l.ZoneQuad[1])
		w := want + 0.6*pitch
		// Stay inside the photo.
		for _, c := range []Point{l.ZoneQuad[0], l.ZoneQuad[3]} {
			w = math.Min(w, maxRun(c, dir, page.w, page.h))
		}
		if w <= l.ZoneQuad.Width()+0.5*pitch {
			continue
		}
		q := Quad{l.ZoneQuad[0], {l.ZoneQuad[0].X + dir.X*w, l.ZoneQuad[0].Y + dir.Y*w},
			{l.ZoneQuad[3].X + dir.X*w, l.ZoneQuad[3].Y + dir.Y*w}, l.ZoneQuad[3]}
		quads = append(quads, q)
		which = append(which, i)
		ends = append(ends, math.Min(want, w))
	}
	defer func() {
		for _, i := range idx {
			lines[i].MRZ, lines[i].Zone = fitLength(lines[i].Zone, n)
		}
	}()
	if len(quads) == 0 {
		return n, nil
	}
	// Only the missing end is read again, from a few cells before where the first reading
	// stopped, with the line's start in front of it for context (see piecePrefix); the cells
	// read twice tie the two readings together.
	crops := make([]*rgb, len(quads))
	tails := make([]tail, len(quads))
	for k, q := range quads {
		l := &lines[which[k]]
		scale := q.Height() / recHeight // page pixels per crop pixel
		from := math.Max(0, l.ZoneQuad.Width()-tailOverlap*pitch)
		dir := unit(q[0], q[1])
		at := func(p Point, d float64) Point { return Point{p.X + dir.X*d, p.Y + dir.Y*d} }
		w := q.Width()
		tq := Quad{at(q[0], from), q[1], q[2], at(q[3], from)}
		cw := max(8, min(maxRecWidth, int(math.Round((w-from)/scale))))
		crop := page.warp(tq, cw, recHeight)
		pre := 0
		if from > 0 {
			pw := min(piecePrefix, int(from/scale))
			pq := Quad{q[0], at(q[0], float64(pw)*scale), at(q[3], float64(pw)*scale), q[3]}
			crop = hcat(page.warp(pq, pw, recHeight), crop)
			pre = pw
		}
		crops[k] = crop
		tails[k] = tail{from: from, pre: pre, scale: (w - from) / float64(cw)}
		ends[k] = float64(pre) + (ends[k]-from)/tails[k].scale // page pixels to crop pixels
	}
	rs, err := e.recognize(ctx, crops, ends)
	if err != nil {
		return 0, err
	}
	for k, r := range rs {
		l := &lines[which[k]]
		z := tails[k].join(l.Zone, r.zone, pitch)
		if len(z) <= len(l.Zone) {
			continue
		}
		ext := quads[k]
		l.Zone, l.MRZ, l.ZoneQuad = z, zoneString(z), ext
		l.Text = l.MRZ
		l.Quad = Quad{l.Quad[0], ext[1], ext[2], l.Quad[3]}
	}
	return n, nil
}

// tailOverlap is how many character cells before the end of a cut-short zone line its second
// reading starts.
const tailOverlap = 3.0

// tail is the geometry of a cut-short zone line's second reading: it starts from page pixels
// along the line, behind a context prefix pre crop pixels wide, at scale page pixels per crop
// pixel.
type tail struct {
	from  float64
	pre   int
	scale float64
}

// join completes the line's first reading old with the glyphs of the second reading gs. Both
// are placed in the line's character cells (its start and pitch fitted on the first reading;
// pitch, the zone's, when the fit fails): the first reading's cells up to the overlap's
// middle are kept, the second reading's fill those after, and a cell neither reading filled
// holds an inferred filler.
func (t tail) join(old []ZoneChar, gs []glyph, pitch float64) []ZoneChar {
	if len(old) == 0 {
		return old
	}
	x0, p, ok := fitCells(old)
	if !ok {
		x0, p = old[0].X, pitch
	}
	cell := func(x float64) int { return int(math.Round((x - x0) / p)) }
	seam := t.from + tailOverlap*pitch/2
	cells := map[int]ZoneChar{}
	first, last := math.MaxInt, -1
	for _, c := range old {
		if c.X >= seam {
			break
		}
		k := cell(c.X)
		if _, dup := cells[k]; dup {
			continue
		}
		cells[k] = c
		first, last = min(first, k), max(last, k)
	}
	if last < 0 {
		return old
	}
	end := last
	for _, g := range gs {
		if len(g.s) != 1 || g.center() < float64(t.pre) {
			continue
		}
		x := t.from + (g.center()-float64(t.pre))*t.scale
		k := cell(x)
		if k <= last {
			continue
		}
		if c, dup := cells[k]; dup && c.P != nil && g.p <= maxP(c.P) {
			continue
		}
		cells[k] = ZoneChar{Char: g.s[0], P: g.alt, X: x, Inferred: g.inferred}
		end = max(end, k)
	}
	out := make([]ZoneChar, 0, end-first+1)
	for k := first; k <= end; k++ {
		c, ok := cells[k]
		if !ok {
			c = ZoneChar{Char: '<', X: x0 + float64(k)*p, Inferred: true}
		}
		out = append(out, c)
	}
	return out
}

func maxP(p []float32) float32 {
	var m float32
	for _, v := range p {
		m = max(m, v)
	}
	return m
}

// fitLength brings a zone line to n characters where only fillers are in doubt: trailing
// fillers beyond n are dropped, and a line that ends in fillers is padded with more.
func fitLength(z []ZoneChar, n int) (string, []ZoneChar) {
	for len(z) > n && z[len(z)-1].Char == '<' {
		z = z[:len(z)-1]
	}
	if len(z) < n && len(z) > 0 && z[len(z)-1].Char == '<' {
		z = append(z[:len(z):len(z)], fillers(n-len(z))...)
	}
	return zoneString(z), z
}

func fillers(n int) []ZoneChar {
	out := make([]ZoneChar, n)
	for i := range out {
		out[i] = ZoneChar{Char: '<', Inferred: true}
	}
	return out
}

// zoneLength is the characters per line of a zone block: three lines are TD1 (30); two lines are
// a passport or visa of 44 when the document code says P, or when a line already reads longer
// than 36, and TD2 (36) otherwise.
func zoneLength(lines int, first string, longest int) int {
	switch {
	case lines == 3:
		return 30
	case strings.HasPrefix(first, "P") || longest > 38:
		return 44
	}
	return 36
}

// maxRun is how far from p along dir stays inside a w×h image.
func maxRun(p, dir Point, w, h int) float64 {
	run := math.Inf(1)
	if dir.X > 1e-9 {
		run = math.Min(run, (float64(w)-p.X)/dir.X)
	} else if dir.X < -1e-9 {
		run = math.Min(run, -p.X/dir.X)
	}
	if dir.Y > 1e-9 {
		run = math.Min(run, (float64(h)-p.Y)/dir.Y)
	} else if dir.Y < -1e-9 {
		run = math.Min(run, -p.Y/dir.Y)
	}
	return math.Max(0, run)
}
