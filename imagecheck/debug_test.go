package imagecheck

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/synth"
)

// TestDebugOcclusion writes the rectified document of one corpus sample with the occlusion
// region painted, for looking at a misjudged photo: QUALITY_DEBUG_SEED=<seed>
// QUALITY_DEBUG_DEFECT=<code> go test -run TestDebugOcclusion ./imagecheck/
func TestDebugOcclusion(t *testing.T) {
	s := os.Getenv("QUALITY_DEBUG_SEED")
	if s == "" {
		t.Skip("set QUALITY_DEBUG_SEED to look at one corpus sample")
	}
	seed, _ := strconv.ParseUint(s, 10, 64)
	spec := synth.Spec{Seed: seed, Defect: kyc.Code(os.Getenv("QUALITY_DEBUG_DEFECT")), Borderline: os.Getenv("QUALITY_DEBUG_BORDERLINE") != ""}
	smp := synth.Render(spec)
	dec, _ := CheckFile(smp.JPEG, Limits{MaxBytes: 64 << 20})
	rep := Assess(dec.Image, kyc.SideFront, Thresholds{})
	t.Logf("findings %v", rep.Findings)
	t.Logf("measurements %v", rep.Measurements)
	t.Logf("quad %v truth %v", rep.Quad, smp.Quads)
	debugOcclusionHook = func(d *docPlanes, seen []bool, seeds []int) {
		img := image.NewRGBA(image.Rect(0, 0, d.w, d.h))
		for i := range d.Y {
			r, g, b := color.YCbCrToRGB(clamp8(d.Y[i]), clamp8(d.Cb[i]), clamp8(d.Cr[i]))
			if seen[i] {
				r, g, b = r/2, 255, b/2
			}
			img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = r, g, b, 255
		}
		for _, i := range seeds {
			img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2] = 255, 0, 0
		}
		f, _ := os.Create("/tmp/debug_occ.png")
		png.Encode(f, img)
		f.Close()
	}
	defer func() { debugOcclusionHook = nil }()
	if os.Getenv("QUALITY_DEBUG_SEEDS") != "" {
		debugSeedHook = func(x, y int, in, out [3]float32, grad, dIO, dPaper, sc float32) {
			if dIO < 40 || out[0] == 0 || in[0] == 0 {
				t.Logf("border %d,%d in %v out %v grad %.1f dIO %.1f dPaper %.1f sc %.2f", x, y, in, out, grad, dIO, dPaper, sc)
			}
		}
		defer func() { debugSeedHook = nil }()
	}
	Assess(dec.Image, kyc.SideFront, Thresholds{})
	f, _ := os.Create("/tmp/debug_photo.png")
	png.Encode(f, smp.Image)
	f.Close()
}

func clamp8(v float32) uint8 { return uint8(max(0, min(255, v))) }

// TestDebugLocate prints the top outline candidates of one corpus sample next to the true
// outline's own score: QUALITY_DEBUG_SEED=<seed> go test -run TestDebugLocate ./imagecheck/
func TestDebugLocate(t *testing.T) {
	s := os.Getenv("QUALITY_DEBUG_SEED")
	if s == "" {
		t.Skip("set QUALITY_DEBUG_SEED to look at one corpus sample")
	}
	seed, _ := strconv.ParseUint(s, 10, 64)
	spec := synth.Spec{Seed: seed, Defect: kyc.Code(os.Getenv("QUALITY_DEBUG_DEFECT")), Borderline: os.Getenv("QUALITY_DEBUG_BORDERLINE") != ""}
	smp := synth.Render(spec)
	dec, _ := CheckFile(smp.JPEG, Limits{MaxBytes: 64 << 20})
	p := analysisPlanes(dec.Image, 1600)
	k := 1
	for max(p.w, p.h) > locateSide*k {
		k++
	}
	small := p.reduce(k)
	em := edges(small)
	lines := houghLines(em, 72)
	cands := findQuads(em, lines)
	sc := p.scale * float64(k)
	for _, l := range lines {
		t.Logf("line theta %.0f rho %.0f votes %d virtual %v", l.theta*180/math.Pi, l.rho, l.votes, l.virtual)
	}
	if len(cands) > 0 {
		c0 := cands[0]
		debugExtend = func(format string, a ...any) { t.Logf(format, a...) }
		extendToBorder(em, &c0)
		debugExtend = nil
		t.Logf("extended: %v %v", c0.c, c0.virtual)
	}
	for i, c := range cands[:min(8, len(cands))] {
		t.Logf("cand %d: score %.2f sup %.2f term %.2f area %.0f virt %v corners %v", i, c.score, c.support, c.termination, c.area, c.virtual, c.c)
	}
	if len(smp.Quads) > 0 {
		var tq quadCand
		for i, v := range smp.Quads[0] {
			tq.c[i] = [2]float64{v[0]/sc - 0.5, v[1]/sc - 0.5}
		}
		tq.area = signedArea(tq.c)
		scoreQuad(em, &tq, 1)
		for i := 0; i < 4; i++ {
			a, b := tq.c[i], tq.c[(i+1)%4]
			th := math.Atan2(b[0]-a[0], -(b[1] - a[1]))
			if th < 0 {
				th += math.Pi
			}
			if th >= math.Pi {
				th -= math.Pi
			}
			rho := a[0]*math.Cos(th) + a[1]*math.Sin(th)
			best, bl := math.Inf(1), houghLine{}
			for _, l := range lines {
				d := angleDiff(l.theta, th)*180/math.Pi + math.Abs(math.Abs(l.rho)-math.Abs(rho))/3
				if d < best {
					best, bl = d, l
				}
			}
			t.Logf("truth side %d: theta %.1f rho %.1f; nearest line theta %.1f rho %.1f votes %d", i, th*180/math.Pi, rho, bl.theta*180/math.Pi, bl.rho, bl.votes)
		}
		t.Logf("truth: score %.2f sup %.2f term %.2f area %.0f plausible %v corners %v", tq.score, tq.support, tq.termination, tq.area, plausible(&tq, float64(em.w), float64(em.h)), tq.c)
	}
	img := image.NewGray(image.Rect(0, 0, em.w, em.h))
	for i, b := range em.bin {
		if b >= 0 {
			img.Pix[i] = 255
		}
	}
	f, _ := os.Create("/tmp/debug_edges.png")
	png.Encode(f, img)
	f.Close()
}
