package kyc

import "fmt"

// Status is an applicant's status for one level.
type Status string

// Statuses of PRODUCT.md.
const (
	NotStarted     Status = "not_started"
	InProgress     Status = "in_progress"
	Pending        Status = "pending"
	Approved       Status = "approved"
	ActionRequired Status = "action_required"
	InReview       Status = "in_review"
	Rejected       Status = "rejected"
)

// Trigger is what happened to an applicant's level.
type Trigger string

// Triggers of the status machine.
const (
	TrigDraftSaved     Trigger = "draft_saved"     // a step's data or file was saved, not yet submitted
	TrigSubmitted      Trigger = "submitted"       // the applicant submitted the level's steps
	TrigChecked        Trigger = "checked"         // the automated checks finished (Outcome says how)
	TrigAppealed       Trigger = "appealed"        // the applicant appealed
	TrigReviewApproved Trigger = "review_approved" // a reviewer approved
	TrigReviewResubmit Trigger = "review_resubmit" // a reviewer asked for chosen steps again
	TrigReviewRejected Trigger = "review_rejected" // a reviewer rejected
	TrigReverify       Trigger = "reverify"        // profile changed or document expired after a decision
	TrigEscalated      Trigger = "escalated"       // a system retry gave up and a human takes over
)

// Event is one input of the status machine. Outcome is set for TrigChecked.
type Event struct {
	Trigger Trigger
	Outcome Status
}

// Outcome derives the status that a set of reasons leads to: any FINAL rejects; otherwise any
// RETRY asks the applicant to act (there is no point reviewing a photo that must be retaken); any
// REVIEW goes to a human; SYSTEM keeps the level pending while the job queue retries; none approves.
func Outcome(reasons []Reason) Status {
	var retry, review, system bool
	for _, r := range reasons {
		switch r.Disposition {
		case Final:
			return Rejected
		case Retry:
			retry = true
		case Review:
			review = true
		case System:
			system = true
		}
	}
	switch {
	case retry:
		return ActionRequired
	case system:
		return Pending
	case review:
		return InReview
	}
	return Approved
}

// Next is the status machine of PRODUCT.md: the status that follows from in after ev, or an error
// naming the transition that is not allowed. It is pure; the service calls it for every change.
func Next(in Status, ev Event) (Status, error) {
	switch ev.Trigger {
	case TrigDraftSaved:
		switch in {
		case NotStarted, InProgress:
			return InProgress, nil
		case ActionRequired, Approved, Rejected, InReview:
			// Fixing a step keeps the status until the resubmission; an approved applicant may
			// prepare the next level's steps without losing the approval.
			return in, nil
		}
	case TrigSubmitted:
		switch in {
		case InProgress, ActionRequired:
			return Pending, nil
		}
	case TrigChecked:
		if in != Pending {
			break
		}
		switch ev.Outcome {
		case Approved, ActionRequired, InReview, Rejected, Pending:
			return ev.Outcome, nil
		}
		return "", fmt.Errorf("kyc: checks cannot end in %q", ev.Outcome)
	case TrigEscalated:
		if in == Pending {
			return InReview, nil
		}
	case TrigAppealed:
		switch in {
		case Rejected, ActionRequired:
			return InReview, nil
		}
	case TrigReviewApproved:
		if in == InReview {
			return Approved, nil
		}
	case TrigReviewResubmit:
		if in == InReview {
			return ActionRequired, nil
		}
	case TrigReviewRejected:
		if in == InReview {
			return Rejected, nil
		}
	case TrigReverify:
		switch in {
		case Approved, InReview, ActionRequired:
			return ActionRequired, nil
		case NotStarted, InProgress:
			return in, nil
		}
	default:
		return "", fmt.Errorf("kyc: unknown trigger %q", ev.Trigger)
	}
	return "", &Error{Kind: KindConflict, Message: fmt.Sprintf("cannot %s while %s", ev.Trigger, in)}
}

// Statuses lists every status.
var Statuses = []Status{NotStarted, InProgress, Pending, Approved, ActionRequired, InReview, Rejected}
