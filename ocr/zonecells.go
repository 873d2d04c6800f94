package ocr

import (
	"context"
	"math"
	"sort"
	"strings"
)

// cellWindow is how many zone characters one recogniser run reads in the cell-by-cell pass (about
// the recogniser's native width), and cellMargin the neighbouring characters shown on each side
// for context, whose readings are discarded.
// Windows after the first are read with the line's first cellContext characters in front, for
// the same reason pieces are (see piecePrefix).
const (
	cellWindow  = 10
	cellMargin  = 1
	cellContext = 4
	endMargin   = 3
)

// fitCells estimates the geometry of a monospace zone line from the characters read: the centre
// of the first character cell and the pitch, both along the line in page pixels. Characters
// restored from geometry do not count. ok is false when too few characters were read
// or their spacing is not regular.
func fitCells(z []ZoneChar) (x0, pitch float64, ok bool) {
	var xs []float64
	for _, c := range z {
		if !c.Inferred {
			xs = append(xs, c.X)
		}
	}
	if len(xs) < 6 {
		return 0, 0, false
	}
	d := make([]float64, 0, len(xs)-1)
	for i := 1; i < len(xs); i++ {
		d = append(d, xs[i]-xs[i-1])
	}
	sort.Float64s(d)
	// Single steps: below 1.6 times the lower quartile (a peak's position is quantised to the
	// recogniser's steps, so neighbouring steps alternate between two values).
	q := d[len(d)/4]
	var sum float64
	var n int
	for _, v := range d {
		if v >= 0.5*q && v < 1.6*q {
			sum += v
			n++
		}
	}
	if q <= 0 || n*2 < len(d) {
		return 0, 0, false
	}
	p0 := sum / float64(n)
	// Number the characters by cell, then fit x = x0 + pitch·cell by least squares.
	var si, sx, sii, six float64
	cell := 0.0
	for i, x := range xs {
		if i > 0 {
			cell += math.Max(1, math.Round((x-xs[i-1])/p0))
		}
		si += cell
		sx += x
		sii += cell * cell
		six += cell * x
	}
	m := float64(len(xs))
	den := m*sii - si*si
	if den <= 0 {
		return 0, 0, false
	}
	pitch = (m*six - si*sx) / den
	x0 = (sx - pitch*si) / m
	if pitch <= 0 || math.Abs(pitch/p0-1) > 0.2 {
		return 0, 0, false
	}
	// A character missed at the start of the line shows as room for a cell before the first one.
	if k := math.Floor((x0 - 0.25*pitch) / pitch); k > 0 {
		x0 -= k * pitch
	}
	return x0, pitch, true
}

