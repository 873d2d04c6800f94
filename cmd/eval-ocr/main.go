// Command eval-ocr measures kycd's document reading (packages ocr and reading, through the check
// pipeline exactly as the service runs it) on two sets:
//
//   - the specimen document images of ../shared/testdata/mrz_arg0s1080 whose zone the fixture
//     records (images_manifest.jsonl; the two the fixture marks as not matching are left out);
//   - synthetic documents from package synth: passports and ID cards with a zone, clean and
//     degraded (borderline blur, glare, darkness, over-exposure, shadow, cut-off, small, covered,
//     black-and-white and low-resolution photos that the quality check lets through), and
//     Chinese-resident-ID-style cards.
//
// The synthetic documents' ground truth is synth.Sample.Person; the seeds are the -seed flag's
// (held out from the tuning seeds when it differs from them: the default 7 was used for tuning).
//
// It prints, per set, the share of documents with every zone field exact (document number,
// names, nationality, dates, sex, issuing country), the Chinese cards with name and 18-character
// number exact, and per document the reading engine's wall milliseconds and the CPU
// milliseconds of the thread that ran it (inference runs on the calling thread, so this is the
// one-core cost whatever else shares the machine). The quality engine runs first, as in the
// service, and the reader flattens the document with its outline; its time is not counted.
//
//	go run ./cmd/eval-ocr [-n 40] [-seed 7] [-testdata DIR] [-rectify=true] [-v]
//
// It needs the models (scripts/models.sh). It prints no names or numbers unless -v is given, and
// then only fixture or synthetic data.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/mrz"
	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/reading"
	"github.com/kycd/kycd/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// now is the evaluation date: the specimens' zones resolve their two-digit years against it.
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// zoneKeys are the zone fields compared; optional and personal numbers are left out because the
// synthetic documents leave them empty and the specimens' fixtures do not all record them.
var zoneKeys = []string{"document_code", "document_number", "surname", "given_names", "nationality",
	"date_of_birth", "sex", "expiry_date", "issuing_country"}

type outcome struct {
	stages map[string]float64 // milliseconds per stage of the engine (ocr_locate, ocr_det, ...)
	set    string
	ok     bool
	found  bool
	valid  bool
	ms     float64
	cpu    float64  // engine thread CPU milliseconds
	misses []string // field names that differ (with values under -v)
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval-ocr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 40, "synthetic documents per set")
	seed := fs.Uint64("seed", 7, "first synthetic seed")
	dir := fs.String("testdata", "", "shared test data folder (default: ../shared/testdata next to the module root)")
	rectify := fs.Bool("rectify", true, "locate and flatten the document before reading")
	verbose := fs.Bool("v", false, "list every miss with the values read and expected (fixture and synthetic data only)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	detSide := fs.Int("det", 0, "detection long side in pixels (0: the engine's default)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(stderr, "eval-ocr:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "eval-ocr:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	eng := reading.New(reading.Config{NoRectify: !*rectify, OCR: ocr.Options{DetMaxSide: *detSide}})
	if err := eng.Load(); err != nil {
		fmt.Fprintln(stderr, "eval-ocr:", err)
		return 1
	}
	defer eng.Close()
	// As in production: the quality engine locates the document first, and the reader flattens
	// it with that outline. Inference runs on the calling thread (one intra-op thread), so the
	// thread's CPU time is the engine's, whatever else shares the cores.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pipe := check.New(check.Options{Image: imagecheck.Limits{MaxBytes: 20 << 20}},
		check.NewQuality(imagecheck.Thresholds{}), cpuEngine{eng})
	ctx := context.Background()
	var all []outcome

	if *dir == "" {
		*dir = defaultTestdata()
	}
	specimens, err := specimenCases(filepath.Join(*dir, "mrz_arg0s1080"))
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "eval-ocr: specimens skipped: %v\n", err)
	default:
		for _, c := range specimens {
			o, err := readSpecimen(ctx, pipe, c, *verbose)
			if err != nil {
				fmt.Fprintln(stderr, "eval-ocr:", err)
				return 1
			}
			all = append(all, o)
		}
	}

	kinds := []struct {
		set  string
		kind synth.Kind
	}{{"synth passport clean", synth.Passport}, {"synth id_card clean", synth.IDCard}}
	degrade := []kyc.Code{kyc.ImgBlurry, kyc.ImgGlare, kyc.ImgTooDark, kyc.ImgOverexposed, kyc.ImgShadow,
		kyc.ImgCutOff, kyc.ImgDocTooSmall, kyc.ImgDataCovered, kyc.ImgBlackAndWhite, kyc.ImgLowResolution}
	for i := 0; i < *n; i++ {
		for _, k := range kinds {
			spec := synth.Spec{Seed: *seed + uint64(i), Kind: k.kind}
			all = append(all, readSynth(ctx, pipe, k.set, spec, *verbose))
		}
		kind := synth.Passport
		if i%2 == 1 {
			kind = synth.IDCard
		}
		spec := synth.Spec{Seed: *seed + 1000 + uint64(i), Kind: kind, Defect: degrade[i%len(degrade)], Borderline: true}
		all = append(all, readSynth(ctx, pipe, "synth degraded", spec, *verbose))
		all = append(all, readSynth(ctx, pipe, "synth cn_id", synth.Spec{Seed: *seed + 2000 + uint64(i), Kind: synth.CNID}, *verbose))
	}
	report(stdout, all, *verbose)
	return 0
}

