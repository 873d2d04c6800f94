package synth

import (
	"image"
	"math"
	"math/rand/v2"
)

// photo is a linear-ish RGB working image, three float32 per pixel in 0..255 (values may leave
// that range until the final clip, as light does before a sensor saturates).
type photo struct {
	w, h int
	p    []float32
}

func newPhoto(w, h int) *photo { return &photo{w: w, h: h, p: make([]float32, w*h*3)} }

func (ph *photo) toRGBA() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, ph.w, ph.h))
	for i, j := 0, 0; i < len(ph.p); i, j = i+3, j+4 {
		img.Pix[j] = clip8(ph.p[i])
		img.Pix[j+1] = clip8(ph.p[i+1])
		img.Pix[j+2] = clip8(ph.p[i+2])
		img.Pix[j+3] = 255
	}
	return img
}

func clip8(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// valueNoise is smooth random noise: a random grid of cell size cell, bilinearly interpolated.
type valueNoise struct {
	gw, gh int
	cell   float64
	g      []float32
}

func newValueNoise(r *rand.Rand, w, h int, cell float64) *valueNoise {
	gw, gh := int(float64(w)/cell)+2, int(float64(h)/cell)+2
	n := &valueNoise{gw: gw, gh: gh, cell: cell, g: make([]float32, gw*gh)}
	for i := range n.g {
		n.g[i] = float32(r.Float64()*2 - 1)
	}
	return n
}

func (n *valueNoise) at(x, y float64) float32 {
	fx, fy := math.Max(0, x/n.cell), math.Max(0, y/n.cell)
	ix, iy := int(fx), int(fy)
	if ix >= n.gw-1 {
		ix = n.gw - 2
	}
	if iy >= n.gh-1 {
		iy = n.gh - 2
	}
	tx, ty := float32(fx-float64(ix)), float32(fy-float64(iy))
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	a, b := n.g[iy*n.gw+ix], n.g[iy*n.gw+ix+1]
	c, d := n.g[(iy+1)*n.gw+ix], n.g[(iy+1)*n.gw+ix+1]
	return (a*(1-tx)+b*tx)*(1-ty) + (c*(1-tx)+d*tx)*ty
}

// boxBlur blurs one interleaved channel plane horizontally then vertically with a box of radius
// rad; three passes approximate a Gaussian of sigma ≈ sqrt(rad·(rad+1)).
func (ph *photo) boxBlur(rad int) {
	if rad <= 0 {
		return
	}
	w, h := ph.w, ph.h
	tmp := make([]float32, max(w, h))
	norm := 1 / float32(2*rad+1)
	for c := 0; c < 3; c++ {
		for y := 0; y < h; y++ {
			row := ph.p[y*w*3:]
			var acc float32
			for x := -rad - 1; x < rad; x++ {
				acc += row[3*clampI(x, 0, w-1)+c]
			}
			for x := 0; x < w; x++ {
				acc += row[3*clampI(x+rad, 0, w-1)+c] - row[3*clampI(x-rad-1, 0, w-1)+c]
				tmp[x] = acc * norm
			}
			for x := 0; x < w; x++ {
				row[3*x+c] = tmp[x]
			}
		}
		for x := 0; x < w; x++ {
			var acc float32
			at := func(y int) float32 { return ph.p[(clampI(y, 0, h-1)*w+x)*3+c] }
			for y := -rad - 1; y < rad; y++ {
				acc += at(y)
			}
			for y := 0; y < h; y++ {
				acc += at(y+rad) - at(y-rad-1)
				tmp[y] = acc * norm
			}
			for y := 0; y < h; y++ {
				ph.p[(y*w+x)*3+c] = tmp[y]
			}
		}
	}
}

// gaussBlur approximates a Gaussian of standard deviation sigma pixels with box passes; a
// fractional remainder is approximated by a final 3-tap kernel.
func (ph *photo) gaussBlur(sigma float64) {
	if sigma < 0.3 {
		return
	}
	if sigma < 1.2 {
		ph.smallGauss(sigma)
		return
	}
	// Three boxes of radius r give variance r(r+1); pick r then fix the rest with a small Gaussian.
	r := int(math.Floor((math.Sqrt(1+4*sigma*sigma) - 1) / 2))
	rest := sigma*sigma - float64(r*(r+1))
	for i := 0; i < 3; i++ {
		ph.boxBlur(r)
	}
	if rest > 0.09 {
		ph.smallGauss(math.Sqrt(rest))
	}
}

// smallGauss convolves with a sampled Gaussian of radius 3 sigma (sigma small).
func (ph *photo) smallGauss(sigma float64) {
	rad := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*rad+1)
	var s float32
	for i := range k {
		d := float64(i - rad)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	ph.convolveSep(k)
}

func (ph *photo) convolveSep(k []float32) {
	rad := len(k) / 2
	w, h := ph.w, ph.h
	out := make([]float32, len(ph.p))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var a [3]float32
			for i, kv := range k {
				xx := clampI(x+i-rad, 0, w-1)
				o := (y*w + xx) * 3
				a[0] += kv * ph.p[o]
				a[1] += kv * ph.p[o+1]
				a[2] += kv * ph.p[o+2]
			}
			o := (y*w + x) * 3
			out[o], out[o+1], out[o+2] = a[0], a[1], a[2]
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var a [3]float32
			for i, kv := range k {
				yy := clampI(y+i-rad, 0, h-1)
				o := (yy*w + x) * 3
				a[0] += kv * out[o]
				a[1] += kv * out[o+1]
				a[2] += kv * out[o+2]
			}
			o := (y*w + x) * 3
			ph.p[o], ph.p[o+1], ph.p[o+2] = a[0], a[1], a[2]
		}
	}
}

