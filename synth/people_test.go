package synth

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/mrz"
	"github.com/kycd/kycd/natid"
)

// TestPersonTruth checks that a sample's ground truth is what its document carries: the zone
// lines verify and parse to the recorded fields, and the Chinese-style card's number is valid
// and embeds the recorded birth date and sex.
func TestPersonTruth(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for seed := uint64(1); seed <= 30; seed++ {
		p := invent(rand.New(rand.NewPCG(seed, 1)))
		for _, k := range []Kind{Passport, IDCard} {
			tr := p.truth(k)
			r, err := mrz.Parse(tr.MRZ, now)
			if err != nil || !r.Valid {
				t.Fatalf("seed %d %s: zone does not verify: %v", seed, k, err)
			}
			f := r.Fields
			if f.DocumentCode != tr.DocumentCode || f.DocumentNumber != tr.Number || f.Surname != tr.Surname ||
				f.GivenNames != tr.Given || f.DateOfBirth != tr.DateOfBirth || f.ExpiryDate != tr.ExpiryDate ||
				f.Sex != tr.Sex || f.Nationality != tr.Nationality || f.IssuingCountry != tr.IssuingCountry {
				t.Fatalf("seed %d %s: zone %+v, truth %+v", seed, k, f, tr)
			}
		}
		tr := p.truth(CNID)
		info, err := natid.NewCHN(&kyc.FixedClock{T: now}).Validate(tr.NationalID)
		if err != nil || info.DateOfBirth != tr.DateOfBirth || info.Sex != tr.Sex {
			t.Fatalf("seed %d: national number %v, birth %s sex %s, want %s %s", seed, err, info.DateOfBirth,
				info.Sex, tr.DateOfBirth, tr.Sex)
		}
		if tr.MRZ != nil || tr.Nationality != "CHN" || tr.CNName == "" {
			t.Fatalf("seed %d: Chinese-style card truth %+v", seed, tr)
		}
	}
	// A low-resolution photo renders fast, also under the race detector.
	s := Render(Spec{Seed: 3, Kind: IDCard, Defect: kyc.ImgLowResolution})
	if s.Person == nil || s.Person.DocumentCode != "I" || len(s.Person.MRZ) != 3 {
		t.Fatalf("rendered sample's truth: %+v", s.Person)
	}
}
