// Command eval-face measures the face engine on the public face_recognition fixtures, in two
// sets:
//
//   - photos: it embeds the largest face of every image, scores the labelled same/different
//     pairs by cosine similarity;
//   - documents: it prints each photo's face, framed as an identity photo, as the portrait of a
//     synthetic document (package synth: passport, ID card, resident-ID card, photographed and
//     degraded like the rest of the corpus: one clean photo, one degraded at a borderline
//     severity the quality check accepts), finds the portrait on the document photo as the
//     engine does (Analyzer.Portrait: whole photo, then upscaled parts), and scores each pair as
//     "photo A as the selfie, document of B" in both directions.
//
// For each set it prints the ROC points that matter for a match threshold (TAR at FAR 1 % and
// 0.1 %), the rates at the default threshold, and the time per image of detection + landmarks +
// embedding.
//
//	go run ./cmd/eval-face [-data ../shared/testdata/faces_face_recognition] [-seed 1] [-docs=false] [-v]
//
// It prints file names of the public fixtures and numbers only, never images.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kycd/kycd/face"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/onnx"
	"github.com/kycd/kycd/synth"
)

func main() {
	data := flag.String("data", "", "fixture folder (default ../shared/testdata/faces_face_recognition from the module root)")
	verbose := flag.Bool("v", false, "print each image's measurements and each pair's score")
	docs := flag.Bool("docs", true, "also evaluate on synthetic documents carrying the photos as portraits")
	seed := flag.Uint64("seed", 1, "first seed of the synthetic documents")
	flag.Parse()
	if err := run(*data, *verbose, *docs, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "eval-face:", err)
		os.Exit(1)
	}
}

type pair struct {
	A    string `json:"a"`
	B    string `json:"b"`
	Same bool   `json:"same_person"`
}

