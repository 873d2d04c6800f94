package face

import (
	"context"
	"math"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kycd/kycd/onnx/onnxtest"
)

var (
	sharedOnce sync.Once
	shared     *Analyzer
	sharedErr  error
)

// setup returns the analyzer shared by this package's tests, failing under CI or skipping
// elsewhere when the models are missing.
func setup(tb testing.TB) *Analyzer {
	tb.Helper()
	rt := onnxtest.Runtime(tb, DetectModel, LandmarkModel, FeatureModel, EyeModel, PoseModel, LivenessModel)
	sharedOnce.Do(func() { shared, sharedErr = Open(rt, Models{}) })
	if sharedErr != nil {
		tb.Fatal(sharedErr)
	}
	return shared
}

const debianImages = "../../shared/testdata/debian_images"

func TestDetect(t *testing.T) {
	t.Parallel()
	a := setup(t)
	tests := []struct {
		file      string
		wantFaces int // -1: at least one
	}{
		{"tests_test_images_obama.jpg", 1},
		{"examples_biden.jpg", 1},
		{"examples_obama-240p.jpg", 1},
		{"examples_two_people.jpg", 2},
		{filepath.Join(debianImages, "facedetect/grace_hopper_512x512.jpg"), 1},
		{filepath.Join(debianImages, "skimage/astronaut.png"), 1},
		{filepath.Join(debianImages, "facedetect/640px-IceBlockNearJoekullsarlon.jpg"), 0},
		{filepath.Join(debianImages, "skimage/page.png"), 0},
		{filepath.Join(debianImages, "skimage/text.png"), 0},
		{filepath.Join(debianImages, "opencv/imageTextN.png"), 0},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			t.Parallel()
			p := NewPhoto(loadT(t, tt.file))
			faces, err := a.Detect(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if len(faces) != tt.wantFaces {
				t.Fatalf("%d faces, want %d", len(faces), tt.wantFaces)
			}
			w, h := p.Size()
			for _, f := range faces {
				if f.Box.W < 20 || f.Box.X+f.Box.W/2 < 0 || f.Box.X+f.Box.W/2 > float64(w) || f.Box.Y+f.Box.H/2 > float64(h) {
					t.Errorf("implausible box %+v in %dx%d", f.Box, w, h)
				}
			}
		})
	}
}

func embed(t *testing.T, a *Analyzer, file string) Embedding {
	t.Helper()
	an, err := a.Analyze(context.Background(), NewPhoto(loadT(t, file)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !an.Found() {
		t.Fatalf("no face in %s", file)
	}
	var n float64
	for _, v := range an.Embedding {
		n += float64(v) * float64(v)
	}
	if len(an.Embedding) != 512 || math.Abs(n-1) > 1e-3 {
		t.Fatalf("embedding of %d values, norm² %v", len(an.Embedding), n)
	}
	return an.Embedding
}

func TestMatch(t *testing.T) {
	t.Parallel()
	a := setup(t)
	tests := []struct {
		a, b string
		same bool
	}{
		{"tests_test_images_obama.jpg", "tests_test_images_obama2.jpg", true},
		{"tests_test_images_obama.jpg", "tests_test_images_obama3.jpg", true},
		{"examples_knn_examples_train_rose_leslie_img1.jpg", "examples_knn_examples_train_rose_leslie_img2.jpg", true},
		{"examples_obama-240p.jpg", "examples_obama-1080p.jpg", true},
		{"tests_test_images_obama.jpg", "tests_test_images_biden.jpg", false},
		{"examples_knn_examples_train_rose_leslie_img1.jpg", "examples_knn_examples_train_kit_harington_john1.jpeg", false},
		{"examples_lin-manuel-miranda.png", "examples_alex-lacamoire.png", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"~"+tt.b, func(t *testing.T) {
			t.Parallel()
			s := Cosine(embed(t, a, tt.a), embed(t, a, tt.b))
			if got := s >= DefaultMatchThreshold; got != tt.same {
				t.Errorf("cosine %.3f, threshold %.2f: same=%v, want %v", s, DefaultMatchThreshold, got, tt.same)
			}
		})
	}
}

// TestMirrorFlipsYaw fixes the sign convention of Pose.Yaw on real photos whose subjects have
// turned their heads towards the photo's left (their own right): positive, and negative on the
// mirror image; on every photo, the mirror image's yaw is the opposite of the original's.
func TestMirrorFlipsYaw(t *testing.T) {
	t.Parallel()
	a := setup(t)
	for _, tt := range []struct {
		file   string
		turned bool // towards the photo's left by 10° or more
	}{
		{"examples_knn_examples_train_kit_harington_john2.jpeg", true},
		{"tests_test_images_obama2.jpg", true},
		{"tests_test_images_obama.jpg", false},
		{"examples_knn_examples_train_rose_leslie_img1.jpg", false},
	} {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			p := NewPhoto(loadSmall(t, tt.file))
			var yaw [2]float64
			for i, q := range []*Photo{p, p.Mirror()} {
				an, err := a.Analyze(context.Background(), q, Options{Pose: true})
				if err != nil {
					t.Fatal(err)
				}
				if !an.Found() {
					t.Fatalf("no face (mirror: %v)", i == 1)
				}
				yaw[i] = an.Pose.Yaw
			}
			t.Logf("yaw %.1f, mirrored %.1f", yaw[0], yaw[1])
			if tt.turned && (yaw[0] < 10 || yaw[1] > -10) {
				t.Errorf("yaw %.1f and mirrored %.1f, want ≥ 10 and ≤ −10", yaw[0], yaw[1])
			}
			if math.Abs(yaw[0]+yaw[1]) > 8 {
				t.Errorf("yaw %.1f and mirrored %.1f are not opposite", yaw[0], yaw[1])
			}
		})
	}
}

func TestSimilarityRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    similarity
	}{
		{"identity", similarity{A: 1}},
		{"rotate-scale-shift", similarity{A: 0.8, B: 0.3, Tx: 12, Ty: -7}},
		{"shrink", similarity{A: 0.1, B: -0.02, Tx: 3, Ty: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dst [][2]float64
			for _, p := range arcface {
				x, y := tt.s.apply(p[0], p[1])
				dst = append(dst, [2]float64{x, y})
			}
			got := fitSimilarity(arcface, dst)
			inv := got.invert()
			for i, p := range dst {
				x, y := inv.apply(p[0], p[1])
				if math.Hypot(x-arcface[i][0], y-arcface[i][1]) > 1e-6 {
					t.Fatalf("point %d: round trip to %.4f,%.4f, want %v", i, x, y, arcface[i])
				}
			}
		})
	}
}

// BenchmarkAnalyze is the per-photo cost of the match path: detection, landmarks, alignment and
// embedding (the decoded image's copy is outside the loop).
func BenchmarkAnalyze(b *testing.B) {
	a := setup(b)
	p := NewPhoto(loadT(b, "examples_knn_examples_test_obama1.jpg"))
	ctx := context.Background()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := a.Analyze(ctx, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkNewPhoto is the cost of preparing a decoded photo for the models.
func BenchmarkNewPhoto(b *testing.B) {
	img := loadT(b, "examples_knn_examples_test_obama1.jpg")
	for b.Loop() {
		NewPhoto(img)
	}
}
