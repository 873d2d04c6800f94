package ocr

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/kycd/kycd/onnx"
)

// Point is a position in the page image, in pixels.
type Point struct{ X, Y float64 }

// Quad is a text box: its corners clockwise from the top-left of the text as it reads.
type Quad [4]Point

// Width is the length of the quad's reading direction (its longer horizontal-ish sides).
func (q Quad) Width() float64 { return math.Max(dist(q[0], q[1]), dist(q[3], q[2])) }

// Height is the length across the text.
func (q Quad) Height() float64 { return math.Max(dist(q[0], q[3]), dist(q[1], q[2])) }

// Center is the mean of the corners.
func (q Quad) Center() Point {
	return Point{(q[0].X + q[1].X + q[2].X + q[3].X) / 4, (q[0].Y + q[1].Y + q[2].Y + q[3].Y) / 4}
}

// angle is the direction of the top edge, in radians.
func (q Quad) angle() float64 { return math.Atan2(q[1].Y-q[0].Y, q[1].X-q[0].X) }

// PaddleOCR's detector normalisation (ImageNet statistics, applied to B, G, R in that order as
// PaddleOCR's OpenCV pipeline does).
var (
	detMean = [3]float32{0.485, 0.456, 0.406}
	detStd  = [3]float32{0.229, 0.224, 0.225}
)

// detScale is the size the page is resized to before detection: the long side brought to
// maxSide (up or down, up at most 3×), each side a multiple of 32 as the network needs.
func detScale(w, h, maxSide int) (int, int) {
	long := max(w, h)
	r := float64(maxSide) / float64(long)
	r = math.Min(r, 3)
	rw := max(32, int(math.Round(float64(w)*r/32))*32)
	rh := max(32, int(math.Round(float64(h)*r/32))*32)
	return rw, rh
}

// detect finds text boxes on the page with the DB detector and returns them in page pixels.
func (e *Engine) detect(ctx context.Context, page *source) ([]Quad, error) {
	dw, dh := detScale(page.w, page.h, e.opts.DetMaxSide)
	small := page.scaled(dw, dh)
	plane := dw * dh
	in := onnx.Tensor{Shape: []int64{1, 3, int64(dh), int64(dw)}, Data: make([]float32, 3*plane)}
	for i := 0; i < plane; i++ {
		for c := 0; c < 3; c++ {
			// channel c of the tensor is B, G, R for c = 0, 1, 2
			v := float32(small.pix[3*i+2-c]) / 255
			in.Data[c*plane+i] = (v - detMean[c]) / detStd[c]
		}
	}
	out, err := e.det.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	prob := out[0]
	if len(prob.Shape) != 4 || prob.Shape[2] != int64(dh) || prob.Shape[3] != int64(dw) {
		return nil, fmt.Errorf("ocr: detector output shape %v, want [1 1 %d %d]", prob.Shape, dh, dw)
	}
	boxes := dbBoxes(prob.Data[:plane], dw, dh, e.opts)
	sx, sy := float64(page.w)/float64(dw), float64(page.h)/float64(dh)
	for i := range boxes {
		for j := range boxes[i] {
			boxes[i][j].X = clampF(boxes[i][j].X*sx, 0, float64(page.w))
			boxes[i][j].Y = clampF(boxes[i][j].Y*sy, 0, float64(page.h))
		}
	}
	return boxes, nil
}

