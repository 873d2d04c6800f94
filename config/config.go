// Package config is kycd's one typed configuration: loaded once from a YAML file, then from the
// environment (KYCD_*; secrets also as KYCD_*_FILE naming a file that holds them), validated at
// start-up and printed with secrets masked.
package config

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/kycd/kycd/kyc"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML is the documented default configuration, as shipped.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Config is the whole configuration. Field tags: `env` names the environment override,
// `secret:"true"` masks the value when printed and enables the _FILE variant.
type Config struct {
	Addr      string      `yaml:"addr" env:"KYCD_ADDR"`
	DataDir   string      `yaml:"data_dir" env:"KYCD_DATA_DIR"`
	PublicURL string      `yaml:"public_url" env:"KYCD_PUBLIC_URL"`
	LogLevel  string      `yaml:"log_level" env:"KYCD_LOG_LEVEL"`
	Database  Database    `yaml:"database"`
	Files     Files       `yaml:"files"`
	Tokens    Tokens      `yaml:"tokens"`
	Limits    Limits      `yaml:"limits"`
	Review    Review      `yaml:"review"`
	Liveness  Liveness    `yaml:"liveness"`
	Webhooks  Webhooks    `yaml:"webhooks"`
	Jobs      Jobs        `yaml:"jobs"`
	Checks    Checks      `yaml:"checks"`
	Levels    []kyc.Level `yaml:"levels"`
}

// Checks configures the check engines. A threshold left at 0 takes the engine's documented
// default; every finding's detail names the threshold that applied.
type Checks struct {
	// Engines are the engines that run after the file checks, in order: quality (document photo
	// quality), reading (OCR, MRZ, printed fields, document policy, profile comparison), face
	// (selfie, liveness, face match) and poa (proof of address). Leaving one out turns its
	// checks off.
	Engines []string `yaml:"engines" env:"KYCD_CHECK_ENGINES"`
	// ModelsDir holds ONNX Runtime and the models (scripts/models.sh fills it). Empty: the
	// .cache/models folder beside models.lock, found from the working directory.
	ModelsDir string  `yaml:"models_dir" env:"KYCD_MODELS_DIR"`
	Quality   Quality `yaml:"quality"`
	Face      Face    `yaml:"face"`
	POA       POA     `yaml:"poa"`
	// DuplicateFace is the cosine similarity above which a selfie counts as the face of another
	// applicant (DUPLICATE_FACE, to a reviewer). Stricter than face.match_threshold: it is
	// compared with every applicant, so its false-accept rate multiplies by their number.
	DuplicateFace float64 `yaml:"duplicate_face_threshold"`
}

// Quality holds the image-quality thresholds (imagecheck.Thresholds; 0 = default).
type Quality struct {
	MinFrameShare   float64 `yaml:"min_frame_share"`
	MinPxPerMM      float64 `yaml:"min_px_per_mm"`
	MaxCutOff       float64 `yaml:"max_cut_off"`
	MaxBlurMM       float64 `yaml:"max_blur_mm"`
	MaxGlare        float64 `yaml:"max_glare"`
	MinWhiteLevel   float64 `yaml:"min_white_level"`
	MaxMeanLuma     float64 `yaml:"max_mean_luma"`
	MaxClipped      float64 `yaml:"max_clipped"`
	MaxFrameClipped float64 `yaml:"max_frame_clipped"`
	MinShadowRatio  float64 `yaml:"min_shadow_ratio"`
	MinChroma       float64 `yaml:"min_chroma"`
	MaxCoverDepthMM float64 `yaml:"max_cover_depth_mm"`
	MinCoverShare   float64 `yaml:"min_cover_share"`
	MaxCoverRagged  float64 `yaml:"max_cover_ragged"`
}

