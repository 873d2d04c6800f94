package imagecheck

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	xdraw "golang.org/x/image/draw"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/synth"
)

// TestDebugSample prints the report on corpus samples, their outline candidates and the true
// outline's own score, and writes each photo (800 px wide, the true outline in green and the
// found one in red) to the temporary folder, for looking at misjudged photos:
//
//	QUALITY_DEBUG=<seed>[/<code>[/b]],... go test -run TestDebugSample -v ./imagecheck/
//
// where b marks a borderline sample.
func TestDebugSample(t *testing.T) {
	list := os.Getenv("QUALITY_DEBUG")
	if list == "" {
		t.Skip("set QUALITY_DEBUG to look at corpus samples")
	}
	for _, item := range strings.Split(list, ",") {
		parts := strings.Split(item, "/")
		seed, _ := strconv.ParseUint(parts[0], 10, 64)
		spec := synth.Spec{Seed: seed}
		if len(parts) > 1 && parts[1] != "clean" {
			spec.Defect = kyc.Code(parts[1])
		}
		spec.Borderline = len(parts) > 2 && parts[2] == "b"
		debugOne(t, spec)
	}
}

func debugOne(t *testing.T, spec synth.Spec) {
	smp := synth.Render(spec)
	dec, _ := CheckFile(smp.JPEG, Limits{MaxBytes: 64 << 20})
	rep := Assess(dec.Image, kyc.SideFront, Thresholds{})
	t.Logf("== seed %d %s borderline=%v kind %s truth %v", spec.Seed, spec.Defect, spec.Borderline, smp.Kind, smp.Truth)
	t.Logf("labels %v don't care %v", smp.Labels, smp.DontCare)
	t.Logf("findings %v", rep.Findings)
	t.Logf("measurements %v", rep.Measurements)
	t.Logf("quad %v truth %v", rep.Quad, smp.Quads)

	p := analysisPlanes(dec.Image, DefaultThresholds().AnalysisSide)
	k := locateFactor(p)
	em := edges(p.reduce(k))
	cands := findQuads(em, houghLines(em, maxLines))
	for i, c := range cands[:min(6, len(cands))] {
		t.Logf("candidate %d: score %.2f support %.2f termination %.2f virtual %v corners %v", i, c.score, c.support, c.termination, c.virtual, c.c)
	}
	if len(smp.Quads) > 0 {
		var tq quadCand
		sc := p.scale * float64(k)
		for i, v := range smp.Quads[0] {
			tq.c[i] = [2]float64{v[0]/sc - 0.5, v[1]/sc - 0.5}
		}
		tq.area = signedArea(tq.c)
		scoreQuad(em, &tq, 1)
		t.Logf("truth: score %.2f support %.2f termination %.2f corners %v", tq.score, tq.support, tq.termination, tq.c)
	}
	b := smp.Image.Rect
	s := 800 / float64(b.Dx())
	out := image.NewRGBA(image.Rect(0, 0, 800, int(float64(b.Dy())*s)))
	xdraw.ApproxBiLinear.Scale(out, out.Rect, smp.Image, b, xdraw.Src, nil)
	poly := func(q [4][2]float64, c color.RGBA) {
		for i := 0; i < 4; i++ {
			a, e := q[i], q[(i+1)%4]
			n := int(math.Hypot(e[0]-a[0], e[1]-a[1])*s) + 1
			for j := 0; j <= n; j++ {
				f := float64(j) / float64(n)
				x, y := int((a[0]+(e[0]-a[0])*f)*s), int((a[1]+(e[1]-a[1])*f)*s)
				for d := -1; d <= 1; d++ {
					out.SetRGBA(x+d, y, c)
					out.SetRGBA(x, y+d, c)
				}
			}
		}
	}
	for _, q := range smp.Quads {
		poly(q, color.RGBA{0, 255, 0, 255})
	}
	if rep.Found {
		var q [4][2]float64
		for i, v := range rep.Quad {
			q[i] = [2]float64{float64(v.X), float64(v.Y)}
		}
		poly(q, color.RGBA{255, 0, 0, 255})
	}
	name := os.TempDir() + "/qdbg_" + strconv.FormatUint(spec.Seed, 10) + ".png"
	if f, err := os.Create(name); err == nil {
		png.Encode(f, out)
		f.Close()
		t.Logf("photo written to %s", name)
	}
}
