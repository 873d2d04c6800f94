// Package onnx is kycd's small wrapper around ONNX Runtime, the one inference runtime the OCR and
// face engines share. It loads the runtime library once per process, opens each model once as a
// Session that concurrent check jobs reuse, and turns every way of being unable to run (library
// or model file missing, a model that does not load) into an error wrapping ErrUnavailable, which
// the check pipeline reports as CHECK_UNAVAILABLE and retries, instead of a crash.
//
// Models and the runtime library live in one folder (Dir): by default .cache/models under the
// repository root, filled by scripts/models.sh from models.lock; an operator points
// KYCD_MODELS_DIR at their own folder to use other models. Nothing is downloaded at run time.
//
// Tensors cross the boundary as plain Go values (shape + float32 data), so callers never touch
// cgo types and the package can be swapped without touching the engines.
package onnx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// Environment variables an operator sets to relocate the models.
const (
	// EnvModelsDir names the folder holding the models (and, by default, the runtime library).
	EnvModelsDir = "KYCD_MODELS_DIR"
	// EnvLibrary names the ONNX Runtime shared library when it is not in the models folder (a
	// system-wide install, another platform).
	EnvLibrary = "KYCD_ONNXRUNTIME_LIB"
)

// LibraryFile is where scripts/models.sh puts the runtime library inside the models folder.
const LibraryFile = "onnxruntime/libonnxruntime.so.1"

// ErrUnavailable is wrapped by every error that means "cannot run inference here": the runtime
// library or a model is missing or does not load. The pipeline treats it as a system failure to
// retry, never as a finding about the applicant's document.
var ErrUnavailable = errors.New("onnx: inference unavailable")

// DefaultDir returns the models folder: $KYCD_MODELS_DIR when set, else .cache/models under the
// nearest ancestor of the working directory that holds models.lock (the repository root, so
// tests in any package find the same cache), else .cache/models relative to the working
// directory.
func DefaultDir() string {
	if d := os.Getenv(EnvModelsDir); d != "" {
		return d
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "models.lock")); err == nil {
				return filepath.Join(d, ".cache", "models")
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return filepath.Join(".cache", "models")
}

// Config says where the runtime and models are and how inference may use the CPU.
type Config struct {
	// Dir is the models folder; DefaultDir() when empty. Relative model paths given to Open are
	// resolved against it.
	Dir string
	// Library is the ONNX Runtime shared library; $KYCD_ONNXRUNTIME_LIB, else Dir/LibraryFile,
	// when empty.
	Library string
	// IntraOpThreads is the threads one inference may use. Default 1: on the 2-core machines
	// kycd targets one thread per run was faster than two, and concurrent jobs use the others.
	IntraOpThreads int
	// MaxConcurrent bounds the runs in flight per session (ONNX Runtime sessions accept
	// concurrent runs). Default GOMAXPROCS.
	MaxConcurrent int
}

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
	if cfg.Dir == "" {
		cfg.Dir = DefaultDir()
	}
	if cfg.Library == "" {
		cfg.Library = os.Getenv(EnvLibrary)
	}
	if cfg.Library == "" {
		cfg.Library = filepath.Join(cfg.Dir, LibraryFile)
	}
	if cfg.IntraOpThreads <= 0 {
		cfg.IntraOpThreads = 1
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = runtime.GOMAXPROCS(0)
	}
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

// Dir is the models folder sessions are opened from.
func (r *Runtime) Dir() string { return r.cfg.Dir }

// Path resolves a model path: absolute paths stay, relative ones are under Dir.
func (r *Runtime) Path(model string) string {
	if filepath.IsAbs(model) {
		return model
	}
	return filepath.Join(r.cfg.Dir, model)
}

// Tensor is a dense float32 tensor in row-major order. Len(Data) must equal the product of
// Shape for inputs; outputs always satisfy it.
type Tensor struct {
	Shape []int64
	Data  []float32
}

// IO describes one input or output of a model; a dimension of -1 is free (batch, width).
type IO struct {
	Name  string
	Shape []int64
}

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

// Name is the model's file name, for errors and logs.
func (s *Session) Name() string { return s.name }

// Inputs describes the model's inputs in the order Run takes them.
func (s *Session) Inputs() []IO { return s.inputs }

// Outputs describes the model's outputs in the order Run returns them.
func (s *Session) Outputs() []IO { return s.outputs }

// Run runs the model on one tensor per input and returns one tensor per output. It waits for a
// free slot (see Config.MaxConcurrent) and stops waiting, or stops the run in progress, when ctx
// is done.
func (s *Session) Run(ctx context.Context, inputs ...Tensor) ([]Tensor, error) {
	if len(inputs) != len(s.inputs) {
		return nil, fmt.Errorf("onnx: %s takes %d inputs, got %d", s.name, len(s.inputs), len(inputs))
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