func run(dir string, verbose, docs bool, seed uint64) error {
	if dir == "" {
		dir = filepath.Join(filepath.Dir(filepath.Dir(onnx.DefaultDir())), "..", "shared", "testdata", "faces_face_recognition")
	}
	f, err := os.Open(filepath.Join(dir, "pairs.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	var pairs []pair
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p pair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return err
		}
		pairs = append(pairs, p)
	}
	if err := sc.Err(); err != nil {
		return err
	}

	rt, err := onnx.New(onnx.Config{})
	if err != nil {
		return err
	}
	an, err := face.Open(rt, face.Models{})
	if err != nil {
		return err
	}
	defer an.Close()
	ctx := context.Background()

	emb := map[string]face.Embedding{}
	framed := map[string]image.Image{} // each photo's face framed as an identity photo
	var order []string
	var total, prep time.Duration
	timed := 0
	for _, p := range pairs {
		for _, name := range []string{p.A, p.B} {
			if _, ok := emb[name]; ok {
				continue
			}
			img, err := load(filepath.Join(dir, name))
			if err != nil {
				return err
			}
			t0 := time.Now()
			ph := face.NewPhoto(img)
			t1 := time.Now()
			a, err := an.Analyze(ctx, ph, face.Options{})
			if err != nil {
				return err
			}
			prep += t1.Sub(t0)
			total += time.Since(t1)
			timed++
			emb[name] = a.Embedding
			order = append(order, name)
			if a.Found() {
				framed[name] = identityPhoto(img, a.Faces[0].Box)
			}
			if verbose {
				if a.Found() {
					b := a.Faces[0].Box
					full, err := an.Analyze(ctx, ph, face.Options{Pose: true, Eyes: true, Spoof: true})
					if err != nil {
						return err
					}
					mir, err := an.Analyze(ctx, ph.Mirror(), face.Options{Pose: true})
					if err != nil {
						return err
					}
					fmt.Printf("%-52s faces=%d box=%.0f score=%.2f ear=%.2f eyes=%.2f,%.2f bright=%.0f sharp=%.0f yaw=%.0f (mirror %.0f) pitch=%.0f roll=%.0f spoof=%.2f\n",
						filepath.Base(name), len(a.Faces), b.W, b.Score, a.EAR, full.EyeOpen[0], full.EyeOpen[1], a.Brightness, a.Sharpness,
						full.Pose.Yaw, mir.Pose.Yaw, full.Pose.Pitch, full.Pose.Roll, full.Spoof)
				} else {
					fmt.Printf("%-60s no face\n", filepath.Base(name))
				}
			}
		}
	}
	fmt.Printf("photos: %d images (%d without a face)\n", len(emb), countNil(emb))
	report("photos", pairs, emb, emb, false, verbose)
	fmt.Printf("photos: ms per image: detect+landmarks+embedding %.1f (plus %.1f to copy/shrink the decoded image), over %d images\n",
		ms(total)/float64(timed), ms(prep)/float64(timed), timed)
	if !docs {
		return nil
	}

	// Documents: two synthetic documents per photo with a face, kinds in turn: a clean photo and
	// one degraded at a borderline severity that the quality check lets through (the applicant
	// is not asked to retake it, so the face match must cope).
	borderline := []kyc.Code{kyc.ImgBlurry, kyc.ImgGlare, kyc.ImgTooDark, kyc.ImgDocTooSmall, kyc.ImgLowResolution,
		kyc.ImgShadow, kyc.ImgOverexposed}
	docEmb := map[string]face.Embedding{}
	var dtotal time.Duration
	var own []float64 // each photo against its own printed portrait
	var sides []float64
	found, rendered := 0, 0
	var turns [4]int // portraits found after k quarter turns
	for j := 0; j < 2*len(order); j++ {
		i, name := j/2, order[j/2]
		portrait := framed[name]
		if portrait == nil {
			continue
		}
		spec := synth.Spec{Seed: seed + uint64(j), Kind: synth.Kinds[j%len(synth.Kinds)], Portrait: portrait}
		key := name
		if j%2 == 1 {
			spec.Defect, spec.Borderline = borderline[i%len(borderline)], true
			key = degraded + name
		}
		sample := synth.Render(spec)
		rendered++
		img, _, err := image.Decode(bytes.NewReader(sample.JPEG))
		if err != nil {
			return err
		}
		t0 := time.Now()
		a, err := an.Portrait(ctx, face.NewPhoto(img))
		if err != nil {
			return err
		}
		dtotal += time.Since(t0)
		docEmb[key] = a.Embedding
		if a.Found() {
			found++
			turns[a.Rotation]++
			sides = append(sides, a.Faces[0].Box.W)
			if emb[name] != nil {
				own = append(own, face.Cosine(emb[name], a.Embedding))
			}
		}
		if verbose {
			side := 0.0
			if a.Found() {
				side = a.Faces[0].Box.W
			}
			fmt.Printf("document %-10s seed %-4d %-18s %-52s portrait found=%v side=%.0fpx turns=%d own-photo cosine=%.3f\n",
				sample.Kind, spec.Seed, spec.Defect, filepath.Base(name), a.Found(), side, a.Rotation, face.Cosine(emb[name], a.Embedding))
		}
	}
	sort.Float64s(sides)
	sort.Float64s(own)
	fmt.Printf("documents: %d rendered, portrait found on %d", rendered, found)
	if len(sides) > 0 {
		fmt.Printf(" (face side %.0f–%.0f px, median %.0f)", sides[0], sides[len(sides)-1], sides[len(sides)/2])
	}
	fmt.Printf("; found upright %d, after a quarter turn clockwise %d, a half turn %d, three quarters %d\n", turns[0], turns[1], turns[2], turns[3])
	if len(own) > 0 {
		fmt.Printf("documents: photo vs its own printed portrait: cosine min %.3f median %.3f\n", own[0], own[len(own)/2])
	}
	var docPairs []pair
	for _, p := range pairs {
		docPairs = append(docPairs, p, pair{A: p.A, B: degraded + p.B, Same: p.Same})
	}
	report("documents", docPairs, emb, docEmb, true, verbose)
	fmt.Printf("documents: ms per document photo: portrait search+landmarks+embedding %.1f over %d photos\n",
		ms(dtotal)/float64(max(rendered, 1)), rendered)
	return nil
}

// degraded prefixes the name of a photo's degraded document.
const degraded = "degraded:"