func clampF(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// dbBoxes is DB post-processing: threshold the probability map, take connected regions, score
// each by its mean probability, fit the minimum-area rectangle and grow it by the unclip ratio
// (the network predicts shrunk text kernels).
func dbBoxes(prob []float32, w, h int, o Options) []Quad {
	labels := make([]int32, w*h)
	var boxes []Quad
	stack := make([]int32, 0, 1024)
	next := int32(0)
	for start := 0; start < w*h; start++ {
		if labels[start] != 0 || prob[start] <= o.DetThresh {
			continue
		}
		next++
		// Flood fill (8-connected), recording each row's extent for the hull.
		stack = append(stack[:0], int32(start))
		labels[start] = next
		var sum float64
		n := 0
		rows := map[int][2]int{}
		for len(stack) > 0 {
			p := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			x, y := p%w, p/w
			sum += float64(prob[p])
			n++
			if r, ok := rows[y]; ok {
				rows[y] = [2]int{min(r[0], x), max(r[1], x)}
			} else {
				rows[y] = [2]int{x, x}
			}
			for dy := -1; dy <= 1; dy++ {
				yy := y + dy
				if yy < 0 || yy >= h {
					continue
				}
				for dx := -1; dx <= 1; dx++ {
					xx := x + dx
					if xx < 0 || xx >= w || (dx == 0 && dy == 0) {
						continue
					}
					q := yy*w + xx
					if labels[q] == 0 && prob[q] > o.DetThresh {
						labels[q] = next
						stack = append(stack, int32(q))
					}
				}
			}
		}
		if n < 4 || sum/float64(n) < o.BoxThresh {
			continue
		}
		pts := make([]Point, 0, 4*len(rows))
		for y, r := range rows {
			fy := float64(y)
			pts = append(pts, Point{float64(r[0]), fy}, Point{float64(r[1] + 1), fy},
				Point{float64(r[0]), fy + 1}, Point{float64(r[1] + 1), fy + 1})
		}
		c, u, v, bw, bh := minAreaRect(convexHull(pts))
		if math.Min(bw, bh) < float64(o.MinBoxSize) { // PaddleOCR: min_size before unclip,
			continue
		}
		d := bw * bh * o.UnclipRatio / (2 * (bw + bh))
		bw, bh = bw+2*d, bh+2*d
		if math.Min(bw, bh) < float64(o.MinBoxSize+2) { // and min_size+2 after
			continue
		}
		boxes = append(boxes, orderQuad(c, u, v, bw, bh))
	}
	return boxes
}

// convexHull is Andrew's monotone chain; it returns the hull counter-clockwise (in y-down
// coordinates, clockwise on screen) without repeating the first point.
func convexHull(pts []Point) []Point {
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].X != pts[j].X {
			return pts[i].X < pts[j].X
		}
		return pts[i].Y < pts[j].Y
	})
	cross := func(o, a, b Point) float64 { return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X) }
	hull := make([]Point, 0, 2*len(pts))
	for _, p := range pts {
		for len(hull) >= 2 && cross(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, p)
	}
	lower := len(hull) + 1
	for i := len(pts) - 2; i >= 0; i-- {
		p := pts[i]
		for len(hull) >= lower && cross(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, p)
	}
	return hull[:len(hull)-1]
}

// minAreaRect fits the smallest rectangle around a convex polygon (rotating calipers: one side
// lies on a hull edge). It returns the centre, the unit vectors along its two sides and their
// lengths.
func minAreaRect(hull []Point) (c, u, v Point, w, h float64) {
	best := math.Inf(1)
	for i := range hull {
		a, b := hull[i], hull[(i+1)%len(hull)]
		l := dist(a, b)
		if l == 0 {
			continue
		}
		ux, uy := (b.X-a.X)/l, (b.Y-a.Y)/l
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, p := range hull {
			pu := p.X*ux + p.Y*uy
			pv := -p.X*uy + p.Y*ux
			minU, maxU = math.Min(minU, pu), math.Max(maxU, pu)
			minV, maxV = math.Min(minV, pv), math.Max(maxV, pv)
		}
		if area := (maxU - minU) * (maxV - minV); area < best {
			best = area
			mu, mv := (minU+maxU)/2, (minV+maxV)/2
			c = Point{mu*ux - mv*uy, mu*uy + mv*ux}
			u, v = Point{ux, uy}, Point{-uy, ux}
			w, h = maxU-minU, maxV-minV
		}
	}
	if math.IsInf(best, 1) && len(hull) > 0 {
		c = hull[0]
		u, v = Point{1, 0}, Point{0, 1}
	}
	return c, u, v, w, h
}

// orderQuad returns the rectangle's corners clockwise from the top-left as the page shows it:
// the side closest to horizontal is the top, so a tilted line keeps its reading direction.
func orderQuad(c, u, v Point, w, h float64) Quad {
	// Make u the most horizontal side direction, pointing right, and v pointing down.
	if math.Abs(u.X) < math.Abs(v.X) {
		u, v = v, u
		w, h = h, w
	}
	if u.X < 0 {
		u = Point{-u.X, -u.Y}
	}
	v = Point{-u.Y, u.X}
	hw, hh := w/2, h/2
	at := func(su, sv float64) Point {
		return Point{c.X + su*hw*u.X + sv*hh*v.X, c.Y + su*hw*u.Y + sv*hh*v.Y}
	}
	return Quad{at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)}
}
