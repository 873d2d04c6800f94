package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dir, err := defaultTestdata()
	if err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mrz_cheminfo")); err != nil {
		t.Skipf("shared test data not present: %v", err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"-testdata", dir}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, set := range []string{"mrz_cheminfo", "mrz_arg0s1080", "mrz_check_digits", "cn_resident_id",
		"validatorjs_id_passport", "pinyin_pypinyin", "translit_iuliia", "translit_icao9303_arg0s1080", "name_matching_watchman"} {
		if !strings.Contains(out.String(), set) {
			t.Errorf("no line for %s", set)
		}
	}
	// every disagreement must be documented
	for _, line := range strings.Split(out.String(), "\n")[1:] {
		f := strings.Fields(line)
		if strings.HasPrefix(line, "(") { // the closing note
			continue
		}
		if len(f) >= 4 && f[len(f)-3] != "0" {
			t.Errorf("undocumented disagreements: %s", line)
		}
	}
}

func TestRunMissingFolder(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run([]string{"-testdata", filepath.Join(t.TempDir(), "none")}, &out, &errOut); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if code := run([]string{"-bogus"}, &out, &errOut); code != 2 {
		t.Errorf("exit %d for a bad flag, want 2", code)
	}
}