// report scores the pairs, selfie embeddings from a against document embeddings from b (both
// directions when both is set), and prints the ROC points and the default threshold's rates.
// A face not found cannot match: it scores −1.
func report(set string, pairs []pair, a, b map[string]face.Embedding, both, verbose bool) {
	var same, diff []float64
	missing := 0
	score := func(x, y string, isSame bool) {
		ea, eb := a[x], b[y]
		s := -1.0
		if ea == nil || eb == nil {
			missing++
		} else {
			s = face.Cosine(ea, eb)
		}
		if isSame {
			same = append(same, s)
		} else {
			diff = append(diff, s)
		}
		if verbose {
			fmt.Printf("%s %5.3f same=%-5v %s ~ %s\n", set, s, isSame, filepath.Base(x), filepath.Base(y))
		}
	}
	for _, p := range pairs {
		score(p.A, p.B, p.Same)
		if both {
			// The other direction: B's photo as the selfie, A's document (in B's variant).
			selfie, variant := p.B, ""
			if strings.HasPrefix(p.B, degraded) {
				selfie, variant = strings.TrimPrefix(p.B, degraded), degraded
			}
			score(selfie, variant+p.A, p.Same)
		}
	}
	sort.Float64s(same)
	sort.Float64s(diff)
	fmt.Printf("%s: scores %d same, %d different (%d with a missing face)\n", set, len(same), len(diff), missing)
	fmt.Printf("%s: same-person cosine min %.3f median %.3f; different-person max %.3f median %.3f\n",
		set, same[0], same[len(same)/2], diff[len(diff)-1], diff[len(diff)/2])
	for _, far := range []float64{0.01, 0.001} {
		th := thresholdAt(diff, far)
		note := ""
		if far*float64(len(diff)) < 1 {
			note = fmt.Sprintf("; not resolved: %d impostor scores cannot measure %.1f%%, the threshold is just above the highest", len(diff), far*100)
		}
		fmt.Printf("%s: FAR %.1f%%: threshold %.3f, TAR %.3f (FAR measured %.4f over %d impostor scores%s)\n",
			set, far*100, th, rate(same, th), rate(diff, th), len(diff), note)
	}
	th := face.DefaultMatchThreshold
	fmt.Printf("%s: default threshold %.2f: TAR %.3f, FAR %.4f\n", set, th, rate(same, th), rate(diff, th))
}

// identityPhoto frames a face as an identity photo (head and shoulders, 4:5, the face's box
// about half the height, a little above the centre), shifted to stay inside the photo and
// shrunk when the photo is too small for the framing.
func identityPhoto(img image.Image, f face.Box) image.Image {
	b := img.Bounds()
	h := f.H * 2.0
	w := h * 0.8
	if w > float64(b.Dx()) {
		w, h = float64(b.Dx()), float64(b.Dx())/0.8
	}
	if h > float64(b.Dy()) {
		h, w = float64(b.Dy()), float64(b.Dy())*0.8
	}
	cx, cy := f.X+f.W/2, f.Y+f.H*0.6
	x0 := math.Max(0, math.Min(cx-w/2, float64(b.Dx())-w))
	y0 := math.Max(0, math.Min(cy-h*0.5, float64(b.Dy())-h))
	r := image.Rect(b.Min.X+int(x0), b.Min.Y+int(y0), b.Min.X+int(x0+w), b.Min.Y+int(y0+h))
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

// thresholdAt is the lowest threshold at which at most far of the impostor scores are accepted
// (a score is accepted when ≥ threshold).
func thresholdAt(diff []float64, far float64) float64 {
	allowed := int(math.Floor(far * float64(len(diff))))
	// Accept at most `allowed` of the highest impostor scores: the threshold sits just above
	// the next one.
	i := len(diff) - 1 - allowed
	if i < 0 {
		return diff[0]
	}
	return math.Nextafter(diff[i], math.Inf(1))
}

func rate(v []float64, th float64) float64 {
	n := 0
	for _, x := range v {
		if x >= th {
			n++
		}
	}
	return float64(n) / float64(len(v))
}

func countNil(m map[string]face.Embedding) int {
	n := 0
	for _, e := range m {
		if e == nil {
			n++
		}
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load decodes a fixture with its EXIF orientation applied, without the upload size limits
// (some fixtures are deliberately small).
func load(path string) (image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if format == "jpeg" {
		img = imagecheck.ApplyOrientation(img, imagecheck.JPEGOrientation(b))
	}
	return img, nil
}
