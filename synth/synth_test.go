package synth

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kycd/kycd/kyc"
)

func TestRenderDeterministic(t *testing.T) {
	t.Parallel()
	// A low-resolution sample has a small frame: cheap to render twice, even under -race.
	spec := Spec{Seed: 77, Defect: kyc.ImgLowResolution}
	a, b := Render(spec), Render(spec)
	if !bytes.Equal(a.JPEG, b.JPEG) {
		t.Fatal("the same spec rendered two different photos")
	}
	if len(a.Quads) != 1 || a.Truth["px_per_mm"] <= 0 {
		t.Fatalf("missing ground truth: %v %v", a.Quads, a.Truth)
	}
	if !hasCode(a.Labels, kyc.ImgLowResolution) || a.Truth["px_per_mm"] >= TruthMinPxPerMM {
		t.Errorf("labels %v at %.2f px/mm", a.Labels, a.Truth["px_per_mm"])
	}
}

func hasCode(cs []kyc.Code, c kyc.Code) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
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

// TestLabelsFollowTruth checks the labelling of geometry against the physical ground truth,
// on quads placed by hand (no rendering): the thresholds and their ambiguity bands.
func TestLabelsFollowTruth(t *testing.T) {
	t.Parallel()
	const fw, fh = 1600, 1200
	wmm, hmm := IDCard.SizeMM()
	card := func(pxmm, cx, cy float64) [4][2]float64 {
		a, b := wmm*pxmm/2, hmm*pxmm/2
		return [4][2]float64{{cx - a, cy - b}, {cx + a, cy - b}, {cx + a, cy + b}, {cx - a, cy + b}}
	}
	tests := []struct {
		name     string
		spec     Spec
		quads    [][4][2]float64
		want     []kyc.Code
		dontCare []kyc.Code
	}{
		{"clean", Spec{}, [][4][2]float64{card(12, 800, 600)}, nil, nil},
		// 0.1 of the frame: too small; 5.9 px/mm is inside the resolution's band.
		{"small", Spec{Defect: kyc.ImgDocTooSmall}, [][4][2]float64{card(5.9, 800, 600)}, []kyc.Code{kyc.ImgDocTooSmall}, []kyc.Code{kyc.ImgLowResolution}},
		{"share band", Spec{}, [][4][2]float64{card(8.9, 800, 600)}, nil, []kyc.Code{kyc.ImgDocTooSmall}},
		{"low resolution", Spec{}, [][4][2]float64{card(4.5, 200, 150)}, []kyc.Code{kyc.ImgDocTooSmall, kyc.ImgLowResolution}, nil},
		// The right edge 10 % of the short side out of the frame.
		{"cut off", Spec{Defect: kyc.ImgCutOff}, [][4][2]float64{card(12, 1600-wmm*6+hmm*1.2, 600)}, []kyc.Code{kyc.ImgCutOff}, nil},
		// Touching the frame (inside by half a pixel): neither.
		{"cut band", Spec{}, [][4][2]float64{card(12, 1600-wmm*6-0.5, 600)}, nil, []kyc.Code{kyc.ImgCutOff}},
		// With no document, the rest cannot be judged.
		{"not found", Spec{Defect: kyc.DocNotFoundInImage}, nil, []kyc.Code{kyc.DocNotFoundInImage}, QualityCodes[1:]},
		{"blurry", Spec{Defect: kyc.ImgBlurry}, [][4][2]float64{card(12, 800, 600)}, []kyc.Code{kyc.ImgBlurry}, nil},
		{"borderline blur", Spec{Defect: kyc.ImgBlurry, Borderline: true}, [][4][2]float64{card(12, 800, 600)}, nil, nil},
	}
	for _, tc := range tests {
		g := &gen{spec: tc.spec, truth: map[string]float64{}}
		s := Sample{Spec: tc.spec, Quads: tc.quads}
		g.label(&s, fw, fh, wmm, hmm)
		if !equalCodes(s.Labels, tc.want) || !equalCodes(s.DontCare, tc.dontCare) {
			t.Errorf("%s: labels %v don't care %v, want %v and %v (truth %v)", tc.name, s.Labels, s.DontCare, tc.want, tc.dontCare, g.truth)
		}
	}
}

func equalCodes(a, b []kyc.Code) bool {
	if len(a) != len(b) {
		return false
	}
	for _, c := range b {
		if !hasCode(a, c) {
			return false
		}
	}
	return true
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