type specimen struct {
	File  string   `json:"file"`
	Case  string   `json:"associated_case"`
	Lines []string `json:"associated_mrz_lines"`
	Basis string   `json:"association_basis"`
}

// notMatching are the specimens whose image the fixture says does not carry the recorded zone.
var notMatching = map[string]bool{"images/id_cards/Malta_BAD.png": true, "images/visas/Germany.png": true}

func specimenCases(dir string) ([]specimen, error) {
	f, err := os.Open(filepath.Join(dir, "images_manifest.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []specimen
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var s specimen
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, err
		}
		if len(s.Lines) == 0 || notMatching[s.File] {
			continue
		}
		s.File = filepath.Join(dir, s.File)
		out = append(out, s)
	}
	return out, sc.Err()
}

func readSpecimen(ctx context.Context, pipe *check.Pipeline, c specimen, verbose bool) (outcome, error) {
	data, err := os.ReadFile(c.File)
	if err != nil {
		return outcome{}, err
	}
	truth, err := mrz.Parse(c.Lines, now)
	if err != nil {
		return outcome{}, fmt.Errorf("%s: fixture zone does not parse: %w", c.File, err)
	}
	want := map[string]string{}
	tf := truth.Fields
	for k, v := range map[string]string{"document_code": tf.DocumentCode, "document_number": tf.DocumentNumber,
		"surname": tf.Surname, "given_names": tf.GivenNames, "nationality": tf.Nationality,
		"date_of_birth": tf.DateOfBirth, "sex": tf.Sex, "expiry_date": tf.ExpiryDate, "issuing_country": tf.IssuingCountry} {
		want[k] = v
	}
	res, ms, err := checkDoc(ctx, pipe, data)
	if err != nil {
		return outcome{}, err
	}
	o := compareZone("specimens", res, want, verbose)
	o.ms, o.cpu, o.stages = ms, res.TimingsMS["ocr_cpu"], stages(res)
	if verbose && !o.ok {
		o.misses = append(o.misses, filepath.Base(c.File))
	}
	return o, nil
}

func checkDoc(ctx context.Context, pipe *check.Pipeline, data []byte) (*kyc.CheckResult, float64, error) {
	in := &kyc.CheckInput{Front: &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: data}, Now: now}
	res, err := pipe.Check(ctx, in)
	if err != nil {
		return nil, 0, err
	}
	return res, res.TimingsMS["ocr"], nil
}

// cpuEngine records the CPU time of the thread that ran the reading engine as ocr_cpu: unlike
// the wall time it does not grow when other work shares the cores.
type cpuEngine struct{ *reading.Engine }

func (e cpuEngine) Check(ctx context.Context, in *check.Input, res *kyc.CheckResult) error {
	c0 := threadCPU()
	err := e.Engine.Check(ctx, in, res)
	res.Time("ocr_cpu", threadCPU()-c0)
	return err
}

// threadCPU is the CPU time the calling thread has used (user and system, RUSAGE_THREAD).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func stages(res *kyc.CheckResult) map[string]float64 {
	out := map[string]float64{}
	for k, v := range res.TimingsMS {
		if strings.HasPrefix(k, "ocr_") {
			out[k] = v
		}
	}
	return out
}

func compareZone(set string, res *kyc.CheckResult, want map[string]string, verbose bool) outcome {
	o := outcome{set: set}
	var got map[string]string
	if res.Document != nil && res.Document.MRZ != nil {
		o.found = true
		o.valid = res.Document.MRZ.Valid
		got = res.Document.MRZ.Fields
	}
	o.ok = o.found
	for _, k := range zoneKeys {
		w, ok := want[k]
		if !ok {
			continue
		}
		if got[k] != w {
			o.ok = false
			miss := k
			if verbose {
				miss = fmt.Sprintf("%s: read %q want %q", k, got[k], w)
			}
			o.misses = append(o.misses, miss)
		}
	}
	return o
}

var errNoTruth = errors.New("synthetic sample without ground truth (no document in the photo)")

