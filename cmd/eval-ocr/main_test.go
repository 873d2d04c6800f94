package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command's full run (models, rendering) is exercised with `go run ./cmd/eval-ocr`; these
// tests cover its parts that need neither.

func TestReport(t *testing.T) {
	t.Parallel()
	all := []outcome{
		{set: "a", ok: true, found: true, valid: true, ms: 100, stages: map[string]float64{"ocr_det": 40}},
		{set: "a", ok: false, found: true, ms: 300, misses: []string{"surname"}},
		{set: "b", ok: true, ms: 50},
	}
	var out bytes.Buffer
	report(&out, all, true)
	s := out.String()
	for _, want := range []string{"a                          2     50.0    100.0     50.0", "b   ", "mean ms per stage: det 13", "miss [a] surname"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
}

func TestSpecimenCases(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(defaultTestdata(), "mrz_arg0s1080")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test data not present: %v", err)
	}
	cs, err := specimenCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 15 {
		t.Errorf("%d specimens", len(cs))
	}
	for _, c := range cs {
		if strings.HasSuffix(c.File, "Malta_BAD.png") || strings.HasSuffix(c.File, filepath.Join("visas", "Germany.png")) || len(c.Lines) == 0 {
			t.Errorf("specimen %s should be left out", c.File)
		}
	}
}

func TestRunBadFlag(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run([]string{"-bogus"}, &out, &errOut); code != 2 {
		t.Errorf("exit %d for a bad flag, want 2", code)
	}
}
