package imagecheck

import "math"

// Every side of a candidate quad lies on one of the Hough lines, and thousands of candidates
// share a few dozen lines. So instead of sampling each candidate's sides in the edge map, the
// quad search samples each line once, at every pixel of its length and at the three offsets
// scoreQuad uses (on the line, and 5 px to either side), and keeps prefix counts: the support of
// any stretch of a side is then two subtractions. The result is the full-resolution score of
// every candidate, in about the time the old coarse pass took for a few.

// lineOffsets are the normal offsets scoreQuad asks for, in pixels.
var lineOffsets = [3]float64{0, 5, -5}

// lineProfile holds the prefix counts along one line: sample i lies at o + (s0+i)·u (+ off·n).
type lineProfile struct {
	ox, oy float64 // the line's point nearest the origin (rho·n)
	ux, uy float64 // unit direction along the line
	s0     int
	in     [3][]int32 // in[k][i]: samples before i inside the frame's 2 px margin, at offset k
	hit    [3][]int32 // hit[k][i]: of those, samples on an edge of the line's orientation
}

// lineScorer scores candidate quads from line profiles, built on first use.
type lineScorer struct {
	em    *edgeMap
	lines []houghLine
	prof  []*lineProfile
}

func newLineScorer(em *edgeMap, lines []houghLine) *lineScorer {
	return &lineScorer{em: em, lines: lines, prof: make([]*lineProfile, len(lines))}
}

// score sets q's support, termination and score (see scoreQuad).
func (sc *lineScorer) score(q *quadCand) {
	scoreSides(q, func(side int, a, b [2]float64, t0, t1, off float64) (float64, float64) {
		li := q.line[side]
		if li < 0 {
			return segSupportOff(sc.em, a, b, t0, t1, 1, off)
		}
		return sc.profile(li).support(a, b, t0, t1, off)
	})
}

func (sc *lineScorer) profile(i int) *lineProfile {
	if p := sc.prof[i]; p != nil {
		return p
	}
	l := sc.lines[i]
	em := sc.em
	p := &lineProfile{ox: l.nx * l.rho, oy: l.ny * l.rho, ux: -l.ny, uy: l.nx}
	// Every point of the frame (and 5 px around it) is within the frame's diagonal of o.
	d := int(math.Ceil(math.Hypot(float64(em.w), float64(em.h)))) + 6
	p.s0 = -d
	n := 2*d + 1
	want := normalBin(l.nx, l.ny)
	for k, off := range lineOffsets {
		in, hit := make([]int32, n+1), make([]int32, n+1)
		bx, by := p.ox+l.nx*off, p.oy+l.ny*off
		for i := 0; i < n; i++ {
			s := float64(p.s0 + i)
			x, y := bx+p.ux*s, by+p.uy*s
			in[i+1], hit[i+1] = in[i], hit[i]
			if x < 2 || y < 2 || x >= float64(em.w-2) || y >= float64(em.h-2) {
				continue
			}
			in[i+1]++
			if edgeHit(em, x, y, l.nx, l.ny, want) {
				hit[i+1]++
			}
		}
		p.in[k], p.hit[k] = in, hit
	}
	sc.prof[i] = p
	return p
}

// support counts the samples of the stretch t0..t1 of segment a→b (both on the line), shifted
// off pixels along the normal, like segSupportOff with step 1.
func (p *lineProfile) support(a, b [2]float64, t0, t1, off float64) (hit, total float64) {
	k := 0
	switch off {
	case lineOffsets[1], lineOffsets[2]:
		// The segment's normal may point either way along the line's: ±5 together is what
		// scoreQuad asks for, and it sums the two, so each maps to one of the shifted copies.
		k = 1
		if off < 0 {
			k = 2
		}
	case 0:
	default:
		panic("imagecheck: line profile asked for an offset it does not keep")
	}
	sa := (a[0]-p.ox)*p.ux + (a[1]-p.oy)*p.uy
	sb := (b[0]-p.ox)*p.ux + (b[1]-p.oy)*p.uy
	lo, hi := sa+(sb-sa)*t0, sa+(sb-sa)*t1
	if lo > hi {
		lo, hi = hi, lo
	}
	i0 := int(math.Ceil(lo)) - p.s0
	i1 := int(math.Floor(hi)) - p.s0 + 1 // exclusive
	n := len(p.in[k]) - 1
	i0 = max(0, min(n, i0))
	i1 = max(i0, min(n, i1))
	return float64(p.hit[k][i1] - p.hit[k][i0]), float64(p.in[k][i1] - p.in[k][i0])
}
