package face

import (
	"image"
	"image/color"
	"math"
)

// maxWorkSide bounds the working copy of a photo: a face that fills a 12 MP selfie is still
// hundreds of pixels wide at this size, and every crop below samples from it.
const maxWorkSide = 1600

// rgbImage is a packed 8-bit RGB copy of a photo, the one format the samplers read.
type rgbImage struct {
	W, H int
	Pix  []uint8 // 3 bytes per pixel, row-major
	// Scale is original pixels per working pixel (≥ 1): photos larger than maxWorkSide are
	// box-filtered down by an integer factor when copied.
	Scale float64
}

// toRGB copies img into a packed RGB image, shrinking it by an integer factor so its long side
// is at most maxWorkSide. YCbCr (JPEG) and RGBA/NRGBA (PNG) have fast paths.
func toRGB(img image.Image) *rgbImage {
	b := img.Bounds()
	k := 1
	for max(b.Dx(), b.Dy())/k > maxWorkSide {
		k++
	}
	w, h := b.Dx()/k, b.Dy()/k
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	m := &rgbImage{W: w, H: h, Pix: make([]uint8, 3*w*h), Scale: float64(k)}
	if yc, ok := img.(*image.YCbCr); ok && k == 1 {
		// The common case (a JPEG no larger than maxWorkSide), without a call per pixel.
		for y := 0; y < h; y++ {
			yrow := (y) * yc.YStride
			i := 3 * y * w
			for x := 0; x < w; x++ {
				ci := yc.COffset(b.Min.X+x, b.Min.Y+y)
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = color.YCbCrToRGB(yc.Y[yrow+x], yc.Cb[ci], yc.Cr[ci])
				i += 3
			}
		}
		return m
	}
	at := pixelFunc(img)
	n := uint32(k * k)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sr, sg, sb uint32
			for dy := 0; dy < k; dy++ {
				for dx := 0; dx < k; dx++ {
					r, g, bb := at(b.Min.X+x*k+dx, b.Min.Y+y*k+dy)
					sr += uint32(r)
					sg += uint32(g)
					sb += uint32(bb)
				}
			}
			i := 3 * (y*w + x)
			m.Pix[i], m.Pix[i+1], m.Pix[i+2] = uint8(sr/n), uint8(sg/n), uint8(sb/n)
		}
	}
	return m
}

// pixelFunc returns a fast 8-bit RGB reader for the common decoded image types.
func pixelFunc(img image.Image) func(x, y int) (uint8, uint8, uint8) {
	switch im := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			yi, ci := im.YOffset(x, y), im.COffset(x, y)
			return color.YCbCrToRGB(im.Y[yi], im.Cb[ci], im.Cr[ci])
		}
	case *image.RGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := im.PixOffset(x, y)
			return im.Pix[i], im.Pix[i+1], im.Pix[i+2]
		}
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := im.PixOffset(x, y)
			return im.Pix[i], im.Pix[i+1], im.Pix[i+2]
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := im.Pix[im.PixOffset(x, y)]
			return v, v, v
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		r, g, b, _ := img.At(x, y).RGBA()
		return uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)
	}
}

// sample reads the photo at a sub-pixel position by bilinear interpolation; outside the photo
// it returns black (the border a warp leaves).
func (m *rgbImage) sample(x, y float64) (r, g, b float64) {
	if x < -1 || y < -1 || x > float64(m.W) || y > float64(m.H) {
		return 0, 0, 0
	}
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	var acc [3]float64
	for _, c := range [4]struct {
		dx, dy int
		w      float64
	}{{0, 0, (1 - fx) * (1 - fy)}, {1, 0, fx * (1 - fy)}, {0, 1, (1 - fx) * fy}, {1, 1, fx * fy}} {
		px, py := ix+c.dx, iy+c.dy
		if px < 0 || py < 0 || px >= m.W || py >= m.H || c.w == 0 {
			continue
		}
		i := 3 * (py*m.W + px)
		acc[0] += c.w * float64(m.Pix[i])
		acc[1] += c.w * float64(m.Pix[i+1])
		acc[2] += c.w * float64(m.Pix[i+2])
	}
	return acc[0], acc[1], acc[2]
}

// area averages the photo over a source rectangle (for shrinking without aliasing): it samples
// a grid of n×n bilinear points inside the rectangle.
func (m *rgbImage) area(x0, y0, sw, sh float64, n int) (r, g, b float64) {
	if n <= 1 {
		return m.sample(x0+sw/2-0.5, y0+sh/2-0.5)
	}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			rr, gg, bb := m.sample(x0+(float64(i)+0.5)*sw/float64(n)-0.5, y0+(float64(j)+0.5)*sh/float64(n)-0.5)
			r, g, b = r+rr, g+gg, b+bb
		}
	}
	k := float64(n * n)
	return r / k, g / k, b / k
}

// rect is an axis-aligned box in working-image pixels.
type rect struct{ X, Y, W, H float64 }

// crop resamples a rectangle of the photo to dw×dh pixels and hands each pixel to put. The
// rectangle may reach outside the photo (black there).
func (m *rgbImage) crop(r rect, dw, dh int, put func(x, y int, r, g, b float64)) {
	sx, sy := r.W/float64(dw), r.H/float64(dh)
	if sx >= 2 && sy >= 2 {
		m.boxShrink(r, dw, dh, put)
		return
	}
	n := int(math.Ceil(max(sx, sy)))
	n = min(max(n, 1), 4)
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			rr, gg, bb := m.area(r.X+float64(x)*sx, r.Y+float64(y)*sy, sx, sy, n)
			put(x, y, rr, gg, bb)
		}
	}
}

