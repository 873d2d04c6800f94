package imagecheck

import (
	"math"
	"slices"
	"sort"
)

// Localisation finds the document's outline as the best-supported quadrilateral formed by
// straight edges. It works on a small copy of the photo (longest side locateSide):
//
//  1. colour edges: Sobel on luma and on the two chroma planes (a card on a table of the same
//     brightness but another colour still has an edge), thinned by non-maximum suppression;
//  2. a Hough transform in which each edge pixel votes only near its own gradient direction,
//     whose peaks are candidate lines; the four frame borders are added as "virtual" lines so
//     a document running out of the frame still closes into a quad;
//  3. every pair of near-parallel pairs of lines that cross at plausible angles is a candidate
//     quad, kept if its shape can be a card or a passport page under perspective;
//  4. each quad is scored by the share of its visible perimeter that lies on edges of the
//     right orientation (support), and by whether those edges stop at its corners
//     (termination): a document's border ends at its corners, a floor tile's grout line or a
//     table's edge runs on;
//  5. the maxCandidates best are ranked again by the colour contrast along their inner border
//     and weighed in turn (refusal in quality.go: print inside, a colour of their own, paper
//     carried to the border where they run out of the frame); the first accepted is the
//     document, unless an accepted quad enclosing it is (a portrait is not the document), and
//     a second accepted quad that does not overlap it is a second document;
//  6. where none is accepted, a second search with more lines per orientation weighs the
//     secondKeep best (a small card on a tiled floor ranks in the hundreds by edge score).
const locateSide = 480

// maxLines is how many Hough lines the quad search combines (besides the frame borders).
var maxLines = 80

// maxCandidates is how many of the best-scored quads go on to the colour and print tests. A
// patterned surface (a tiled floor) forms dozens of well-supported rectangles, larger than a
// small document and so scored above it.
const maxCandidates = 60

// maxPerOrientation is how many lines within 3° of each other the quad search keeps, and
// morePerOrientation how many its second pass keeps when the first finds no document: a
// document lying square on a tiled floor has its sides among a dozen grout lines of the same
// orientation. The second pass weighs more outlines (secondKeep), and besides them the best
// with a side on a line the first did not keep; it costs time, so it is kept for photos where
// the first finds nothing.
var maxPerOrientation = 8

const morePerOrientation = 12

// maxPatternPerOrientation is how many of those may belong to a repeated pattern (inPattern).
const maxPatternPerOrientation = 3

// edgeMap holds, per pixel of the localisation image, the edge orientation bin (0..35, 5° each,
// orientation of the gradient modulo 180°) or -1 where there is no edge.
type edgeMap struct {
	w, h int
	bin  []int8
}

type houghLine struct {
	nx, ny, rho float64 // nx·x + ny·y = rho
	theta       float64 // radians, [0, π)
	votes       int
	virtual     bool
	fresh       bool // not among the lines of an earlier search (see findQuads)
}

// quadCand is a candidate document outline in localisation pixels, corners clockwise.
type quadCand struct {
	c           [4][2]float64
	virtual     [4]bool // side i (corner i to i+1) lies on a frame border
	line        [4]int  // side i lies on this line of findQuads' list; -1 when unknown
	support     float64
	termination float64
	score       float64
	area        float64
	print       float64 // printDensity, -1 until the candidate is weighed (measureInside)
	distinct    float64 // distinctness (interior), likewise
	band        float64
	deep        bool // kept beyond the first maxCandidates by edge score (see findQuads)
}

// edges computes the thinned colour edge map of p.
func edges(p *planes) *edgeMap {
	w, h := p.w, p.h
	em := &edgeMap{w: w, h: h, bin: make([]int8, w*h)}
	for i := range em.bin {
		em.bin[i] = -1
	}
	if w < 8 || h < 8 {
		return em
	}
	sm := func(v []float32) []float32 { return blur3(v, w, h) }
	chans := [][]float32{sm(p.Y), sm(p.Cb), sm(p.Cr)}
	weights := []float32{1, 2, 2}
	gx, gy, mag := getFloats(w*h), getFloats(w*h), getFloats(w*h)
	defer func() {
		for _, v := range append(chans, gx, gy, mag) {
			putFloats(v)
		}
	}()
	// The frame's border has no gradient (gx and gy are read only where mag is set).
	zeroBorder(mag, w, h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			var best float32
			for c, v := range chans {
				sx := (v[i-w+1] + 2*v[i+1] + v[i+w+1]) - (v[i-w-1] + 2*v[i-1] + v[i+w-1])
				sy := (v[i+w-1] + 2*v[i+w] + v[i+w+1]) - (v[i-w-1] + 2*v[i-w] + v[i-w+1])
				sx, sy = sx*weights[c], sy*weights[c]
				m := sx*sx + sy*sy
				if m > best {
					best, gx[i], gy[i] = m, sx, sy
				}
			}
			mag[i] = float32(math.Sqrt(float64(best)))
		}
	}
	// Threshold relative to the strongest edges (text, document border), so that a dark photo's
	// weaker edges still count, with a floor above sensor noise.
	hi := percentile(mag, 0.99)
	t := float32(math.Max(10, 0.12*float64(hi)))
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			m := mag[i]
			if m < t {
				continue
			}
			ax, ay := gx[i], gy[i]
			// Neighbours along the gradient direction, quantised to 45°.
			var o int
			absx, absy := abs32(ax), abs32(ay)
			switch {
			case absx > 2.414*absy:
				o = 1
			case absy > 2.414*absx:
				o = w
			case (ax > 0) == (ay > 0):
				o = w + 1
			default:
				o = w - 1
			}
			if m < mag[i-o] || m < mag[i+o] {
				continue
			}
			em.bin[i] = int8(normalBin(float64(ax), float64(ay)))
		}
	}
	return em
}

// debugPeaks, when set (by TestDebugSample only), is shown every Hough peak in rank order: θ in
// degrees, ρ, votes and whether it belongs to a repeated pattern.
var debugPeaks func(t, r int, v int32, periodic bool, rank int)

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// zeroBorder sets the outermost rows and columns of the w×h plane v to 0.
func zeroBorder(v []float32, w, h int) {
	for x := 0; x < w; x++ {
		v[x], v[(h-1)*w+x] = 0, 0
	}
	for y := 0; y < h; y++ {
		v[y*w], v[y*w+w-1] = 0, 0
	}
}