// Face holds the face engine's thresholds (face.Config; 0 = default).
type Face struct {
	MatchThreshold  float64 `yaml:"match_threshold" env:"KYCD_FACE_MATCH_THRESHOLD"`
	MinFacePixels   float64 `yaml:"min_face_pixels"`
	MinBrightness   float64 `yaml:"min_brightness"`
	MinSharpness    float64 `yaml:"min_sharpness"`
	EyeOpen         float64 `yaml:"eye_open"`
	TurnAngle       float64 `yaml:"turn_angle"`
	NodAngle        float64 `yaml:"nod_angle"`
	FramesMirrored  bool    `yaml:"frames_mirrored"`
	SpoofBelow      float64 `yaml:"spoof_below"`
	MinFaceFraction float64 `yaml:"min_face_fraction"`
	MaxCutOff       float64 `yaml:"max_cut_off"`
	SameIdentity    float64 `yaml:"same_identity"`
	CopyMAD         float64 `yaml:"copy_mad"`
	CopyShift       float64 `yaml:"copy_shift"`
	// Models are the model files, relative to checks.models_dir or absolute: an operator's own
	// ONNX models with the same inputs and outputs.
	Models FaceModels `yaml:"models"`
}

// FaceModels names the face engine's model files ("" = the bundled one).
type FaceModels struct {
	Detect   string `yaml:"detect"`
	Landmark string `yaml:"landmark"`
	Feature  string `yaml:"feature"`
	Eye      string `yaml:"eye"`
	Pose     string `yaml:"pose"`
	Liveness string `yaml:"liveness"`
}

// POA holds the proof-of-address engine's settings (poa.Config; 0 = default). Its page limit is
// limits.max_pdf_pages; its maximum age and accepted types are per level.
type POA struct {
	DPI              int     `yaml:"dpi"`
	MinPageChars     int     `yaml:"min_page_chars"`
	AddressThreshold float64 `yaml:"address_threshold"`
}

// CheckEngines are the engine names checks.engines accepts.
var CheckEngines = []string{"quality", "reading", "face", "poa"}

// Database selects the store.
type Database struct {
	Driver string `yaml:"driver" env:"KYCD_DATABASE_DRIVER"` // sqlite | postgres
	DSN    string `yaml:"dsn" env:"KYCD_DATABASE_DSN" secret:"true"`
	Schema string `yaml:"schema" env:"KYCD_DATABASE_SCHEMA"`
}

// Files configures encrypted file storage.
type Files struct {
	URL        string   `yaml:"url" env:"KYCD_FILES_URL" secret:"true"`
	KeyFile    string   `yaml:"key_file" env:"KYCD_FILES_KEY_FILE"`
	KeyURL     string   `yaml:"key_url" env:"KYCD_FILES_KEY_URL" secret:"true"`
	OldKeyURLs []string `yaml:"old_key_urls"`
}

// Tokens configures applicant access tokens.
type Tokens struct {
	Secret string   `yaml:"secret" env:"KYCD_TOKEN_SECRET" secret:"true"`
	TTL    Duration `yaml:"ttl" env:"KYCD_TOKEN_TTL"`
}

// Limits bounds what outsiders may send.
type Limits struct {
	MaxImageBytes  int64 `yaml:"max_image_bytes" env:"KYCD_MAX_IMAGE_BYTES"`
	MaxPDFBytes    int64 `yaml:"max_pdf_bytes" env:"KYCD_MAX_PDF_BYTES"`
	MaxPDFPages    int   `yaml:"max_pdf_pages"`
	MaxPixels      int   `yaml:"max_pixels"`
	MaxFrames      int   `yaml:"max_frames"`
	MaxJSONBytes   int64 `yaml:"max_json_bytes"`
	MaxAppealFiles int   `yaml:"max_appeal_files"`
}

// Review configures attempts and the manual-review SLA.
type Review struct {
	MaxAttemptsPerStep int `yaml:"max_attempts_per_step" env:"KYCD_MAX_ATTEMPTS_PER_STEP"`
	SLABusinessDays    int `yaml:"sla_business_days" env:"KYCD_SLA_BUSINESS_DAYS"`
}

// Liveness configures challenges.
type Liveness struct {
	MinActions int      `yaml:"min_actions"`
	MaxActions int      `yaml:"max_actions"`
	TTL        Duration `yaml:"ttl"`
}

// Webhooks configures delivery.
type Webhooks struct {
	Timeout     Duration `yaml:"timeout"`
	RetryWindow Duration `yaml:"retry_window"`
	// AllowPrivate lets endpoints point at loopback and private addresses (tests, same-host
	// integrators). Off by default would be safer; on by default because kycd runs beside the
	// integrator's backend.
	AllowPrivate bool `yaml:"allow_private" env:"KYCD_WEBHOOKS_ALLOW_PRIVATE"`
}

