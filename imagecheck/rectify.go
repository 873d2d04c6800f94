package imagecheck

import (
	"image"
	"image/color"
	"math"
)

// homography is a 3×3 projective map, row-major, m[8] normalised to 1.
type homography [9]float64

func (m homography) apply(x, y float64) (float64, float64) {
	d := m[6]*x + m[7]*y + m[8]
	return (m[0]*x + m[1]*y + m[2]) / d, (m[3]*x + m[4]*y + m[5]) / d
}

// rectToQuad is the homography taking (0,0),(w,0),(w,h),(0,h) to q[0..3].
func rectToQuad(w, h float64, q [4][2]float64) homography {
	src := [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}}
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := src[i][0], src[i][1], q[i][0], q[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		if a[c][c] == 0 {
			continue
		}
		for r := 0; r < 8; r++ {
			if r == c {
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
		if a[i][i] != 0 {
			m[i] = a[i][8] / a[i][i]
		}
	}
	m[8] = 1
	return m
}

// docPlanes is the document resampled flat: w×h planes plus the margin (in its pixels) of
// photo around it, and a validity mask (false where the document runs out of the frame).
type docPlanes struct {
	planes
	margin int
	valid  []bool
	idx    []int   // the last interior list
	pxmm   float64 // pixels of these planes per millimetre of document
}

// release returns d's slices to their pools; d must not be used afterwards.
func (d *docPlanes) release() {
	d.planes.release()
	bools.put(d.valid)
	ints.put(d.idx)
	d.valid, d.idx = nil, nil
}

// rectifyPlanes samples the quad q (analysis-plane coordinates, clockwise from the document's
// top-left, long side first) of p into a w×h grid with margin extra pixels of surroundings on
// every side.
func rectifyPlanes(p *planes, q [4][2]float64, w, h, margin int) *docPlanes {
	m := rectToQuad(float64(w), float64(h), q)
	W, H := w+2*margin, h+2*margin
	d := &docPlanes{planes: *newPlanes(W, H), margin: margin, valid: bools.get(W * H)}
	pw, ph := float64(p.w), float64(p.h)
	for y := 0; y < H; y++ {
		// The map's numerators and denominator are linear along a row: step them.
		fx, fy := float64(-margin)+0.5, float64(y-margin)+0.5
		nu := m[0]*fx + m[1]*fy + m[2]
		nv := m[3]*fx + m[4]*fy + m[5]
		dn := m[6]*fx + m[7]*fy + m[8]
		for x := 0; x < W; x, nu, nv, dn = x+1, nu+m[0], nv+m[3], dn+m[6] {
			sx, sy := nu/dn, nv/dn
			i := y*W + x
			if sx < 0 || sy < 0 || sx >= pw || sy >= ph || math.IsNaN(sx) || math.IsNaN(sy) {
				d.Y[i], d.Cb[i], d.Cr[i] = 0, 128, 128
				d.valid[i] = false
				continue
			}
			d.valid[i] = true
			j := int(sy)*p.w + int(sx)
			// Chroma is smooth (and subsampled by JPEG anyway): nearest sample is enough.
			d.Cb[i], d.Cr[i] = p.Cb[j], p.Cr[j]
			// Bilinear luma; away from the border no clamping is needed.
			bx, by := sx-0.5, sy-0.5
			if bx < 0 || by < 0 || bx >= pw-1 || by >= ph-1 {
				d.Y[i] = sample(p.Y, p.w, p.h, sx, sy)
				continue
			}
			ix, iy := int(bx), int(by)
			ax, ay := float32(bx-float64(ix)), float32(by-float64(iy))
			o := iy*p.w + ix
			a, b, c, e := p.Y[o], p.Y[o+1], p.Y[o+p.w], p.Y[o+p.w+1]
			d.Y[i] = (a*(1-ax)+b*ax)*(1-ay) + (c*(1-ax)+e*ax)*ay
		}
	}
	return d
}

// Rectify returns the document whose corners in img are quad (clockwise from its top-left, as
// Report.Quad gives them) resampled flat to a w×h RGBA image, for the reading engine (OCR, face
// crop). Bilinear; points outside img are black.
func Rectify(img image.Image, quad [4]image.Point, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	var q [4][2]float64
	for i, p := range quad {
		q[i] = [2]float64{float64(p.X), float64(p.Y)}
	}
	m := rectToQuad(float64(w), float64(h), q)
	b := img.Bounds()
	at := pixelReader(img)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := m.apply(float64(x)+0.5, float64(y)+0.5)
			sx, sy = sx-0.5, sy-0.5
			ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(ix), sy-float64(iy)
			var acc [3]float64
			var wsum float64
			for _, t := range [4]struct {
				dx, dy int
				w      float64
			}{{0, 0, (1 - fx) * (1 - fy)}, {1, 0, fx * (1 - fy)}, {0, 1, (1 - fx) * fy}, {1, 1, fx * fy}} {
				px, py := b.Min.X+ix+t.dx, b.Min.Y+iy+t.dy
				if px < b.Min.X || py < b.Min.Y || px >= b.Max.X || py >= b.Max.Y || t.w == 0 {
					continue
				}
				r, g, bb := at(px, py)
				acc[0] += t.w * float64(r)
				acc[1] += t.w * float64(g)
				acc[2] += t.w * float64(bb)
				wsum += t.w
			}
			if wsum == 0 {
				out.SetRGBA(x, y, color.RGBA{0, 0, 0, 255})
				continue
			}
			o := out.PixOffset(x, y)
			out.Pix[o] = uint8(acc[0]/wsum + 0.5)
			out.Pix[o+1] = uint8(acc[1]/wsum + 0.5)
			out.Pix[o+2] = uint8(acc[2]/wsum + 0.5)
			out.Pix[o+3] = 255
		}
	}
	return out
}

// pixelReader returns a fast RGB accessor for the common image types.
func pixelReader(img image.Image) func(x, y int) (uint8, uint8, uint8) {
	switch s := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			return color.YCbCrToRGB(s.Y[s.YOffset(x, y)], s.Cb[s.COffset(x, y)], s.Cr[s.COffset(x, y)])
		}
	case *image.RGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			o := s.PixOffset(x, y)
			return s.Pix[o], s.Pix[o+1], s.Pix[o+2]
		}
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			o := s.PixOffset(x, y)
			return s.Pix[o], s.Pix[o+1], s.Pix[o+2]
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := s.Pix[s.PixOffset(x, y)]
			return v, v, v
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		return c.R, c.G, c.B
	}
}