// blur3 is a 3×3 binomial blur. The result is from getFloats.
func blur3(v []float32, w, h int) []float32 {
	tmp := getFloats(w * h)
	defer putFloats(tmp)
	out := getFloats(w * h)
	for y := 0; y < h; y++ {
		r := v[y*w : y*w+w]
		t := tmp[y*w : y*w+w]
		t[0] = (3*r[0] + r[1]) / 4
		for x := 1; x < w-1; x++ {
			t[x] = (r[x-1] + 2*r[x] + r[x+1]) / 4
		}
		t[w-1] = (r[w-2] + 3*r[w-1]) / 4
	}
	for y := 0; y < h; y++ {
		ym, yp := max(y-1, 0), min(y+1, h-1)
		for x := 0; x < w; x++ {
			out[y*w+x] = (tmp[ym*w+x] + 2*tmp[y*w+x] + tmp[yp*w+x]) / 4
		}
	}
	return out
}

// percentile returns the q-quantile of v (0..1) using a 256-bin histogram over its range.
func percentile(v []float32, q float64) float32 {
	if len(v) == 0 {
		return 0
	}
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	if hi <= lo {
		return lo
	}
	var hist [1024]int
	sc := 1023 / (hi - lo)
	for _, x := range v {
		hist[int((x-lo)*sc)]++
	}
	target := int(q * float64(len(v)))
	n := 0
	for i, c := range hist {
		n += c
		if n > target {
			return lo + float32(i)/sc
		}
	}
	return hi
}

// houghLines finds the strongest straight edges of em.
func houghLines(em *edgeMap, maxLines, perOrientation int) []houghLine {
	w, h := em.w, em.h
	diag := int(math.Ceil(math.Hypot(float64(w), float64(h))))
	nr := 2*diag + 1
	const nt = 180
	acc := make([]int32, nt*nr)
	var cosT, sinT [nt]float64
	for t := 0; t < nt; t++ {
		a := float64(t) * math.Pi / nt
		cosT[t], sinT[t] = math.Cos(a), math.Sin(a)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			b := em.bin[y*w+x]
			if b < 0 {
				continue
			}
			c := int(b)*5 + 2 // gradient direction in degrees
			for d := -4; d <= 4; d++ {
				t := c + d
				if t < 0 {
					t += nt
				}
				if t >= nt {
					t -= nt
				}
				r := int(math.Round(float64(x)*cosT[t]+float64(y)*sinT[t])) + diag
				acc[t*nr+r]++
			}
		}
	}
	minVotes := int32(max(12, min(w, h)/14))
	type peak struct {
		t, r int
		v    int32
	}
	var peaks []peak
	for t := 0; t < nt; t++ {
		for r := 1; r < nr-1; r++ {
			v := acc[t*nr+r]
			if v < minVotes {
				continue
			}
			isMax := true
		scan:
			for dt := -2; dt <= 2; dt++ {
				tt, rr0 := t+dt, r
				if tt < 0 { // θ wraps with ρ mirrored
					tt += nt
					rr0 = 2*diag - r
				} else if tt >= nt {
					tt -= nt
					rr0 = 2*diag - r
				}
				for dr := -3; dr <= 3; dr++ {
					rr := rr0 + dr
					if rr < 0 || rr >= nr || (dt == 0 && dr == 0) {
						continue
					}
					u := acc[tt*nr+rr]
					if u > v || (u == v && (dt < 0 || (dt == 0 && dr < 0))) {
						isMax = false
						break scan
					}
				}
			}
			if isMax {
				peaks = append(peaks, peak{t, r, v})
			}
		}
	}
	sort.Slice(peaks, func(i, j int) bool { return peaks[i].v > peaks[j].v })
	// A line that belongs to a repeated pattern (floor tiles' grout, ruled paper, the weave of
	// a cloth, text baselines) has parallel neighbours at regular spacing; a document's side
	// seldom does. Few pattern lines are kept per orientation, so that a document lying along
	// a tiled floor's grid still has its sides among the lines kept.
	var byT [nt][]int
	for i, p := range peaks {
		byT[p.t] = append(byT[p.t], i)
	}
	periodic := make([]bool, len(peaks))
	var near []int
	for i, p := range peaks {
		near = near[:0]
		for t := max(0, p.t-1); t <= min(nt-1, p.t+1); t++ {
			near = append(near, byT[t]...)
		}
		slices.Sort(near) // strongest first, as in peaks
		periodic[i] = inPattern(p.t, p.r, p.v, func(yield func(t, r int, v int32) bool) {
			for _, j := range near {
				if q := peaks[j]; !yield(q.t, q.r, q.v) {
					return
				}
			}
		})
	}
	if debugPeaks != nil {
		for i, p := range peaks {
			debugPeaks(p.t, p.r-diag, p.v, periodic[i], i)
		}
	}
	// At most perOrientation lines per 3° of orientation, maxPatternPerOrientation of them
	// from a pattern: a tiled floor or a ruled page would otherwise fill every slot with its own
	// parallel lines and leave none for a document a few degrees off its grid, or on it.
	var perBin, perBinPattern [60]int
	kept := peaks[:0]
	for i, p := range peaks {
		// A line along the frame's own border is the frame (its virtual line stands for it), not
		// a document's side: a document there is cut off.
		if hugsBorder(cosT[p.t], sinT[p.t], float64(p.r-diag), float64(w), float64(h)) {
			continue
		}
		b := p.t / 3
		if perBin[b] >= perOrientation || (periodic[i] && perBinPattern[b] >= maxPatternPerOrientation) {
			continue
		}
		perBin[b]++
		if periodic[i] {
			perBinPattern[b]++
		}
		kept = append(kept, p)
		if len(kept) == maxLines {
			break
		}
	}
	peaks = kept
	lines := make([]houghLine, 0, len(peaks)+4)
	for _, p := range peaks {
		lines = append(lines, houghLine{nx: cosT[p.t], ny: sinT[p.t], rho: float64(p.r - diag),
			theta: float64(p.t) * math.Pi / nt, votes: int(p.v)})
	}
	// The frame's borders: pixel x covers [x-0.5, x+0.5) in these coordinates (the edge map's
	// pixel centres are integers), so the frame runs from -0.5 to w-0.5. (Lines at 0 and w put
	// the right and bottom borders half a pixel outside the frame, which the working copy
	// magnifies to several of its pixels: a document cut off there was not found.)
	fw, fh := float64(w), float64(h)
	lines = append(lines,
		houghLine{nx: 1, ny: 0, rho: -0.5, theta: 0, virtual: true},
		houghLine{nx: 1, ny: 0, rho: fw - 0.5, theta: 0, virtual: true},
		houghLine{nx: 0, ny: 1, rho: -0.5, theta: math.Pi / 2, virtual: true},
		houghLine{nx: 0, ny: 1, rho: fh - 0.5, theta: math.Pi / 2, virtual: true})
	return lines
}

