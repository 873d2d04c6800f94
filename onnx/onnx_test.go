package onnx_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kycd/kycd/onnx"
	"github.com/kycd/kycd/onnx/onnxtest"
)

// clsModel is the smallest model the setup step fetches: PaddleOCR's text-direction classifier,
// input [N,3,48,192], output [N,2] probabilities.
const clsModel = "ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"

// TestMissingLibrary runs before any test that initialises the runtime (it is not parallel and
// comes first), so it sees the process without ONNX Runtime.
func TestMissingLibrary(t *testing.T) {
	_, err := onnx.New(onnx.Config{Dir: t.TempDir(), Library: filepath.Join(t.TempDir(), "libonnxruntime.so.1")})
	if err == nil {
		t.Skip("runtime already initialised in this process")
	}
	if !errors.Is(err, onnx.ErrUnavailable) {
		t.Fatalf("error %v does not wrap ErrUnavailable", err)
	}
}

func setup(t *testing.T) (*onnx.Runtime, *onnx.Session) {
	t.Helper()
	rt := onnxtest.Runtime(t, clsModel)
	s, err := rt.Open(clsModel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return rt, s
}

func input(n int64, v float32) onnx.Tensor {
	t := onnx.Tensor{Shape: []int64{n, 3, 48, 192}, Data: make([]float32, n*3*48*192)}
	for i := range t.Data {
		t.Data[i] = v * float32(i%7-3) / 3
	}
	return t
}

func TestRun(t *testing.T) {
	t.Parallel()
	rt, s := setup(t)
	if rt.Version() == "" {
		t.Error("no version")
	}
	if len(s.Inputs()) != 1 || len(s.Outputs()) != 1 {
		t.Fatalf("inputs %v outputs %v", s.Inputs(), s.Outputs())
	}
	out, err := s.Run(context.Background(), input(2, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	if got := out[0].Shape; len(got) != 2 || got[0] != 2 || got[1] != 2 {
		t.Fatalf("output shape %v, want [2 2]", got)
	}
	for b := 0; b < 2; b++ {
		if sum := out[0].Data[2*b] + out[0].Data[2*b+1]; math.Abs(float64(sum)-1) > 1e-3 {
			t.Errorf("batch %d: probabilities sum to %v", b, sum)
		}
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	rt, s := setup(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		run  func() error
		want func(error) bool
	}{
		{"missing model", func() error { _, err := rt.Open("ocr/none.onnx"); return err },
			func(err error) bool { return errors.Is(err, onnx.ErrUnavailable) }},
		{"not a model", func() error { _, err := rt.Open("ocr/ppocr_keys_v1.txt"); return err },
			func(err error) bool { return errors.Is(err, onnx.ErrUnavailable) }},
		{"short data", func() error {
			_, err := s.Run(context.Background(), onnx.Tensor{Shape: []int64{1, 3, 48, 192}, Data: make([]float32, 10)})
			return err
		}, func(err error) bool { return err != nil && !errors.Is(err, onnx.ErrUnavailable) }},
		{"input count", func() error { _, err := s.Run(context.Background()); return err },
			func(err error) bool { return err != nil }},
		{"wrong rank", func() error {
			_, err := s.Run(context.Background(), onnx.Tensor{Shape: []int64{3, 48, 192}, Data: make([]float32, 3*48*192)})
			return err
		}, func(err error) bool { return err != nil }},
		{"cancelled", func() error { _, err := s.Run(cancelled, input(1, 1)); return err },
			func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := tc.run(); !tc.want(err) {
				t.Errorf("unexpected error %v", err)
			}
		})
	}
}

func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	_, s := setup(t)
	want, err := s.Run(context.Background(), input(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.Run(context.Background(), input(1, 1))
			if err != nil {
				errs <- err
				return
			}
			for j := range got[0].Data {
				if math.Abs(float64(got[0].Data[j]-want[0].Data[j])) > 1e-5 {
					errs <- errors.New("concurrent run differs")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	_, s := setup(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("second close:", err)
	}
	if _, err := s.Run(context.Background(), input(1, 1)); !errors.Is(err, onnx.ErrUnavailable) {
		t.Errorf("run after close: %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(onnx.EnvModelsDir, "/srv/models")
	if got := onnx.DefaultDir(); got != "/srv/models" {
		t.Errorf("DefaultDir() = %q with %s set", got, onnx.EnvModelsDir)
	}
}

func BenchmarkRunCls(b *testing.B) {
	rt := onnxtest.Runtime(b, clsModel)
	s, err := rt.Open(clsModel)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	in := input(1, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Run(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
