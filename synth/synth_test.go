package synth

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kycd/kycd/kyc"
)

func TestRenderDeterministic(t *testing.T) {
	t.Parallel()
	spec := Spec{Seed: 77, Defect: kyc.ImgGlare}
	a, b := Render(spec), Render(spec)
	if !bytes.Equal(a.JPEG, b.JPEG) {
		t.Fatal("the same spec rendered two different photos")
	}
	if len(a.Quads) != 1 || a.Truth["px_per_mm"] <= 0 {
		t.Fatalf("missing ground truth: %v %v", a.Quads, a.Truth)
	}
}

func TestCorpusMix(t *testing.T) {
	t.Parallel()
	specs := Corpus(240, 5)
	clean, border, defects := 0, 0, map[kyc.Code]int{}
	for _, s := range specs {
		switch {
		case s.Defect == "":
			clean++
		case s.Borderline:
			border++
		default:
			defects[s.Defect]++
		}
	}
	if clean != 96 || border != 48 || len(defects) != len(QualityCodes) {
		t.Fatalf("clean %d borderline %d defects %v", clean, border, defects)
	}
	for c, n := range defects {
		if n != 8 || !c.Known() {
			t.Errorf("%s: %d samples", c, n)
		}
	}
	if Corpus(10, 5)[3] != specs[3] {
		t.Error("a corpus prefix depends on n")
	}
}

func TestLabelsFollowTruth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec Spec
		want kyc.Code
	}{
		{Spec{Seed: 3, Defect: kyc.ImgDocTooSmall}, kyc.ImgDocTooSmall},
		{Spec{Seed: 3, Defect: kyc.ImgCutOff}, kyc.ImgCutOff},
		{Spec{Seed: 3, Defect: kyc.ImgLowResolution}, kyc.ImgLowResolution},
		{Spec{Seed: 3, Defect: kyc.DocNotFoundInImage}, kyc.DocNotFoundInImage},
	}
	for _, tc := range tests {
		s := Render(tc.spec)
		found := false
		for _, l := range s.Labels {
			found = found || l == tc.want
		}
		if !found {
			t.Errorf("%s: labels %v truth %v", tc.spec.Defect, s.Labels, s.Truth)
		}
	}
	// A borderline photo is labelled clean.
	if s := Render(Spec{Seed: 3, Defect: kyc.ImgBlurry, Borderline: true}); len(s.Labels) != 0 {
		t.Errorf("borderline blur labelled %v", s.Labels)
	}
}

func TestMRZCheckDigits(t *testing.T) {
	t.Parallel()
	// ICAO 9303 specimen: L898902C3 → check digit 6; 740812 → 2; 120415 → 9.
	for s, want := range map[string]byte{"L898902C3": '6', "740812": '2', "120415": '9'} {
		if got := icaoCheck(s); got != want {
			t.Errorf("icaoCheck(%s) = %c, want %c", s, got, want)
		}
	}
	p := person{Surname: "ERIKSSON", Given: "ANNA", Sex: "F", Birth: [3]int{1974, 8, 12}, Expiry: [3]int{2012, 4, 15}, Number: "L898902C3"}
	l := p.mrzTD3()
	if len(l[0]) != 44 || len(l[1]) != 44 || !strings.HasPrefix(l[1], "L898902C36UTO7408122F1204159") {
		t.Errorf("TD3 %q", l)
	}
	if td1 := p.mrzTD1(); len(td1) != 3 || len(td1[0]) != 30 || len(td1[1]) != 30 || len(td1[2]) != 30 {
		t.Errorf("TD1 %q", td1)
	}
	// GB 11643 example: 11010519491231002 → X.
	if got := cnCheck("11010519491231002"); got != "X" {
		t.Errorf("cnCheck = %s, want X", got)
	}
}