// inPattern reports whether the Hough line (t, r, v votes; θ in degrees, ρ offset) is one of a
// run of at least four parallel lines (θ within 1°) of similar strength (votes within a factor
// 1.5) at regular spacing of at least 4 pixels among the lines listed by each. The spacing may
// drift by 5 % from one neighbour to the next, as a tiled floor's does under perspective. (Three
// lines are not enough: a document's two sides and one line of the surface beside it are often
// evenly spaced by chance.)
func inPattern(t, r int, v int32, each func(yield func(t, r int, v int32) bool)) bool {
	var offs []float64
	each(func(tt, rr int, vv int32) bool {
		if dt := tt - t; dt >= -1 && dt <= 1 && rr != r && 3*vv >= 2*v && 2*vv <= 3*v {
			offs = append(offs, float64(rr-r))
		}
		return true
	})
	near := func(want, tol float64) (float64, bool) {
		for _, o := range offs {
			if math.Abs(o-want) <= tol {
				return o, true
			}
		}
		return 0, false
	}
	// run counts the lines found stepping from the one at `from` by d, d', … in one direction.
	run := func(from, d float64) int {
		n := 0
		for {
			next, ok := near(from+d, math.Max(1.5, 0.05*math.Abs(d)))
			if !ok || n == 4 {
				return n
			}
			d, from = next-from, next
			n++
		}
	}
	for _, o := range offs {
		if math.Abs(o) < 4 {
			continue
		}
		if 1+run(0, o)+run(0, -o) >= 4 {
			return true
		}
	}
	return false
}

// hugsBorder reports whether the line nx·x + ny·y = rho runs along a border of the w×h frame,
// within a few pixels of it from one end of the frame to the other.
func hugsBorder(nx, ny, rho, w, h float64) bool {
	tol := math.Max(4, 0.012*math.Max(w, h))
	if math.Abs(nx) > math.Abs(ny) { // near-vertical: x at the top and the bottom
		x0, x1 := rho/nx, (rho-ny*h)/nx
		return (math.Abs(x0) <= tol && math.Abs(x1) <= tol) || (math.Abs(x0-w) <= tol && math.Abs(x1-w) <= tol)
	}
	y0, y1 := rho/ny, (rho-nx*w)/ny
	return (math.Abs(y0) <= tol && math.Abs(y1) <= tol) || (math.Abs(y0-h) <= tol && math.Abs(y1-h) <= tol)
}

// meanOrientation averages two line orientations modulo π (179° and 1° average to 0°).
func meanOrientation(a, b float64) float64 {
	m := math.Atan2(math.Sin(2*a)+math.Sin(2*b), math.Cos(2*a)+math.Cos(2*b)) / 2
	if m < 0 {
		m += math.Pi
	}
	return m
}

func angleDiff(a, b float64) float64 {
	d := math.Abs(a - b)
	for d > math.Pi {
		d -= math.Pi
	}
	return math.Min(d, math.Pi-d)
}

func intersect(a, b houghLine) ([2]float64, bool) {
	det := a.nx*b.ny - a.ny*b.nx
	if math.Abs(det) < 1e-6 {
		return [2]float64{}, false
	}
	return [2]float64{(a.rho*b.ny - a.ny*b.rho) / det, (a.nx*b.rho - a.rho*b.nx) / det}, true
}