// Jobs tunes the durable job queue.
type Jobs struct {
	Workers      int      `yaml:"workers" env:"KYCD_JOBS_WORKERS"`
	PollInterval Duration `yaml:"poll_interval" env:"KYCD_JOBS_POLL_INTERVAL"`
	JobTimeout   Duration `yaml:"job_timeout" env:"KYCD_JOBS_JOB_TIMEOUT"`
	RescueAfter  Duration `yaml:"rescue_after" env:"KYCD_JOBS_RESCUE_AFTER"`
	CheckRetries int      `yaml:"check_retries"`
}

// Duration is a time.Duration written as "90s", "2m", "72h".
type Duration struct{ time.Duration }

// UnmarshalYAML parses a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	d.Duration = v
	return nil
}

// MarshalJSON prints the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// Load reads the defaults, then the file at path (if not empty), then the environment, and
// validates the result. Unknown keys in the file are errors: a typo must not silently fall back to
// a default.
func Load(path string, getenv func(string) string) (*Config, error) {
	var c Config
	if err := decodeStrict(defaultYAML, &c); err != nil {
		return nil, fmt.Errorf("config: defaults: %w", err)
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		var file Config
		if err := decodeStrict(b, &file); err != nil {
			return nil, fmt.Errorf("config: %s: %w", path, err)
		}
		// Decode again over the defaults so that unset keys keep their default.
		if err := yaml.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("config: %s: %w", path, err)
		}
		if file.Levels != nil {
			c.Levels = file.Levels
		}
	}
	if err := applyEnv(reflect.ValueOf(&c).Elem(), getenv); err != nil {
		return nil, err
	}
	c.fillDerived()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) { // an empty file is fine
		return err
	}
	return nil
}

func applyEnv(v reflect.Value, getenv func(string) string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(Duration{}) {
			if err := applyEnv(fv, getenv); err != nil {
				return err
			}
			continue
		}
		name := f.Tag.Get("env")
		if name == "" {
			continue
		}
		val, set := getenv(name), getenv(name) != ""
		if f.Tag.Get("secret") == "true" {
			if p := getenv(name + "_FILE"); p != "" {
				b, err := os.ReadFile(p)
				if err != nil {
					return fmt.Errorf("config: %s_FILE: %w", name, err)
				}
				val, set = strings.TrimSpace(string(b)), true
			}
		}
		if !set {
			continue
		}
		if err := setValue(fv, val); err != nil {
			return fmt.Errorf("config: %s: %w", name, err)
		}
	}
	return nil
}

func setValue(fv reflect.Value, s string) error {
	switch fv.Interface().(type) {
	case Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(Duration{d}))
		return nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		fv.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		fv.SetBool(b)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return err
		}
		fv.SetFloat(f)
	case reflect.Slice:
		if fv.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("cannot set %s from the environment", fv.Type())
		}
		var items []string
		for _, it := range strings.Split(s, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		fv.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("cannot set %s from the environment", fv.Kind())
	}
	return nil
}

