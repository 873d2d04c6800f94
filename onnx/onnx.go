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
	"errors"
	"os"
	"path/filepath"
	"runtime"
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
	// The checkout holding models.lock, found from the working directory, then from the
	// executable's folder (bin/kycd run from elsewhere).
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, start := range starts {
		for d := start; ; d = filepath.Dir(d) {
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

// withDefaults fills the zero fields of cfg.
func (cfg Config) withDefaults() Config {
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
	return cfg
}

// Path resolves a model path: absolute paths stay, relative ones are under Dir.
func (r *Runtime) Path(model string) string {
	if filepath.IsAbs(model) {
		return model
	}
	return filepath.Join(r.cfg.Dir, model)
}

// Dir is the models folder sessions are opened from.
func (r *Runtime) Dir() string { return r.cfg.Dir }

// Name is the model's file name, for errors and logs.
func (s *Session) Name() string { return s.name }

// Inputs describes the model's inputs in the order Run takes them.
func (s *Session) Inputs() []IO { return s.inputs }

// Outputs describes the model's outputs in the order Run returns them.
func (s *Session) Outputs() []IO { return s.outputs }

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