// findQuads returns the keep best plausible document outlines in em, best first, and besides
// them up to keepFresh of the best with a side on a fresh line (one an earlier search did not
// have).
func findQuads(em *edgeMap, lines []houghLine, keep, keepFresh int) []quadCand {
	w, h := float64(em.w), float64(em.h)
	type pair struct {
		a, b int
		o    float64 // mean orientation
	}
	var pairs []pair
	minSep := 0.08 * math.Min(w, h)
	for i := range lines {
		for j := i + 1; j < len(lines); j++ {
			a, b := lines[i], lines[j]
			if a.virtual && b.virtual {
				continue
			}
			if angleDiff(a.theta, b.theta) > 26*math.Pi/180 { // opposite sides under strong keystone
				continue
			}
			// Separation measured through the frame's centre.
			cx, cy := w/2, h/2
			if math.Abs((a.nx*cx+a.ny*cy-a.rho)-(b.nx*cx+b.ny*cy-b.rho)*sign(a.nx*b.nx+a.ny*b.ny)) < minSep {
				continue
			}
			pairs = append(pairs, pair{i, j, meanOrientation(a.theta, b.theta)})
		}
	}
	var cands []quadCand
	for pi := range pairs {
		for pj := pi + 1; pj < len(pairs); pj++ {
			P, Q := pairs[pi], pairs[pj]
			if P.a == Q.a || P.a == Q.b || P.b == Q.a || P.b == Q.b {
				continue
			}
			la, lb, lc, ld := lines[P.a], lines[P.b], lines[Q.a], lines[Q.b]
			d := angleDiff(P.o, Q.o)
			if d < 60*math.Pi/180 {
				continue
			}
			nv := 0
			for _, l := range []houghLine{la, lb, lc, ld} {
				if l.virtual {
					nv++
				}
			}
			if nv > 2 {
				continue
			}
			q, ok := makeQuad([4]houghLine{la, lc, lb, ld}, [4]int{P.a, Q.a, P.b, Q.b})
			if !ok {
				continue
			}
			if !plausible(&q, w, h) {
				continue
			}
			cands = append(cands, q)
		}
	}
	// Every side lies on one of the lines: its edge support is read from the line's profile.
	sc := newLineScorer(em, lines)
	for i := range cands {
		sc.score(&cands[i])
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	// Keep the keep best, but no more than 12 near-copies of one outline, so that a second
	// document, or a small one under larger rectangles of a patterned surface, still has
	// candidates beside the first one's many near-copies. The fresh outlines are chosen among
	// themselves: the earlier search's near-copies of one must not crowd it out.
	var best, fresh []int
	cen := make([][2]float64, 0, keep+keepFresh) // centroids of the candidates scanned
	// crowded says whether list holds 12 near-copies of candidate i.
	crowded := func(list []int, i int) bool {
		n := 0
		for _, j := range list {
			if nearCopy(&cands[j], &cands[i], cen[j], cen[i]) {
				if n++; n == 12 {
					return true
				}
			}
		}
		return false
	}
	for i := range cands {
		if len(best) >= keep && len(fresh) >= keepFresh {
			break
		}
		c := &cands[i]
		cen = append(cen, centroid(c.c))
		if len(best) < keep && !crowded(best, i) {
			best = append(best, i)
		} else if len(fresh) < keepFresh && (lines[c.line[0]].fresh || lines[c.line[1]].fresh ||
			lines[c.line[2]].fresh || lines[c.line[3]].fresh) && !crowded(fresh, i) {
			fresh = append(fresh, i)
		}
	}
	kept := make([]quadCand, 0, len(best)+len(fresh))
	for k, i := range best {
		cands[i].deep = k >= maxCandidates
		kept = append(kept, cands[i])
	}
	for _, i := range fresh {
		kept = append(kept, cands[i])
	}
	cands = kept
	sort.Slice(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	return cands
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// makeQuad intersects the lines ls (indices idx in findQuads' list) in turn into a quad and
// orders its corners clockwise from the top-left-most one, recording which line each side lies
// on and which sides lie on frame borders.
func makeQuad(ls [4]houghLine, idx [4]int) (quadCand, bool) {
	var pts [4][2]float64
	for i := 0; i < 4; i++ {
		p, ok := intersect(ls[i], ls[(i+1)%4])
		if !ok {
			return quadCand{}, false
		}
		pts[i] = p
	}
	// pts[i] is the corner between side i and side i+1; side i+1 runs pts[i] → pts[i+1].
	var q quadCand
	for i := 0; i < 4; i++ {
		q.c[i] = pts[i]
		q.virtual[i] = ls[(i+1)%4].virtual
		q.line[i] = idx[(i+1)%4]
	}
	// Clockwise (in image coordinates, y down) means positive signed area.
	if signedArea(q.c) < 0 {
		q.c[1], q.c[3] = q.c[3], q.c[1]
		q.virtual = [4]bool{q.virtual[3], q.virtual[2], q.virtual[1], q.virtual[0]}
		q.line = [4]int{q.line[3], q.line[2], q.line[1], q.line[0]}
	}
	// Start from the corner nearest the top-left.
	best, bi := math.Inf(1), 0
	for i, p := range q.c {
		if s := p[0] + p[1]; s < best {
			best, bi = s, i
		}
	}
	var c2 [4][2]float64
	var v2 [4]bool
	var l2 [4]int
	for i := 0; i < 4; i++ {
		c2[i] = q.c[(i+bi)%4]
		v2[i] = q.virtual[(i+bi)%4]
		l2[i] = q.line[(i+bi)%4]
	}
	q.c, q.virtual, q.line = c2, v2, l2
	return q, true
}

func signedArea(c [4][2]float64) float64 {
	s := 0.0
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		s += c[i][0]*c[j][1] - c[j][0]*c[i][1]
	}
	return s / 2
}

// plausible keeps quads that can be an ID card or a passport page seen under moderate
// perspective: convex, corners near the frame, a long/short ratio between 1.2 and 1.95,
// opposite sides of similar length, corner angles between 55° and 125°, and not tiny.
func plausible(q *quadCand, w, h float64) bool {
	area := signedArea(q.c)
	if area <= 0 {
		return false
	}
	q.area = area
	if area < 0.015*w*h || area > 1.05*w*h {
		return false
	}
	for _, p := range q.c {
		if p[0] < -0.6*w || p[0] > 1.6*w || p[1] < -0.6*h || p[1] > 1.6*h {
			return false
		}
	}
	var l [4]float64
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		l[i] = math.Hypot(q.c[j][0]-q.c[i][0], q.c[j][1]-q.c[i][1])
		if l[i] < 8 {
			return false
		}
		// Convexity and corner angle.
		k := (i + 2) % 4
		ax, ay := q.c[i][0]-q.c[j][0], q.c[i][1]-q.c[j][1]
		bx, by := q.c[k][0]-q.c[j][0], q.c[k][1]-q.c[j][1]
		cross := ax*by - ay*bx
		if cross > 0 { // clockwise turn in y-down coordinates has negative cross here
			return false
		}
		cosA := (ax*bx + ay*by) / (math.Hypot(ax, ay) * math.Hypot(bx, by))
		if math.Abs(cosA) > math.Cos(55*math.Pi/180) {
			return false
		}
	}
	// A side meeting a frame-border side is the visible part of a longer one: its length and the
	// visible outline's proportions say nothing of the document's.
	cut := func(i int) bool { return q.virtual[(i+3)%4] || q.virtual[(i+1)%4] }
	for i := 0; i < 2; i++ {
		if !cut(i) && !cut(i+2) && math.Min(l[i], l[i+2])/math.Max(l[i], l[i+2]) < 0.6 {
			return false
		}
	}
	a, b := (l[0]+l[2])/2, (l[1]+l[3])/2
	r := math.Max(a, b) / math.Min(a, b)
	if q.virtual != [4]bool{} {
		return r <= 4
	}
	return r >= 1.2 && r <= 1.95
}

// scoreQuad measures how much of q's visible outline lies on edges of the matching orientation,
// and how little edge continues past its corners, sampling em directly (every step pixels).
func scoreQuad(em *edgeMap, q *quadCand, step int) {
	scoreSides(q, func(side int, a, b [2]float64, t0, t1, off float64) (float64, float64) {
		return segSupportOff(em, a, b, t0, t1, step, off)
	})
}

// scoreSides is scoreQuad with the support of a stretch of side `side` (the segment a→b from
// t0 to t1, shifted off pixels along its normal) given by seg.
func scoreSides(q *quadCand, seg func(side int, a, b [2]float64, t0, t1, off float64) (hit, total float64)) {
	var supN, supD float64
	var termN, termD float64
	realSides := 0
	minSide := 1.0
	for i := 0; i < 4; i++ {
		if q.virtual[i] {
			continue
		}
		realSides++
		a, b := q.c[i], q.c[(i+1)%4]
		n, d := seg(i, a, b, 0.08, 0.92, 0)
		supN += n
		supD += d
		if d >= 5 && n/d < minSide {
			minSide = n / d
		}
		// Extensions beyond both ends, 18 % of the side's length. What counts is the edge that
		// continues the side as a line: the hits on the same segment shifted a few pixels
		// sideways measure the surface's own texture (a tiled floor's grid, wood grain), which
		// is discounted.
		for _, t := range [2][2]float64{{-0.2, -0.02}, {1.02, 1.2}} {
			n, d := seg(i, a, b, t[0], t[1], 0)
			if d == 0 {
				continue
			}
			c1, e1 := seg(i, a, b, t[0], t[1], 5)
			c2, e2 := seg(i, a, b, t[0], t[1], -5)
			ctl := 0.0
			if e1+e2 > 0 {
				ctl = (c1 + c2) / (e1 + e2)
			}
			termN += math.Max(0, n-ctl*d)
			termD += d
		}
	}
	// A side on a frame border stands for a document running out of the frame: then the two
	// sides meeting it must carry their edge right up to the border. Otherwise the border is
	// just closing a quad around a document that stops short of it.
	for i := 0; i < 4; i++ {
		if !q.virtual[i] {
			continue
		}
		prev, next := (i+3)%4, (i+1)%4
		if !q.virtual[prev] {
			n, d := seg(prev, q.c[prev], q.c[i], 0.8, 0.97, 0)
			if d > 0 && n/d < 0.5 {
				q.support, q.termination, q.score = 0, 0, 0
				return
			}
		}
		if !q.virtual[next] {
			n, d := seg(next, q.c[next], q.c[(next+1)%4], 0.03, 0.2, 0)
			if d > 0 && n/d < 0.5 {
				q.support, q.termination, q.score = 0, 0, 0
				return
			}
		}
	}
	if supD < 10 || realSides < 2 {
		q.support, q.termination, q.score = 0, 0, 0
		return
	}
	// Every side must be an edge: the mean alone lets three strong sides carry a stray line.
	q.support = (supN/supD + minSide) / 2
	// Where the extensions leave the frame the corners cannot be judged: neutral, not perfect.
	q.termination = 0.5
	if termD >= 8 {
		q.termination = 1 - termN/termD
	}
	nv := 4 - realSides
	q.score = q.support * (0.3 + 0.7*q.termination) * math.Pow(0.85, float64(nv)) * math.Pow(q.area, 0.25)
}

// segSupport samples the segment from a+(b-a)·t0 to a+(b-a)·t1 inside the frame and counts
// samples with an edge of the segment's normal orientation within 2 pixels across it.
func segSupport(em *edgeMap, a, b [2]float64, t0, t1 float64, step int) (hit, total float64) {
	return segSupportOff(em, a, b, t0, t1, step, 0)
}

// segSupportOff is segSupport on the segment shifted off pixels along its normal.
func segSupportOff(em *edgeMap, a, b [2]float64, t0, t1 float64, step int, off float64) (hit, total float64) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := math.Hypot(dx, dy)
	if l < 1 {
		return 0, 0
	}
	ux, uy := dx/l, dy/l
	nx, ny := -uy, ux
	a = [2]float64{a[0] + nx*off, a[1] + ny*off}
	want := normalBin(nx, ny)
	n := int((t1 - t0) * l)
	for s := 0; s < n; s += step {
		t := t0 + float64(s)/l
		x, y := a[0]+dx*t, a[1]+dy*t
		if x < 2 || y < 2 || x >= float64(em.w-2) || y >= float64(em.h-2) {
			continue
		}
		total++
		if edgeHit(em, x, y, nx, ny, want) {
			hit++
		}
	}
	return hit, total
}

