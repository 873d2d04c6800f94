package kyc

import "strings"

// Level is one verification tier: the steps it requires, the limits it unlocks, which documents it
// accepts and the policy that turns findings into dispositions. Levels are configured by the
// operator and ordered lowest first.
type Level struct {
	Name   string             `yaml:"name" json:"name"`
	Steps  []Step             `yaml:"steps" json:"steps"`
	Limits map[string]float64 `yaml:"limits" json:"limits,omitempty"`
	// Documents lists the accepted document types per issuing country (ISO3); "*" applies to
	// countries not listed. A country mapped to an empty list is refused.
	Documents     map[string][]DocType `yaml:"documents" json:"documents,omitempty"`
	MinAge        int                  `yaml:"min_age" json:"min_age,omitempty"`
	POAMaxAgeDays int                  `yaml:"poa_max_age_days" json:"poa_max_age_days,omitempty"`
	POATypes      []string             `yaml:"poa_types" json:"poa_types,omitempty"`
	Policy        LevelPolicy          `yaml:"policy" json:"policy"`
}

// LevelPolicy is how a level's configuration overrides the default dispositions.
type LevelPolicy struct {
	Version   string        `yaml:"version" json:"version"`
	Overrides map[Code]Rule `yaml:"overrides" json:"overrides,omitempty"`
}

// Requires reports whether the level includes step s.
func (l *Level) Requires(s Step) bool {
	for _, x := range l.Steps {
		if x == s {
			return true
		}
	}
	return false
}

// Accepted returns the document types accepted from country, and whether the country is
// accepted at all.
func (l *Level) Accepted(country string) ([]DocType, bool) {
	if t, ok := l.Documents[strings.ToUpper(country)]; ok {
		return t, len(t) > 0
	}
	t, ok := l.Documents["*"]
	return t, ok && len(t) > 0
}

// AcceptsDocument reports whether the level accepts documents of type t from country, with the
// code that refuses it otherwise.
func (l *Level) AcceptsDocument(t DocType, country string) (bool, Code) {
	types, ok := l.Accepted(country)
	if !ok {
		return false, DocCountryNotAccepted
	}
	for _, x := range types {
		if x == t {
			return true, ""
		}
	}
	return false, DocTypeNotAccepted
}

// CompiledPolicy returns the level's policy: the defaults with its overrides.
func (l *Level) CompiledPolicy() (Policy, error) {
	return DefaultPolicy().WithOverrides(l.Policy.Version, l.Policy.Overrides)
}