// motionBlur averages the image along a straight path of length l pixels at angle ang (radians),
// as a hand moving during the exposure does.
func (ph *photo) motionBlur(l, ang float64) {
	n := int(math.Ceil(l)) + 1
	if n < 2 {
		return
	}
	dx, dy := math.Cos(ang), math.Sin(ang)
	w, h := ph.w, ph.h
	out := make([]float32, len(ph.p))
	inv := 1 / float32(n)
	for i := 0; i < n; i++ {
		t := (float64(i)/float64(n-1) - 0.5) * l
		ox, oy := t*dx, t*dy
		ix, iy := int(math.Floor(ox)), int(math.Floor(oy))
		fx, fy := float32(ox-float64(ix)), float32(oy-float64(iy))
		w00, w10, w01, w11 := (1-fx)*(1-fy)*inv, fx*(1-fy)*inv, (1-fx)*fy*inv, fx*fy*inv
		for y := 0; y < h; y++ {
			y0, y1 := clampI(y+iy, 0, h-1), clampI(y+iy+1, 0, h-1)
			for x := 0; x < w; x++ {
				x0, x1 := clampI(x+ix, 0, w-1), clampI(x+ix+1, 0, w-1)
				a, b, c, d := (y0*w+x0)*3, (y0*w+x1)*3, (y1*w+x0)*3, (y1*w+x1)*3
				o := (y*w + x) * 3
				for ch := 0; ch < 3; ch++ {
					out[o+ch] += w00*ph.p[a+ch] + w10*ph.p[b+ch] + w01*ph.p[c+ch] + w11*ph.p[d+ch]
				}
			}
		}
	}
	ph.p = out
}