// edgeHit reports whether em has an edge of orientation bin want (±2 bins, 10°) within 2 pixels
// of (x, y) along the normal (nx, ny).
func edgeHit(em *edgeMap, x, y, nx, ny float64, want int) bool {
	for o := -2; o <= 2; o++ {
		xi, yi := int(x+nx*float64(o)), int(y+ny*float64(o))
		if xi < 0 || yi < 0 || xi >= em.w || yi >= em.h {
			continue
		}
		bn := em.bin[yi*em.w+xi]
		if bn < 0 {
			continue
		}
		if binDist(int(bn), want) <= 2 {
			return true
		}
	}
	return false
}

// binDist is the distance between two orientation bins (5° each, modulo 180°).
// normalBin is the edge-orientation bin (0..35, 5° each, modulo 180°, as edgeMap holds them)
// of a gradient along (nx, ny).
func normalBin(nx, ny float64) int {
	th := math.Atan2(ny, nx)
	if th < 0 {
		th += math.Pi
	}
	if b := int(th / math.Pi * 36); b < 36 {
		return b
	}
	return 0 // θ = π
}

func binDist(a, b int) int {
	d := a - b
	if d < 0 {
		d = -d
	}
	if d > 18 {
		d = 36 - d
	}
	return d
}

// nearCopy reports whether two candidate outlines, with centroids ca and cb, are variants of
// one: about the same area (within a factor 1.5) about the same place (centres closer than a
// quarter of the side).
func nearCopy(a, b *quadCand, ca, cb [2]float64) bool {
	if a.area <= 0 || b.area <= 0 || math.Max(a.area, b.area) > 1.5*math.Min(a.area, b.area) {
		return false
	}
	dx, dy := ca[0]-cb[0], ca[1]-cb[1]
	return dx*dx+dy*dy < 0.0625*math.Min(a.area, b.area) // closer than a quarter of the side
}

