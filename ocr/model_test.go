package ocr

import (
	"context"
	"errors"
	"image"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kycd/kycd/onnx"
	"github.com/kycd/kycd/onnx/onnxtest"
	"github.com/kycd/kycd/synth"
)

// The tests below need the models (scripts/models.sh): they fail under CI without them and are
// skipped elsewhere (onnxtest.Dir).

var (
	engineOnce sync.Once
	engine     *Engine
	engineErr  error
)

// setup returns the engine shared by the model tests (loading it once keeps the suite fast).
func setup(t testing.TB) *Engine {
	t.Helper()
	onnxtest.Dir(t, DetModel, RecModel, ClsModel, DictFile)
	engineOnce.Do(func() {
		rt, err := onnx.New(onnx.Config{})
		if err != nil {
			engineErr = err
			return
		}
		engine, engineErr = New(rt, Options{})
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engine
}

var renders sync.Map // synth.Spec → func() synth.Sample

// render renders a synthetic sample once per test binary (rendering is slow under -race).
func render(spec synth.Spec) synth.Sample {
	f, _ := renders.LoadOrStore(spec, sync.OnceValue(func() synth.Sample { return synth.Render(spec) }))
	return f.(func() synth.Sample)()
}

// corners turns synth's quad into ReadDocument's arguments.
func corners(q [4][2]float64) ([4]image.Point, int, int) {
	var c [4]image.Point
	for i, p := range q {
		c[i] = image.Pt(int(math.Round(p[0])), int(math.Round(p[1])))
	}
	w := math.Hypot(q[1][0]-q[0][0], q[1][1]-q[0][1])
	h := math.Hypot(q[3][0]-q[0][0], q[3][1]-q[0][1])
	return c, int(w), int(h)
}

func zoneLines(p *Page) []string {
	var out []string
	for _, l := range p.Lines {
		if strings.Count(l.MRZ, "<") >= 2 && len(l.MRZ) >= 30 {
			out = append(out, l.MRZ)
		}
	}
	return out
}

func TestReadSyntheticDocuments(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct {
		kind      synth.Kind
		zoneLines int
		length    int
		prefix    string
		text      string
	}{
		{synth.Passport, 2, 44, "P<UTO", "PASSPORT UTOPIA"},
		{synth.IDCard, 3, 30, "I<UTO", "IDENTITY CARD UTOPIA"},
		{synth.CNID, 0, 0, "", "公民身份号码"},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind), func(t *testing.T) {
			t.Parallel()
			s := render(synth.Spec{Seed: 3, Kind: tc.kind})
			c, w, h := corners(s.Quads[0])
			p, err := e.ReadDocument(context.Background(), s.Image, c, w, h)
			if err != nil {
				t.Fatal(err)
			}
			if p.Width != w || p.Height != h {
				t.Errorf("page %d×%d, want the document's %d×%d", p.Width, p.Height, w, h)
			}
			all := strings.Join(p.Strings(), "\n")
			if !strings.Contains(strings.ReplaceAll(all, " ", ""), strings.ReplaceAll(tc.text, " ", "")) {
				t.Errorf("%q not read", tc.text)
			}
			z := zoneLines(p)
			if len(z) != tc.zoneLines {
				t.Fatalf("%d zone lines, want %d", len(z), tc.zoneLines)
			}
			for _, l := range z {
				if len(l) != tc.length {
					t.Errorf("zone line of %d characters, want %d", len(l), tc.length)
				}
			}
			if tc.zoneLines > 0 && !strings.HasPrefix(strings.Replace(z[0], "UT0", "UTO", 1), tc.prefix) {
				t.Errorf("first zone line does not start with %s", tc.prefix)
			}
		})
	}
}

func TestReadSpecimen(t *testing.T) {
	t.Parallel()
	e := setup(t)
	path := filepath.Join("..", "..", "shared", "testdata", "mrz_arg0s1080", "images", "passports", "ICAO_Example.png")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("shared test data not present: %v", err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Read(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	z := zoneLines(p)
	if len(z) != 2 || !strings.Contains(z[0], "ERIKSSON<<ANNA<MARIA") || !strings.HasPrefix(z[1], "L898902C3") {
		t.Errorf("zone %q", z)
	}
	if err := e.ReadZoneCells(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lines {
		if l.AltMRZ != "" && len(l.MRZ) != 44 {
			t.Errorf("cell reading %q is not 44 characters", l.MRZ)
		}
	}
}

func TestReadConcurrent(t *testing.T) {
	t.Parallel()
	e := setup(t)
	s := render(synth.Spec{Seed: 3, Kind: synth.IDCard})
	c, w, h := corners(s.Quads[0])
	var wg sync.WaitGroup
	texts := make([]string, 3)
	errs := make([]error, 3)
	for i := range texts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := e.ReadDocument(context.Background(), s.Image, c, w, h)
			if err == nil {
				texts[i] = strings.Join(p.MRZCandidates(), "\n")
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i := range texts {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if texts[i] != texts[0] {
			t.Errorf("concurrent reads differ")
		}
	}
}

func TestReadEdgeCases(t *testing.T) {
	t.Parallel()
	e := setup(t)
	blank := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 230
	}
	p, err := e.Read(context.Background(), blank)
	if err != nil || len(p.Lines) != 0 {
		t.Errorf("blank page: %v lines, err %v", len(p.Lines), err)
	}
	p, err = e.Read(context.Background(), image.NewGray(image.Rect(0, 0, 2, 2)))
	if err != nil || len(p.Lines) != 0 {
		t.Errorf("tiny page: %v, %v", p, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Read(ctx, blank); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v", err)
	}
}

func TestNewMissingModel(t *testing.T) {
	t.Parallel()
	setup(t) // the runtime is initialised
	rt, err := onnx.New(onnx.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(rt, Options{}); !errors.Is(err, onnx.ErrUnavailable) {
		t.Errorf("New without models: %v, want ErrUnavailable", err)
	}
}

func BenchmarkReadDocument(b *testing.B) {
	e := setup(b)
	s := render(synth.Spec{Seed: 3, Kind: synth.Passport})
	c, w, h := corners(s.Quads[0])
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.ReadDocument(context.Background(), s.Image, c, w, h); err != nil {
			b.Fatal(err)
		}
	}
}
