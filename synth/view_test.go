package synth

import (
	"fmt"
	"os"
	"testing"

	"github.com/kycd/kycd/kyc"
)

func TestDumpSamples(t *testing.T) {
	dir := os.Getenv("SYNTH_DUMP")
	if dir == "" {
		t.Skip("set SYNTH_DUMP=dir to write sample photos")
	}
	codes := append([]kyc.Code{""}, QualityCodes...)
	for i, c := range codes {
		for _, bl := range []bool{false, true} {
			s := Render(Spec{Seed: uint64(100 + i), Defect: c, Borderline: bl})
			name := fmt.Sprintf("%s/%02d_%s_%v.jpg", dir, i, c, bl)
			os.WriteFile(name, s.JPEG, 0o644)
			t.Logf("%s labels=%v dc=%v truth=%v", name, s.Labels, s.DontCare, s.Truth)
		}
	}
}