// overlaps reports whether two quads share area (one's corner or centre inside the other).
func overlaps(a, b [4][2]float64) bool {
	ca, cb := centroid(a), centroid(b)
	if inside(a, cb) || inside(b, ca) {
		return true
	}
	for i := 0; i < 4; i++ {
		if inside(a, b[i]) || inside(b, a[i]) {
			return true
		}
	}
	return false
}

func centroid(q [4][2]float64) [2]float64 {
	return [2]float64{(q[0][0] + q[1][0] + q[2][0] + q[3][0]) / 4, (q[0][1] + q[1][1] + q[2][1] + q[3][1]) / 4}
}

func inside(q [4][2]float64, p [2]float64) bool {
	sgn := 0.0
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		c := (q[j][0]-q[i][0])*(p[1]-q[i][1]) - (q[j][1]-q[i][1])*(p[0]-q[i][0])
		if c == 0 {
			continue
		}
		if sgn == 0 {
			sgn = sign(c)
		} else if sign(c) != sgn {
			return false
		}
	}
	return true
}

// continuesToBorder checks, on the working copy p, that the document really runs out of the
// frame along side i of q (analysis coordinates), which lies on a frame border: most of the
// pixels along that border between the two corners must have the document's paper colour. A
// quad closed by the frame around a document that stops short of it has background there.
func continuesToBorder(p *planes, q [4][2]float64, i int, paper [3]float32) bool {
	a, b := q[i], q[(i+1)%4]
	c := centroid(q)
	var border [][3]float32
	for k := 0; k <= 40; k++ {
		t := 0.15 + 0.7*float64(k)/40
		x, y := a[0]+(b[0]-a[0])*t, a[1]+(b[1]-a[1])*t
		// One and a half pixels inside the frame, towards the document's centre.
		dx, dy := c[0]-x, c[1]-y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		x, y = x+1.5*dx/l, y+1.5*dy/l
		if x < 0 || y < 0 || x >= float64(p.w) || y >= float64(p.h) {
			continue
		}
		border = append(border, p.colourAt(x, y))
	}
	n := len(border)
	if n == 0 {
		return false
	}
	match := 0
	for _, v := range border {
		if colourDist(v, paper) < 30 {
			match++
		}
	}
	if float64(match) >= 0.35*float64(n) {
		return true
	}
	// A document whose paper is mostly hidden along that border (a portrait, a coloured band, the
	// MRZ zone run out of the frame there) still differs from the surface it lies on: if little of
	// the border looks like the background just outside the quad's real sides, the document does
	// run out of the frame.
	bg := outsideColours(p, q)
	if len(bg) < 6 {
		return false
	}
	like := 0
	for _, v := range border {
		for _, o := range bg {
			if colourDist(v, o) < 20 {
				like++
				break
			}
		}
	}
	return float64(like) <= 0.2*float64(n)
}

// outsideColours samples the surface around the quad q (analysis coordinates): points a few
// pixels outside each side that does not lie on the frame border.
func outsideColours(p *planes, q [4][2]float64) [][3]float32 {
	c := centroid(q)
	var out [][3]float32
	for i := 0; i < 4; i++ {
		a, b := q[i], q[(i+1)%4]
		for k := 0; k < 9; k++ {
			t := 0.1 + 0.8*float64(k)/8
			x, y := a[0]+(b[0]-a[0])*t, a[1]+(b[1]-a[1])*t
			dx, dy := x-c[0], y-c[1]
			l := math.Hypot(dx, dy)
			if l == 0 {
				continue
			}
			// Out along the direction away from the centre, far enough to clear the border's blur.
			d := 4 + 0.01*float64(max(p.w, p.h))
			x, y = x+d*dx/l, y+d*dy/l
			if x < 1 || y < 1 || x >= float64(p.w-1) || y >= float64(p.h-1) {
				continue
			}
			out = append(out, p.colourAt(x, y))
		}
	}
	return out
}

// colourDist is a distance between two YCbCr colours with the chroma differences doubled
// (chroma has about half luma's range in photos).
func colourDist(a, b [3]float32) float32 {
	dy, db, dr := a[0]-b[0], 2*(a[1]-b[1]), 2*(a[2]-b[2])
	return float32(math.Sqrt(float64(dy*dy + db*db + dr*dr)))
}

// quadPaper is the paper colour of the document inside q (analysis coordinates): the median
// colour of the brighter half of a grid of samples over its central part.
func quadPaper(p *planes, q [4][2]float64) [3]float32 {
	m := rectToQuad(1, 1, q)
	var ys, bs, rs []float32
	for j := 0; j < 20; j++ {
		for i := 0; i < 30; i++ {
			x, y := m.apply(0.1+0.8*float64(i)/29, 0.1+0.8*float64(j)/19)
			if x < 0 || y < 0 || x >= float64(p.w) || y >= float64(p.h) {
				continue
			}
			ys = append(ys, sample(p.Y, p.w, p.h, x, y))
			bs = append(bs, sample(p.Cb, p.w, p.h, x, y))
			rs = append(rs, sample(p.Cr, p.w, p.h, x, y))
		}
	}
	if len(ys) == 0 {
		return [3]float32{128, 128, 128}
	}
	// Median luma, then the median colour of the samples at least that bright.
	sorted := append([]float32(nil), ys...)
	slices.Sort(sorted)
	med := sorted[len(sorted)/2]
	var y2, b2, r2 []float32
	for k := range ys {
		if ys[k] >= med {
			y2, b2, r2 = append(y2, ys[k]), append(b2, bs[k]), append(r2, rs[k])
		}
	}
	mid := func(v []float32) float32 {
		slices.Sort(v)
		return v[len(v)/2]
	}
	return [3]float32{mid(y2), mid(b2), mid(r2)}
}

