package imagecheck

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kycd/kycd/synth"
)

// TestYCbCrBlocksMatchesPixels checks the fast JPEG-plane reduction against one computed pixel
// by pixel through image.YCbCr's own accessors, for every chroma subsampling, an offset
// rectangle and block sizes 1–4.
func TestYCbCrBlocksMatchesPixels(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
		full := image.NewYCbCr(image.Rect(0, 0, 61, 47), ratio)
		for _, v := range [][]uint8{full.Y, full.Cb, full.Cr} {
			for i := range v {
				v[i] = uint8(r.IntN(256))
			}
		}
		src := full.SubImage(image.Rect(5, 3, 58, 44)).(*image.YCbCr)
		for k := 1; k <= 4; k++ {
			b := src.Bounds()
			w, h := b.Dx()/k, b.Dy()/k
			p := &planes{w: w, h: h, Y: make([]float32, w*h), Cb: make([]float32, w*h), Cr: make([]float32, w*h)}
			ycbcrBlocks(p, src, k)
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					sx, sy := b.Min.X+x*k, b.Min.Y+y*k
					var s float64
					for yy := 0; yy < k; yy++ {
						for xx := 0; xx < k; xx++ {
							s += float64(src.Y[src.YOffset(sx+xx, sy+yy)])
						}
					}
					co := src.COffset(sx+k/2, sy+k/2)
					i := y*w + x
					if math.Abs(float64(p.Y[i])-s/float64(k*k)) > 1e-3 || p.Cb[i] != float32(src.Cb[co]) || p.Cr[i] != float32(src.Cr[co]) {
						t.Fatalf("ratio %v k %d at (%d,%d): got %v/%v/%v, want %v/%v/%v", ratio, k, x, y,
							p.Y[i], p.Cb[i], p.Cr[i], s/float64(k*k), src.Cb[co], src.Cr[co])
					}
				}
			}
		}
	}
}

// TestLineScorerMatchesSampling checks the line-profile scoring against sampling each side in
// the edge map (scoreQuad at step 1) on every candidate of a few corpus photos. The two differ
// only by where the samples fall along a side (less than a pixel), so support and termination
// agree closely; the all-or-nothing gate on sides meeting the frame border (half their last
// stretch on an edge) may flip for a candidate right at its limit, but rarely.
func TestLineScorerMatchesSampling(t *testing.T) {
	n, flips := 0, 0
	var sum float64
	for _, seed := range []uint64{11, 12, 13, 14, 15, 16} {
		s := render(synth.Spec{Seed: seed})
		d, fs := CheckFile(s.JPEG, Limits{MaxBytes: 64 << 20})
		if len(fs) != 0 {
			t.Fatal(fs)
		}
		p := analysisPlanes(d.Image, DefaultThresholds().AnalysisSide)
		k := locateFactor(p)
		em := edges(p.reduce(k))
		cands := findQuads(em, houghLines(em, maxLines, maxPerOrientation), maxCandidates, 0)
		if len(cands) == 0 {
			t.Fatalf("seed %d: no candidates", seed)
		}
		for _, c := range cands {
			ref := c
			scoreQuad(em, &ref, 1)
			if (ref.score == 0) != (c.score == 0) {
				flips++
				continue
			}
			sum += math.Abs(ref.support-c.support) + math.Abs(ref.termination-c.termination)
			n++
		}
	}
	if mean := sum / float64(n); mean > 0.03 || flips > n/20 {
		t.Fatalf("line scores differ from sampled ones: mean |Δ| %.4f over %d candidates, %d gate flips", mean, n, flips)
	}
}
