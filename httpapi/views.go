package httpapi

import "github.com/kycd/kycd/kyc"

// What an applicant token sees. Reasons lose their internal detail (scores, thresholds: for
// reviewers and integrators only, kyc.Reason.Public), and cases lose what reviewers write for
// each other. The integrator's key sees everything.

func publicReasons(rs []kyc.Reason) []kyc.Reason {
	if rs == nil {
		return nil
	}
	out := make([]kyc.Reason, len(rs))
	for i, r := range rs {
		out[i] = r.Public()
	}
	return out
}

func viewFor(p *principal, v *kyc.ApplicantView) *kyc.ApplicantView {
	if !p.isApplicant() {
		return v
	}
	c := *v
	c.Reasons = publicReasons(v.Reasons)
	c.Steps = make([]kyc.StepView, len(v.Steps))
	for i, sv := range v.Steps {
		sv.Reasons = publicReasons(sv.Reasons)
		c.Steps[i] = sv
	}
	return &c
}

func fileFor(p *principal, f *kyc.File) *kyc.File {
	if !p.isApplicant() {
		return f
	}
	c := *f
	c.Reasons = publicReasons(f.Reasons)
	return &c
}

func submissionFor(p *principal, s *kyc.Submission) *kyc.Submission {
	if !p.isApplicant() {
		return s
	}
	c := *s
	c.Reasons = publicReasons(s.Reasons)
	c.Result = nil
	return &c
}

func caseFor(p *principal, k *kyc.Case) *kyc.Case {
	if !p.isApplicant() {
		return k
	}
	c := *k
	c.Reasons = publicReasons(k.Reasons)
	c.ClaimedBy, c.Proposed = "", nil
	if k.Decision != nil {
		d := *k.Decision
		d.InternalNote, d.By, d.SecondBy = "", "", ""
		c.Decision = &d
	}
	return &c
}