// extendToBorder handles a document that runs out of the frame but shows a strong straight
// edge inside it parallel to the frame border (a passport's coloured header band, the edge of
// the MRZ zone): the best quad then closes on that inner edge. If the two sides meeting such a
// side carry on, as edges, past its corners right up to the frame border (one of them may meet
// that edge at the border itself), the document does not end there: the side is moved onto the
// border (and becomes virtual, i.e. cut off).
func extendToBorder(em *edgeMap, q *quadCand) {
	w, h := float64(em.w), float64(em.h)
	for i := 0; i < 4; i++ {
		if q.virtual[i] {
			continue
		}
		prev, next := (i+3)%4, (i+1)%4
		// Side i runs c[i] → c[i+1]; side prev ends at c[i], side next starts at c[i+1].
		var exits [2][2]float64
		ok, reaches := true, false
		for k, s := range [2]struct {
			from, corner [2]float64
			virtual      bool
		}{{q.c[prev], q.c[i], q.virtual[prev]}, {q.c[(next+1)%4], q.c[next], q.virtual[next]}} {
			if s.virtual {
				ok = false
				break
			}
			dx, dy := s.corner[0]-s.from[0], s.corner[1]-s.from[1]
			l := math.Hypot(dx, dy)
			if l < 10 {
				ok = false
				break
			}
			ux, uy := dx/l, dy/l
			// Distance from the corner along the side's direction to the frame border.
			t := math.Inf(1)
			if ux > 1e-9 {
				t = math.Min(t, (w-1-s.corner[0])/ux)
			} else if ux < -1e-9 {
				t = math.Min(t, -s.corner[0]/ux)
			}
			if uy > 1e-9 {
				t = math.Min(t, (h-1-s.corner[1])/uy)
			} else if uy < -1e-9 {
				t = math.Min(t, -s.corner[1]/uy)
			}
			if t > 0.25*l {
				ok = false
				break
			}
			end := [2]float64{s.corner[0] + ux*t, s.corner[1] + uy*t}
			if t < 3 {
				// This corner is at the border already (the inner edge meets the side there).
				exits[k] = end
				continue
			}
			reaches = true
			n, d := segSupport(em, s.corner, end, 0, 1, 1)
			// Edges thin out at the frame's last pixels: a short run needs one hit in a few.
			if d < 2 || (d >= 5 && n/d < 0.75) || (d < 5 && n < 1) {
				ok = false
				break
			}
			exits[k] = end
		}
		if !ok || !reaches {
			continue
		}
		q.c[i], q.c[next] = exits[0], exits[1]
		q.virtual[i] = true
		q.area = signedArea(q.c)
	}
}