// readCells reads the lines of a zone block again, character cell by character cell: each run of
// the recogniser sees a window of whole cells (so no character is cut at a window's edge) with a
// neighbour on each side for context, and each character read is placed in the cell its peak
// falls in. A cell in which nothing was read holds a filler: the recogniser misses runs of
// fillers without context, never letters or digits. The reading before this pass is kept as the
// line's alternative.
func (e *Engine) readCells(ctx context.Context, page *source, lines []Line, idx []int, n int) error {
	type job struct {
		line   int
		x0     float64 // centre of the line's first cell, page pixels from its start
		pitch  float64 // page pixels per cell
		pitchC float64 // crop pixels per cell
		first  int     // first core cell of each window
		cells  [2]int  // the window's cells [a, b), margins included
		pre    float64 // width of the context prefix in front of the window, crop pixels
	}
	var crops []*rgb
	var jobs []job
	for _, i := range idx {
		l := &lines[i]
		x0, pitch, ok := fitCells(l.Zone)
		if !ok {
			continue
		}
		if gx, gp, ok := combGeometry(page, l, x0, pitch, n); ok {
			x0, pitch = gx, gp
		}
		h := l.ZoneQuad.Height()
		dir := unit(l.ZoneQuad[0], l.ZoneQuad[1])
		at := func(p Point, s float64) Point { return Point{p.X + dir.X*s, p.Y + dir.Y*s} }
		// The line from the left edge of cell -margin to the right edge of cell n-1+endMargin:
		// the recogniser misses a last character with too little room after it.
		from := x0 - (float64(cellMargin)+0.5)*pitch
		to := x0 + (float64(n-1+endMargin)+0.5)*pitch
		q := Quad{at(l.ZoneQuad[0], from), at(l.ZoneQuad[0], to), at(l.ZoneQuad[3], to), at(l.ZoneQuad[3], from)}
		pitchC := pitch * recHeight / h
		total := int(math.Round(pitchC * float64(n+cellMargin+endMargin)))
		if total > maxRecWidth || total < 8 {
			continue
		}
		full := page.warp(q, total, recHeight)
		for first := 0; first < n; first += cellWindow {
			a := first - cellMargin
			b := min(n, first+cellWindow) + cellMargin
			if b > n {
				b = n + endMargin
			}
			xa := int(math.Round(float64(a+cellMargin) * pitchC))
			xb := min(total, int(math.Round(float64(b+cellMargin)*pitchC)))
			win := full.sub(xa, xb-xa)
			pre := 0
			if first > 0 { // the line's first cells as context, as in recognize
				pre = int(math.Round(float64(cellContext) * pitchC))
				win = hcat(full.sub(int(math.Round(float64(cellMargin)*pitchC)), pre), win)
			}
			crops = append(crops, win)
			jobs = append(jobs, job{line: i, x0: x0, pitch: pitch, pitchC: pitchC, first: first,
				cells: [2]int{a, b}, pre: float64(pre)})
		}
	}
	if len(crops) == 0 {
		return nil
	}
	lps, err := e.runRec(ctx, crops)
	if err != nil {
		return err
	}
	read := map[int][]ZoneChar{}
	for k, j := range jobs {
		if read[j.line] == nil {
			read[j.line] = make([]ZoneChar, n)
			for c := range read[j.line] {
				read[j.line][c].X = j.x0 + float64(c)*j.pitch
			}
		}
		cells := read[j.line]
		coreEnd := min(n, j.first+cellWindow)
		var gs []glyph
		for _, g := range decodeAlphabet(&lps[k], e.dict, e.mrz) {
			if g.center() >= j.pre {
				g.x0 -= j.pre
				g.x1 -= j.pre
				gs = append(gs, g)
			}
		}
		for gi, c := range assignCells(gs, j.pitchC, j.cells[1]-j.cells[0]) {
			c += j.cells[0]
			if c < j.first || c >= coreEnd {
				continue
			}
			g := gs[gi]
			if cells[c].P == nil || maxScore(g.alt) > maxScore(cells[c].P) {
				cells[c] = ZoneChar{Char: g.s[0], P: g.alt, X: cells[c].X}
			}
		}
	}
	for i, cells := range read {
		l := &lines[i]
		empty := 0
		for c := range cells {
			if cells[c].P == nil {
				cells[c] = ZoneChar{Char: '<', P: fillerScores(), X: cells[c].X, Inferred: true}
				empty++
			}
		}
		if empty == n {
			continue
		}
		l.AltMRZ, l.AltZone = l.MRZ, l.Zone
		l.MRZ, l.Zone = zoneString(cells), cells
	}
	return nil
}

// assignCells places the glyphs of a window (positions in window pixels, the window starting at
// a cell's left edge) in its k cells of width pitch, in order: each glyph in at most one cell,
// each cell holding at most one glyph, minimising the squared distance between glyph and cell
// centres in pitches (dynamic programming; a glyph further than 0.8 pitch from every free cell
// is dropped). Peaks fire anywhere within a step of a character's centre, so rounding each
// position to its cell alone misplaces characters near a cell's edge. It returns, per glyph, its
// cell or -1.
func assignCells(gs []glyph, pitch float64, k int) []int {
	m := len(gs)
	out := make([]int, m)
	for i := range out {
		out[i] = -1
	}
	if m == 0 || k <= 0 || pitch <= 0 {
		return out
	}
	// The window's offset: the median residual of the glyphs to their nearest cell centre.
	res := make([]float64, m)
	for i, g := range gs {
		x := g.center()/pitch - 0.5
		res[i] = x - math.Round(x)
	}
	sort.Float64s(res)
	shift := res[m/2] * pitch
	const drop = 1.5
	inf := math.Inf(1)
	dp := make([][]float64, m+1)
	how := make([][]byte, m+1) // 'a' assign, 'c' cell left empty, 'g' glyph dropped
	for i := range dp {
		dp[i] = make([]float64, k+1)
		how[i] = make([]byte, k+1)
		for j := range dp[i] {
			dp[i][j] = inf
		}
	}
	dp[0][0] = 0
	for i := 0; i <= m; i++ {
		for j := 0; j <= k; j++ {
			v := dp[i][j]
			if v == inf {
				continue
			}
			if j < k && v < dp[i][j+1] {
				dp[i][j+1], how[i][j+1] = v, 'c'
			}
			if i < m && v+drop < dp[i+1][j] {
				dp[i+1][j], how[i+1][j] = v+drop, 'g'
			}
			if i < m && j < k {
				d := (gs[i].center() - shift - (float64(j)+0.5)*pitch) / pitch
				if math.Abs(d) <= 0.8 && v+d*d < dp[i+1][j+1] {
					dp[i+1][j+1], how[i+1][j+1] = v+d*d, 'a'
				}
			}
		}
	}
	for i, j := m, k; i > 0 || j > 0; {
		switch how[i][j] {
		case 'a':
			out[i-1] = j - 1
			i, j = i-1, j-1
		case 'c':
			j--
		case 'g':
			i--
		default:
			return out
		}
	}
	return out
}

