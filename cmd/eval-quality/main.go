// Command eval-quality measures kycd's document image-quality check on the project's synthetic
// corpus (package synth) and on the real blurred images of ../shared/testdata/debian_images.
//
//	go run ./cmd/eval-quality [-n 600] [-seed 2] [-workers 2] [-dump measures.jsonl]
//
// It renders n labelled photos from seed in memory, uploads each through the file checks
// (imagecheck.CheckFile: JPEG decoding included) and the quality check (imagecheck.Assess),
// and prints per reason TP, FP, FN, precision, recall and F1, the share of clean photos (clean
// or borderline) falsely rejected, and milliseconds per image (decode and quality, p50/p95).
// Codes in a sample's don't-care list (ground truth inside a threshold's ambiguity band) count
// neither way. Seed 1 is the tuning split; report figures on other seeds.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/synth"
)

type result struct {
	spec     synth.Spec
	labels   []kyc.Code
	dontCare []kyc.Code
	got      []kyc.Code
	ms       map[string]float64
	truth    map[string]float64
	decodeMS float64
	assessMS float64
	kind     synth.Kind
	iou      float64 // overlap of the found outline with the true one; -1 when either is absent
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval-quality", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 600, "number of synthetic photos")
	seed := fs.Uint64("seed", 2, "corpus seed (1 = tuning split)")
	workers := fs.Int("workers", 2, "parallel workers (rendering dominates; the timings are per image on one core)")
	dump := fs.String("dump", "", "write one JSON line per photo (labels, findings, measurements, truth) to this file")
	debian := fs.String("debian", "", "folder of shared/testdata/debian_images (default: found from the module root)")
	only := fs.String("only", "", "render only this defect (a reason code, or 'clean')")
	show := fs.Uint64("show", 0, "write the photo of the sample with this seed to /tmp/show_SEED.jpg and print its report")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	cache := fs.String("cache", "", "keep rendered photos in this folder and reuse them on the next run (the generator's version and font set are part of the key)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	if !synth.HasCJKFont() {
		fmt.Fprintln(stderr, "eval-quality: warning: no CJK font (fonts-noto-cjk; run `make setup`): Chinese text is drawn as strokes, so the photos differ from the project's corpus")
	}
	specs := synth.Corpus(*n, *seed)
	if *only != "" {
		var keep []synth.Spec
		for _, s := range specs {
			if string(s.Defect) == *only || (*only == "clean" && (s.Defect == "" || s.Borderline)) {
				keep = append(keep, s)
			}
		}
		specs = keep
	}
	results := make([]result, len(specs))
	var wg sync.WaitGroup
	next := make(chan int)
	var mu sync.Mutex // serialise the timed part so the timings are one core's
	for w := 0; w < max(1, *workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := render(*cache, specs[i])
				mu.Lock()
				t0 := time.Now()
				dec, fds := imagecheck.CheckFile(s.JPEG, imagecheck.Limits{MaxBytes: 64 << 20})
				t1 := time.Now()
				var rep *imagecheck.Report
				if dec != nil {
					rep = imagecheck.Assess(dec.Image, kyc.SideFront, imagecheck.Thresholds{})
				}
				t2 := time.Now()
				mu.Unlock()
				r := result{spec: specs[i], labels: s.Labels, dontCare: s.DontCare, truth: s.Truth, kind: s.Kind,
					decodeMS: ms(t1.Sub(t0)), assessMS: ms(t2.Sub(t1))}
				for _, f := range fds {
					r.got = append(r.got, f.Code)
				}
				r.iou = -1
				if rep != nil && rep.Found && len(s.Quads) == 1 {
					r.iou = quadIoU(rep.Quad, s.Quads[0], dec.Width, dec.Height)
				}
				if *show != 0 && specs[i].Seed == *show {
					os.WriteFile(fmt.Sprintf("/tmp/show_%d.jpg", *show), s.JPEG, 0o644)
					if rep != nil {
						b, _ := json.MarshalIndent(rep, "", " ")
						fmt.Fprintf(stdout, "%s\ntrue quad %v\n", b, s.Quads)
					}
				}
				if rep != nil {
					r.ms = rep.Measurements
					for _, f := range rep.Findings {
						r.got = append(r.got, f.Code)
					}
				}
				results[i] = r
			}
		}()
	}
	start := time.Now()
	for i := range specs {
		next <- i
	}
	close(next)
	wg.Wait()
	fmt.Fprintf(stdout, "synthetic corpus: %d photos, seed %d, %s (%s)\n", len(specs), *seed, time.Since(start).Round(time.Second), imagecheck.JPEGDecoder)
	report(stdout, results)
	if *dump != "" {
		if err := writeDump(*dump, results); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	evalDebian(stdout, *debian)
	return 0
}

