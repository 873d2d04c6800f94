package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunSmallCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("renders photos")
	}
	var out, errb bytes.Buffer
	if code := run([]string{"-n", "4", "-seed", "7", "-workers", "2"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"synthetic corpus: 4 photos", "IMG_BLURRY", "clean photos falsely rejected", "ms per image"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunBadFlag(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if code := run([]string{"-nope"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