// crossings counts, for each pair of opposite sides of quad q (sides 0 and 2, then 1 and 3),
// the lines among ls parallel to them (within 4°) that run right across q's interior, well
// away from both sides (between 12 % and 88 % of the way along the other two), on edges along
// 80 % of the way. A document is opaque: it hides the floor's grout lines or a cloth's weave,
// and only its own bands and zones cross it, in one direction. A rectangle drawn on a tiled
// floor has the grid running through it both ways.
func crossings(em *edgeMap, ls []houghLine, q [4][2]float64) (n [2]int) {
	for _, l := range ls {
		if l.virtual {
			continue
		}
		for pr := range 2 {
			s0, s1 := pr, pr+2 // the parallel sides
			o0, o1 := pr+1, (pr+3)%4
			dir := func(i int) float64 {
				a, b := q[i], q[(i+1)%4]
				return math.Atan2(b[0]-a[0], -(b[1] - a[1])) // the side's normal
			}
			if angleDiff(math.Mod(dir(s0)+2*math.Pi, math.Pi), l.theta) > 4*math.Pi/180 ||
				angleDiff(math.Mod(dir(s1)+2*math.Pi, math.Pi), l.theta) > 4*math.Pi/180 {
				continue
			}
			// Where the line meets the other two sides, as a share of their length.
			at := func(i int) ([2]float64, bool) {
				a, b := q[i], q[(i+1)%4]
				den := l.nx*(b[0]-a[0]) + l.ny*(b[1]-a[1])
				if math.Abs(den) < 1e-9 {
					return a, false
				}
				t := (l.rho - l.nx*a[0] - l.ny*a[1]) / den
				return [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, t > 0.12 && t < 0.88
			}
			a, ok0 := at(o0)
			b, ok1 := at(o1)
			if !ok0 || !ok1 {
				continue
			}
			if hit, total := segSupport(em, a, b, 0.05, 0.95, 1); total > 0 && hit >= 0.8*total {
				n[pr]++
			}
		}
	}
	return n
}

// printDensity is the share of the interior of quad q (localisation pixels, its central 76 %)
// that holds edges running across the quad's own axes (more than 15° off both side
// directions): print, a portrait, guilloche. A document is covered with them; a rectangle of
// floor tiles, a table's edge or a picture frame encloses at most lines parallel to its sides.
func printDensity(em *edgeMap, q [4][2]float64) float64 {
	var axis [2]int
	for i := 0; i < 2; i++ {
		a, b := q[i], q[i+1]
		axis[i] = normalBin(-(b[1] - a[1]), b[0]-a[0]) // the side's normal: its edges' gradient
	}
	off := func(bn int8) bool {
		for _, ax := range axis {
			if binDist(int(bn), ax) <= 3 {
				return false
			}
		}
		return true
	}
	m := rectToQuad(1, 1, q)
	const nx, ny = 60, 40
	hit, n := 0, 0
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			x, y := m.apply(0.12+0.76*(float64(i)+0.5)/nx, 0.12+0.76*(float64(j)+0.5)/ny)
			xi, yi := int(x), int(y)
			if xi < 0 || yi < 0 || xi >= em.w || yi >= em.h {
				continue
			}
			n++
			if b := em.bin[yi*em.w+xi]; b >= 0 && off(b) {
				hit++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}

// distinctness compares the colours of quad q (localisation pixels) with those of the surface
// just outside its real sides: interior is the share of its central part, and band the share
// of a band just inside its real sides, whose colour is found nowhere on that surface (within
// tol, a colour distance). A document is paper and print lying on something else; a quad
// drawn on a tiled floor, a board's planks or a patterned cloth encloses the same colours as
// surround it, and one drawn on such a surface around a document has that surface along its
// inner border. With too little surface in the frame to judge, both are 1. Without
// withInterior the interior, the costlier part, is not measured (-1).
func distinctness(p *planes, q [4][2]float64, virtual [4]bool, tol float32, withInterior bool) (interior, band float64) {
	c := centroid(q)
	side := func(a, b [2]float64) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }
	short := math.Min(side(q[0], q[1]), side(q[1], q[2]))
	at := func(x, y float64) ([3]float32, bool) {
		if x < 1 || y < 1 || x >= float64(p.w-1) || y >= float64(p.h-1) {
			return [3]float32{}, false
		}
		return p.colourAt(x, y), true
	}
	// Points along the real sides pushed off by d towards the outside (d > 0) or the inside.
	along := func(d float64) [][3]float32 {
		var out [][3]float32
		for i := 0; i < 4; i++ {
			if virtual[i] {
				continue
			}
			a, b := q[i], q[(i+1)%4]
			for k := 1; k < 16; k++ {
				t := float64(k) / 16
				x, y := a[0]+(b[0]-a[0])*t, a[1]+(b[1]-a[1])*t
				dx, dy := x-c[0], y-c[1]
				l := math.Hypot(dx, dy)
				if l == 0 {
					continue
				}
				if v, ok := at(x+d*dx/l, y+d*dy/l); ok {
					out = append(out, v)
				}
			}
		}
		return out
	}
	// Nearer the side where the frame leaves little room beyond it (a quad reaching almost to
	// the frame's edge must still be judged against what lies in that strip).
	var ring [][3]float32
	for _, d := range []float64{3 + 0.06*short, 2 + 0.03*short, 2} {
		if ring = along(d); len(ring) >= 8 {
			break
		}
	}
	if len(ring) < 8 {
		return 1, 1
	}
	foreign := func(v [3]float32) bool {
		for _, r := range ring {
			if colourDist(v, r) < tol {
				return false
			}
		}
		return true
	}
	share := func(vs [][3]float32) float64 {
		if len(vs) == 0 {
			return 1
		}
		n := 0
		for _, v := range vs {
			if foreign(v) {
				n++
			}
		}
		return float64(n) / float64(len(vs))
	}
	band = share(along(-(2 + 0.03*short)))
	if !withInterior {
		return -1, band
	}
	m := rectToQuad(1, 1, q)
	var in [][3]float32
	for j := 0; j < 16; j++ {
		for i := 0; i < 24; i++ {
			if v, ok := at(m.apply(0.1+0.8*(float64(i)+0.5)/24, 0.1+0.8*(float64(j)+0.5)/16)); ok {
				in = append(in, v)
			}
		}
	}
	return share(in), band
}

// refitSides fits each real side of q to the edge pixels along it (total least squares, then
// again without the points more than 1.5 px off) and moves the corners to the new sides'
// crossings. A Hough line is quantised to 1° and ±1 px: over a card's long side that is
// several pixels at its ends, and a side that runs close to the frame border can be taken by a
// line a few degrees off whose ends reach out of the frame (a false cut-off). Sides on the
// frame border, and sides with too few edge pixels over too short a span, are kept; so is the
// whole quad when a corner would move by more than 6 % of its short side. It returns the
// largest move of a corner.
func refitSides(em *edgeMap, q *quadCand) float64 {
	var ls [4]houghLine
	short := math.Inf(1)
	for i := 0; i < 4; i++ {
		a, b := q.c[i], q.c[(i+1)%4]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l < 20 {
			return 0
		}
		short = math.Min(short, l)
		nx, ny := -dy/l, dx/l
		ls[i] = houghLine{nx: nx, ny: ny, rho: nx*a[0] + ny*a[1]}
		if q.virtual[i] {
			continue
		}
		want := normalBin(nx, ny)
		var pts [][2]float64
		tMin, tMax := math.Inf(1), math.Inf(-1)
		for s := 0.05 * l; s < 0.95*l; s++ {
			x, y := a[0]+dx*s/l, a[1]+dy*s/l
			for _, o := range [...]int{0, -1, 1, -2, 2, -3, 3} {
				xi, yi := int(x+nx*float64(o)), int(y+ny*float64(o))
				if xi < 2 || yi < 2 || xi >= em.w-2 || yi >= em.h-2 {
					continue
				}
				if bn := em.bin[yi*em.w+xi]; bn >= 0 && binDist(int(bn), want) <= 2 {
					pts = append(pts, [2]float64{float64(xi), float64(yi)})
					tMin, tMax = math.Min(tMin, s), math.Max(tMax, s)
					break
				}
			}
		}
		if len(pts) < 20 || tMax-tMin < math.Max(40, 0.2*l) {
			continue
		}
		fit, ok := fitLine(pts, nil)
		if !ok {
			continue
		}
		fit, ok = fitLine(pts, &fit)
		if !ok {
			continue
		}
		// Keep the side's orientation (the normal pointing the same way).
		if fit.nx*nx+fit.ny*ny < 0 {
			fit.nx, fit.ny, fit.rho = -fit.nx, -fit.ny, -fit.rho
		}
		ls[i] = fit
	}
	var c [4][2]float64
	moved := 0.0
	for i := 0; i < 4; i++ {
		p, ok := intersect(ls[(i+3)%4], ls[i])
		if !ok {
			return 0
		}
		d := math.Hypot(p[0]-q.c[i][0], p[1]-q.c[i][1])
		if d > 0.06*short {
			return 0
		}
		c[i], moved = p, math.Max(moved, d)
	}
	q.c = c
	q.area = signedArea(c)
	return moved
}

// fitLine is the total-least-squares line through pts; with prev, through those of pts within
// 1.5 px of prev. It needs ten points.
func fitLine(pts [][2]float64, prev *houghLine) (houghLine, bool) {
	var sx, sy, sxx, syy, sxy, n float64
	for _, p := range pts {
		if prev != nil && math.Abs(prev.nx*p[0]+prev.ny*p[1]-prev.rho) > 1.5 {
			continue
		}
		sx, sy = sx+p[0], sy+p[1]
		sxx, syy, sxy = sxx+p[0]*p[0], syy+p[1]*p[1], sxy+p[0]*p[1]
		n++
	}
	if n < 10 {
		return houghLine{}, false
	}
	mx, my := sx/n, sy/n
	cxx, cyy, cxy := sxx/n-mx*mx, syy/n-my*my, sxy/n-mx*my
	// The line's direction is the covariance's major axis; its normal the minor one.
	phi := 0.5 * math.Atan2(2*cxy, cxx-cyy)
	nx, ny := -math.Sin(phi), math.Cos(phi)
	return houghLine{nx: nx, ny: ny, rho: nx*mx + ny*my}, true
}
