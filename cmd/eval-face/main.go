// Command eval-face measures the face engine on the public face_recognition fixtures: it embeds
// the largest face of every image, scores the labelled same/different pairs by cosine
// similarity, and prints the ROC points that matter for a match threshold (TAR at FAR 1 % and
// 0.1 %), the threshold chosen, and the time per image of detection + landmarks + embedding.
//
//	go run ./cmd/eval-face [-data ../shared/testdata/faces_face_recognition] [-v]
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
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/kycd/kycd/face"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/onnx"
)

func main() {
	data := flag.String("data", "", "fixture folder (default ../shared/testdata/faces_face_recognition from the module root)")
	verbose := flag.Bool("v", false, "print each image's measurements and each pair's score")
	flag.Parse()
	if err := run(*data, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "eval-face:", err)
		os.Exit(1)
	}
}

type pair struct {
	A    string `json:"a"`
	B    string `json:"b"`
	Same bool   `json:"same_person"`
}

func run(dir string, verbose bool) error {
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
	var same, diff []float64
	missing := 0
	for _, p := range pairs {
		ea, eb := emb[p.A], emb[p.B]
		if ea == nil || eb == nil {
			missing++
			// A face not found cannot match: score it as the lowest possible.
			if p.Same {
				same = append(same, -1)
			} else {
				diff = append(diff, -1)
			}
			continue
		}
		s := face.Cosine(ea, eb)
		if p.Same {
			same = append(same, s)
		} else {
			diff = append(diff, s)
		}
		if verbose {
			fmt.Printf("%5.3f same=%-5v %s ~ %s\n", s, p.Same, filepath.Base(p.A), filepath.Base(p.B))
		}
	}
	sort.Float64s(same)
	sort.Float64s(diff)
	fmt.Printf("images: %d (%d without a face), pairs: %d same, %d different (%d with a missing face)\n",
		len(emb), countNil(emb), len(same), len(diff), missing)
	fmt.Printf("same-person cosine: min %.3f median %.3f; different-person: max %.3f median %.3f\n",
		same[0], same[len(same)/2], diff[len(diff)-1], diff[len(diff)/2])
	for _, far := range []float64{0.01, 0.001} {
		th := thresholdAt(diff, far)
		fmt.Printf("FAR %.1f%%: threshold %.3f, TAR %.3f (FAR measured %.4f over %d impostor pairs)\n",
			far*100, th, rate(same, th), rate(diff, th), len(diff))
	}
	th := face.DefaultMatchThreshold
	fmt.Printf("default threshold %.2f: TAR %.3f, FAR %.4f\n", th, rate(same, th), rate(diff, th))
	fmt.Printf("ms per image: detect+landmarks+embedding %.1f (plus %.1f to copy/shrink the decoded image), over %d images\n",
		ms(total)/float64(timed), ms(prep)/float64(timed), timed)
	return nil
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
