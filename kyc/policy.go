package kyc

import (
	"fmt"
	"sort"
)

// Rule maps one reason code to a disposition. Escalate, when set, replaces the disposition once
// the step has been attempted EscalateAfter times: MRZ_INVALID is a RETRY at first and goes to a
// human when retrying does not help.
type Rule struct {
	Disposition   Disposition `json:"disposition" yaml:"disposition"`
	EscalateAfter int         `json:"escalate_after,omitempty" yaml:"escalate_after,omitempty"`
	Escalate      Disposition `json:"escalate,omitempty" yaml:"escalate,omitempty"`
}

// Policy is a level's versioned mapping of codes to dispositions. The version is stored with every
// decision so a past decision can be explained after the policy changed.
type Policy struct {
	Version string        `json:"version"`
	Rules   map[Code]Rule `json:"rules"`
}

// DefaultPolicy is PRODUCT.md's taxonomy, with MRZ_INVALID escalating to REVIEW from the second
// attempt.
func DefaultPolicy() Policy {
	p := Policy{Version: "default-1", Rules: map[Code]Rule{}}
	for code, e := range catalogue {
		p.Rules[code] = Rule{Disposition: e.Default}
	}
	p.Rules[MRZInvalid] = Rule{Disposition: Retry, EscalateAfter: 2, Escalate: Review}
	return p
}

// WithOverrides returns a copy of p with the given rules replacing the defaults.
func (p Policy) WithOverrides(version string, over map[Code]Rule) (Policy, error) {
	q := Policy{Version: version, Rules: make(map[Code]Rule, len(p.Rules))}
	for c, r := range p.Rules {
		q.Rules[c] = r
	}
	codes := make([]Code, 0, len(over))
	for c := range over {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i] < codes[j] })
	for _, c := range codes {
		r := over[c]
		if !c.Known() {
			return Policy{}, fmt.Errorf("policy %s: unknown reason code %q", version, c)
		}
		if !r.Disposition.Valid() || (r.Escalate != "" && !r.Escalate.Valid()) {
			return Policy{}, fmt.Errorf("policy %s: code %s: invalid disposition", version, c)
		}
		q.Rules[c] = r
	}
	if q.Version == "" {
		q.Version = p.Version
	}
	return q, nil
}

// Disposition returns the disposition of code for a step attempted attempt times (1 = first).
func (p Policy) Disposition(code Code, attempt int) Disposition {
	r, ok := p.Rules[code]
	if !ok {
		if e, ok := catalogue[code]; ok {
			return e.Default
		}
		return Review
	}
	if r.Escalate != "" && r.EscalateAfter > 0 && attempt >= r.EscalateAfter {
		return r.Escalate
	}
	return r.Disposition
}