func readSynth(ctx context.Context, pipe *check.Pipeline, set string, spec synth.Spec, verbose bool) outcome {
	s := synth.Render(spec)
	res, ms, err := checkDoc(ctx, pipe, s.JPEG)
	if err != nil {
		return outcome{set: set, misses: []string{"error: " + err.Error()}}
	}
	p := s.Person
	var o outcome
	switch {
	case p == nil:
		o = outcome{set: set, misses: []string{errNoTruth.Error()}}
	case spec.Kind == synth.CNID:
		o = outcome{set: set}
		f := map[string]string{}
		if res.Document != nil {
			f = res.Document.Fields
		}
		name := f["full_name"]
		if f["native_name"] != "" {
			name = f["native_name"]
		}
		o.found = f["document_number"] != ""
		o.valid = o.found && !hasCode(res, kyc.DocNumberInvalid)
		o.ok = name == p.CNName && f["document_number"] == p.NationalID
		if !o.ok {
			o.misses = append(o.misses, missCN(name, f["document_number"], p, verbose))
		}
	default:
		want := map[string]string{"document_code": p.DocumentCode, "document_number": p.Number, "surname": p.Surname,
			"given_names": p.Given, "nationality": p.Nationality, "date_of_birth": p.DateOfBirth, "sex": p.Sex,
			"expiry_date": p.ExpiryDate, "issuing_country": p.IssuingCountry}
		o = compareZone(set, res, want, verbose)
	}
	o.ms, o.cpu, o.stages = ms, res.TimingsMS["ocr_cpu"], stages(res)
	if verbose && !o.ok {
		o.misses = append(o.misses, fmt.Sprintf("seed=%d kind=%s defect=%s", spec.Seed, spec.Kind, spec.Defect))
		if res.Document != nil && res.Document.MRZ != nil {
			o.misses = append(o.misses, fmt.Sprintf("zone %q", res.Document.MRZ.Raw))
		}
	}
	return o
}

func missCN(name, number string, p *synth.Person, verbose bool) string {
	if !verbose {
		return "cn fields"
	}
	return fmt.Sprintf("cn: read %q %q want %q %q", name, number, p.CNName, p.NationalID)
}

func hasCode(res *kyc.CheckResult, c kyc.Code) bool {
	for _, f := range res.Findings {
		if f.Code == c {
			return true
		}
	}
	return false
}

func report(w io.Writer, all []outcome, verbose bool) {
	sets := []string{}
	by := map[string][]outcome{}
	for _, o := range all {
		if _, ok := by[o.set]; !ok {
			sets = append(sets, o.set)
		}
		by[o.set] = append(by[o.set], o)
	}
	fmt.Fprintf(w, "%-22s %5s %8s %8s %8s %8s %8s %8s %8s\n", "set", "docs", "exact%", "found%", "valid%", "ms p50", "ms p90",
		"cpu p50", "cpu p90")
	var msAll, cpuAll []float64
	notes := map[string]bool{}
	for _, s := range sets {
		group := by[s]
		var ok, found, valid int
		var ms, cpu []float64
		for _, o := range group {
			if o.ok {
				ok++
			}
			if o.found {
				found++
			}
			if o.valid {
				valid++
			}
			ms = append(ms, o.ms)
			msAll = append(msAll, o.ms)
			cpu = append(cpu, o.cpu)
			cpuAll = append(cpuAll, o.cpu)
			for _, m := range o.misses {
				if m == errNoTruth.Error() {
					notes[m] = true
				}
			}
		}
		sort.Float64s(ms)
		sort.Float64s(cpu)
		pct := func(k int) float64 { return 100 * float64(k) / float64(len(group)) }
		fmt.Fprintf(w, "%-22s %5d %8.1f %8.1f %8.1f %8.0f %8.0f %8.0f %8.0f\n", s, len(group), pct(ok), pct(found), pct(valid),
			ms[len(ms)/2], ms[len(ms)*9/10], cpu[len(cpu)/2], cpu[len(cpu)*9/10])
	}
	sort.Float64s(msAll)
	if len(msAll) > 0 {
		var sum, sumCPU float64
		for i, v := range msAll {
			sum += v
			sumCPU += cpuAll[i]
		}
		fmt.Fprintf(w, "all: %d documents, %.0f ms wall and %.0f ms CPU per document on average (reading engine: OCR and parsing; the quality engine's locating is not included)\n",
			len(msAll), sum/float64(len(msAll)), sumCPU/float64(len(msAll)))
		st := map[string]float64{}
		for _, o := range all {
			for k, v := range o.stages {
				st[k] += v
			}
		}
		var keys []string
		for k := range st {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprint(w, "mean ms per stage:")
		for _, k := range keys {
			fmt.Fprintf(w, " %s %.0f", strings.TrimPrefix(k, "ocr_"), st[k]/float64(len(all)))
		}
		fmt.Fprintln(w)
	}
	for n := range notes {
		fmt.Fprintln(w, "note:", n)
	}
	if verbose {
		for _, o := range all {
			if !o.ok {
				fmt.Fprintf(w, "miss [%s] %s\n", o.set, strings.Join(o.misses, "; "))
			}
		}
	}
}

// defaultTestdata is ../shared/testdata next to the module root (the folder holding go.mod).
func defaultTestdata() string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", "testdata")
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "testdata")
		}
		if filepath.Dir(d) == d {
			return filepath.Join("..", "shared", "testdata")
		}
	}
}