func (c *Config) fillDerived() {
	if c.DataDir == "" {
		c.DataDir = "./data"
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.Files.URL == "" {
		abs, err := filepath.Abs(filepath.Join(c.DataDir, "files"))
		if err == nil {
			c.Files.URL = "file://" + filepath.ToSlash(abs)
		}
	}
	if c.Files.KeyFile == "" && c.Files.KeyURL == "" {
		c.Files.KeyFile = filepath.Join(c.DataDir, "master.keys")
	}
	for i := range c.Levels {
		if c.Levels[i].Policy.Version == "" {
			c.Levels[i].Policy.Version = c.Levels[i].Name + "-1"
		}
	}
}

// Validate reports the first problem of the configuration.
func (c *Config) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if c.Addr == "" {
		bad("addr is empty")
	}
	switch c.Database.Driver {
	case "sqlite":
	case "postgres":
		if c.Database.DSN == "" {
			bad("database.dsn is required for postgres")
		}
	default:
		bad("database.driver must be sqlite or postgres, not %q", c.Database.Driver)
	}
	if c.Files.KeyFile != "" && c.Files.KeyURL != "" {
		bad("files.key_file and files.key_url are exclusive")
	}
	if c.Limits.MaxImageBytes < 1024 || c.Limits.MaxPDFBytes < 1024 || c.Limits.MaxJSONBytes < 1024 {
		bad("limits: byte limits must be at least 1024")
	}
	if c.Limits.MaxPixels < 1_000_000 || c.Limits.MaxFrames < 3 || c.Limits.MaxPDFPages < 1 {
		bad("limits: max_pixels >= 1e6, max_frames >= 3 and max_pdf_pages >= 1 required")
	}
	for _, e := range c.Checks.Engines {
		if !slices.Contains(CheckEngines, e) {
			bad("checks.engines: unknown engine %q (known: %s)", e, strings.Join(CheckEngines, ", "))
		}
	}
	if d := c.Checks.DuplicateFace; d < 0 || d > 1 {
		bad("checks.duplicate_face_threshold must be within 0..1")
	}
	if c.Review.MaxAttemptsPerStep < 1 || c.Review.SLABusinessDays < 0 {
		bad("review: max_attempts_per_step >= 1 and sla_business_days >= 0 required")
	}
	if c.Liveness.MinActions < 1 || c.Liveness.MaxActions < c.Liveness.MinActions ||
		c.Liveness.MaxActions > len(kyc.LivenessActions) || c.Liveness.TTL.Duration < 10*time.Second {
		bad("liveness: 1 <= min_actions <= max_actions <= %d and ttl >= 10s required", len(kyc.LivenessActions))
	}
	if c.Tokens.TTL.Duration < time.Minute || c.Tokens.TTL.Duration > 24*time.Hour {
		bad("tokens.ttl must be between 1m and 24h")
	}
	if c.Webhooks.Timeout.Duration <= 0 || c.Webhooks.RetryWindow.Duration < time.Minute {
		bad("webhooks: timeout > 0 and retry_window >= 1m required")
	}
	if c.Jobs.Workers < 1 || c.Jobs.PollInterval.Duration <= 0 || c.Jobs.JobTimeout.Duration <= 0 ||
		c.Jobs.RescueAfter.Duration <= c.Jobs.JobTimeout.Duration || c.Jobs.CheckRetries < 1 {
		bad("jobs: workers >= 1, poll_interval > 0, rescue_after > job_timeout > 0, check_retries >= 1 required")
	}
	if len(c.Levels) == 0 {
		bad("no levels configured")
	}
	seen := map[string]bool{}
	for i, l := range c.Levels {
		if l.Name == "" || seen[l.Name] {
			bad("levels[%d]: name empty or repeated", i)
		}
		seen[l.Name] = true
		if len(l.Steps) == 0 {
			bad("level %s: no steps", l.Name)
		}
		for _, s := range l.Steps {
			if !s.Valid() {
				bad("level %s: unknown step %q", l.Name, s)
			}
		}
		for country, types := range l.Documents {
			if country != "*" && len(country) != 3 {
				bad("level %s: documents: %q is not an ISO 3166 alpha-3 code", l.Name, country)
			}
			for _, t := range types {
				if !t.Valid() {
					bad("level %s: documents[%s]: unknown type %q", l.Name, country, t)
				}
			}
		}
		if _, err := kyc.DefaultPolicy().WithOverrides(l.Policy.Version, l.Policy.Overrides); err != nil {
			bad("level %s: %v", l.Name, err)
		}
		if l.MinAge < 0 || l.POAMaxAgeDays < 0 {
			bad("level %s: min_age and poa_max_age_days must not be negative", l.Name)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Masked returns the configuration as JSON with every secret replaced by "***".
func (c *Config) Masked() string {
	m := maskStruct(reflect.ValueOf(*c))
	b, _ := json.MarshalIndent(m, "", "  ")
	return string(b)
}

func maskStruct(v reflect.Value) any {
	t := v.Type()
	out := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		fv := v.Field(i)
		switch {
		case f.Tag.Get("secret") == "true":
			if fv.String() != "" {
				out[name] = "***"
			} else {
				out[name] = ""
			}
		case f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(Duration{}):
			out[name] = maskStruct(fv)
		default:
			out[name] = fv.Interface()
		}
	}
	return out
}

// Level returns the level named name.
func (c *Config) Level(name string) (*kyc.Level, bool) {
	for i := range c.Levels {
		if c.Levels[i].Name == name {
			return &c.Levels[i], true
		}
	}
	return nil, false
}

// LevelNames lists the levels in their configured order (lowest first).
func (c *Config) LevelNames() []string {
	out := make([]string, len(c.Levels))
	for i, l := range c.Levels {
		out[i] = l.Name
	}
	return out
}
