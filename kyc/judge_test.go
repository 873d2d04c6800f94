package kyc

import (
	"testing"
	"time"
)

func TestJudge(t *testing.T) {
	t.Parallel()
	pol := DefaultPolicy()
	f := func(c Code, s Step) Finding { return Finding{Code: c, Step: s} }
	tests := []struct {
		name      string
		findings  []Finding
		attempts  map[Step]int
		submitted map[Step]bool
		escalated bool
		want      Status
		extra     Code
	}{
		{"clean", nil, nil, nil, false, Approved, ""},
		{"glare", []Finding{f(ImgGlare, StepIdentity)}, map[Step]int{StepIdentity: 1}, nil, false, ActionRequired, ""},
		{"mrz first", []Finding{f(MRZInvalid, StepIdentity)}, map[Step]int{StepIdentity: 1}, nil, false, ActionRequired, ""},
		{"mrz second escalates", []Finding{f(MRZInvalid, StepIdentity)}, map[Step]int{StepIdentity: 2}, nil, false, InReview, ""},
		{"last attempt", []Finding{f(ImgBlurry, StepIdentity)}, map[Step]int{StepIdentity: 5}, nil, false, Rejected, ResubmissionLimitReached},
		{"last attempt of a step not submitted", []Finding{f(FaceMismatch, StepSelfie), f(ImgBlurry, StepSelfie)}, map[Step]int{StepSelfie: 5}, map[Step]bool{StepIdentity: true}, false, ActionRequired, ""},
		{"system waits", []Finding{f(CheckUnavailable, StepIdentity)}, nil, nil, false, Pending, ""},
		{"system escalated", []Finding{f(CheckUnavailable, StepIdentity)}, nil, nil, true, InReview, ""},
		{"age final", []Finding{f(AgeBelowMinimum, StepIdentity), f(ImgGlare, StepIdentity)}, nil, nil, false, Rejected, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := Judge(pol, tt.findings, tt.attempts, tt.submitted, 5, tt.escalated)
			if j.Outcome != tt.want {
				t.Fatalf("outcome %s, want %s (%+v)", j.Outcome, tt.want, j.Reasons)
			}
			if tt.extra != "" {
				found := false
				for _, r := range j.Reasons {
					found = found || r.Code == tt.extra
				}
				if !found {
					t.Fatalf("missing %s in %+v", tt.extra, j.Reasons)
				}
			}
		})
	}
}

func TestDueDateSkipsWeekends(t *testing.T) {
	t.Parallel()
	fri := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	if got := DueDate(fri, 2); got.Weekday() != time.Tuesday {
		t.Fatalf("Friday + 2 business days = %s", got.Weekday())
	}
	sat := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	if got := DueDate(sat, 2); got.Weekday() != time.Tuesday {
		t.Fatalf("Saturday + 2 business days = %s", got.Weekday())
	}
}
