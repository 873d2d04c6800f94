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
	if v := os.Getenv("QUALITY_PER_ORIENT"); v != "" {
		n, _ := strconv.Atoi(v)
		maxPerOrientation, maxLines = n, 400
		defer func() { maxPerOrientation, maxLines = 8, 80 }()
	}
	smp := synth.Render(spec)
	dec, _ := CheckFile(smp.JPEG, Limits{MaxBytes: 64 << 20})
	nw := 0
	debugAccept = func(c *quadCand, why string) {
		if nw < 12 {
			t.Logf("weighed: score %.2f support %.2f termination %.2f print %.3f distinct %.2f band %.2f virtual %v corners %.0f: %q",
				c.score, c.support, c.termination, c.print, c.distinct, c.band, c.virtual, c.c, why)
		}
		nw++
	}
	debugOcclusion = func(d *docPlanes, mark []uint8) {
		img := image.NewRGBA(image.Rect(0, 0, d.w, d.h))
		for i, v := range d.Y {
			c := color.RGBA{uint8(v), uint8(v), uint8(v), 255}
			switch mark[i] {
			case 1:
				c.R, c.B = 255, c.B/2
			case 2:
				c = color.RGBA{0, 0, 255, 255}
			}
			img.Set(i%d.w, i/d.w, c)
		}
		f, err := os.Create(os.TempDir() + "/qocc_" + strconv.FormatUint(spec.Seed, 10) + ".png")
		if err == nil {
			_ = png.Encode(f, img)
			_ = f.Close()
		}
	}
	rep := Assess(dec.Image, kyc.SideFront, Thresholds{})
	debugAccept, debugOcclusion = nil, nil
	t.Logf("== seed %d %s borderline=%v kind %s truth %v", spec.Seed, spec.Defect, spec.Borderline, smp.Kind, smp.Truth)
	t.Logf("labels %v don't care %v", smp.Labels, smp.DontCare)
	t.Logf("findings %v", rep.Findings)
	t.Logf("measurements %v", rep.Measurements)
	t.Logf("quad %v truth %v", rep.Quad, smp.Quads)

	p := analysisPlanes(dec.Image, DefaultThresholds().AnalysisSide)
	k := locateFactor(p)
	em := edges(p.reduce(k))
	cands := findQuads(em, houghLines(em, maxLines, maxPerOrientation), maxCandidates, 0)
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
		small := p.reduce(k)
		tq.print = printDensity(em, tq.c)
		tq.distinct, tq.band = distinctness(small, tq.c, tq.virtual, 20, true)
		t.Logf("truth: score %.2f support %.2f termination %.2f print %.3f distinct %.2f band %.2f corners %v", tq.score, tq.support, tq.termination, tq.print, tq.distinct, tq.band, tq.c)
		// Which Hough line stands for each true side (the closest by orientation and offset)?
		type pk struct {
			t, r int
			v    int32
			per  bool
			rank int
		}
		var pks []pk
		debugPeaks = func(t, r int, v int32, per bool, rank int) { pks = append(pks, pk{t, r, v, per, rank}) }
		lines := houghLines(em, maxLines, maxPerOrientation)
		debugPeaks = nil
		for i := 0; i < 4; i++ {
			a, e := tq.c[i], tq.c[(i+1)%4]
			th := math.Atan2(e[1]-a[1], e[0]-a[0]) + math.Pi/2
			nx, ny := math.Cos(th), math.Sin(th)
			mx, my := (a[0]+e[0])/2, (a[1]+e[1])/2
			for _, p := range pks {
				pt := float64(p.t) * math.Pi / 180
				if angleDiff(pt, math.Atan2(ny, nx)) > 3*math.Pi/180 {
					continue
				}
				d := math.Abs(math.Cos(pt)*mx + math.Sin(pt)*my - float64(p.r))
				if d < 15 {
					t.Logf("   side %d peak θ %d ρ %d votes %d periodic %v rank %d (%.1f px off)", i, p.t, p.r, p.v, p.per, p.rank, d)
				}
			}
		}
		for i := 0; i < 4; i++ {
			a, e := tq.c[i], tq.c[(i+1)%4]
			th := math.Atan2(e[1]-a[1], e[0]-a[0]) + math.Pi/2
			nx, ny := math.Cos(th), math.Sin(th)
			rho := nx*a[0] + ny*a[1]
			bestI, bestD := -1, math.Inf(1)
			for j, l := range lines {
				if angleDiff(math.Atan2(ny, nx), l.theta) > 0.05 {
					continue
				}
				mx, my := (a[0]+e[0])/2, (a[1]+e[1])/2
				d := math.Abs(l.nx*mx + l.ny*my - l.rho)
				if d < bestD {
					bestI, bestD = j, d
				}
			}
			if bestI >= 0 {
				t.Logf("true side %d (θ %.1f°, ρ %.0f): line %d of %d at %.1f px, votes %d", i, math.Mod(th*180/math.Pi+360, 180), rho, bestI, len(lines), bestD, lines[bestI].votes)
			} else {
				t.Logf("true side %d: no line within 3°", i)
			}
		}
		for i, c := range cands {
			if iou := quadIoU(c.c, tq.c); iou > 0.8 {
				t.Logf("candidate %d overlaps the truth (IoU %.2f): score %.2f support %.2f termination %.2f", i, iou, c.score, c.support, c.termination)
				break
			}
		}
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

// quadIoU is the intersection over union of two quads, by sampling a 200×200 grid over their
// bounding box.
func quadIoU(a, b [4][2]float64) float64 {
	minx, miny, maxx, maxy := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range [][4][2]float64{a, b} {
		for _, v := range q {
			minx, miny, maxx, maxy = math.Min(minx, v[0]), math.Min(miny, v[1]), math.Max(maxx, v[0]), math.Max(maxy, v[1])
		}
	}
	in, un := 0, 0
	for i := 0; i < 200; i++ {
		for j := 0; j < 200; j++ {
			pt := [2]float64{minx + (maxx-minx)*(float64(i)+0.5)/200, miny + (maxy-miny)*(float64(j)+0.5)/200}
			ia, ib := inside(a, pt), inside(b, pt)
			if ia && ib {
				in++
			}
			if ia || ib {
				un++
			}
		}
	}
	if un == 0 {
		return 0
	}
	return float64(in) / float64(un)
}