// render renders spec, or reads it from the cache folder dir when an earlier run left it there.
// Only what the evaluation uses is kept (the JPEG and the ground truth, not the raw pixels).
func render(dir string, spec synth.Spec) synth.Sample {
	if dir == "" {
		return synth.Render(spec)
	}
	name := filepath.Join(dir, fmt.Sprintf("v%d_%s_%d_%s_%v_%s", synth.Version, synth.FontsID(), spec.Seed, spec.Defect, spec.Borderline, spec.Kind))
	type meta struct {
		Kind     synth.Kind
		Labels   []kyc.Code
		DontCare []kyc.Code
		Quads    [][4][2]float64
		Truth    map[string]float64
	}
	if data, err := os.ReadFile(name + ".jpg"); err == nil {
		if mj, err := os.ReadFile(name + ".json"); err == nil {
			var m meta
			if json.Unmarshal(mj, &m) == nil {
				return synth.Sample{Spec: spec, Kind: m.Kind, JPEG: data, Labels: m.Labels, DontCare: m.DontCare, Quads: m.Quads, Truth: m.Truth}
			}
		}
	}
	s := synth.Render(spec)
	mj, _ := json.Marshal(meta{s.Kind, s.Labels, s.DontCare, s.Quads, s.Truth})
	if os.MkdirAll(dir, 0o755) == nil && os.WriteFile(name+".json", mj, 0o644) == nil {
		_ = os.WriteFile(name+".jpg", s.JPEG, 0o644)
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func has(cs []kyc.Code, c kyc.Code) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func report(w io.Writer, rs []result) {
	fmt.Fprintf(w, "%-24s %5s %5s %5s %9s %7s %6s\n", "reason", "TP", "FP", "FN", "precision", "recall", "F1")
	for _, c := range synth.QualityCodes {
		tp, fp, fn := 0, 0, 0
		for _, r := range rs {
			want, got := has(r.labels, c), has(r.got, c)
			switch {
			case has(r.dontCare, c):
			case want && got:
				tp++
			case got:
				fp++
			case want:
				fn++
			}
		}
		p, rc := ratio(tp, tp+fp), ratio(tp, tp+fn)
		f1 := 0.0
		if p+rc > 0 {
			f1 = 2 * p * rc / (p + rc)
		}
		fmt.Fprintf(w, "%-24s %5d %5d %5d %9.3f %7.3f %6.3f\n", c, tp, fp, fn, p, rc, f1)
	}
	clean, rejected, bl, blRej := 0, 0, 0, 0
	why := map[kyc.Code]int{}
	for _, r := range rs {
		if len(r.labels) > 0 {
			continue
		}
		clean++
		if r.spec.Borderline {
			bl++
		}
		bad := false
		for _, g := range r.got {
			if !has(r.dontCare, g) {
				bad = true
				why[g]++
			}
		}
		if bad {
			rejected++
			if r.spec.Borderline {
				blRej++
			}
		}
	}
	fmt.Fprintf(w, "clean photos falsely rejected: %d/%d = %.1f%% (borderline among them: %d/%d)\n", rejected, clean, 100*ratio(rejected, clean), blRej, bl)
	if len(why) > 0 {
		fmt.Fprintf(w, "  by code: %v\n", why)
	}
	good, found := 0, 0
	for _, r := range rs {
		if r.iou >= 0 {
			found++
			if r.iou >= 0.85 {
				good++
			}
		}
	}
	fmt.Fprintf(w, "localisation: outline IoU >= 0.85 on %d/%d single-document photos where one was found\n", good, found)
	var dec, as []float64
	for _, r := range rs {
		dec = append(dec, r.decodeMS)
		as = append(as, r.assessMS)
	}
	fmt.Fprintf(w, "ms per image (frames 0.4–7.7 MP): decode p50 %.1f p95 %.1f; quality p50 %.1f p95 %.1f\n",
		pct(dec, 0.5), pct(dec, 0.95), pct(as, 0.5), pct(as, 0.95))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func pct(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func writeDump(path string, rs []result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	for _, r := range rs {
		if err := enc.Encode(map[string]any{"seed": r.spec.Seed, "defect": r.spec.Defect, "borderline": r.spec.Borderline, "kind": r.kind,
			"labels": r.labels, "dont_care": r.dontCare, "iou": r.iou, "got": r.got, "m": r.ms, "truth": r.truth}); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// evalDebian runs the check on the Debian-packaged images whose manifest says they are blurred
// (motion or defocus, with the PSF recorded) and on the sharp text images beside them.
func evalDebian(w io.Writer, dir string) {
	if dir == "" {
		for _, d := range []string{"../shared/testdata/debian_images", "../../shared/testdata/debian_images", "../../../shared/testdata/debian_images"} {
			if _, err := os.Stat(filepath.Join(d, "manifest.jsonl")); err == nil {
				dir = d
				break
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "manifest.jsonl"))
	if err != nil {
		fmt.Fprintln(w, "debian_images: not found (../shared/testdata/debian_images); skipped")
		return
	}
	defer f.Close()
	fmt.Fprintln(w, "real images (shared/testdata/debian_images):")
	sc := bufio.NewScanner(f)
	ok, total := 0, 0
	for sc.Scan() {
		var rec struct {
			File     string `json:"file"`
			Category string `json:"category"`
			Problem  string `json:"problem"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil || !(strings.HasPrefix(rec.Category, "blur") || strings.HasPrefix(rec.Category, "document")) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, rec.File))
		if err != nil {
			continue
		}
		dec, fds := imagecheck.CheckFile(data, imagecheck.Limits{})
		want := rec.Category == "blur"
		var got []kyc.Code
		for _, fd := range fds {
			got = append(got, fd.Code)
		}
		blur := -1.0
		if dec != nil {
			rep := imagecheck.Assess(dec.Image, kyc.SideFront, imagecheck.Thresholds{})
			for _, fd := range rep.Findings {
				got = append(got, fd.Code)
			}
			blur = rep.Measurements["blur"]
		}
		hit := has(got, kyc.ImgBlurry) == want
		total++
		if hit {
			ok++
		}
		fmt.Fprintf(w, "  %-32s expect blurry=%-5v blur=%.3f mm  findings=%v  %s\n", rec.File, want, blur, got, map[bool]string{true: "ok", false: "WRONG"}[hit])
	}
	fmt.Fprintf(w, "  blur verdict right on %d/%d\n", ok, total)
}

// quadIoU is the intersection over union of a found and a true outline, by rasterising both on
// a coarse grid of the frame.
func quadIoU(found [4]image.Point, truth [4][2]float64, w, h int) float64 {
	var f [4][2]float64
	for i, p := range found {
		f[i] = [2]float64{float64(p.X), float64(p.Y)}
	}
	in := func(q [4][2]float64, x, y float64) bool {
		s := 0
		for i := 0; i < 4; i++ {
			j := (i + 1) % 4
			c := (q[j][0]-q[i][0])*(y-q[i][1]) - (q[j][1]-q[i][1])*(x-q[i][0])
			switch {
			case c > 0 && s < 0, c < 0 && s > 0:
				return false
			case c > 0:
				s = 1
			case c < 0:
				s = -1
			}
		}
		return true
	}
	inter, union := 0, 0
	step := float64(max(w, h)) / 300
	for y := step / 2; y < float64(h); y += step {
		for x := step / 2; x < float64(w); x += step {
			a, b := in(f, x, y), in(truth, x, y)
			if a && b {
				inter++
			}
			if a || b {
				union++
			}
		}
	}
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
