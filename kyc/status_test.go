package kyc

import "testing"

func TestNext(t *testing.T) {
	t.Parallel()
	ev := func(tr Trigger) Event { return Event{Trigger: tr} }
	checked := func(o Status) Event { return Event{Trigger: TrigChecked, Outcome: o} }
	tests := []struct {
		in   Status
		ev   Event
		want Status // "" = refused
	}{
		{NotStarted, ev(TrigDraftSaved), InProgress},
		{InProgress, ev(TrigDraftSaved), InProgress},
		{ActionRequired, ev(TrigDraftSaved), ActionRequired},
		{Approved, ev(TrigDraftSaved), Approved},
		{Pending, ev(TrigDraftSaved), ""},
		{InProgress, ev(TrigSubmitted), Pending},
		{ActionRequired, ev(TrigSubmitted), Pending},
		{NotStarted, ev(TrigSubmitted), ""},
		{Pending, ev(TrigSubmitted), ""},
		{Approved, ev(TrigSubmitted), ""},
		{InReview, ev(TrigSubmitted), ""},
		{Rejected, ev(TrigSubmitted), ""},
		{Pending, checked(Approved), Approved},
		{Pending, checked(ActionRequired), ActionRequired},
		{Pending, checked(InReview), InReview},
		{Pending, checked(Rejected), Rejected},
		{Pending, checked(Pending), Pending},
		{Pending, checked(NotStarted), ""},
		{InProgress, checked(Approved), ""},
		{Pending, ev(TrigEscalated), InReview},
		{Approved, ev(TrigEscalated), ""},
		{Rejected, ev(TrigAppealed), InReview},
		{ActionRequired, ev(TrigAppealed), InReview},
		{Approved, ev(TrigAppealed), ""},
		{Pending, ev(TrigAppealed), ""},
		{InReview, ev(TrigAppealed), ""},
		{InReview, ev(TrigReviewApproved), Approved},
		{InReview, ev(TrigReviewResubmit), ActionRequired},
		{InReview, ev(TrigReviewRejected), Rejected},
		{Pending, ev(TrigReviewApproved), ""},
		{Rejected, ev(TrigReviewApproved), ""},
		{Approved, ev(TrigReverify), ActionRequired},
		{InReview, ev(TrigReverify), ActionRequired},
		{ActionRequired, ev(TrigReverify), ActionRequired},
		{InProgress, ev(TrigReverify), InProgress},
		{Rejected, ev(TrigReverify), ""},
		{Pending, ev(TrigReverify), ""},
		{Pending, ev("bogus"), ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.in)+"/"+string(tt.ev.Trigger)+"/"+string(tt.ev.Outcome), func(t *testing.T) {
			t.Parallel()
			got, err := Next(tt.in, tt.ev)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("Next(%s, %v) = %s, want refusal", tt.in, tt.ev, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Next(%s, %v) = %s, %v; want %s", tt.in, tt.ev, got, err, tt.want)
			}
		})
	}
}

func TestOutcome(t *testing.T) {
	t.Parallel()
	r := func(d Disposition) Reason { return Reason{Code: ImgBlurry, Disposition: d} }
	tests := []struct {
		name    string
		reasons []Reason
		want    Status
	}{
		{"none", nil, Approved},
		{"retry", []Reason{r(Retry)}, ActionRequired},
		{"review", []Reason{r(Review)}, InReview},
		{"final", []Reason{r(Final)}, Rejected},
		{"retry beats review", []Reason{r(Review), r(Retry)}, ActionRequired},
		{"final beats all", []Reason{r(Retry), r(Review), r(Final)}, Rejected},
		{"system waits", []Reason{r(System), r(Review)}, Pending},
		{"retry beats system", []Reason{r(System), r(Retry)}, ActionRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Outcome(tt.reasons); got != tt.want {
				t.Fatalf("Outcome = %s, want %s", got, tt.want)
			}
		})
	}
}
