package sqlstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kycd/kycd/kyc"
)

// seedApplicants creates n applicants, each with two level states and four attempts with reasons:
// the shape the applicant endpoint reads.
func seedApplicants(b *testing.B, db *DB, n int) []string {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, 0, n)
	err := db.Update(ctx, func(tx kyc.Tx) error {
		for i := range n {
			a := newApplicant(i)
			a.ExternalID = fmt.Sprintf("bench-%d", i)
			if err := tx.CreateApplicant(ctx, a); err != nil {
				return err
			}
			ids = append(ids, a.ID)
			for _, l := range []string{"basic", "advanced"} {
				if err := tx.PutLevelState(ctx, &kyc.LevelState{ApplicantID: a.ID, Level: l, Status: kyc.ActionRequired, UpdatedAt: at(i)}); err != nil {
					return err
				}
			}
			prof := a.Profile
			for k, step := range []kyc.Step{kyc.StepProfile, kyc.StepIdentity, kyc.StepSelfie, kyc.StepLiveness} {
				row := &kyc.Attempt{ID: kyc.NewID("att", at(i)), ApplicantID: a.ID, SubmissionID: "sub_1", Step: step, Number: 1,
					Status: kyc.AttemptRetry, CreatedAt: at(i + k), Reasons: []kyc.Reason{kyc.Explain(kyc.NewFinding(kyc.ImgGlare, kyc.SideFront, map[string]any{"score": 0.8}), kyc.Retry)}}
				if step == kyc.StepProfile {
					row.Profile = &prof
				}
				if step == kyc.StepIdentity {
					row.Identity = &kyc.IdentityChoice{DocType: kyc.DocPassport, Country: "GBR"}
				}
				if err := tx.CreateAttempt(ctx, row); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkApplicantRead is the read behind GET /applicants/{id}: the applicant, its level states
// and its attempts, from parallel readers.
func BenchmarkApplicantRead(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			db := be.setup(b)
			ids := seedApplicants(b, db, 1000)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := ids[rand.IntN(len(ids))]
					if _, err := db.GetApplicant(ctx, id); err != nil {
						b.Fatal(err)
					}
					if _, err := db.ListLevelStates(ctx, id); err != nil {
						b.Fatal(err)
					}
					if _, err := db.ListAttempts(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkUpdate is one small write transaction with an audit append.
func BenchmarkUpdate(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			db := be.setup(b)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				err := db.Update(ctx, func(tx kyc.Tx) error {
					if err := tx.CreateEvent(ctx, &kyc.EventRecord{ID: kyc.NewID("evt", t0), Type: kyc.EventDecision,
						Data: map[string]any{"n": i}, CreatedAt: t0}); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, auditEntry(i, "app_bench"))
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFaceScan is the duplicate-face search of one selfie over 10,000 applicants' 512-float
// embeddings: every mark read in pages of 2,000 (as the service does) and compared by cosine.
func BenchmarkFaceScan(b *testing.B) {
	const n, dim = 10_000, 512
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			db := be.setup(b)
			ctx := context.Background()
			r := rand.New(rand.NewPCG(1, 2))
			vec := func() []float32 {
				v := make([]float32, dim)
				for i := range v {
					v[i] = float32(r.NormFloat64())
				}
				return v
			}
			for chunk := 0; chunk < n; chunk += 1000 {
				err := db.Update(ctx, func(tx kyc.Tx) error {
					for i := chunk; i < chunk+1000; i++ {
						a := newApplicant(i)
						a.ExternalID = fmt.Sprintf("face-%d", i)
						if err := tx.CreateApplicant(ctx, a); err != nil {
							return err
						}
						if err := tx.PutIdentityMark(ctx, &kyc.IdentityMark{ApplicantID: a.ID, Kind: kyc.MarkFace,
							Key: "model", Vector: vec(), SubmissionID: "sub", CreatedAt: at(i)}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			q := vec()
			b.ResetTimer()
			for b.Loop() {
				after, seen, best := "", 0, -1.0
				for {
					page, err := db.ListIdentityMarks(ctx, kyc.MarkFace, "model", after, 2000)
					if err != nil {
						b.Fatal(err)
					}
					for _, m := range page {
						after, seen = m.ApplicantID, seen+1
						var dot float64
						for i := range q {
							dot += float64(q[i]) * float64(m.Vector[i])
						}
						best = max(best, dot)
					}
					if len(page) < 2000 {
						break
					}
				}
				if seen != n {
					b.Fatalf("scanned %d marks, want %d", seen, n)
				}
			}
		})
	}
}