// combGeometry measures a zone line's cells on the image rather than on the recogniser's peaks
// (whose positions are quantised and drift between pieces): a monospace line's ink, summed per
// column, repeats at the pitch, so the pitch is the period whose Fourier component over the
// whole line is strongest (searched within 15 % of the estimate), and the phase of that
// component places the cell centres; cell 0 is the centre nearest the first character read.
// Positions are page pixels from the start of the line's ZoneQuad.
func combGeometry(page *source, l *Line, x0, pitch float64, n int) (float64, float64, bool) {
	h := l.ZoneQuad.Height()
	if h <= 0 || pitch <= 0 {
		return 0, 0, false
	}
	dir := unit(l.ZoneQuad[0], l.ZoneQuad[1])
	at := func(p Point, s float64) Point { return Point{p.X + dir.X*s, p.Y + dir.Y*s} }
	from := x0 - 2*pitch
	to := math.Max(l.ZoneQuad.Width(), x0+float64(n)*pitch) + pitch
	scale := recHeight / h // crop pixels per page pixel
	w := int(math.Round((to - from) * scale))
	if w < 16 || w > 2*maxRecWidth {
		return 0, 0, false
	}
	q := Quad{at(l.ZoneQuad[0], from), at(l.ZoneQuad[0], to), at(l.ZoneQuad[3], to), at(l.ZoneQuad[3], from)}
	m := page.warp(q, w, recHeight)
	// Ink per column: darkness below the crop's median grey (the paper).
	grey := make([]float64, w*m.h)
	for i := range grey {
		grey[i] = (float64(m.pix[3*i]) + float64(m.pix[3*i+1]) + float64(m.pix[3*i+2])) / 3
	}
	sorted := append([]float64(nil), grey...)
	sort.Float64s(sorted)
	bg := sorted[len(sorted)/2]
	ink := make([]float64, w)
	var mean float64
	for x := 0; x < w; x++ {
		for y := 0; y < m.h; y++ {
			if d := bg - grey[y*w+x]; d > 0 {
				ink[x] += d
			}
		}
		mean += ink[x]
	}
	mean /= float64(w)
	for x := range ink {
		ink[x] -= mean
	}
	component := func(p float64) complex128 {
		var re, im float64
		for x, v := range ink {
			sn, cs := math.Sincos(2 * math.Pi * float64(x) / p)
			re += v * cs
			im -= v * sn
		}
		return complex(re, im)
	}
	p0 := pitch * scale
	best, bestMag := p0, -1.0
	for p := 0.85 * p0; p <= 1.15*p0; p += 0.05 {
		c := component(p)
		if mag := math.Hypot(real(c), imag(c)); mag > bestMag {
			best, bestMag = p, mag
		}
	}
	for step := 0.02; step >= 0.005; step /= 2 { // refine around the best
		for _, p := range []float64{best - step, best + step} {
			c := component(p)
			if mag := math.Hypot(real(c), imag(c)); mag > bestMag {
				best, bestMag = p, mag
			}
		}
	}
	c := component(best)
	phase := -math.Atan2(imag(c), real(c)) / (2 * math.Pi) * best // a cell centre, crop pixels
	first := (x0 - from) * scale                                  // the first character read
	k := math.Round((first - phase) / best)
	centre := phase + k*best
	if math.Abs(centre-first) > 0.5*best {
		return 0, 0, false
	}
	return from + centre/scale, best / scale, true
}

func maxScore(p []float32) float32 {
	var m float32
	for _, v := range p {
		m = max(m, v)
	}
	return m
}

// fillerScores is the score vector of a filler inferred from geometry.
func fillerScores() []float32 {
	p := make([]float32, len(MRZChars))
	p[strings.IndexByte(MRZChars, '<')] = 1
	return p
}
