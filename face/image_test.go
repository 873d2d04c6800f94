package face

import (
	"image"
	"math"
	"testing"
)

// FuzzSampling feeds arbitrary small photos and arbitrary crops and transforms (detector and
// landmark outputs come from the applicant's photo) to the samplers: nothing may panic.
func FuzzSampling(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(3), 0.0, 0.0, 10.0, 10.0, 1.0, 0.0)
	f.Add([]byte{}, uint8(0), -5.0, -5.0, 0.0, 0.0, 0.0, 0.0)
	f.Add([]byte{255}, uint8(1), math.NaN(), math.Inf(1), 1e300, -1e300, math.NaN(), 1e-300)
	f.Fuzz(func(t *testing.T, pix []byte, w uint8, x, y, cw, ch, a, b float64) {
		width := int(w%16) + 1
		height := len(pix)/(4*width) + 1
		img := image.NewNRGBA(image.Rect(0, 0, width, height))
		copy(img.Pix, pix)
		m := toRGB(img)
		put := func(int, int, float64, float64, float64) {}
		m.crop(rect{x, y, cw, ch}, 8, 8, put)
		m.crop(rect{x, y, math.Abs(cw) * 100, math.Abs(ch) * 100}, 4, 4, put)
		s := similarity{A: a, B: b, Tx: x, Ty: y}
		m.warp(s, 6, 6, put)
		src := [][2]float64{{x, y}, {cw, ch}, {a, b}}
		if inv := fitSimilarity(src, arcface[:3]).invert(); inv.scale() < 0 {
			t.Fatalf("negative scale %v", inv.scale())
		}
		quality(m, rect{x, y, cw, ch})
		m.mirror()
		m.rotate(1)
	})
}

func TestRotate(t *testing.T) {
	t.Parallel()
	// A 3×2 photo whose pixels are numbered; a quarter turn clockwise puts the bottom-left
	// pixel at the top-left.
	m := &rgbImage{W: 3, H: 2, Pix: make([]uint8, 18), Scale: 1}
	for i := 0; i < 6; i++ {
		m.Pix[3*i] = uint8(i)
	}
	at := func(m *rgbImage, x, y int) uint8 { return m.Pix[3*(y*m.W+x)] }
	r := m.rotate(1)
	if r.W != 2 || r.H != 3 || at(r, 0, 0) != 3 || at(r, 1, 0) != 0 || at(r, 0, 2) != 5 {
		t.Errorf("quarter turn: %dx%d %v", r.W, r.H, r.Pix)
	}
	for k := 0; k < 4; k++ {
		back := m.rotate(k).rotate(4 - k)
		if back.W != m.W || back.H != m.H || string(back.Pix) != string(m.Pix) {
			t.Errorf("%d quarter turns and back: %v, want %v", k, back.Pix, m.Pix)
		}
	}
	if h := m.rotate(2); at(h, 0, 0) != 5 || at(h, 2, 1) != 0 {
		t.Errorf("half turn: %v", h.Pix)
	}
}