// boxShrink is crop for a shrink by 2 or more: each output pixel is the plain mean of the
// source pixels its cell covers (ten times cheaper than sub-sampled bilinear reads).
func (m *rgbImage) boxShrink(r rect, dw, dh int, put func(x, y int, r, g, b float64)) {
	sx, sy := r.W/float64(dw), r.H/float64(dh)
	for y := 0; y < dh; y++ {
		y0 := int(math.Floor(r.Y + float64(y)*sy))
		y1 := int(math.Floor(r.Y + float64(y+1)*sy))
		for x := 0; x < dw; x++ {
			x0 := int(math.Floor(r.X + float64(x)*sx))
			x1 := int(math.Floor(r.X + float64(x+1)*sx))
			var sr, sg, sb int
			for yy := max(y0, 0); yy < min(y1, m.H); yy++ {
				row := 3 * yy * m.W
				for xx := max(x0, 0); xx < min(x1, m.W); xx++ {
					i := row + 3*xx
					sr += int(m.Pix[i])
					sg += int(m.Pix[i+1])
					sb += int(m.Pix[i+2])
				}
			}
			// Cells outside the photo are black, as in sample.
			total := max((y1-y0)*(x1-x0), 1)
			put(x, y, float64(sr)/float64(total), float64(sg)/float64(total), float64(sb)/float64(total))
		}
	}
}

// luma is the Rec. 601 grey level.
func luma(r, g, b float64) float64 { return 0.299*r + 0.587*g + 0.114*b }

// mirror returns the photo flipped left to right (tests and the pose sign check).
func (m *rgbImage) mirror() *rgbImage {
	out := &rgbImage{W: m.W, H: m.H, Pix: make([]uint8, len(m.Pix)), Scale: m.Scale}
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			i, j := 3*(y*m.W+x), 3*(y*m.W+m.W-1-x)
			copy(out.Pix[j:j+3], m.Pix[i:i+3])
		}
	}
	return out
}

// similarity is x' = A·x − B·y + Tx, y' = B·x + A·y + Ty: rotation, uniform scale, shift.
type similarity struct{ A, B, Tx, Ty float64 }

// fitSimilarity is the least-squares similarity taking src onto dst (Umeyama in 2-D).
func fitSimilarity(src, dst [][2]float64) similarity {
	var msx, msy, mdx, mdy float64
	n := float64(len(src))
	for i := range src {
		msx += src[i][0] / n
		msy += src[i][1] / n
		mdx += dst[i][0] / n
		mdy += dst[i][1] / n
	}
	var num1, num2, den float64
	for i := range src {
		sx, sy := src[i][0]-msx, src[i][1]-msy
		dx, dy := dst[i][0]-mdx, dst[i][1]-mdy
		num1 += sx*dx + sy*dy
		num2 += sx*dy - sy*dx
		den += sx*sx + sy*sy
	}
	if den == 0 {
		return similarity{A: 1}
	}
	a, b := num1/den, num2/den
	return similarity{A: a, B: b, Tx: mdx - (a*msx - b*msy), Ty: mdy - (b*msx + a*msy)}
}

// invert returns the inverse transform.
func (s similarity) invert() similarity {
	d := s.A*s.A + s.B*s.B
	if d == 0 {
		return similarity{A: 1}
	}
	a, b := s.A/d, -s.B/d
	return similarity{A: a, B: b, Tx: -(a*s.Tx - b*s.Ty), Ty: -(b*s.Tx + a*s.Ty)}
}

func (s similarity) apply(x, y float64) (float64, float64) {
	return s.A*x - s.B*y + s.Tx, s.B*x + s.A*y + s.Ty
}

// scale is the transform's zoom factor.
func (s similarity) scale() float64 { return math.Hypot(s.A, s.B) }

// warp samples the photo through the inverse of toDst into a dw×dh image, averaging when the
// transform shrinks (so a face many times the crop's size does not alias).
func (m *rgbImage) warp(toDst similarity, dw, dh int, put func(x, y int, r, g, b float64)) {
	inv := toDst.invert()
	step := inv.scale()
	n := min(max(int(math.Ceil(step)), 1), 4)
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var r, g, b float64
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					u := float64(x) - 0.5 + (float64(i)+0.5)/float64(n)
					v := float64(y) - 0.5 + (float64(j)+0.5)/float64(n)
					sx, sy := inv.apply(u, v)
					rr, gg, bb := m.sample(sx, sy)
					r, g, b = r+rr, g+gg, b+bb
				}
			}
			k := float64(n * n)
			put(x, y, r/k, g/k, b/k)
		}
	}
}

// rotate returns the photo turned clockwise by k quarter turns (k mod 4).
func (m *rgbImage) rotate(k int) *rgbImage {
	k = ((k % 4) + 4) % 4
	if k == 0 {
		return m
	}
	w, h := m.W, m.H
	if k%2 == 1 {
		w, h = h, w
	}
	out := &rgbImage{W: w, H: h, Pix: make([]uint8, len(m.Pix)), Scale: m.Scale}
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			var dx, dy int
			switch k {
			case 1: // clockwise: (x, y) → (H−1−y, x)
				dx, dy = m.H-1-y, x
			case 2:
				dx, dy = m.W-1-x, m.H-1-y
			case 3:
				dx, dy = y, m.W-1-x
			}
			i, j := 3*(y*m.W+x), 3*(dy*w+dx)
			copy(out.Pix[j:j+3], m.Pix[i:i+3])
		}
	}
	return out
}
