//go:build cgo

package onnx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// Runtime is an initialised ONNX Runtime and the configuration sessions are opened with.
type Runtime struct {
	cfg Config
}

var (
	initMu  sync.Mutex
	initLib string // the library the process environment was created from
)

// New initialises the process-wide ONNX Runtime environment from cfg's library (once per
// process: later calls reuse it whatever library they name) and returns a Runtime that opens
// sessions. A missing or unloadable library is an error wrapping ErrUnavailable; a later call
// may succeed once the library is in place.
func New(cfg Config) (*Runtime, error) {
	cfg = cfg.withDefaults()
	if err := initialise(cfg.Library); err != nil {
		return nil, err
	}
	return &Runtime{cfg: cfg}, nil
}

func initialise(lib string) error {
	initMu.Lock()
	defer initMu.Unlock()
	if initLib != "" && ort.IsInitialized() {
		return nil
	}
	if _, err := os.Stat(lib); err != nil {
		return fmt.Errorf("%w: ONNX Runtime library not found at %s (run scripts/models.sh, or set %s or %s): %v",
			ErrUnavailable, lib, EnvModelsDir, EnvLibrary, err)
	}
	ort.SetSharedLibraryPath(lib)
	if err := ort.InitializeEnvironment(ort.WithLogLevelFatal()); err != nil {
		return fmt.Errorf("%w: loading ONNX Runtime from %s: %v", ErrUnavailable, lib, err)
	}
	initLib = lib
	return nil
}

// Version is the loaded ONNX Runtime's version, for logs and the health endpoint.
func (r *Runtime) Version() string { return ort.GetVersion() }

// Session is one loaded model. It is safe for concurrent use: up to Config.MaxConcurrent runs
// proceed at once, the rest wait their turn (or for their context).
type Session struct {
	name    string
	s       *ort.DynamicAdvancedSession
	inputs  []IO
	outputs []IO
	sem     chan struct{}
	closeMu sync.RWMutex
	closed  bool
}

// Open loads a model (a path relative to Dir, or absolute). A missing or unloadable model file is
// an error wrapping ErrUnavailable. Load each model once per process and share the Session.
func (r *Runtime) Open(model string) (*Session, error) {
	path := r.Path(model)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: model %s not found (run scripts/models.sh, or set %s): %v",
			ErrUnavailable, path, EnvModelsDir, err)
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("%w: session options: %v", ErrUnavailable, err)
	}
	defer opts.Destroy()
	if err := opts.SetIntraOpNumThreads(r.cfg.IntraOpThreads); err != nil {
		return nil, fmt.Errorf("%w: intra-op threads: %v", ErrUnavailable, err)
	}
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("%w: inter-op threads: %v", ErrUnavailable, err)
	}
	ins, outs, err := ort.GetInputOutputInfoWithONNXData(data)
	if err != nil {
		return nil, fmt.Errorf("%w: model %s does not load: %v", ErrUnavailable, path, err)
	}
	s := &Session{name: filepath.Base(path), sem: make(chan struct{}, r.cfg.MaxConcurrent)}
	var inNames, outNames []string
	for _, in := range ins {
		inNames = append(inNames, in.Name)
		s.inputs = append(s.inputs, IO{Name: in.Name, Shape: append([]int64(nil), in.Dimensions...)})
	}
	for _, out := range outs {
		outNames = append(outNames, out.Name)
		s.outputs = append(s.outputs, IO{Name: out.Name, Shape: append([]int64(nil), out.Dimensions...)})
	}
	s.s, err = ort.NewDynamicAdvancedSessionWithONNXData(data, inNames, outNames, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: model %s does not load: %v", ErrUnavailable, path, err)
	}
	return s, nil
}

// Run runs the model on one tensor per input and returns one tensor per output. It waits for a
// free slot (see Config.MaxConcurrent) and stops waiting, or stops the run in progress, when ctx
// is done.
func (s *Session) Run(ctx context.Context, inputs ...Tensor) ([]Tensor, error) {
	if len(inputs) != len(s.inputs) {
		return nil, fmt.Errorf("onnx: %s takes %d inputs, got %d", s.name, len(s.inputs), len(inputs))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sem }()
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return nil, fmt.Errorf("%w: session %s is closed", ErrUnavailable, s.name)
	}

	in := make([]ort.Value, len(inputs))
	defer func() {
		for _, v := range in {
			if v != nil {
				v.Destroy()
			}
		}
	}()
	for i, t := range inputs {
		n := int64(1)
		for _, d := range t.Shape {
			n *= d
		}
		if len(t.Shape) == 0 || n <= 0 || int64(len(t.Data)) != n {
			return nil, fmt.Errorf("onnx: %s input %d: shape %v does not fit %d values", s.name, i, t.Shape, len(t.Data))
		}
		v, err := ort.NewTensor(ort.NewShape(t.Shape...), t.Data)
		if err != nil {
			return nil, fmt.Errorf("onnx: %s input %d: %w", s.name, i, err)
		}
		in[i] = v
	}
	out := make([]ort.Value, len(s.outputs))
	defer func() {
		for _, v := range out {
			if v != nil {
				v.Destroy()
			}
		}
	}()

	var runOpts *ort.RunOptions
	if ctx.Done() != nil {
		ro, err := ort.NewRunOptions()
		if err != nil {
			return nil, fmt.Errorf("onnx: %s run options: %w", s.name, err)
		}
		defer ro.Destroy()
		runOpts = ro
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			select {
			case <-ctx.Done():
				_ = ro.Terminate()
			case <-stop:
			}
		}()
	}
	if err := s.s.RunWithOptions(in, out, runOpts); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("onnx: running %s: %w", s.name, err)
	}
	res := make([]Tensor, len(out))
	for i, v := range out {
		t, ok := v.(*ort.Tensor[float32])
		if !ok {
			return nil, fmt.Errorf("onnx: %s output %d is not a float32 tensor", s.name, i)
		}
		res[i] = Tensor{Shape: []int64(t.GetShape()), Data: t.GetData()}
	}
	return res, nil
}

// Close releases the model. Runs in progress finish first; later runs fail with ErrUnavailable.
func (s *Session) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.s.Destroy()
}