func clampI(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// homography maps the unit square's corners (0,0),(1,0),(1,1),(0,1) scaled to a w×h rectangle
// onto the quad q, and back.
type homography [9]float64

func (m homography) apply(x, y float64) (float64, float64) {
	d := m[6]*x + m[7]*y + m[8]
	return (m[0]*x + m[1]*y + m[2]) / d, (m[3]*x + m[4]*y + m[5]) / d
}

// rectToQuad solves for the homography taking (0,0),(w,0),(w,h),(0,h) to q[0..3].
func rectToQuad(w, h float64, q [4][2]float64) homography {
	src := [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}}
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := src[i][0], src[i][1], q[i][0], q[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	// Gaussian elimination with partial pivoting on the 8×8 system.
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 8; r++ {
			if r == c || a[c][c] == 0 {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var m homography
	for i := 0; i < 8; i++ {
		m[i] = a[i][8] / a[i][i]
	}
	m[8] = 1
	return m
}

func (m homography) inverse() homography {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	det := a*(e*i-f*h) - b*(d*i-f*g) + c*(d*h-e*g)
	return homography{(e*i - f*h) / det, (c*h - b*i) / det, (b*f - c*e) / det,
		(f*g - d*i) / det, (a*i - c*g) / det, (c*d - a*f) / det,
		(d*h - e*g) / det, (b*g - a*h) / det, (a*e - b*d) / det}
}

// downscale averages k×k blocks of an RGBA image (alpha premultiplied stays premultiplied).
func downscale(src *image.RGBA, k int) *image.RGBA {
	if k <= 1 {
		return src
	}
	w, h := src.Rect.Dx()/k, src.Rect.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	n := uint32(k * k)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s [4]uint32
			for yy := 0; yy < k; yy++ {
				o := src.PixOffset(x*k, y*k+yy)
				for xx := 0; xx < k; xx++ {
					s[0] += uint32(src.Pix[o])
					s[1] += uint32(src.Pix[o+1])
					s[2] += uint32(src.Pix[o+2])
					s[3] += uint32(src.Pix[o+3])
					o += 4
				}
			}
			o := dst.PixOffset(x, y)
			for c := 0; c < 4; c++ {
				dst.Pix[o+c] = uint8((s[c] + n/2) / n)
			}
		}
	}
	return dst
}

// composite draws the flat image src onto ph through homography m (src pixel → photo pixel),
// bilinear, premultiplied alpha; src is first reduced so that the mapping never shrinks it by
// more than half (no aliasing of the fine print).
func (ph *photo) composite(src *image.RGBA, q [4][2]float64, mul [3]float32) {
	sw, sh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	// Scale: quad perimeter over rect perimeter.
	per := 0.0
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		per += math.Hypot(q[j][0]-q[i][0], q[j][1]-q[i][1])
	}
	scale := per / (2 * (sw + sh))
	k := 1
	if scale < 0.5 {
		k = int(1 / scale)
	}
	img := downscale(src, k)
	iw, ih := img.Rect.Dx(), img.Rect.Dy()
	inv := rectToQuad(float64(iw), float64(ih), q).inverse()
	minx, miny, maxx, maxy := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		minx, miny = math.Min(minx, p[0]), math.Min(miny, p[1])
		maxx, maxy = math.Max(maxx, p[0]), math.Max(maxy, p[1])
	}
	x0, y0 := clampI(int(minx)-1, 0, ph.w), clampI(int(miny)-1, 0, ph.h)
	x1, y1 := clampI(int(maxx)+2, 0, ph.w), clampI(int(maxy)+2, 0, ph.h)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			u, v := inv.apply(float64(x)+0.5, float64(y)+0.5)
			u, v = u-0.5, v-0.5
			if u < -1 || v < -1 || u > float64(iw) || v > float64(ih) {
				continue
			}
			iu, iv := int(math.Floor(u)), int(math.Floor(v))
			fu, fv := float32(u-float64(iu)), float32(v-float64(iv))
			var s [4]float32
			for _, t := range [4]struct {
				dx, dy int
				w      float32
			}{{0, 0, (1 - fu) * (1 - fv)}, {1, 0, fu * (1 - fv)}, {0, 1, (1 - fu) * fv}, {1, 1, fu * fv}} {
				xx, yy := iu+t.dx, iv+t.dy
				if xx < 0 || yy < 0 || xx >= iw || yy >= ih || t.w == 0 {
					continue
				}
				o := img.PixOffset(xx, yy)
				for c := 0; c < 4; c++ {
					s[c] += t.w * float32(img.Pix[o+c])
				}
			}
			a := s[3] / 255
			if a <= 0 {
				continue
			}
			o := (y*ph.w + x) * 3
			for c := 0; c < 3; c++ {
				ph.p[o+c] = ph.p[o+c]*(1-a) + s[c]*mul[c]
			}
		}
	}
}
