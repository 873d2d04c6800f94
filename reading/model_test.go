package reading

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/onnx/onnxtest"
	"github.com/kycd/kycd/synth"
)

// The tests below read real images with the models (scripts/models.sh): under CI a missing model
// fails them, elsewhere they are skipped (onnxtest.Dir).

var (
	engineOnce sync.Once
	engine     *Engine
	engineErr  error
)

func setup(t testing.TB) *check.Pipeline {
	t.Helper()
	onnxtest.Dir(t, ocr.DetModel, ocr.RecModel, ocr.ClsModel, ocr.DictFile)
	engineOnce.Do(func() {
		engine = New(Config{})
		engineErr = engine.Load()
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return check.New(check.Options{}, engine)
}

func TestReadDocuments(t *testing.T) {
	t.Parallel()
	pipe := setup(t)
	tests := []struct {
		kind     synth.Kind
		doc      kyc.DocType
		defect   kyc.Code
		format   string
		chinese  bool
		findings []string
	}{
		{kind: synth.Passport, doc: kyc.DocPassport, format: "TD3"},
		{kind: synth.IDCard, doc: kyc.DocIDCard, format: "TD1"},
		{kind: synth.IDCard, doc: kyc.DocPassport, defect: kyc.ImgGlare, format: "TD1",
			findings: []string{"DOC_TYPE_MISMATCH_SELECTED@front"}},
		// The synthetic cards' numbers carry a valid check character but often invented place
		// codes (DOC_NUMBER_INVALID): their findings are not asserted.
		{kind: synth.CNID, doc: kyc.DocIDCard, chinese: true, findings: []string{"*"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind)+string(tc.defect), func(t *testing.T) {
			t.Parallel()
			s := render(synth.Spec{Seed: 11, Kind: tc.kind, Defect: tc.defect, Borderline: tc.defect != ""})
			res, err := pipe.Check(context.Background(), &kyc.CheckInput{
				Identity: &kyc.IdentityChoice{DocType: tc.doc, Country: "UTO"},
				Front:    &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: s.JPEG},
				Now:      testNow,
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := engineCodes(res.Findings); !slices.Equal(tc.findings, []string{"*"}) && !equalOrBoth(got, tc.findings) {
				t.Errorf("findings %q, want %q", got, tc.findings)
			}
			d := res.Document
			if d == nil {
				t.Fatal("nothing read")
			}
			if tc.format != "" {
				if d.MRZ == nil || d.MRZ.Format != tc.format || !d.MRZ.Valid {
					t.Fatalf("zone %+v", d.MRZ)
				}
				if d.Fields["document_number"] != d.MRZ.Fields["document_number"] || d.Fields["date_of_birth"] == "" {
					t.Errorf("fields %v", d.Fields)
				}
			}
			if tc.chinese && (len([]rune(d.Fields["full_name"])) < 2 || len(d.Fields["document_number"]) != 18) {
				t.Errorf("fields %v", d.Fields)
			}
			if res.TimingsMS["ocr"] <= 0 || res.TimingsMS["ocr_rec"] <= 0 {
				t.Errorf("timings %v", res.TimingsMS)
			}
		})
	}
}

// engineCodes are the findings' codes without the pipeline's own (a card's missing back side).
func engineCodes(fs []kyc.Finding) []string {
	var out []string
	for _, c := range codes(fs) {
		if c != "DOC_SIDE_MISSING@back" {
			out = append(out, c)
		}
	}
	return out
}

var renders sync.Map // synth.Spec → func() synth.Sample

// render renders a synthetic sample once per test binary (rendering is slow under -race).
func render(spec synth.Spec) synth.Sample {
	f, _ := renders.LoadOrStore(spec, sync.OnceValue(func() synth.Sample { return synth.Render(spec) }))
	return f.(func() synth.Sample)()
}

func equalOrBoth(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReadSpecimen(t *testing.T) {
	t.Parallel()
	pipe := setup(t)
	path := filepath.Join("..", "..", "shared", "testdata", "mrz_arg0s1080", "images", "id_cards", "Latvia.png")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("shared test data not present: %v", err)
	}
	res, err := pipe.Check(context.Background(), &kyc.CheckInput{
		Identity: &kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "LVA"},
		Front:    &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: data},
		Now:      testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Document
	if d == nil || d.MRZ == nil || d.MRZ.Format != "TD1" || d.MRZ.Fields["surname"] != "PARAUDZINS" {
		t.Fatalf("zone %+v", d)
	}
	// The specimen expired in 2017.
	if got := engineCodes(res.Findings); !equalOrBoth(got, []string{"DOC_EXPIRED@front"}) {
		t.Errorf("findings %q", got)
	}
}

// BenchmarkRead is the reading engine's cost per document photo: OCR and parsing, after the
// pipeline has decoded the photo and the quality engine has located the document (as in
// production). It reports, besides the wall time of a whole check, the engine's own wall time
// (engine-ms/doc) and the CPU time of the thread that ran it (engine-cpu-ms/doc, which unlike the
// wall time hardly grows when other processes share the cores; inference runs on the calling
// thread, one intra-op thread). Each kind cycles through a few photos.
func BenchmarkRead(b *testing.B) {
	setup(b)
	for _, kind := range []synth.Kind{synth.Passport, synth.IDCard, synth.CNID} {
		b.Run(string(kind), func(b *testing.B) {
			te := &timedEngine{Engine: engine}
			pipe := check.New(check.Options{}, check.NewQuality(imagecheck.Thresholds{}), te)
			var ins []*kyc.CheckInput
			for seed := uint64(501); seed < 505; seed++ {
				s := render(synth.Spec{Seed: seed, Kind: kind})
				ins = append(ins, &kyc.CheckInput{Now: testNow,
					Front: &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: s.JPEG}})
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := pipe.Check(context.Background(), ins[i%len(ins)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(te.wall.Milliseconds())/float64(b.N), "engine-ms/doc")
			b.ReportMetric(float64(te.cpu.Microseconds())/1000/float64(b.N), "engine-cpu-ms/doc")
		})
	}
}

// timedEngine measures the engine's wall time and its thread's CPU time.
type timedEngine struct {
	*Engine
	wall, cpu time.Duration
}

func (t *timedEngine) Check(ctx context.Context, in *check.Input, res *kyc.CheckResult) error {
	c0, w0 := threadCPU(), time.Now()
	err := t.Engine.Check(ctx, in, res)
	t.wall += time.Since(w0)
	t.cpu += threadCPU() - c0
	return err
}

// threadCPU is the CPU time of the calling OS thread (RUSAGE_THREAD).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
