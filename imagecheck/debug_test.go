package imagecheck

import (
	"image/png"
	"os"
	"strconv"
	"testing"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/synth"
)

// TestDebugSample prints the report on one corpus sample, its outline candidates and the true
// outline's own score, and writes the photo, for looking at a misjudged photo:
//
//	QUALITY_DEBUG_SEED=<seed> QUALITY_DEBUG_DEFECT=<code> [QUALITY_DEBUG_BORDERLINE=1] \
//	  go test -run TestDebugSample -v ./imagecheck/
func TestDebugSample(t *testing.T) {
	s := os.Getenv("QUALITY_DEBUG_SEED")
	if s == "" {
		t.Skip("set QUALITY_DEBUG_SEED to look at one corpus sample")
	}
	seed, _ := strconv.ParseUint(s, 10, 64)
	spec := synth.Spec{Seed: seed, Defect: kyc.Code(os.Getenv("QUALITY_DEBUG_DEFECT")), Borderline: os.Getenv("QUALITY_DEBUG_BORDERLINE") != ""}
	smp := synth.Render(spec)
	dec, _ := CheckFile(smp.JPEG, Limits{MaxBytes: 64 << 20})
	rep := Assess(dec.Image, kyc.SideFront, Thresholds{})
	t.Logf("labels %v don't care %v", smp.Labels, smp.DontCare)
	t.Logf("findings %v", rep.Findings)
	t.Logf("measurements %v", rep.Measurements)
	t.Logf("quad %v truth %v", rep.Quad, smp.Quads)

	p := analysisPlanes(dec.Image, DefaultThresholds().AnalysisSide)
	k := 1
	for max(p.w, p.h) > locateSide*k {
		k++
	}
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
	f, err := os.Create(os.TempDir() + "/quality_debug.png")
	if err == nil {
		png.Encode(f, smp.Image)
		f.Close()
		t.Logf("photo written to %s", f.Name())
	}
}
